"""Plain pydantic: the same models and configuration without our base class and its helpers.

The difference between this and `bench_openapiopenai` is what `ApiModel` costs on top of
`model_validate_json` / `model_dump_json(exclude_unset=True)`.
"""

from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

IMPORT: Final = "import benchmarks.bench_pydantic"


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")


class UsageImagesResult(_Model):
    object: Literal["organization.usage.images.result"]
    images: int
    num_model_requests: int
    source: str | None = None
    size: str | None = None
    project_id: str | None = None
    user_id: str | None = None
    api_key_id: str | None = None
    model: str | None = None


class UsageTimeBucket(_Model):
    object: Literal["bucket"]
    start_time: int
    end_time: int
    results: list[UsageImagesResult]


class UsageResponse(_Model):
    object: Literal["page"]
    data: list[UsageTimeBucket]
    has_more: bool
    next_page: str | None


def decode_result(data: bytes) -> UsageImagesResult:
    return UsageImagesResult.model_validate_json(data)


def encode_result(obj: UsageImagesResult) -> str:
    return obj.model_dump_json(exclude_unset=True)


def decode_page(data: bytes) -> UsageResponse:
    return UsageResponse.model_validate_json(data)


def encode_page(obj: UsageResponse) -> str:
    return obj.model_dump_json(exclude_unset=True)


class UsageCompletionsResult(_Model):
    object: Literal["organization.usage.completions.result"]
    input_tokens: int
    input_cached_tokens: int | None = None
    input_cache_write_tokens: int | None = None
    input_uncached_tokens: int | None = None
    output_tokens: int
    input_text_tokens: int | None = None
    output_text_tokens: int | None = None
    input_cached_text_tokens: int | None = None
    input_audio_tokens: int | None = None
    input_cached_audio_tokens: int | None = None
    output_audio_tokens: int | None = None
    input_image_tokens: int | None = None
    input_cached_image_tokens: int | None = None
    output_image_tokens: int | None = None
    num_model_requests: int
    project_id: str | None = None
    user_id: str | None = None
    api_key_id: str | None = None
    model: str | None = None
    batch: bool | None = None
    service_tier: str | None = None


class UsageEmbeddingsResult(_Model):
    object: Literal["organization.usage.embeddings.result"]
    input_tokens: int
    num_model_requests: int
    project_id: str | None = None
    user_id: str | None = None
    api_key_id: str | None = None
    model: str | None = None


class CostsResultAmount(_Model):
    value: int | float | None = None
    currency: str | None = None


class CostsResult(_Model):
    object: Literal["organization.costs.result"]
    amount: CostsResultAmount | None = None
    line_item: str | None = None
    project_id: str | None = None
    api_key_id: str | None = None
    quantity: int | float | None = None
    quantity_unit: str | None = None


class CompletionsBucket(_Model):
    object: Literal["bucket"]
    start_time: int
    end_time: int
    results: list[UsageCompletionsResult]


class CompletionsPage(_Model):
    object: Literal["page"]
    data: list[CompletionsBucket]
    has_more: bool
    next_page: str | None


AnyResult = Annotated[
    UsageCompletionsResult | UsageEmbeddingsResult | UsageImagesResult | CostsResult, Field(discriminator="object")
]


class MixedBucket(_Model):
    object: Literal["bucket"]
    start_time: int
    end_time: int
    results: list[AnyResult]


class MixedPage(_Model):
    object: Literal["page"]
    data: list[MixedBucket]
    has_more: bool
    next_page: str | None


def decode_completions_page(data: bytes) -> CompletionsPage:
    return CompletionsPage.model_validate_json(data)


def decode_mixed_page(data: bytes) -> MixedPage:
    return MixedPage.model_validate_json(data)
