"""Every result kind keeps the guarantees `UsageImagesResult` has: strict, lossless, focused errors, copies.

Each test runs over every kind, with documents from the spec's own examples.
"""

import copy
import json
import pickle
from typing import Any

import pytest
from pydantic import ValidationError

from openapiopenai import KINDS, ApiModel, UsageImagesResult, UsageResponse, UsageResult, UsageTimeBucket

from model_helpers import exact, parsers
from openapi_spec import MODEL_SCHEMAS, RESULT_MODELS, example, property_branch

KIND_IDS = [model.__name__ for model in RESULT_MODELS]


def _example(model: type[ApiModel]) -> dict[str, Any]:
    text = example(model)
    assert text
    document: dict[str, Any] = json.loads(text)
    return document


def _required(model: type[ApiModel]) -> list[str]:
    required: list[str] = MODEL_SCHEMAS[model]["required"]
    return required


def _minimal(model: type[ApiModel]) -> dict[str, Any]:
    document = _example(model)
    return {name: document[name] for name in _required(model)}


def _fields_of_type(kind: str) -> list[Any]:
    return [
        pytest.param(model, name, id=f"{model.__name__}.{name}")
        for model in RESULT_MODELS
        for name, schema in MODEL_SCHEMAS[model]["properties"].items()
        if property_branch(schema)[0].get("type") == kind and "enum" not in property_branch(schema)[0]
    ]


def _page(*results: dict[str, Any]) -> dict[str, Any]:
    bucket = {"object": "bucket", "start_time": 1730419200, "end_time": 1730505600, "results": list(results)}
    return {"object": "page", "data": [bucket], "has_more": False, "next_page": None}


def _errors(error: ValidationError) -> list[tuple[str, tuple[Any, ...]]]:
    return [(detail["type"], detail["loc"]) for detail in error.errors(include_url=False)]


class TestStrict:
    @pytest.mark.parametrize("value", ["2", 2.0, True, None, [2]], ids=["string", "float", "true", "null", "array"])
    @pytest.mark.parametrize(("model", "name"), _fields_of_type("integer"))
    def test_an_integer_field_takes_integers_only(self, model: type[ApiModel], name: str, value: Any) -> None:
        for parse in parsers(model):
            with pytest.raises(ValidationError) as exc_info:
                parse.values[0]({**_minimal(model), name: value})
            assert _errors(exc_info.value) == [("int_type", (name,))]

    @pytest.mark.parametrize("value", [5, 1.5, True, ["x"]], ids=["int", "float", "true", "array"])
    @pytest.mark.parametrize(("model", "name"), _fields_of_type("string"))
    def test_a_string_field_takes_strings_only(self, model: type[ApiModel], name: str, value: Any) -> None:
        for parse in parsers(model):
            with pytest.raises(ValidationError) as exc_info:
                parse.values[0]({**_minimal(model), name: value})
            assert _errors(exc_info.value) == [("string_type", (name,))]

    @pytest.mark.parametrize("model", RESULT_MODELS, ids=KIND_IDS)
    def test_every_missing_required_field_is_reported(self, model: type[ApiModel]) -> None:
        for parse in parsers(model):
            with pytest.raises(ValidationError) as exc_info:
                parse.values[0]({})
            assert _errors(exc_info.value) == [("missing", (name,)) for name in _required(model)]

    @pytest.mark.parametrize("model", RESULT_MODELS, ids=KIND_IDS)
    def test_a_result_of_another_kind_is_reported_once_at_its_object(self, model: type[ApiModel]) -> None:
        other = next(m for m in RESULT_MODELS if m is not model)
        for parse in parsers(UsageResponse[model]):  # type: ignore[valid-type]
            with pytest.raises(ValidationError) as exc_info:
                parse.values[0](_page(_minimal(model), _example(other)))
            assert _errors(exc_info.value) == [("object_mismatch", ("data", 0, "results", 1, "object"))]

    @pytest.mark.parametrize("model", RESULT_MODELS, ids=KIND_IDS)
    def test_only_validation_error_escapes_for_json_that_is_not_an_object(self, model: type[ApiModel]) -> None:
        for text in ("", "[]", "null", '{"object":', "\ufeff{}"):
            with pytest.raises(ValidationError):
                model.from_json(text)


