"""The commands note each document in the listing check with `Listings.register`: a page read in parts gives the same
listing, and the same results to count, as the page read whole, for every kind of document."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from openapiopenai import documents
from openapiopenai.cli._common import Listings
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


def _outcomes(tmp_path: Path, *, in_parts: bool) -> list[Loaded]:
    found: list[Loaded] = []
    for number, document in enumerate(_documents(random.Random("register"))):
        path = tmp_path / f"{number}.json"
        path.write_text(json.dumps(document, indent=2))
        for outcome in read_path(path, split_pages=in_parts):
            assert isinstance(outcome, Loaded)
            found.append(outcome)
    return found


@pytest.mark.parametrize("only", [None, "images", "completions", "vector_stores"])
@pytest.mark.parametrize(("since", "until"), [(None, None), (FIRST + DAY, None)])
def test_a_page_in_parts_is_noted_as_the_page_read_whole(
    only: KindName | None, since: int | None, until: int | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = _outcomes(tmp_path, in_parts=False)
    monkeypatch.setattr(documents, "SPLIT_BYTES", 200)  # pages of a few hundred bytes come in parts of a few buckets
    monkeypatch.setattr(documents, "_RUN_BYTES", 300)
    parts = _outcomes(tmp_path, in_parts=True)
    assert len(parts) > len(whole)
    checks = {"whole": ListingCheck(since, until), "parts": ListingCheck(since, until)}
    counted: dict[str, list[Any]] = {}
    for name, outcomes in (("whole", whole), ("parts", parts)):
        listings = Listings(checks[name], only)
        counted[name] = [found for outcome in outcomes for found in listings.register(outcome)]
    assert counted["parts"] == counted["whole"]
    assert any(isinstance(item, UsageTimeBucket) for _, item, _ in counted["whole"])
    quick, slow = checks["parts"], checks["whole"]
    for kind in [*KIND_NAMES, "no results"]:
        assert quick.report(kind, include_unknown=True) == slow.report(kind, include_unknown=True)
    assert (quick.pages, quick.kinds, quick.unknown()) == (slow.pages, slow.kinds, slow.unknown())


def test_each_bucket_is_counted_under_the_kinds_of_its_results(tmp_path: Path) -> None:
    check = ListingCheck()
    listings = Listings(check, None)
    found = {
        (outcome.source.rsplit("/", 1)[-1], path): kinds
        for outcome in _outcomes(tmp_path, in_parts=False)
        for path, _, kinds in listings.register(outcome)
    }
    assert found[("0.json", "data.1")] == {"images": 0}  # empty: the kind of the rest of its page
    assert found[("3.json", "data.1")] == {"images": 1, "completions": 1}
    assert found[("5.json", "data.0")] == {None: 0}  # no results on its page: of no known kind
    assert found[("7.json", "1.data.0")] == {"completions": 1}
    assert found[("9.json", "")] == {"images": 1}  # a result on its own
    assert check.unknown() == [str(tmp_path / "5.json")]
