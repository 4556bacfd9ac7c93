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


_result_decoder: Final = msgspec.json.Decoder(UsageImagesResult)
_page_decoder: Final = msgspec.json.Decoder(UsageResponse)
_encoder: Final = msgspec.json.Encoder()


def decode_result(data: bytes) -> UsageImagesResult:
    return _result_decoder.decode(data)


def encode_result(obj: UsageImagesResult) -> bytes:
    return _encoder.encode(obj)


def decode_page(data: bytes) -> UsageResponse:
    return _page_decoder.decode(data)


def encode_page(obj: UsageResponse) -> bytes:
    return _encoder.encode(obj)
