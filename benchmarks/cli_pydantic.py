"""Plain pydantic: `model_validate_json` per line of a JSON Lines export, then a dict of sums.

    python -m benchmarks.cli_pydantic KIND FILE BY

Strict models with the same fields, required and nullable as this library's (an optional counter
the API leaves out is `None` when absent but refuses `null`), unknown fields kept. Like the library
(and msgspec), it refuses `NaN` and `Infinity`, which are not JSON: pydantic's parser reads them,
and a later duplicate key can hide one from validation, so a line that holds either word is parsed
again with them refused. The words are looked for as the library looks for them.
"""

import re
import sys
from collections.abc import Iterator
from typing import IO, Any, Generic, Literal, TypeVar

import pydantic_core
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


_NAN = re.compile(b"NaN").search
_INFINITY = re.compile(b"Infinity").search


def _pages(page_model: type[Page[Any]], file: IO[bytes]) -> Iterator[Page[Any]]:
    for line in file:
        if line.strip():
            page = page_model.model_validate_json(line)
            if _NAN(line) or _INFINITY(line):
                pydantic_core.from_json(line, allow_inf_nan=False)  # raises ValueError for the words as numbers
            yield page


def main() -> None:
    kind, path, by_text = sys.argv[1:4]
    by = by_text.split(",")
    with open(path, "rb") as file:
        groups, currencies = tally(_pages(PAGES[kind], file), kind, by, missing=None)
    write_csv(by, kind, groups, currencies)


if __name__ == "__main__":
    main()