class TestLossless:
    @pytest.mark.parametrize("model", RESULT_MODELS, ids=KIND_IDS)
    def test_the_example_round_trips_exactly_through_dict_and_json(self, model: type[ApiModel]) -> None:
        document = _example(model)
        from_json = model.from_json(json.dumps(document))
        assert exact(from_json.to_dict()) == exact(document)
        assert model.from_dict(document) == from_json
        assert model.from_json(from_json.to_json(indent=2)) == from_json

    @pytest.mark.parametrize("model", RESULT_MODELS, ids=KIND_IDS)
    def test_unknown_fields_are_kept_after_the_declared_ones(self, model: type[ApiModel]) -> None:
        document = {"later": {"a": [1, 2.5, None]}, **_minimal(model), "tags": ["x"]}
        parsed = model.from_json(json.dumps(document))
        assert list(parsed.to_dict()) == [*_required(model), "later", "tags"]
        assert parsed.model_extra == {"later": {"a": [1, 2.5, None]}, "tags": ["x"]}

    @pytest.mark.parametrize("model", RESULT_MODELS, ids=KIND_IDS)
    def test_absent_fields_stay_absent(self, model: type[ApiModel]) -> None:
        parsed = model.from_dict(_minimal(model))
        assert parsed.to_json() == json.dumps(_minimal(model), separators=(",", ":"))
        assert parsed.model_fields_set == set(_required(model))

    @pytest.mark.parametrize("model", RESULT_MODELS, ids=KIND_IDS)
    def test_equal_only_when_writing_the_same_document(self, model: type[ApiModel]) -> None:
        full, minimal = model.from_dict(_example(model)), model.from_dict(_minimal(model))
        assert full == model.from_json(full.to_json())
        assert full != minimal

    @pytest.mark.parametrize("model", RESULT_MODELS, ids=KIND_IDS)
    @pytest.mark.parametrize(
        "duplicate",
        [copy.copy, copy.deepcopy, lambda model: pickle.loads(pickle.dumps(model))],
        ids=["copy", "deepcopy", "pickle"],
    )
    def test_copies_write_the_same_document(self, model: type[ApiModel], duplicate: Any) -> None:
        parsed = model.from_dict({**_example(model), "extra": [1]})
        twin = duplicate(parsed)
        assert twin == parsed
        assert twin.to_json() == parsed.to_json()

    @pytest.mark.parametrize("model", RESULT_MODELS, ids=KIND_IDS)
    def test_a_page_of_the_kind_pickles(self, model: type[ApiModel]) -> None:
        page = UsageResponse[model].from_dict(_page(_example(model)))  # type: ignore[valid-type]
        assert pickle.loads(pickle.dumps(page)) == page


class TestAssignment:
    @pytest.mark.parametrize("model", RESULT_MODELS, ids=KIND_IDS)
    def test_a_wrong_value_is_refused_and_nothing_changes(self, model: type[ApiModel]) -> None:
        parsed = model.from_dict(_minimal(model))
        name = list(model.model_fields)[1]
        with pytest.raises(ValidationError) as exc_info:
            setattr(parsed, name, "x")
        assert _errors(exc_info.value)[0][1][0] == name
        assert parsed.to_dict() == _minimal(model)

    @pytest.mark.parametrize("model", RESULT_MODELS, ids=KIND_IDS)
    def test_another_object_is_refused(self, model: type[ApiModel]) -> None:
        parsed = model.from_dict(_minimal(model))
        with pytest.raises(ValidationError) as exc_info:
            parsed.object = "bucket"  # type: ignore[attr-defined]
        assert _errors(exc_info.value) == [("object_mismatch", ("object",))]
        assert parsed.to_dict() == _minimal(model)


