"""Every way to total the same page means the same: empty buckets, levels and missing counters alike."""

from __future__ import annotations

import json
import pickle
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import pytest

from openapiopenai import KINDS, UsageResponse, UsageResult
from openapiopenai.models import KIND_NAMES, KindName
from openapiopenai.usage import COUNTERS, LEVELS, Totals, UsageSummary, UsageTally, totals, totals_per_kind

from openapi_spec import response_example
from test_cli import run

DAY = 86_400
NOV_1 = 1_730_419_200


def page_of(kind: KindName) -> UsageResponse[UsageResult]:
    """Four daily buckets: two results (one lacking an optional field), none, one, and none (the latest)."""
    whole = json.loads(response_example(KINDS[kind].path))["data"][0]["results"][0]
    model = KINDS[kind].model
    optional = [
        name
        for name in (*COUNTERS[kind], *LEVELS.get(kind, ()), "amount")
        if name in model.model_fields and not model.model_fields[name].is_required()
    ]
    lacking = {name: value for name, value in whole.items() if name not in optional[-1:]}
    results: list[list[dict[str, Any]]] = [[whole, lacking], [], [whole], []]
    data = [
        {"object": "bucket", "start_time": NOV_1 + day * DAY, "end_time": NOV_1 + (day + 1) * DAY, "results": some}
        for day, some in enumerate(results)
    ]
    return UsageResponse[UsageResult].from_dict({"object": "page", "data": data, "has_more": False, "next_page": None})


def tallied(kind: KindName, page: UsageResponse[UsageResult]) -> list[Totals]:
    """The page's totals through each way the library offers."""
    whole = UsageTally(kind=kind)
    whole.add(page)
    by_bucket = UsageTally(kind=kind)
    for bucket in page.data:
        by_bucket.add_bucket(bucket)
    by_results = UsageTally(kind=kind)
    for bucket in page.data:
        by_results.add_results(bucket.results, bucket.start_time)
    summary = UsageSummary(by=())
    summary.add(page)
    pages = UsageSummary()
    pages.add_page(page)
    return [
        totals(page),
        totals_per_kind(page)[kind],
        whole.total,
        by_bucket.total,
        by_results.total,
        summary.totals()[kind],
        pages.totals()[kind],
    ]


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_every_way_to_total_a_page_agrees(kind: KindName) -> None:
    page = page_of(kind)
    found = tallied(kind, page)
    assert all(repr(one) == repr(found[0]) for one in found), found
    assert found[1:] == found[:-1]
    if LEVELS.get(kind):
        level = found[0].levels["usage_bytes"]
        assert (level.latest, level.peak) == (0, 2 * page.data[0].results[0].usage_bytes)  # type: ignore[union-attr]


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_the_totals_of_a_tally_and_of_its_groups_pickle(kind: KindName) -> None:
    tally = UsageTally(KINDS[kind].group_by, per_bucket=True, kind=kind, quantities=True)
    tally.add(page_of(kind))
    made = [tally.total, *tally.groups()]
    again = pickle.loads(pickle.dumps(made))
    assert again == made
    # Read-only after the round trip too.
    views = [group.quantities for group in again[1:]]
    views += [
        level.by_bucket
        for totals in (again[0], *(group.totals for group in again[1:]))
        for level in totals.levels.values()
    ]
    assert all(isinstance(view, MappingProxyType) for view in views)


@pytest.mark.parametrize("every", [None, "bucket", "day", "month"])
@pytest.mark.parametrize("kind", KIND_NAMES)
def test_the_command_line_totals_what_the_library_does(kind: KindName, every: str | None) -> None:
    page = page_of(kind)
    expected = totals(page)
    options = ["--every", every] if every else []
    ran = run("summarize", "-", "--by", "none", "--format", "json", *options, stdin=page.to_json().encode())
    assert ran.status == 0, ran.stderr
    rows = json.loads(ran.stdout, parse_float=Decimal)
    if every in ("bucket", "day"):
        # One row per day, the latest for the empty last bucket: nothing counted, nothing stored.
        assert len(rows) == 4
        assert all(rows[-1][name] == 0 for name in (*COUNTERS[kind], *(f"{n}_latest" for n in LEVELS.get(kind, ()))))
        return
    [row] = rows  # the whole page, or its one month
    assert {name: row[name] for name in COUNTERS[kind]} == dict(expected.counts)
    for name, level in expected.levels.items():
        assert (row[f"{name}_latest"], row[f"{name}_peak"]) == (level.latest, level.peak)
    money = {name.removeprefix("amount_"): value for name, value in row.items() if name.startswith("amount_")}
    assert money == dict(expected.amounts)
