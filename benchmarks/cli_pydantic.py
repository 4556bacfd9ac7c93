"""Plain pydantic: `model_validate_json` per line of a JSON Lines export, then a dict of sums.

    python -m benchmarks.cli_pydantic KIND FILE BY

Strict models with the same fields, required and nullable as this library's (an optional counter
the API leaves out is `None` when absent but refuses `null`), unknown fields kept.
"""

import sys
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from benchmarks.cli_reference import tally, write_csv


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")


class Images(_Model):
    object: Literal["organization.usage.images.result"]
    images: int
    num_model_requests: int
    source: str | None = None
    size: str | None = None
    project_id: str | None = None
    user_id: str | None = None
    api_key_id: str | None = None
    model: str | None = None


# Defaults are not validated: an absent counter is None, an explicit null is refused.
class Completions(_Model):
    object: Literal["organization.usage.completions.result"]
    input_tokens: int
    input_cached_tokens: int = None  # type: ignore[assignment]
    input_cache_write_tokens: int = None  # type: ignore[assignment]
    input_uncached_tokens: int = None  # type: ignore[assignment]
    output_tokens: int
    input_text_tokens: int = None  # type: ignore[assignment]
    output_text_tokens: int = None  # type: ignore[assignment]
    input_cached_text_tokens: int = None  # type: ignore[assignment]
    input_audio_tokens: int = None  # type: ignore[assignment]
    input_cached_audio_tokens: int = None  # type: ignore[assignment]
    output_audio_tokens: int = None  # type: ignore[assignment]
    input_image_tokens: int = None  # type: ignore[assignment]
    input_cached_image_tokens: int = None  # type: ignore[assignment]
    output_image_tokens: int = None  # type: ignore[assignment]
    num_model_requests: int
    project_id: str | None = None
    user_id: str | None = None
    api_key_id: str | None = None
    model: str | None = None
    batch: bool | None = None
    service_tier: str | None = None


class Amount(_Model):
    value: int | float = None  # type: ignore[assignment]
    currency: str = None  # type: ignore[assignment]


class Costs(_Model):
    object: Literal["organization.costs.result"]
    amount: Amount = None  # type: ignore[assignment]
    line_item: str | None = None
    project_id: str | None = None
    api_key_id: str | None = None
    quantity: int | float | None = None
    quantity_unit: str | None = None


R = TypeVar("R", bound=BaseModel)


class Bucket(_Model, Generic[R]):
    object: Literal["bucket"]
    start_time: int
    end_time: int
    results: list[R]


class Page(_Model, Generic[R]):
    object: Literal["page"]
    data: list[Bucket[R]]
    has_more: bool
    next_page: str | None


PAGES: dict[str, type[Page[Any]]] = {"images": Page[Images], "completions": Page[Completions], "costs": Page[Costs]}


def main() -> None:
    kind, path, by_text = sys.argv[1:4]
    by = by_text.split(",")
    page_model = PAGES[kind]
    with open(path, "rb") as file:
        pages = (page_model.model_validate_json(line) for line in file if line.strip())
        groups, currencies = tally(pages, kind, by, missing=None)
    write_csv(by, kind, groups, currencies)


if __name__ == "__main__":
    main()
