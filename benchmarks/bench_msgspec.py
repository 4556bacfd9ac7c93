"""msgspec `Struct`s with the same fields: about as fast as JSON can become Python objects.

An optional group-by field defaults to `msgspec.UNSET`, so a decoded struct tells an absent
field (`UNSET`) from an explicit `null` (`None`), and the encoder never writes an `UNSET`
field: absent stays absent and null stays null without `omit_defaults`. Unknown fields are
skipped (msgspec's default), so unlike the other implementations they do not survive a round trip.
"""

from typing import Final, Literal

import msgspec

IMPORT: Final = "import benchmarks.bench_msgspec"

_GroupBy = str | None | msgspec.UnsetType


class UsageImagesResult(msgspec.Struct):
    object: Literal["organization.usage.images.result"]
    images: int
    num_model_requests: int
    source: _GroupBy = msgspec.UNSET
    size: _GroupBy = msgspec.UNSET
    project_id: _GroupBy = msgspec.UNSET
    user_id: _GroupBy = msgspec.UNSET
    api_key_id: _GroupBy = msgspec.UNSET
    model: _GroupBy = msgspec.UNSET


class UsageTimeBucket(msgspec.Struct):
    object: Literal["bucket"]
    start_time: int
    end_time: int
    results: list[UsageImagesResult]


class UsageResponse(msgspec.Struct):
    object: Literal["page"]
    data: list[UsageTimeBucket]
    has_more: bool
    next_page: str | None


_Count = int | msgspec.UnsetType
_Number = int | float | None | msgspec.UnsetType


class UsageCompletionsResult(msgspec.Struct, tag_field="object", tag="organization.usage.completions.result"):
    input_tokens: int
    output_tokens: int
    num_model_requests: int
    input_cached_tokens: _Count = msgspec.UNSET
    input_cache_write_tokens: _Count = msgspec.UNSET
    input_uncached_tokens: _Count = msgspec.UNSET
    input_text_tokens: _Count = msgspec.UNSET
    output_text_tokens: _Count = msgspec.UNSET
    input_cached_text_tokens: _Count = msgspec.UNSET
    input_audio_tokens: _Count = msgspec.UNSET
    input_cached_audio_tokens: _Count = msgspec.UNSET
    output_audio_tokens: _Count = msgspec.UNSET
    input_image_tokens: _Count = msgspec.UNSET
    input_cached_image_tokens: _Count = msgspec.UNSET
    output_image_tokens: _Count = msgspec.UNSET
    project_id: _GroupBy = msgspec.UNSET
    user_id: _GroupBy = msgspec.UNSET
    api_key_id: _GroupBy = msgspec.UNSET
    model: _GroupBy = msgspec.UNSET
    batch: bool | msgspec.UnsetType | None = msgspec.UNSET
    service_tier: _GroupBy = msgspec.UNSET


class TaggedImagesResult(msgspec.Struct, tag_field="object", tag="organization.usage.images.result"):
    images: int
    num_model_requests: int
    source: _GroupBy = msgspec.UNSET
    size: _GroupBy = msgspec.UNSET
    project_id: _GroupBy = msgspec.UNSET
    user_id: _GroupBy = msgspec.UNSET
    api_key_id: _GroupBy = msgspec.UNSET
    model: _GroupBy = msgspec.UNSET


class UsageEmbeddingsResult(msgspec.Struct, tag_field="object", tag="organization.usage.embeddings.result"):
    input_tokens: int
    num_model_requests: int
    project_id: _GroupBy = msgspec.UNSET
    user_id: _GroupBy = msgspec.UNSET
    api_key_id: _GroupBy = msgspec.UNSET
    model: _GroupBy = msgspec.UNSET


class CostsResultAmount(msgspec.Struct):
    value: int | float | msgspec.UnsetType = msgspec.UNSET
    currency: str | msgspec.UnsetType = msgspec.UNSET


class CostsResult(msgspec.Struct, tag_field="object", tag="organization.costs.result"):
    amount: CostsResultAmount | msgspec.UnsetType = msgspec.UNSET
    line_item: _GroupBy = msgspec.UNSET
    project_id: _GroupBy = msgspec.UNSET
    api_key_id: _GroupBy = msgspec.UNSET
    quantity: _Number = msgspec.UNSET
    quantity_unit: _GroupBy = msgspec.UNSET


class CompletionsBucket(msgspec.Struct):
    object: Literal["bucket"]
    start_time: int
    end_time: int
    results: list[UsageCompletionsResult]


class CompletionsPage(msgspec.Struct):
    object: Literal["page"]
    data: list[CompletionsBucket]
    has_more: bool
    next_page: str | None


class MixedBucket(msgspec.Struct):
    object: Literal["bucket"]
    start_time: int
    end_time: int
    results: list[UsageCompletionsResult | TaggedImagesResult | CostsResult | UsageEmbeddingsResult]


class MixedPage(msgspec.Struct):
    object: Literal["page"]
    data: list[MixedBucket]
    has_more: bool
    next_page: str | None


_result_decoder: Final = msgspec.json.Decoder(UsageImagesResult)
_page_decoder: Final = msgspec.json.Decoder(UsageResponse)
_encoder: Final = msgspec.json.Encoder()
_completions_decoder: Final = msgspec.json.Decoder(CompletionsPage)
_mixed_decoder: Final = msgspec.json.Decoder(MixedPage)


def decode_result(data: bytes) -> UsageImagesResult:
    return _result_decoder.decode(data)


def encode_result(obj: UsageImagesResult) -> bytes:
    return _encoder.encode(obj)


def decode_page(data: bytes) -> UsageResponse:
    return _page_decoder.decode(data)


def encode_page(obj: UsageResponse) -> bytes:
    return _encoder.encode(obj)


def decode_completions_page(data: bytes) -> CompletionsPage:
    return _completions_decoder.decode(data)


def decode_mixed_page(data: bytes) -> MixedPage:
    return _mixed_decoder.decode(data)
