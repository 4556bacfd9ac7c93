"""The built-in sample is one organization's export: completions, images and costs over the same 14 days."""

import json
from collections import Counter
from decimal import Decimal
from importlib import resources
from typing import Any

import pytest

from openapiopenai import UsageResponse, UsageResult
from openapiopenai.usage import combine_pages, iter_results, totals, totals_per_kind

KINDS = ("completions-usage", "images-usage", "costs")


def _pages(kind: str) -> list[UsageResponse[UsageResult]]:
    folder = resources.files("openapiopenai") / "data"
    return [UsageResponse[UsageResult].from_json((folder / f"{kind}-page-{n}.json").read_bytes()) for n in (1, 2)]


def _results(kind: str) -> list[Any]:
    return [row.result for row in iter_results(combine_pages(_pages(kind)))]


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_a_whole_listing_of_the_same_fourteen_days(kind: str) -> None:
    listing = combine_pages(_pages(kind))
    assert listing.complete
    assert [bucket.start_time for bucket in listing.buckets] == [1_730_419_200 + day * 86_400 for day in range(14)]


@pytest.mark.parametrize("kind", KINDS)
def test_each_page_is_one_kind_and_round_trips(kind: str) -> None:
    for page in _pages(kind):
        assert len({type(result) for bucket in page.data for result in bucket.results}) == 1
        assert UsageResponse[UsageResult].from_json(page.to_json()) == page


def test_the_same_projects_throughout() -> None:
    projects = {kind: {result.project_id for result in _results(kind)} for kind in KINDS}
    assert (
        projects["completions-usage"]
        == projects["images-usage"]
        == projects["costs"]
        == {
            "proj_q4TzL8wX",
            "proj_7KcHm3Ye",
        }
    )


def test_images_costs_count_the_images_used() -> None:
    used = Counter[tuple[str, str]]()
    for result in _results("images-usage"):
        used[(result.project_id, f"{result.model}, {result.size}")] += result.images
    billed = Counter[tuple[str, str]]()
    for result in _results("costs"):
        if result.quantity_unit == "images":
            billed[(result.project_id, result.line_item)] += result.quantity
    assert billed == used


def test_token_costs_count_the_tokens_used() -> None:
    used = Counter[tuple[str, str]]()
    for result in _results("completions-usage"):
        used[(result.project_id, f"{result.model}, output")] += result.output_tokens
        used[(result.project_id, f"{result.model}, cached input")] += result.input_cached_tokens
        used[(result.project_id, f"{result.model}, input")] += result.input_tokens - result.input_cached_tokens
    billed = Counter[tuple[str, str]]()
    for result in _results("costs"):
        if result.quantity_unit == "tokens":
            billed[(result.project_id, result.line_item)] += result.quantity
    assert billed == used


def test_the_totals_of_the_whole_export() -> None:
    everything = [page for kind in KINDS for page in _pages(kind)]
    per_kind = totals_per_kind(everything)
    assert list(per_kind) == ["completions", "images", "costs"]
    assert (per_kind["images"].images, per_kind["images"].num_model_requests) == (4930, 3778)
    assert per_kind["costs"].amounts == {"usd": Decimal("301.751184325")}
    assert per_kind["completions"].complete
    assert totals(_pages("completions-usage")).num_model_requests == 101_651


def test_the_costs_total_is_the_sum_of_the_numbers_as_written() -> None:
    folder = resources.files("openapiopenai") / "data"
    written = Decimal(0)
    for n in (1, 2):
        # Read each number straight from the text as a decimal, with no float in between.
        page = json.loads((folder / f"costs-page-{n}.json").read_text(encoding="utf-8"), parse_float=Decimal)
        written += sum(Decimal(r["amount"]["value"]) for b in page["data"] for r in b["results"])
    assert totals(_pages("costs")).amounts == {"usd": written}
