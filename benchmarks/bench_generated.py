"""The openapi-generator 7.26.0 `python` models, generated from the spec when the benchmarks run.

The runner puts the generated package (renamed `generated_openapiopenai`) on the path of this
process. Its methods are called as a user of that SDK would: `from_json` and `to_json` on the
models; each result of a bucket is the generator's oneOf wrapper, which tries every result kind.
"""

from typing import Final

from generated_openapiopenai.models.usage_images_result import (  # type: ignore[import-not-found]
    UsageImagesResult,
)
from generated_openapiopenai.models.usage_response import UsageResponse  # type: ignore[import-not-found]

IMPORT: Final = "import generated_openapiopenai.models.usage_response"


def decode_result(data: bytes) -> UsageImagesResult:
    result = UsageImagesResult.from_json(data)
    if result is None:  # its from_json returns Optional[Self]
        raise ValueError("not a result")
    return result


def encode_result(obj: UsageImagesResult) -> str:
    return obj.to_json()  # type: ignore[no-any-return]


def decode_page(data: bytes) -> UsageResponse:
    page = UsageResponse.from_json(data)
    if page is None:
        raise ValueError("not a page")
    return page


def encode_page(obj: UsageResponse) -> str:
    return obj.to_json()  # type: ignore[no-any-return]
