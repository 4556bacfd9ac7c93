"""This library, used the documented way: the models' `from_json` and `to_json`."""

from typing import Final

from openapiopenai import UsageCompletionsResult, UsageImagesResult, UsageResponse, UsageResult

IMPORT: Final = "import openapiopenai"


def decode_result(data: bytes) -> UsageImagesResult:
    return UsageImagesResult.from_json(data)


def encode_result(obj: UsageImagesResult) -> str:
    return obj.to_json()


def decode_page(data: bytes) -> UsageResponse:
    return UsageResponse.from_json(data)


def encode_page(obj: UsageResponse) -> str:
    return obj.to_json()


def decode_completions_page(data: bytes) -> UsageResponse[UsageCompletionsResult]:
    return UsageResponse[UsageCompletionsResult].from_json(data)


def decode_mixed_page(data: bytes) -> UsageResponse[UsageResult]:
    return UsageResponse[UsageResult].from_json(data)
