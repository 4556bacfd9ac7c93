"""Checked by mypy --strict and pyright strict; also imported by the test suite so it runs."""

from datetime import datetime
from typing import Any, Literal

from typing_extensions import assert_type

from openapiopenai import UsageImagesResult, UsageResponse, UsageTimeBucket
from openapiopenai.models import ApiModel
from openapiopenai.usage import (
    GroupKey,
    TimedResult,
    Totals,
    UsageListing,
    combine_pages,
    iter_results,
    totals,
    totals_by,
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
    assert_type(rows[0].start, datetime)
    assert_type(rows[0].result, UsageImagesResult)
    assert_type(totals(row.result for row in rows), Totals)
    assert_type(totals_by([row.result for row in rows], "model", "size"), dict[GroupKey, Totals])
    listing = combine_pages([page])
    assert_type(listing, UsageListing[UsageImagesResult])
    assert_type(listing.buckets[0].results[0], UsageImagesResult)
