"""The base's guarantees hold for a user's own subclasses: recursive, with validators, generic.

Every level of such a model refuses what JSON text cannot hold (NaN, a lone surrogate, an integer too
long), through every door that reads, and writes a field absent from the input as absent, through every
door that writes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import pytest
from pydantic import Field, PydanticUserError, ValidationError, field_validator, model_validator

from openapiopenai.models import MAX_INT_DIGITS, ApiModel

T = TypeVar("T")


class Node(ApiModel):
    name: str
    count: int = 0
    weight: float | None = None
    children: list[Node] = Field(default_factory=list)


class CheckedAfter(ApiModel):
    name: str
    count: int = 0
    weight: float | None = None
    children: list[CheckedAfter] = Field(default_factory=list)

    @model_validator(mode="after")
    def named(self) -> CheckedAfter:
        if self.name == "":
            raise ValueError("a name is needed")
        return self


class CheckedBefore(ApiModel):
    name: str
    count: int = 0
    weight: float | None = None
    children: list[CheckedBefore] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def named(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("name") == "":
            raise ValueError("a name is needed")
        return data


class CheckedAround(ApiModel):
    name: str
    count: int = 0
    weight: float | None = None
    children: list[CheckedAround] = Field(default_factory=list)

    @model_validator(mode="wrap")
    @classmethod
    def named(cls, data: Any, handler: Callable[[Any], Any]) -> Any:
        if isinstance(data, dict) and data.get("name") == "":
            raise ValueError("a name is needed")
        return handler(data)


class FieldChecked(ApiModel):
    name: str
    count: int = 0
    weight: float | None = None
    children: list[FieldChecked] = Field(default_factory=list)

    @field_validator("name", mode="after")
    @classmethod
    def named(cls, name: str) -> str:
        if name == "":
            raise ValueError("a name is needed")
        return name

    @field_validator("count", mode="before")
    @classmethod
    def counted(cls, count: Any) -> Any:
        return count

    @field_validator("weight", mode="wrap")
    @classmethod
    def weighed(cls, weight: Any, handler: Callable[[Any], Any]) -> Any:
        return handler(weight)


class Box(ApiModel, Generic[T]):
    name: str
    count: int = 0
    weight: float | None = None
    children: list[T] = Field(default_factory=list)


MODELS: dict[str, type[ApiModel]] = {
    "recursive": Node,
    "model validator after": CheckedAfter,
    "model validator before": CheckedBefore,
    "model validator wrap": CheckedAround,
    "field validators": FieldChecked,
    "generic": Box[Node],
    "generic of a validated model": Box[CheckedAfter],
}
"""Each holds children of its own kind, or `Node`s: a name, a count, a weight and children."""
VALIDATED = {name: model for name, model in MODELS.items() if model not in (Node, Box[Node])}
"""Those whose validators refuse an empty name."""

ReadPython = Callable[[type[ApiModel], dict[str, Any]], Any]


def _assigned(model: type[ApiModel], document: dict[str, Any]) -> Any:
    instance = model.from_dict({"name": "a"})
    for name, value in document.items():
        setattr(instance, name, value)
    return instance


PYTHON_READS: dict[str, ReadPython] = {
    "from_dict": lambda model, document: model.from_dict(document),
    "model_validate": lambda model, document: model.model_validate(document),
    "assignment": _assigned,
    "model_copy": lambda model, document: model.from_dict({"name": "a"}).model_copy(update=document),
}
JSON_READS: dict[str, Callable[[type[ApiModel], str], Any]] = {
    "from_json": lambda model, text: model.from_json(text),
    "model_validate_json": lambda model, text: model.model_validate_json(text),
}


def _in_a_grandchild(**fields: Any) -> dict[str, Any]:
    return {"name": "a", "children": [{"name": "b", "children": [{"name": "c", **fields}]}]}


GRANDCHILD = ("children", 0, "children", 0)


def _errors(read: Callable[[], object]) -> list[tuple[str, tuple[int | str, ...]]]:
    with pytest.raises(ValidationError) as caught:
        read()
    return [(detail["type"], detail["loc"]) for detail in caught.value.errors()]


@pytest.mark.parametrize("read", PYTHON_READS.values(), ids=PYTHON_READS)
@pytest.mark.parametrize("model", MODELS.values(), ids=MODELS)
@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param({"weight": math.nan}, ("finite_number", "weight"), id="nan"),
        pytest.param({"weight": math.inf}, ("finite_number", "weight"), id="inf"),
        pytest.param({"weight": -math.inf}, ("finite_number", "weight"), id="-inf"),
        pytest.param({"name": "c \ud800"}, ("lone_surrogate", "name"), id="lone surrogate"),
        pytest.param({"count": 10 ** (MAX_INT_DIGITS + 1)}, ("int_digits", "count"), id="long integer"),
        pytest.param({"extra": [1, {"x": math.nan}]}, ("finite_number", "extra"), id="nan in an unknown field"),
    ],
)
def test_a_grandchild_refuses_what_json_cannot_hold(
    model: type[ApiModel], read: ReadPython, fields: dict[str, Any], expected: tuple[str, str]
) -> None:
    kind, name = expected
    assert _errors(lambda: read(model, _in_a_grandchild(**fields))) == [(kind, (*GRANDCHILD, name))]


@pytest.mark.parametrize("read", PYTHON_READS.values(), ids=PYTHON_READS)
@pytest.mark.parametrize("model", MODELS.values(), ids=MODELS)
def test_the_model_itself_refuses_nan(model: type[ApiModel], read: ReadPython) -> None:
    assert _errors(lambda: read(model, {"name": "a", "weight": math.nan})) == [("finite_number", ("weight",))]


@pytest.mark.parametrize("read", JSON_READS.values(), ids=JSON_READS)
@pytest.mark.parametrize("model", MODELS.values(), ids=MODELS)
@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_a_non_finite_number_in_the_text_of_a_grandchild_is_refused(
    model: type[ApiModel], read: Callable[[type[ApiModel], str], Any], token: str
) -> None:
    text = json.dumps(_in_a_grandchild(weight=0.5)).replace("0.5", token)
    assert _errors(lambda: read(model, text)) == [("finite_number", (*GRANDCHILD, "weight"))]


@pytest.mark.parametrize("model", MODELS.values(), ids=MODELS)
def test_absent_fields_stay_absent_at_every_level_through_every_door(model: type[ApiModel]) -> None:
    text = '{"name":"a","children":[{"name":"b","weight":null,"children":[{"name":"c","count":2}]}]}'
    for read in JSON_READS.values():
        document = read(model, text)
        assert document.to_json() == text
        assert document.model_dump_json() == text
        assert document.to_dict() == json.loads(text)
        assert document.model_dump() == json.loads(text)
        assert model.from_dict(json.loads(text)).model_dump_json() == text


@pytest.mark.parametrize("model", MODELS.values(), ids=MODELS)
def test_to_json_refuses_nan_put_in_place_in_a_grandchild(model: type[ApiModel]) -> None:
    document: Any = model.from_dict(_in_a_grandchild(weight=0.5))
    document.children[0].children[0].__dict__["weight"] = math.nan
    with pytest.raises(ValueError, match=r"^cannot write children\.0\.children\.0\.weight as JSON: nan"):
        document.to_json()


@pytest.mark.parametrize("model", MODELS.values(), ids=MODELS)
def test_model_dump_json_writes_nan_put_in_place_as_null(model: type[ApiModel]) -> None:
    """Where the guarantees stop (docs/input.md): only `to_json` checks a value changed in place."""
    document: Any = model.from_dict(_in_a_grandchild(weight=0.5))
    document.children[0].children[0].__dict__["weight"] = math.nan
    assert json.loads(document.model_dump_json()) == _in_a_grandchild(weight=None)


@pytest.mark.parametrize("model", VALIDATED.values(), ids=VALIDATED)
def test_the_user_s_own_checks_still_run_in_a_grandchild(model: type[ApiModel]) -> None:
    (error,) = _errors(lambda: model.from_dict(_in_a_grandchild(name="")))
    assert error[0] == "value_error"
    assert error[1][: len(GRANDCHILD)] == GRANDCHILD


def test_a_plain_field_validator_takes_over_the_field() -> None:
    """Where the guarantees stop (docs/input.md): a plain validator's value is the validator's own."""

    class Loose(ApiModel):
        weight: Any = None

        @field_validator("weight", mode="plain")
        @classmethod
        def anything(cls, weight: Any) -> Any:
            return weight

    assert math.isnan(Loose.from_dict({"weight": math.nan}).weight)
    with pytest.raises(ValueError, match=r"^cannot write weight as JSON: nan is not a finite number$"):
        Loose.from_dict({"weight": math.nan}).to_json()


class Later(ApiModel):
    child: Child  # type: ignore[name-defined]  # noqa: F821  # named when rebuilt


def test_a_model_completed_by_a_rebuild_is_read_with_its_checks() -> None:
    with pytest.raises(PydanticUserError, match="not fully defined"):
        Later.from_json('{"child": {"name": "a"}}')
    Later.model_rebuild(_types_namespace={"Child": Node})
    assert Later.from_json('{"child": {"name": "a"}}').to_json() == '{"child":{"name":"a"}}'
    Later.model_rebuild(force=True)
    assert _errors(lambda: Later.from_dict({"child": {"name": "\ud800"}})) == [("lone_surrogate", ("child", "name"))]


def test_an_absent_field_written_under_its_serialization_alias_stays_absent() -> None:
    class Aliased(ApiModel):
        name: str
        count: int | None = Field(default=None, serialization_alias="total")

    document = Aliased.from_dict({"name": "a"})
    assert document.model_dump(by_alias=True) == {"name": "a"}
    assert document.model_dump_json(by_alias=True) == '{"name":"a"}'
    assert Aliased.from_dict({"name": "a", "count": 2}).model_dump(by_alias=True) == {"name": "a", "total": 2}
