"""Every model against the project's copy of the spec: names, fields, types, and every example in it."""

import functools
import importlib
import json
import operator
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pytest
from pydantic import ValidationError

import openapiopenai
import openapiopenai.models
from openapiopenai import KINDS, AdminApiKey, ApiModel, PublicProjectResidency, UsageResponse, UsageResult
from openapiopenai.models.kinds import KIND_BY_OBJECT
from openapiopenai.names import read_page

from model_helpers import exact, sample
from openapi_spec import (
    MODEL_SCHEMAS,
    NAME_LISTS,
    NAMES_SCHEMAS,
    SCHEMAS,
    SPEC,
    description,
    example,
    group_by_values,
    module_name,
    nested_model,
    property_branch,
    response_example,
)

MODELS = list(MODEL_SCHEMAS)
MODEL_IDS = [model.__name__ for model in MODELS]


def _params(models: list[type[ApiModel]]) -> list[Any]:
    return [pytest.param(model, id=model.__name__) for model in models]


_PYTHON_TYPES: dict[str, Any] = {"integer": int, "number": int | float, "string": str, "boolean": bool}


def _plain(annotation: Any) -> Any:
    """The annotation without `Annotated` metadata, which adds checks but keeps the type."""
    if get_origin(annotation) is Annotated:
        return _plain(get_args(annotation)[0])
    if get_origin(annotation) in (Union, UnionType):
        return functools.reduce(operator.or_, map(_plain, get_args(annotation)))
    return annotation


def _fields(model: type[ApiModel]) -> list[tuple[str, dict[str, Any]]]:
    return list(MODEL_SCHEMAS[model]["properties"].items())


def _every_field() -> list[Any]:
    return [
        pytest.param(model, name, schema, id=f"{model.__name__}.{name}")
        for model in MODELS
        for name, schema in _fields(model)
    ]


def _optional_fields() -> list[Any]:
    return [
        pytest.param(model, name, property_branch(schema)[1], id=f"{model.__name__}.{name}")
        for model in MODELS
        for name, schema in _fields(model)
        if name not in MODEL_SCHEMAS[model].get("required", [])
    ]


def _minimal(model: type[ApiModel]) -> dict[str, Any]:
    """A document with the required fields only, taken from the spec's example (or the tests' sample, for
    a schema the spec gives no whole example of)."""
    text = example(model)
    document: dict[str, Any] = json.loads(text) if text and model is not AdminApiKey else sample(model)
    return {name: document[name] for name in MODEL_SCHEMAS[model].get("required", [])}


class TestNames:
    @pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
    def test_one_module_per_schema_named_as_the_generator_names_it(self, model: type[ApiModel]) -> None:
        module = importlib.import_module(f"openapiopenai.models.{module_name(model)}")
        assert getattr(module, model.__name__) is model
        assert model.__module__ == module.__name__

    @pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
    def test_exported_from_the_package_and_its_models(self, model: type[ApiModel]) -> None:
        assert getattr(openapiopenai, model.__name__) is model
        assert getattr(openapiopenai.models, model.__name__) is model
        assert model.__name__ in openapiopenai.__all__
        assert model.__name__ in openapiopenai.models.__all__

    @pytest.mark.parametrize("model", _params([m for m in MODELS if "description" in MODEL_SCHEMAS[m]]))
    def test_class_docstring_is_the_schema_description(self, model: type[ApiModel]) -> None:
        assert model.__doc__ == MODEL_SCHEMAS[model]["description"]

    @pytest.mark.parametrize("model", _params([m for m in MODELS if "description" not in MODEL_SCHEMAS[m]]))
    def test_a_schema_without_a_description_gets_a_docstring_of_its_own(self, model: type[ApiModel]) -> None:
        assert model.__doc__
        assert model.__doc__ != ApiModel.__doc__


