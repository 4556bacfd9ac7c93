"""The contract every model keeps, the library's own and users' subclasses with plain annotations alike.

Whatever a model accepts can be written as JSON and read back: integers of at most `MAX_INT_DIGITS`
digits, text without lone surrogates, finite floats. These hold through every entry point that
validates: `from_dict`, `model_validate`, `from_json`, assignment and `model_copy(update=...)`.
"""

import json
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from openapiopenai import ApiModel
from openapiopenai.models import MAX_INT_DIGITS

from model_helpers import ALL_MODELS, MeteredResult, fields_of, sample

TOO_LONG = 10 ** (MAX_INT_DIGITS + 1)
LONGEST = 10**MAX_INT_DIGITS - 1

Door = Callable[[type[ApiModel], dict[str, Any]], Any]


def via_from_dict(model: type[ApiModel], document: dict[str, Any]) -> Any:
    return model.from_dict(document)


def via_model_validate(model: type[ApiModel], document: dict[str, Any]) -> Any:
    return model.model_validate(document)


def via_assignment(model: type[ApiModel], document: dict[str, Any]) -> Any:
    instance = model.from_dict(sample(model))
    for name, value in document.items():
        setattr(instance, name, value)
    return instance


def via_model_copy(model: type[ApiModel], document: dict[str, Any]) -> Any:
    return model.from_dict(sample(model)).model_copy(update=document)


PYTHON_DOORS = [
    pytest.param(via_from_dict, id="from_dict"),
    pytest.param(via_model_validate, id="model_validate"),
    pytest.param(via_assignment, id="assignment"),
]


def error_pairs(error: ValidationError) -> list[tuple[str, tuple[int | str, ...]]]:
    return [(detail["type"], detail["loc"]) for detail in error.errors()]


def integer_fields(model: type[ApiModel]) -> list[str]:
    return fields_of(model, int, int | float, int | float | None)


def text_fields(model: type[ApiModel]) -> list[str]:
    return [name for name in fields_of(model, str, str | None) if name != "object"]


def float_fields(model: type[ApiModel]) -> list[str]:
    return fields_of(model, float, int | float, int | float | None)


@pytest.mark.parametrize("door", PYTHON_DOORS)
@pytest.mark.parametrize("model", ALL_MODELS)
def test_an_integer_over_the_digit_limit_is_refused(model: type[ApiModel], door: Door) -> None:
    for name in integer_fields(model):
        for number in (TOO_LONG, -TOO_LONG):
            with pytest.raises(ValidationError) as caught:
                door(model, {**sample(model), name: number})
            assert "int_digits" in [kind for kind, loc in error_pairs(caught.value) if loc[0] == name]


@pytest.mark.parametrize("door", PYTHON_DOORS)
@pytest.mark.parametrize("model", ALL_MODELS)
def test_an_integer_at_the_digit_limit_is_written_and_read_back(model: type[ApiModel], door: Door) -> None:
    for name in integer_fields(model):
        instance = door(model, {**sample(model), name: LONGEST})
        assert model.from_json(instance.to_json()) == instance
        assert getattr(model.from_json(instance.to_json()), name) == LONGEST


@pytest.mark.parametrize("door", PYTHON_DOORS)
@pytest.mark.parametrize("model", ALL_MODELS)
def test_a_lone_surrogate_is_refused(model: type[ApiModel], door: Door) -> None:
    for name in text_fields(model):
        with pytest.raises(ValidationError) as caught:
            door(model, {**sample(model), name: "ok \udc00"})
        assert error_pairs(caught.value) == [("lone_surrogate", (name,))]


@pytest.mark.parametrize("door", PYTHON_DOORS)
@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")], ids=str)
def test_a_non_finite_float_is_refused(door: Door, number: float) -> None:
    for name in float_fields(MeteredResult):
        with pytest.raises(ValidationError) as caught:
            door(MeteredResult, {**sample(MeteredResult), name: number})
        assert "finite_number" in [kind for kind, loc in error_pairs(caught.value) if loc[0] == name]


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_a_non_finite_float_is_refused_from_json(token: str) -> None:
    text = json.dumps(sample(MeteredResult)).replace("1.5", token)
    with pytest.raises(ValidationError) as caught:
        MeteredResult.from_json(text)
    assert error_pairs(caught.value) == [("finite_number", ("amount",))]


def test_items_of_a_declared_list_are_checked() -> None:
    with pytest.raises(ValidationError) as caught:
        MeteredResult.from_dict({**sample(MeteredResult), "labels": ["fine", "\ud800"]})
    assert error_pairs(caught.value) == [("lone_surrogate", ("labels", 1))]
