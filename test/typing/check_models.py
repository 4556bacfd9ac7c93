"""Checked by mypy --strict and pyright strict; also imported by the test suite so it runs."""
# pyright: reportUnnecessaryTypeIgnoreComment=true

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from typing_extensions import assert_type

from openapiopenai import (
    KINDS,
    CostsResult,
    CostsResultAmount,
    ResultKind,
    UsageCompletionsResult,
    UsageImagesResult,
    UsageResponse,
    UsageResult,
    UsageTimeBucket,
)
from openapiopenai.models import ApiModel, GroupBy, KindName
from openapiopenai.usage import (
    GroupKey,
    TimedResult,
    Totals,
    UsageListing,
    UsageSummary,
    UsageTally,
    combine_pages,
    iter_results,
    to_records,
    totals,
    totals_by,
    totals_per_kind,
)

RESULT = '{"object":"organization.usage.images.result","images":2,"num_model_requests":1}'
BUCKET = '{"object":"bucket","start_time":0,"end_time":86400,"results":[' + RESULT + "]}"
PAGE = '{"object":"page","data":[' + BUCKET + '],"has_more":false,"next_page":null}'
EMBEDDINGS_PAGE = PAGE.replace(
    RESULT, '{"object":"organization.usage.embeddings.result","input_tokens":5,"num_model_requests":1}'
)


class UsageEmbeddingsResult(ApiModel):
    object: Literal["organization.usage.embeddings.result"]
    input_tokens: int
    num_model_requests: int


def check_result() -> None:
    result = UsageImagesResult.from_json(RESULT)
    assert_type(result, UsageImagesResult)
    assert_type(UsageImagesResult.from_json(RESULT.encode()), UsageImagesResult)
    assert_type(result.images, int)
    assert_type(result.model, str | None)
    assert_type(result.object, Literal["organization.usage.images.result"])
    assert_type(result.to_dict(), dict[str, Any])
    assert_type(result.to_json(), str)
    assert_type(result.to_json(indent=2), str)
    assert_type(result.to_str(), str)


def check_from_dict(maybe: dict[str, Any] | None = None) -> None:
    document: dict[str, Any] = {"object": "organization.usage.images.result", "images": 1, "num_model_requests": 1}
    assert_type(UsageImagesResult.from_dict(document), UsageImagesResult)
    assert_type(UsageImagesResult.from_dict(None), None)
    assert_type(UsageImagesResult.from_dict(maybe), UsageImagesResult | None)
    result = UsageImagesResult.from_dict(document)
    assert_type(UsageImagesResult.from_dict(result), UsageImagesResult)


def check_generic_containers() -> None:
    page = UsageResponse.from_json(PAGE)
    assert_type(page, UsageResponse[UsageImagesResult])
    assert_type(page.data[0], UsageTimeBucket[UsageImagesResult])
    assert_type(page.data[0].results[0], UsageImagesResult)
    assert_type(page.next_page, str | None)
    assert_type(page.has_more, bool)

    explicit = UsageResponse[UsageImagesResult].from_json(PAGE)
    assert_type(explicit.data[0].results[0], UsageImagesResult)

    bucket = UsageTimeBucket.from_json(BUCKET)
    assert_type(bucket.results, list[UsageImagesResult])

    embeddings = UsageResponse[UsageEmbeddingsResult].from_json(EMBEDDINGS_PAGE)
    assert_type(embeddings.data[0].results[0], UsageEmbeddingsResult)
    assert_type(embeddings.data[0].results[0].input_tokens, int)


