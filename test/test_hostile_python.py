"""Hostile Python input: from_dict takes only JSON-shaped data, from_json only text or bytes."""

import decimal
import json
from collections import OrderedDict
from typing import Any

import pytest
from pydantic import ValidationError

from openapiopenai import UsageImagesResult, UsageTimeBucket

RESULT: dict[str, Any] = {"object": "organization.usage.images.result", "images": 2, "num_model_requests": 2}


def error_pairs(error: ValidationError) -> list[tuple[str, tuple[str | int, ...]]]:
    return [(detail["type"], detail["loc"]) for detail in error.errors()]


@pytest.mark.parametrize(
    "value",
    [[], "{}", b"{}", 2, 2.5, True, (), {"object"}, object()],
    ids=["list", "str", "bytes", "int", "float", "bool", "tuple", "set", "object"],
)
def test_from_dict_of_something_not_a_mapping_is_a_model_type_error(value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        UsageImagesResult.from_dict(value)
    assert error_pairs(caught.value) == [("model_type", ())]


def test_from_dict_of_a_mapping_with_a_key_not_a_string_is_an_invalid_key() -> None:
    with pytest.raises(ValidationError) as caught:
        UsageImagesResult.from_dict({**RESULT, 1: "one"})
    assert error_pairs(caught.value) == [("invalid_key", (1,))]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ((1, 2), "json_value"),
        ({1, 2}, "json_value"),
        (b"bytes", "json_value"),
        (decimal.Decimal("1.5"), "json_value"),
        (1 + 2j, "json_value"),
        ({"inner": object()}, "json_value"),
        ({1: "one"}, "json_key"),
        ({("a",): "tuple"}, "json_key"),
        (float("nan"), "finite_number"),
        (float("inf"), "finite_number"),
        ([float("-inf")], "finite_number"),
        (10**4300, "int_digits"),
    ],
    ids=[
        "tuple",
        "set",
        "bytes",
        "decimal",
        "complex",
        "nested_object",
        "int_key",
        "tuple_key",
        "nan",
        "infinity",
        "nested_negative_infinity",
        "huge_int",
    ],
)
def test_from_dict_refuses_an_unknown_value_json_cannot_carry(value: Any, expected: str) -> None:
    with pytest.raises(ValidationError) as caught:
        UsageTimeBucket.from_dict(
            {"object": "bucket", "start_time": 0, "end_time": 1, "results": [{**RESULT, "extra": value}]}
        )
    assert error_pairs(caught.value) == [(expected, ("results", 0, "extra"))]


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 2.0, "2", None, True], ids=repr)
def test_from_dict_refuses_a_declared_integer_of_another_type(value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        UsageImagesResult.from_dict({**RESULT, "images": value})
    assert error_pairs(caught.value) == [("int_type", ("images",))]


def test_from_dict_takes_any_mapping() -> None:
    document = OrderedDict(RESULT, extra={"a": [1, None]})
    assert UsageImagesResult.from_dict(document).to_dict() == dict(document)


@pytest.mark.parametrize(
    ("document", "loc"),
    [
        pytest.param({**RESULT, "extra": "\ud800"}, ("extra",), id="unknown-field"),
        pytest.param({**RESULT, "extra": {"a": ["x\udc00"]}}, ("extra",), id="nested-unknown-value"),
        pytest.param({**RESULT, "extra": {"\ud800": 1}}, ("extra",), id="nested-unknown-key"),
        pytest.param({**RESULT, "model": "dall-e-\ud800"}, ("model",), id="declared-field"),
    ],
)
def test_from_dict_refuses_a_lone_surrogate_as_from_json_does(document: dict[str, Any], loc: tuple[str, ...]) -> None:
    # Python strings may hold lone surrogates, but JSON text cannot: to_json could not write them.
    with pytest.raises(ValidationError) as caught:
        UsageImagesResult.from_dict(document)
    assert error_pairs(caught.value) == [("lone_surrogate", loc)]
    with pytest.raises(ValidationError) as caught:
        UsageImagesResult.from_json(json.dumps(document))
    assert error_pairs(caught.value) == [("json_invalid", ())]


@pytest.mark.parametrize(
    "value",
    [None, 2, 2.5, ["{}"], {"object": "page"}, memoryview(b"{}")],
    ids=["none", "int", "float", "list", "dict", "memoryview"],
)
def test_from_json_of_something_not_text_or_bytes_is_a_json_type_error(value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        UsageImagesResult.from_json(value)
    assert error_pairs(caught.value) == [("json_type", ())]


def test_from_json_of_text_holding_a_lone_surrogate_is_a_string_unicode_error() -> None:
    with pytest.raises(ValidationError) as caught:
        UsageImagesResult.from_json(json.dumps(RESULT, ensure_ascii=False)[:-1] + ', "extra": "\ud800"}')
    assert error_pairs(caught.value) == [("string_unicode", ())]