class TestFields:
    @pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
    def test_fields_are_the_specs_in_its_order(self, model: type[ApiModel]) -> None:
        assert list(model.model_fields) == [name for name, _ in _fields(model)]

    @pytest.mark.parametrize(("model", "name", "schema"), _every_field())
    def test_description_is_the_specs_text(self, model: type[ApiModel], name: str, schema: dict[str, Any]) -> None:
        # Where the spec says nothing, the field is still described, in words of its own.
        assert model.model_fields[name].description == (description(schema) or _own_description(model, name))

    @pytest.mark.parametrize(("model", "name", "schema"), _every_field())
    def test_required_as_in_the_spec(self, model: type[ApiModel], name: str, schema: dict[str, Any]) -> None:
        required = name in MODEL_SCHEMAS[model].get("required", [])
        assert model.model_fields[name].is_required() is required
        if not required:
            assert model.model_fields[name].default is None

    @pytest.mark.parametrize(("model", "name", "schema"), _every_field())
    def test_type_as_in_the_spec(self, model: type[ApiModel], name: str, schema: dict[str, Any]) -> None:
        branch, nullable = property_branch(schema)
        annotation = _plain(model.model_fields[name].annotation)
        if name == "object" and "enum" in branch:
            assert annotation == Literal[branch["enum"][0]]
            return
        expected: Any
        if "enum" in branch:
            expected = Literal[tuple(branch["enum"])]
        elif branch["type"] == "object":
            expected = nested_model(model, name, branch)
        elif branch["type"] == "array":
            expected = list[nested_model(model, name, branch)]  # type: ignore[misc]
        else:
            expected = _PYTHON_TYPES[branch["type"]]
        required = name in MODEL_SCHEMAS[model].get("required", [])
        # An optional field reads as None when absent, nullable or not.
        assert annotation == (expected if required and not nullable else expected | None)

    @pytest.mark.parametrize(("model", "name", "schema"), _every_field())
    def test_json_schema_allows_null_only_where_the_spec_does(
        self, model: type[ApiModel], name: str, schema: dict[str, Any]
    ) -> None:
        written = model.model_json_schema()["properties"][name]
        allows_null = {"type": "null"} in written.get("anyOf", [])
        assert allows_null is property_branch(schema)[1]

    @pytest.mark.parametrize(("model", "name", "nullable"), _optional_fields())
    def test_null_is_read_and_written_back_only_where_the_spec_allows_it(
        self, model: type[ApiModel], name: str, nullable: bool
    ) -> None:
        document = {**_minimal(model), name: None}
        if nullable:
            assert model.from_json(json.dumps(document)).to_dict() == document
            in_field_order = {field: document[field] for field in model.model_fields if field in document}
            assert model.from_dict(document).to_json() == json.dumps(in_field_order, separators=(",", ":"))
            return
        for parse in (model.from_dict, lambda d: model.from_json(json.dumps(d))):
            with pytest.raises(ValidationError) as exc_info:
                parse(document)
            assert {error["loc"][0] for error in exc_info.value.errors(include_url=False)} == {name}

    @pytest.mark.parametrize(("model", "name", "nullable"), _optional_fields())
    def test_an_absent_optional_field_reads_as_none_and_stays_absent(
        self, model: type[ApiModel], name: str, nullable: bool
    ) -> None:
        document = _minimal(model)
        parsed = model.from_json(json.dumps(document))
        assert getattr(parsed, name) is None
        assert parsed.to_dict() == document

    @pytest.mark.parametrize(
        "model", _params([m for m in MODELS if "enum" in MODEL_SCHEMAS[m]["properties"].get("object", {})])
    )
    def test_object_is_the_specs_constant(self, model: type[ApiModel]) -> None:
        [constant] = MODEL_SCHEMAS[model]["properties"]["object"]["enum"]
        assert get_args(model.model_fields["object"].annotation) == (constant,)
        assert model.model_json_schema()["properties"]["object"]["const"] == constant

    def test_residency_is_the_specs_enum(self) -> None:
        assert get_args(PublicProjectResidency) == tuple(NAMES_SCHEMAS["PublicProjectResidency"]["enum"])
        assert openapiopenai.models.public_project_residency.PublicProjectResidency is PublicProjectResidency