def check_usage() -> None:
    page = UsageResponse.from_json(PAGE)
    rows = list(iter_results(page.data))
    assert_type(rows, list[TimedResult[UsageImagesResult]])
    assert_type(next(iter_results(page)), TimedResult[UsageImagesResult])
    assert_type(next(iter_results(combine_pages([page]))), TimedResult[UsageImagesResult])
    assert_type(next(iter_results(page.data[0])), TimedResult[UsageImagesResult])
    assert_type(rows[0].start, datetime)
    assert_type(rows[0].result, UsageImagesResult)
    assert_type(totals(row.result for row in rows), Totals)
    assert_type(totals_by([row.result for row in rows], "model", "size"), dict[GroupKey, Totals])
    listing = combine_pages([page])
    assert_type(listing, UsageListing[UsageImagesResult])
    assert_type(listing.buckets[0].results[0], UsageImagesResult)


COMPLETIONS_PAGE = PAGE.replace(
    RESULT,
    '{"object":"organization.usage.completions.result","input_tokens":5,"output_tokens":2,"num_model_requests":1}',
)
COSTS_RESULT = '{"object":"organization.costs.result","amount":{"value":0.06,"currency":"usd"}}'


def check_every_kind() -> None:
    page = UsageResponse[UsageCompletionsResult].from_json(COMPLETIONS_PAGE)
    result = page.data[0].results[0]
    assert_type(result, UsageCompletionsResult)
    assert_type(result.input_tokens, int)
    assert_type(result.input_cached_tokens, int | None)
    assert_type(result.batch, bool | None)
    assert_type(result.object, Literal["organization.usage.completions.result"])

    costs = CostsResult.from_json(COSTS_RESULT)
    assert costs.amount is not None
    assert_type(costs.amount, CostsResultAmount)
    assert_type(costs.amount.value, int | float | None)
    assert_type(costs.quantity_unit, str | None)


def describe(result: UsageResult) -> str:
    """The union narrows by isinstance."""
    if isinstance(result, UsageCompletionsResult):
        assert_type(result, UsageCompletionsResult)
        return f"{result.input_tokens} tokens"
    if isinstance(result, CostsResult):
        assert_type(result, CostsResult)
        return "a cost"
    return result.object


def describe_by_match(result: UsageResult) -> str:
    """The union narrows by match on the class."""
    match result:
        case UsageCompletionsResult(input_tokens=tokens):
            assert_type(tokens, int)
            return f"{tokens} tokens"
        case UsageImagesResult():
            assert_type(result, UsageImagesResult)
            return f"{result.images} images"
        case CostsResult(amount=amount):
            assert_type(amount, CostsResultAmount | None)
            return "a cost"
        case _:
            return result.object


def check_union() -> None:
    mixed = UsageResponse[UsageResult].from_json(COMPLETIONS_PAGE)
    result = mixed.data[0].results[0]
    assert describe(result) == describe_by_match(result) == "5 tokens"
    assert describe_by_match(UsageImagesResult.from_json(RESULT)) == "2 images"
    kind: KindName = "costs"
    assert_type(KINDS[kind], ResultKind)
    assert_type(KINDS[kind].group_by, tuple[GroupBy, ...])


def check_totals_of_every_kind() -> None:
    page = UsageResponse[UsageResult].from_json(COMPLETIONS_PAGE)
    assert_type(totals(page), Totals)
    assert_type(totals(page).counts["input_tokens"], int)
    assert_type(totals(page).amounts, Mapping[str, Decimal])
    assert_type(totals_per_kind(page), dict[KindName, Totals])
    assert_type(to_records(page), list[dict[str, Any]])
    summary = UsageSummary()
    summary.add(page)
    assert_type(summary["completions"], UsageTally)
    assert_type(summary.kinds, list[KindName])
    assert_type(sum([totals(page), totals(page)]), Totals | Literal[0])


def check_totals_counters_by_name() -> None:
    images = totals(UsageResponse[UsageImagesResult].from_json(PAGE))
    assert_type(images.counts["images"], int)
    # A counter is read by name from `counts`; as an attribute it is no name the type checkers know.
    try:
        misspelt = images.imagess  # type: ignore[attr-defined]
    except AttributeError:
        misspelt = None
    assert misspelt is None
