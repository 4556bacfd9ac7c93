"""The commands note a usual page in the listing check in one step (`register_page`): the same listing,
and the same results to count, as noting it bucket by bucket (`register`), for every kind of document."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from openapiopenai import documents
from openapiopenai.cli._common import register, register_page
from openapiopenai.documents import Loaded, read_path
from openapiopenai.listing import ListingCheck
from openapiopenai.models import KIND_NAMES, KindName, UsageTimeBucket

from model_helpers import generated_result

DAY = 86_400
FIRST = 1_730_419_200  # 2024-11-01


def _bucket(index: int, kinds: list[KindName], rng: random.Random) -> dict[str, Any]:
    start = FIRST + index * DAY
    results = [generated_result(kind, rng) for kind in kinds]
    return {"object": "bucket", "start_time": start, "end_time": start + DAY, "results": results}


def _page(first: int, kinds: list[list[KindName]], rng: random.Random, *, more: bool = False) -> dict[str, Any]:
    data = [_bucket(first + index, in_bucket, rng) for index, in_bucket in enumerate(kinds)]
    return {"object": "page", "data": data, "has_more": more, "next_page": "next" if more else None}


def _documents(rng: random.Random) -> list[Any]:
    """Pages of one kind (with empty buckets), of mixed kinds, of no results, and other documents."""
    images, completions, stores = "images", "completions", "vector_stores"
    return [
        _page(0, [[images, images], [], [images]], rng, more=True),
        _page(3, [[images]] * 4, rng),
        _page(0, [[completions] * 3, [completions]], rng),
        _page(2, [[completions], [images, completions]], rng),  # mixed in one bucket
        _page(4, [[stores], [stores, stores]], rng),
        _page(9, [[], []], rng),  # no results: of no known kind
        _page(11, [], rng),
        [_page(20, [[images]], rng), _page(21, [[completions]], rng)],  # an array of pages
        _bucket(30, [images], rng),
        generated_result("images", rng),
    ]


def _outcomes(tmp_path: Path) -> list[Loaded]:
    found: list[Loaded] = []
    for number, document in enumerate(_documents(random.Random("register"))):
        path = tmp_path / f"{number}.json"
        path.write_text(json.dumps(document, indent=2))
        for outcome in read_path(path, split_pages=True):
            assert isinstance(outcome, Loaded)
            found.append(outcome)
    return found


@pytest.fixture(params=[False, True], ids=["whole", "in parts"])
def pages_in_parts(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    if request.param:  # pages of a few hundred bytes come in parts of a few buckets
        monkeypatch.setattr(documents, "SPLIT_BYTES", 200)
        monkeypatch.setattr(documents, "_RUN_BYTES", 300)
    return bool(request.param)


@pytest.mark.parametrize("only", [None, "images", "completions", "vector_stores"])
@pytest.mark.parametrize(("since", "until"), [(None, None), (FIRST + DAY, None)])
def test_a_page_noted_in_one_step_as_bucket_by_bucket(
    only: KindName | None, since: int | None, until: int | None, pages_in_parts: bool, tmp_path: Path
) -> None:
    outcomes = _outcomes(tmp_path)
    assert any(outcome.part is not None for outcome in outcomes) == pages_in_parts
    quick, slow = ListingCheck(since, until), ListingCheck(since, until)
    taken = 0
    for outcome in outcomes:
        counted = [(item, kinds) for _, item, kinds in register(outcome, slow, only)]
        found = register_page(outcome, quick, only)
        if found is None:
            list(register(outcome, quick, only))
            continue
        taken += 1
        kind, results = found
        assert all(kinds == (kind,) for _, kinds in counted)
        expected = [result for item, _ in counted if isinstance(item, UsageTimeBucket) for result in item.results]
        assert list(map(id, results)) == list(map(id, expected))  # every result of the page, in order
    assert (taken > 0) == (since is None)  # never with a period asked for
    for kind in [*KIND_NAMES, "no results"]:
        assert quick.report(kind, include_unknown=True) == slow.report(kind, include_unknown=True)
    assert (quick.pages, quick.kinds, quick.unknown()) == (slow.pages, slow.kinds, slow.unknown())