class TestUnion:
    @pytest.mark.parametrize("model", RESULT_MODELS, ids=KIND_IDS)
    def test_each_result_is_read_as_its_own_kind(self, model: type[ApiModel]) -> None:
        page = UsageResponse[UsageResult].from_dict(_page(_example(model)))
        assert type(page.data[0].results[0]) is model

    def test_a_page_of_every_kind_at_once(self) -> None:
        document = _page(*(_example(model) for model in RESULT_MODELS))
        page = UsageResponse[UsageResult].from_json(json.dumps(document))
        assert [type(result) for result in page.data[0].results] == RESULT_MODELS
        assert exact(json.loads(page.to_json())) == exact(document)
        assert UsageResponse[UsageResult].from_dict(document) == page

    @pytest.mark.parametrize("parse", parsers(UsageResponse[UsageResult]))
    def test_an_unknown_kind_is_reported_once_as_such(self, parse: Any) -> None:
        unknown = {"object": "organization.usage.teleports.result", "num_teleports": "many"}
        with pytest.raises(ValidationError) as exc_info:
            parse(_page(_example(RESULT_MODELS[0]), unknown))
        [error] = exc_info.value.errors(include_url=False)
        assert (error["type"], error["loc"]) == ("union_tag_invalid", ("data", 0, "results", 1))
        assert error["ctx"]["tag"] == "organization.usage.teleports.result"

    @pytest.mark.parametrize("parse", parsers(UsageResponse[UsageResult]))
    def test_a_result_without_object_is_reported_once(self, parse: Any) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse(_page({"images": 1}))
        assert _errors(exc_info.value) == [("union_tag_not_found", ("data", 0, "results", 0))]

    @pytest.mark.parametrize("parse", parsers(UsageResponse[UsageResult]))
    def test_a_bad_field_is_reported_under_its_kind(self, parse: Any) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse(_page({**_example(RESULT_MODELS[0]), "input_tokens": "5"}))
        assert _errors(exc_info.value) == [
            ("int_type", ("data", 0, "results", 0, "organization.usage.completions.result", "input_tokens"))
        ]

    def test_plain_containers_still_mean_images(self) -> None:
        page = UsageResponse.from_dict(_page(_example(UsageImagesResult)))
        assert type(page.data[0].results[0]) is UsageImagesResult is KINDS["images"].model
        with pytest.raises(ValidationError) as exc_info:
            UsageTimeBucket.from_dict(_page(_example(RESULT_MODELS[0]))["data"][0])
        assert _errors(exc_info.value) == [("object_mismatch", ("results", 0, "object"))]


class TestHostile:
    @pytest.mark.parametrize(("model", "name"), _fields_of_type("integer"))
    def test_an_integer_json_could_not_read_back_is_refused(self, model: type[ApiModel], name: str) -> None:
        with pytest.raises(ValidationError) as exc_info:
            model.from_dict({**_minimal(model), name: 10**4300})
        assert _errors(exc_info.value) == [("int_digits", (name,))]

    @pytest.mark.parametrize(("model", "name"), _fields_of_type("string"))
    def test_a_lone_surrogate_is_refused_from_python_and_from_json(self, model: type[ApiModel], name: str) -> None:
        with pytest.raises(ValidationError) as exc_info:
            model.from_dict({**_minimal(model), name: "a\ud800"})
        assert _errors(exc_info.value) == [("lone_surrogate", (name,))]
        text = json.dumps(_minimal(model))[:-1] + f', "{name}": "\\ud800"}}'
        with pytest.raises(ValidationError) as exc_info:
            model.from_json(text)
        assert _errors(exc_info.value) == [("json_invalid", ())]

    @pytest.mark.parametrize("model", RESULT_MODELS, ids=KIND_IDS)
    @pytest.mark.parametrize("text", ["NaN", "Infinity", "1e400"])
    def test_a_non_finite_unknown_value_is_refused(self, model: type[ApiModel], text: str) -> None:
        document = json.dumps(_minimal(model))[:-1] + f', "extra": [{text}]}}'
        with pytest.raises(ValidationError) as exc_info:
            model.from_json(document)
        assert _errors(exc_info.value) == [("finite_number", ("extra",))]

    @pytest.mark.parametrize("model", RESULT_MODELS, ids=KIND_IDS)
    def test_truncated_at_every_position_only_validation_error_escapes(self, model: type[ApiModel]) -> None:
        text = json.dumps(_example(model))
        for end in range(len(text)):
            with pytest.raises(ValidationError):
                model.from_json(text[:end])
