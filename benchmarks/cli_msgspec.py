"""msgspec: strict `Struct`s decoding each line of a JSON Lines export, then a dict of sums.

    python -m benchmarks.cli_msgspec KIND FILE BY

The same fields, required and nullable as this library's models: an optional counter the API
leaves out is `UNSET` and refuses `null`; types are strict (no "2" for 2). Unknown fields are skipped.
"""

import sys
from typing import Any, Generic, Literal, TypeVar

import msgspec

from benchmarks.cli_reference import tally, write_csv

_Group = str | None | msgspec.UnsetType
_Counter = int | msgspec.UnsetType
UNSET = msgspec.UNSET


class Images(msgspec.Struct):
    object: Literal["organization.usage.images.result"]
    images: int
    num_model_requests: int
    source: _Group = UNSET
    size: _Group = UNSET
    project_id: _Group = UNSET
    user_id: _Group = UNSET
    api_key_id: _Group = UNSET
    model: _Group = UNSET


class Completions(msgspec.Struct):
    object: Literal["organization.usage.completions.result"]
    input_tokens: int
    output_tokens: int
    num_model_requests: int
    input_cached_tokens: _Counter = UNSET
    input_cache_write_tokens: _Counter = UNSET
    input_uncached_tokens: _Counter = UNSET
    input_text_tokens: _Counter = UNSET
    output_text_tokens: _Counter = UNSET
    input_cached_text_tokens: _Counter = UNSET
    input_audio_tokens: _Counter = UNSET
    input_cached_audio_tokens: _Counter = UNSET
    output_audio_tokens: _Counter = UNSET
    input_image_tokens: _Counter = UNSET
    input_cached_image_tokens: _Counter = UNSET
    output_image_tokens: _Counter = UNSET
    project_id: _Group = UNSET
    user_id: _Group = UNSET
    api_key_id: _Group = UNSET
    model: _Group = UNSET
    batch: bool | msgspec.UnsetType | None = UNSET
    service_tier: _Group = UNSET


class Amount(msgspec.Struct):
    value: int | float | msgspec.UnsetType = UNSET
    currency: str | msgspec.UnsetType = UNSET


class Costs(msgspec.Struct):
    object: Literal["organization.costs.result"]
    amount: Amount | msgspec.UnsetType = UNSET
    line_item: _Group = UNSET
    project_id: _Group = UNSET
    api_key_id: _Group = UNSET
    quantity: int | float | msgspec.UnsetType | None = UNSET
    quantity_unit: _Group = UNSET


R = TypeVar("R")


class Bucket(msgspec.Struct, Generic[R]):
    object: Literal["bucket"]
    start_time: int
    end_time: int
    results: list[R]


class Page(msgspec.Struct, Generic[R]):
    object: Literal["page"]
    data: list[Bucket[R]]
    has_more: bool
    next_page: str | None


RESULTS: dict[str, Any] = {"images": Images, "completions": Completions, "costs": Costs}


def main() -> None:
    kind, path, by_text = sys.argv[1:4]
    by = by_text.split(",")
    decoder = msgspec.json.Decoder(Page[RESULTS[kind]])  # type: ignore[valid-type]
    with open(path, "rb") as file:
        pages = (decoder.decode(line) for line in file if line.strip())
        groups, currencies = tally(pages, kind, by, missing=UNSET)
    write_csv(by, kind, groups, currencies)


if __name__ == "__main__":
    main()
