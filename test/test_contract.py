"""The contract every model keeps, the library's own and users' subclasses with plain annotations alike.

Whatever a model accepts can be written as JSON and read back: integers of at most `MAX_INT_DIGITS`
digits, text without lone surrogates, finite floats. These hold through every entry point that
validates: `from_dict`, `model_validate`, `from_json`, assignment and `model_copy(update=...)`.
"""

import json
import math
from collections.abc import Callable
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model, field_validator
from pydantic_core import PydanticCustomError

from openapiopenai import ApiModel, UsageImagesResult, UsageResponse, UsageTimeBucket
from openapiopenai.models import MAX_INT_DIGITS

from model_helpers import ALL_MODELS, OBJECT_MODELS, EmbeddingsResult, MeteredResult, fields_of, sample

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
    pytest.param(via_model_copy, id="model_copy"),
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


# Every door reads and writes the same: pydantic's own entry points, and a model nested in a user's model.


class Wrapper(BaseModel):
    """A user's own model holding ours, as a web framework's response model would."""

    model_config = ConfigDict(strict=True)
    item: Any


def wrapped(model: type[ApiModel]) -> type[BaseModel]:
    return create_model("Wrapper", __base__=Wrapper, item=(model, ...))


def wrong_kind(model: type[ApiModel]) -> tuple[dict[str, Any], tuple[int | str, ...]]:
    """The model's sample with its innermost `object` naming another kind, plus another error beside it."""
    document = sample(model)
    holder, where = document, ()
    while "results" in holder or "data" in holder:
        key = "results" if "results" in holder else "data"
        holder, where = holder[key][0], (*where, key, 0)
    holder["object"] = "organization.usage.unknown.result"
    for name in [name for name in holder if name != "object"][:1]:
        del holder[name]
    return document, (*where, "object")


