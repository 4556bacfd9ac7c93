"""The base class's guarantees hold for a user's own subclasses: recursive, with model validators, generic."""

from __future__ import annotations

import math
from typing import Any, Generic, TypeVar

import pytest
from pydantic import Field, ValidationError, model_validator

from openapiopenai.models import ApiModel

T = TypeVar("T")


class Node(ApiModel):
    name: str
    weight: float | None = None
    children: list[Node] = Field(default_factory=list)


class CheckedAfter(ApiModel):
    name: str
    weight: float | None = None
    children: list[CheckedAfter] = Field(default_factory=list)

    @model_validator(mode="after")
    def named(self) -> CheckedAfter:
        if not self.name:
            raise ValueError("a name is needed")
        return self


class CheckedBefore(ApiModel):
    name: str
    weight: float | None = None
    children: list[CheckedBefore] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def named(cls, data: Any) -> Any:
        return data


class CheckedAround(ApiModel):
    name: str
    weight: float | None = None
    children: list[CheckedAround] = Field(default_factory=list)

    @model_validator(mode="wrap")
    @classmethod
    def named(cls, data: Any, handler: Any) -> Any:
        return handler(data)


class Box(ApiModel, Generic[T]):
    name: str
    weight: float | None = None
    children: list[T] = Field(default_factory=list)


MODELS: dict[str, type[ApiModel]] = {
    "recursive": Node,
    "model validator after": CheckedAfter,
    "model validator before": CheckedBefore,
    "model validator wrap": CheckedAround,
    "generic": Box[Node],
}
READS = {
    "from_dict": lambda model, document: model.from_dict(document),
    "model_validate": lambda model, document: model.model_validate(document),
}


def _errors(model: type[ApiModel], document: dict[str, Any], read: str) -> list[tuple[str, tuple[Any, ...]]]:
    with pytest.raises(ValidationError) as caught:
        READS[read](model, document)
    return [(detail["type"], detail["loc"]) for detail in caught.value.errors()]


@pytest.mark.parametrize("read", READS)
@pytest.mark.parametrize("model", MODELS.values(), ids=MODELS)
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf], ids=["nan", "inf", "-inf"])
def test_a_child_refuses_what_json_cannot_hold(model: type[ApiModel], value: float, read: str) -> None:
    document = {"name": "a", "children": [{"name": "b", "children": [{"name": "c", "weight": value}]}]}
    assert _errors(model, document, read) == [("finite_number", ("children", 0, "children", 0, "weight"))]


@pytest.mark.parametrize("read", READS)
@pytest.mark.parametrize("model", MODELS.values(), ids=MODELS)
def test_a_child_refuses_a_lone_surrogate(model: type[ApiModel], read: str) -> None:
    document = {"name": "a", "children": [{"name": "\ud800"}]}
    assert _errors(model, document, read) == [("lone_surrogate", ("children", 0, "name"))]


@pytest.mark.parametrize("model", MODELS.values(), ids=MODELS)
def test_nan_in_the_text_of_a_child_is_refused(model: type[ApiModel]) -> None:
    text = '{"name": "a", "children": [{"name": "b", "weight": NaN}]}'
    for read in (model.from_json, model.model_validate_json):
        with pytest.raises(ValidationError) as caught:
            read(text)
        assert [detail["type"] for detail in caught.value.errors()][:1] in (["finite_number"], ["json_invalid"])


@pytest.mark.parametrize("model", MODELS.values(), ids=MODELS)
def test_absent_fields_stay_absent_at_every_level(model: type[ApiModel]) -> None:
    text = '{"name":"a","children":[{"name":"b","weight":null,"children":[{"name":"c"}]}]}'
    document = model.from_json(text)
    assert document.model_dump_json() == text
    assert document.to_json() == text
    assert model.model_validate_json(text).model_dump_json() == text


def test_a_model_validator_of_a_child_still_runs() -> None:
    assert _errors(CheckedAfter, {"name": "a", "children": [{"name": ""}]}, "from_dict") == [
        ("value_error", ("children", 0))
    ]
