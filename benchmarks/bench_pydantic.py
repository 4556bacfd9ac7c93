"""Plain pydantic: the same models and configuration without our base class and its helpers.

The difference between this and `bench_openapiopenai` is what `ApiModel` costs on top of
`model_validate_json` / `model_dump_json(exclude_unset=True)`.
"""

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict

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