def errors_of(call: Callable[[], object]) -> list[tuple[str, tuple[int | str, ...], str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return [(detail["type"], detail["loc"], detail["msg"]) for detail in caught.value.errors()]


@pytest.mark.parametrize("model", OBJECT_MODELS)
def test_a_wrong_kind_is_reported_once_through_every_door(model: type[ApiModel]) -> None:
    document, where = wrong_kind(model)
    text = json.dumps(document)
    expected = errors_of(lambda: model.from_json(text))
    assert [(kind, loc) for kind, loc, _ in expected] == [("object_mismatch", where)]
    assert errors_of(lambda: model.from_dict(document)) == expected
    assert errors_of(lambda: model.model_validate(document)) == expected
    assert errors_of(lambda: model.model_validate_json(text)) == expected
    assert errors_of(lambda: TypeAdapter(list[model]).validate_json(f"[{text}]")) == [  # type: ignore[valid-type]
        (kind, (0, *loc), msg) for kind, loc, msg in expected
    ]
    outer = wrapped(model)
    nested = [(kind, ("item", *loc), msg) for kind, loc, msg in expected]
    assert errors_of(lambda: outer.model_validate_json(json.dumps({"item": document}))) == nested
    assert errors_of(lambda: outer.model_validate({"item": document})) == nested


@pytest.mark.parametrize("model", OBJECT_MODELS)
def test_a_wrong_kind_is_reported_once_on_assignment(model: type[ApiModel]) -> None:
    document, where = wrong_kind(model)
    instance = model.from_dict(sample(model))
    name = where[0]
    assert isinstance(name, str)
    errors = errors_of(lambda: setattr(instance, name, document[name]))
    assert [(kind, loc) for kind, loc, _ in errors] == [("object_mismatch", where)]


class Strict(ApiModel):
    """A user's subclass whose validator raises errors of its own, beside our models."""

    object: Literal["strict"]
    code: str
    results: list[UsageImagesResult] = Field(default_factory=list[UsageImagesResult])

    @field_validator("code")
    @classmethod
    def known_code(cls, code: str) -> str:
        if code != "ok":
            raise PydanticCustomError("missing_value", "code {code} is unknown", {"code": code})
        return code


STRICT_BAD = {
    "object": "strict",
    "code": "nope",
    "results": [{"object": "organization.usage.completions.result", "input_tokens": 1}],
}
STRICT_EXPECTED = [
    ("missing_value", ("code",), "code nope is unknown", {"code": "nope"}),
    (
        "object_mismatch",
        ("results", 0, "object"),
        "Input should be 'organization.usage.images.result', not 'organization.usage.completions.result': "
        "a different kind of object",
        {"expected": "'organization.usage.images.result'", "actual": "organization.usage.completions.result"},
    ),
]


@pytest.mark.parametrize(
    "door",
    [
        pytest.param(lambda: Strict.from_json(json.dumps(STRICT_BAD)), id="from_json"),
        pytest.param(lambda: Strict.from_dict(STRICT_BAD), id="from_dict"),
        pytest.param(lambda: Strict.model_validate_json(json.dumps(STRICT_BAD)), id="model_validate_json"),
        pytest.param(lambda: Strict.model_validate(STRICT_BAD), id="model_validate"),
    ],
)
def test_errors_the_library_did_not_make_pass_through_untouched(door: Callable[[], object]) -> None:
    with pytest.raises(ValidationError) as caught:
        door()
    assert [(d["type"], d["loc"], d["msg"], d.get("ctx")) for d in caught.value.errors()] == STRICT_EXPECTED


def test_a_user_error_passes_through_assignment_beside_a_wrong_kind() -> None:
    instance = Strict.from_dict({"object": "strict", "code": "ok"})
    with pytest.raises(ValidationError) as caught:
        instance.results = STRICT_BAD["results"]  # type: ignore[assignment]
    assert [d["type"] for d in caught.value.errors()] == ["object_mismatch"]
    with pytest.raises(ValidationError) as caught:
        instance.code = "nope"
    assert [(d["type"], d["msg"]) for d in caught.value.errors()] == [("missing_value", "code nope is unknown")]


def test_pydantic_cores_own_finite_number_keeps_its_message_beside_a_wrong_kind() -> None:
    class Holder(ApiModel):
        reading: MeteredResult
        results: list[UsageImagesResult]

    text = json.dumps({"reading": {"object": "metered.result", "amount": 0}, "results": STRICT_BAD["results"]})
    with pytest.raises(ValidationError) as caught:
        Holder.from_json(text.replace('"amount": 0', '"amount": NaN'))
    assert [(d["type"], d["loc"], d["msg"]) for d in caught.value.errors()] == [
        ("finite_number", ("reading", "amount"), "Input should be a finite number"),
        ("object_mismatch", ("results", 0, "object"), STRICT_EXPECTED[1][2]),
    ]


@pytest.mark.parametrize("model", ALL_MODELS)
def test_pydantic_writes_what_the_helpers_write(model: type[ApiModel]) -> None:
    document = {**sample(model), "extra": [1, 1.0, None, {"a": "b"}]}
    instance = model.from_dict(document)
    assert json.loads(instance.model_dump_json()) == json.loads(instance.to_json()) == document
    assert instance.model_dump() == instance.to_dict() == document
    assert instance.model_dump(mode="json") == document
    outer = wrapped(model).model_validate({"item": instance})
    assert json.loads(outer.model_dump_json()) == {"item": document}
    assert outer.model_dump() == {"item": document}


def test_absent_stays_absent_and_null_stays_null_through_model_dump_json() -> None:
    result = UsageImagesResult.from_dict({**sample(UsageImagesResult), "size": None})
    assert json.loads(result.model_dump_json()) == {**sample(UsageImagesResult), "size": None}
    assert json.loads(result.model_dump_json(exclude_unset=True)) == {**sample(UsageImagesResult), "size": None}
    assert json.loads(result.model_dump_json(exclude={"size"})) == sample(UsageImagesResult)


# No silent rewrite after the fact


@pytest.mark.parametrize("model", ALL_MODELS)
def test_model_copy_with_an_update_is_validated(model: type[ApiModel]) -> None:
    instance = model.from_dict(sample(model))
    with pytest.raises(ValidationError):
        instance.model_copy(update={next(iter(model.model_fields)): object()})
    with pytest.raises(ValidationError):
        instance.model_copy(update={"extra": math.nan})
    updated = instance.model_copy(update={"extra": [1]})
    assert updated.to_dict() == {**sample(model), "extra": [1]}
    assert instance.to_dict() == sample(model)


def test_model_copy_of_a_result_refuses_a_string_count() -> None:
    result = UsageImagesResult.from_dict(sample(UsageImagesResult))
    assert errors_of(lambda: result.model_copy(update={"images": "two"}))[0][:2] == ("int_type", ("images",))
    assert result.model_copy(update={"images": 5}).images == 5


@pytest.mark.parametrize("model", ALL_MODELS)
def test_to_json_refuses_a_non_finite_number_put_in_place_naming_where(model: type[ApiModel]) -> None:
    instance = model.from_dict({**sample(model), "extra": {"values": [1.5]}})
    instance.__pydantic_extra__["extra"]["values"].append(math.nan)
    with pytest.raises(ValueError, match=r"^cannot write extra\.values\.1 as JSON: nan is not a finite number$"):
        instance.to_json()


def test_to_json_refuses_a_lone_surrogate_put_in_place_deep_in_a_page() -> None:
    page = UsageResponse.from_dict({**sample(UsageResponse)})
    page.data[0].results[0].__pydantic_extra__["tags"] = ["ok", "\udc00"]
    with pytest.raises(ValueError, match=r"^cannot write data\.0\.results\.0\.tags\.1 as JSON: "):
        page.to_json()


def test_to_json_writes_text_that_merely_mentions_nan() -> None:
    result = UsageImagesResult.from_dict({**sample(UsageImagesResult), "note": "NaN or Infinity"})
    assert json.loads(result.to_json())["note"] == "NaN or Infinity"


@pytest.mark.parametrize("model", ALL_MODELS)
def test_equality_follows_the_written_document(model: type[ApiModel]) -> None:
    plain = model.from_dict(sample(model))
    extended = model.from_dict({**sample(model), "extra": 1})
    assert plain != extended
    del extended.extra
    assert extended.to_json() == plain.to_json()
    assert extended == plain
    assert model.from_dict({**sample(model), "extra": 1}) != model.from_dict({**sample(model), "extra": 1.0})


# A page of another kind is not an images page


def test_a_page_of_another_kind_is_refused_not_passed_through() -> None:
    embeddings = {"object": "organization.usage.embeddings.result", "input_tokens": 7, "num_model_requests": 1}
    page = UsageResponse[EmbeddingsResult].from_dict(
        {**sample(UsageResponse), "data": [{**sample(UsageTimeBucket), "results": [embeddings]}]}
    )
    for target in (UsageResponse, UsageResponse[UsageImagesResult]):
        with pytest.raises(ValidationError):
            target.from_dict(page)  # type: ignore[arg-type]
        with pytest.raises(ValidationError):
            target.from_dict({**sample(UsageResponse), "data": [page.data[0]]})


@pytest.mark.parametrize("model", ALL_MODELS)
def test_an_instance_passed_in_is_not_shared(model: type[ApiModel]) -> None:
    original = model.from_dict({**sample(model), "extra": {"tags": ["a"]}})
    again = model.from_dict(original)
    assert again == original
    assert again is not original
    again.__pydantic_extra__["extra"]["tags"].append("b")
    assert original.to_dict()["extra"] == {"tags": ["a"]}


def test_an_instance_inside_a_document_is_not_shared() -> None:
    result = UsageImagesResult.from_dict(sample(UsageImagesResult))
    bucket = UsageTimeBucket.from_dict({**sample(UsageTimeBucket), "results": [result]})
    bucket.results[0].images = 99
    assert result.images == sample(UsageImagesResult)["images"]


@pytest.mark.parametrize("argument", [dict, int, BaseModel, list[UsageImagesResult], Any], ids=repr)
def test_generic_parameters_must_be_api_models_at_runtime(argument: Any) -> None:
    with pytest.raises(TypeError, match="takes a subclass of ApiModel"):
        UsageTimeBucket[argument]
    with pytest.raises(TypeError, match="takes a subclass of ApiModel"):
        UsageResponse[argument]


def test_generic_parameters_that_are_api_models_are_accepted() -> None:
    assert UsageTimeBucket[EmbeddingsResult].model_fields["results"].annotation == list[EmbeddingsResult]


# Duplicate keys: the last one wins, and text that is not JSON is refused wherever it is.

PAGE_START = '{"object":"page","data":[],"has_more":false,'


@pytest.mark.parametrize(
    "text",
    [
        PAGE_START + '"next_page":NaN,"next_page":null}',
        PAGE_START + '"next_page":null,"x":Infinity,"x":1}',
        PAGE_START + '"next_page":null,"x":[-Infinity],"x":1}',
        PAGE_START + '"next_page":null,"x":{"y":NaN,"y":2}}',
    ],
    ids=["declared", "unknown", "inside-unknown", "nested-key"],
)
def test_nan_or_infinity_replaced_by_a_later_duplicate_is_still_not_json(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        UsageResponse.from_json(text)
    assert [(d["type"], d["loc"]) for d in caught.value.errors()] == [("json_invalid", ())]


def nested_arrays(depth: int) -> str:
    return "[" * depth + "0" + "]" * depth


@pytest.mark.parametrize(
    "earlier",
    ["1e400", "-1e400", nested_arrays(196), "9" * MAX_INT_DIGITS, '"\\ud83d\\ude00"'],
    ids=["overflow", "negative-overflow", "196-deep", "4300-digits", "escaped-pair"],
)
def test_valid_json_with_a_duplicated_unknown_key_is_read_as_the_last_one(earlier: str) -> None:
    text = PAGE_START + f'"next_page":null,"x":{earlier},"x":1}}'
    page = UsageResponse.from_json(text)
    assert page.to_dict()["x"] == 1
    assert UsageResponse.from_dict(page.to_dict()) == page


class Documented(ApiModel):
    object: Literal["example.result"]
    """What this is."""
    count: int = 0
    """How many:
        indented lines are dedented."""
    plain: str | None = None
    described: int = Field(0, description="given")
    """Not this: an explicit description wins."""


class Undocumented(ApiModel):
    model_config = ConfigDict(use_attribute_docstrings=False)

    count: int = 0
    """Left out, as the configuration asks."""


def test_a_subclass_s_attribute_docstrings_describe_its_fields() -> None:
    described = {name: field.description for name, field in Documented.model_fields.items()}
    assert described == {
        "object": "What this is.",
        "count": "How many:\nindented lines are dedented.",
        "plain": None,
        "described": "given",
    }
    assert Documented.model_json_schema()["properties"]["count"]["description"] == described["count"]
    assert Undocumented.model_fields["count"].description is None


def test_a_model_without_source_has_no_descriptions() -> None:
    namespace: dict[str, Any] = {"ApiModel": ApiModel}
    exec('class Made(ApiModel):\n    count: int = 0\n    """Nowhere on disk."""\n', namespace)
    assert namespace["Made"].model_fields["count"].description is None
