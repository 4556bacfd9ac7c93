"""`CostsResult` and its amount: JSON numbers that are not always integers, kept exactly as sent."""

import json
import math
from typing import Any

import pytest
from pydantic import ValidationError

from openapiopenai import CostsResult, CostsResultAmount
from openapiopenai.models import QUANTITY_UNITS

from model_helpers import exact
from openapi_spec import SCHEMAS

OBJECT = "organization.costs.result"

# (model, field, document with the number at `{}`) for each JSON number field.
NUMBER_FIELDS = [
    pytest.param(CostsResultAmount, '{{"value":{},"currency":"usd"}}', id="amount.value"),
    pytest.param(CostsResult, '{{"object":"organization.costs.result","quantity":{}}}', id="quantity"),
    pytest.param(
        CostsResult,
        '{{"object":"organization.costs.result","amount":{{"value":{},"currency":"usd"}}}}',
        id="result.amount.value",
    ),
]

NUMBERS = [
    pytest.param("0", id="zero"),
    pytest.param("0.06", id="six-cents"),
    pytest.param("1e-7", id="1e-7"),
    pytest.param("12.345678901234567", id="seventeen-digits"),
    pytest.param("-0.0", id="negative-zero"),
    pytest.param("10000", id="integer"),
    pytest.param("100000000000000000000000000000", id="beyond-64-bits"),
    pytest.param("0.1", id="tenth"),
    pytest.param("1.0", id="integral-float"),
    pytest.param("5e-324", id="smallest-float"),
    pytest.param("1.7976931348623157e308", id="largest-float"),
]


@pytest.mark.parametrize("number", NUMBERS)
@pytest.mark.parametrize(("model", "template"), NUMBER_FIELDS)
def test_a_number_is_written_back_as_the_same_json_number(model: type[Any], template: str, number: str) -> None:
    text = template.format(number)
    parsed = model.from_json(text)
    assert exact(json.loads(parsed.to_json())) == exact(json.loads(text))
    assert model.from_json(parsed.to_json()) == parsed
    assert model.from_dict(json.loads(text)) == parsed
    assert exact(model.from_dict(json.loads(text)).to_dict()) == exact(json.loads(text))


@pytest.mark.parametrize(("text", "expected"), [("0", 0), ("0.06", 0.06), ("1e-7", 1e-7), ("10000", 10000)])
def test_an_integer_stays_an_integer_and_a_fraction_a_float(text: str, expected: float) -> None:
    value = CostsResultAmount.from_json(f'{{"value":{text}}}').value
    assert (type(value), value) == (type(expected), expected)


@pytest.mark.parametrize(
    "value",
    [pytest.param(True, id="true"), pytest.param("0.06", id="string"), pytest.param([1], id="array")],
)
def test_a_value_that_is_not_a_number_is_refused(value: Any) -> None:
    for parse in (CostsResultAmount.from_dict, lambda d: CostsResultAmount.from_json(json.dumps(d))):
        with pytest.raises(ValidationError) as exc_info:
            parse({"value": value})
        assert {error["loc"][0] for error in exc_info.value.errors(include_url=False)} == {"value"}


def test_the_amount_is_a_model_of_its_own() -> None:
    result = CostsResult.from_json(
        '{"object":"organization.costs.result","amount":{"value":0.06,"currency":"usd","tax":0}}'
    )
    assert result.amount == CostsResultAmount.from_dict({"value": 0.06, "currency": "usd", "tax": 0})
    assert result.amount is not None
    assert result.amount.model_extra == {"tax": 0}


def test_amount_is_never_null_but_may_be_absent() -> None:
    assert CostsResult.from_json('{"object":"organization.costs.result"}').amount is None
    with pytest.raises(ValidationError) as exc_info:
        CostsResult.from_json('{"object":"organization.costs.result","amount":null}')
    assert [(error["type"], error["loc"]) for error in exc_info.value.errors(include_url=False)] == [
        ("model_type", ("amount",))
    ]


@pytest.mark.parametrize("unit", [*QUANTITY_UNITS, "petabyte_fortnights", ""])
def test_quantity_unit_keeps_any_text(unit: str) -> None:
    document = {"object": OBJECT, "quantity": 3, "quantity_unit": unit}
    assert CostsResult.from_json(json.dumps(document)).to_dict() == document


def test_the_known_quantity_units_are_the_specs() -> None:
    [_, listed, _] = SCHEMAS["CostsResult"]["properties"]["quantity_unit"]["anyOf"]
    assert list(QUANTITY_UNITS) == listed["enum"]


@pytest.mark.parametrize("text", [pytest.param(t, id=t) for t in ("NaN", "Infinity", "-Infinity", "1e400", "-1e400")])
@pytest.mark.parametrize(("model", "template"), NUMBER_FIELDS)
def test_a_number_json_cannot_write_back_is_refused(model: type[Any], template: str, text: str) -> None:
    with pytest.raises(ValidationError) as exc_info:
        model.from_json(template.format(text))
    assert "finite_number" in {error["type"] for error in exc_info.value.errors(include_url=False)}


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf], ids=["nan", "inf", "-inf"])
def test_a_non_finite_float_from_python_is_refused(value: float) -> None:
    for document in ({"value": value}, {"object": OBJECT, "quantity": value}):
        model = CostsResultAmount if "value" in document else CostsResult
        with pytest.raises(ValidationError) as exc_info:
            model.from_dict(document)
        assert "finite_number" in {error["type"] for error in exc_info.value.errors(include_url=False)}
    amount = CostsResultAmount.from_dict({"value": 1})
    with pytest.raises(ValidationError):
        amount.value = value
    assert amount.to_json() == '{"value":1}'


@pytest.mark.parametrize(
    ("read", "write"),
    [
        pytest.param(CostsResultAmount.from_json, CostsResultAmount.to_json, id="from_json-to_json"),
        pytest.param(CostsResultAmount.model_validate_json, CostsResultAmount.model_dump_json, id="pydantic"),
    ],
)
def test_a_fraction_of_more_digits_than_a_double_holds_is_the_nearest_double(read: Any, write: Any) -> None:
    # What docs/costs.md says is kept: pydantic's JSON parser reads a fraction as a double.
    amount = read('{"value":0.12345678901234567891,"currency":"usd"}')
    assert amount.value == 0.12345678901234568
    assert write(amount) == '{"value":0.12345678901234568,"currency":"usd"}'