def _own_description(model: type[ApiModel], name: str) -> str | None:
    """The docstring under a field in its model's source."""
    from openapiopenai.models._docstrings import attribute_docstrings

    return attribute_docstrings(model).get(name)


class TestSpecExamples:
    @pytest.mark.parametrize("model", _params([m for m in MODELS if example(m) and m is not AdminApiKey]))
    def test_schema_example_parses_and_round_trips_exactly(self, model: type[ApiModel]) -> None:
        text = example(model)
        assert text
        parsed = model.from_json(text)
        assert parsed.model_extra == {}
        assert exact(json.loads(parsed.to_json())) == exact(json.loads(text))
        assert model.from_json(parsed.to_json()) == parsed
        assert model.from_dict(json.loads(text)) == parsed

    def test_the_admin_api_key_example_lacks_expires_at_which_the_schema_requires(self) -> None:
        text = example(AdminApiKey)
        assert text
        with pytest.raises(ValidationError) as caught:
            AdminApiKey.from_json(text)
        assert [(error["type"], error["loc"]) for error in caught.value.errors()] == [("missing", ("expires_at",))]
        assert (
            AdminApiKey.from_json(text.replace('"created_at"', '"expires_at": null, "created_at"')).expires_at is None
        )

    @pytest.mark.parametrize(("path", "model"), [pytest.param(*item, id=item[0]) for item in NAME_LISTS.items()])
    def test_names_example_response_parses_by_its_model_and_round_trips_exactly(
        self, path: str, model: type[ApiModel]
    ) -> None:
        text = response_example(path)
        page = model.from_json(text)
        assert page.model_extra == {}
        assert exact(json.loads(page.to_json())) == exact(json.loads(text))
        assert type(read_page(text)) is model
        assert read_page(text) == page

    @pytest.mark.parametrize("kind", KINDS.values(), ids=list(KINDS))
    def test_endpoint_example_response_parses_and_round_trips_exactly(self, kind: Any) -> None:
        text = response_example(kind.path)
        for page_model in (UsageResponse[kind.model], UsageResponse[UsageResult]):  # type: ignore[name-defined]
            page = page_model.from_json(text)
            results = [result for bucket in page.data for result in bucket.results]
            assert results
            assert all(type(result) is kind.model for result in results)
            assert exact(json.loads(page.to_json())) == exact(json.loads(text))
            assert page_model.from_json(page.to_json()) == page


class TestKinds:
    def test_one_kind_per_endpoint(self) -> None:
        assert sorted(kind.path for kind in KINDS.values()) == sorted(SPEC["paths"])

    @pytest.mark.parametrize("kind", KINDS.values(), ids=list(KINDS))
    def test_the_endpoint_returns_the_kinds_model(self, kind: Any) -> None:
        schema = SPEC["paths"][kind.path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/UsageResponse"}
        [result_object] = {
            result["object"]
            for bucket in json.loads(response_example(kind.path))["data"]
            for result in bucket["results"]
        }
        assert KIND_BY_OBJECT[result_object] is kind
        assert kind.object == result_object

    @pytest.mark.parametrize("kind", KINDS.values(), ids=list(KINDS))
    def test_group_by_is_what_the_endpoint_accepts(self, kind: Any) -> None:
        assert list(kind.group_by) == group_by_values(kind.path)
        assert set(kind.group_by) <= set(kind.model.model_fields)

    def test_the_union_holds_every_result_of_the_bucket_in_the_specs_order(self) -> None:
        one_of = SCHEMAS["UsageTimeBucket"]["properties"]["results"]["items"]["oneOf"]
        union, _discriminator = get_args(UsageResult)
        assert [model.__name__ for model in get_args(union)] == [ref["$ref"].rsplit("/", 1)[1] for ref in one_of]
        assert {kind.model for kind in KINDS.values()} == set(get_args(union))
