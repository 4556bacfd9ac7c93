"""`UsageImagesResult`: its schema, the spec's example, strictness, and what it keeps."""

import copy
import json
import math
import pickle
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import openapiopenai
import openapiopenai.models
import openapiopenai.models.usage_images_result
from openapiopenai import UsageImagesResult
from openapiopenai.models import MAX_JSON_DEPTH

from model_helpers import parsers, pickled

# An unknown field of a result on its own sits inside the result: one of the parser's levels.
EXTRA_LIMIT = MAX_JSON_DEPTH - 1

DATA = Path(__file__).parent / "data"
EXAMPLE_TEXT = (DATA / "usage_images_result.example.json").read_text(encoding="utf-8")
EXAMPLE: dict[str, Any] = json.loads(EXAMPLE_TEXT)

OBJECT = "organization.usage.images.result"
MINIMAL: dict[str, Any] = {"object": OBJECT, "images": 2, "num_model_requests": 3}
MINIMAL_JSON = '{"object":"organization.usage.images.result","images":2,"num_model_requests":3}'
GROUP_BY_FIELDS = ["source", "size", "project_id", "user_id", "api_key_id", "model"]

# Copied from the spec (components.schemas.UsageImagesResult), folded lines joined with one space.
DESCRIPTIONS = {
    "images": "The number of images processed.",
    "num_model_requests": "The count of requests made to the model.",
    "source": (
        "When `group_by=source`, this field provides the source of the grouped usage result, "
        "possible values are `image.generation`, `image.edit`, `image.variation`."
    ),
    "size": "When `group_by=size`, this field provides the image size of the grouped usage result.",
    "project_id": "When `group_by=project_id`, this field provides the project ID of the grouped usage result.",
    "user_id": "When `group_by=user_id`, this field provides the user ID of the grouped usage result.",
    "api_key_id": "When `group_by=api_key_id`, this field provides the API key ID of the grouped usage result.",
    "model": "When `group_by=model`, this field provides the model name of the grouped usage result.",
}
SCHEMA_DESCRIPTION = "The aggregated images usage details of the specific time bucket."


Parse = Callable[[dict[str, Any]], UsageImagesResult]
PARSERS = parsers(UsageImagesResult)


def _nested(depth: int) -> Any:
    """`depth` arrays, one inside the other, around a 0."""
    value: Any = 0
    for _ in range(depth):
        value = [value]
    return value


class TestImports:
    def test_every_import_path_names_one_class(self) -> None:
        assert openapiopenai.models.usage_images_result.UsageImagesResult is openapiopenai.models.UsageImagesResult
        assert openapiopenai.models.UsageImagesResult is openapiopenai.UsageImagesResult

    def test_the_package_exports_it(self) -> None:
        assert "UsageImagesResult" in openapiopenai.__all__
        assert "UsageImagesResult" in openapiopenai.models.__all__


class TestSchema:
    def test_fields_are_the_seeds_nine_in_its_order(self) -> None:
        assert list(UsageImagesResult.model_fields) == [
            "object",
            "images",
            "num_model_requests",
            "source",
            "size",
            "project_id",
            "user_id",
            "api_key_id",
            "model",
        ]

    @pytest.mark.parametrize(("name", "description"), DESCRIPTIONS.items(), ids=list(DESCRIPTIONS))
    def test_field_description_is_the_specs_text(self, name: str, description: str) -> None:
        assert UsageImagesResult.model_fields[name].description == description

    def test_object_has_no_description_as_in_the_spec(self) -> None:
        assert UsageImagesResult.model_fields["object"].description is None

    def test_class_docstring_is_the_schema_description(self) -> None:
        assert UsageImagesResult.__doc__ == SCHEMA_DESCRIPTION

    @pytest.mark.parametrize("name", ["object", "images", "num_model_requests"])
    def test_required_field(self, name: str) -> None:
        assert UsageImagesResult.model_fields[name].is_required()

    @pytest.mark.parametrize("name", GROUP_BY_FIELDS)
    def test_group_by_field_is_optional_and_defaults_to_none(self, name: str) -> None:
        field = UsageImagesResult.model_fields[name]
        assert not field.is_required()
        assert field.default is None

    def test_json_schema(self) -> None:
        def nullable(title: str, name: str) -> dict[str, Any]:
            return {
                "anyOf": [{"type": "string"}, {"type": "null"}],
                "default": None,
                "description": DESCRIPTIONS[name],
                "title": title,
            }

        assert UsageImagesResult.model_json_schema() == {
            "additionalProperties": {},
            "description": SCHEMA_DESCRIPTION,
            "properties": {
                "object": {"const": OBJECT, "title": "Object", "type": "string"},
                "images": {"description": DESCRIPTIONS["images"], "title": "Images", "type": "integer"},
                "num_model_requests": {
                    "description": DESCRIPTIONS["num_model_requests"],
                    "title": "Num Model Requests",
                    "type": "integer",
                },
                "source": nullable("Source", "source"),
                "size": nullable("Size", "size"),
                "project_id": nullable("Project Id", "project_id"),
                "user_id": nullable("User Id", "user_id"),
                "api_key_id": nullable("Api Key Id", "api_key_id"),
                "model": nullable("Model", "model"),
            },
            "required": ["object", "images", "num_model_requests"],
            "title": "UsageImagesResult",
            "type": "object",
        }


class TestSpecExample:
    def test_from_json_reads_every_field(self) -> None:
        result = UsageImagesResult.from_json(EXAMPLE_TEXT)
        assert result.object == OBJECT
        assert result.images == 2
        assert result.num_model_requests == 2
        assert result.source == "image.generation"
        assert result.size == "1024x1024"
        assert result.project_id == "proj_abc"
        assert result.user_id == "user-abc"
        assert result.api_key_id == "key_abc"
        assert result.model == "dall-e-3"
        assert result.model_extra == {}

    def test_to_dict_is_the_example(self) -> None:
        assert UsageImagesResult.from_json(EXAMPLE_TEXT).to_dict() == EXAMPLE

    def test_to_json_writes_compact_json_in_schema_order(self) -> None:
        assert UsageImagesResult.from_json(EXAMPLE_TEXT).to_json() == (
            '{"object":"organization.usage.images.result","images":2,"num_model_requests":2,'
            '"source":"image.generation","size":"1024x1024","project_id":"proj_abc","user_id":"user-abc",'
            '"api_key_id":"key_abc","model":"dall-e-3"}'
        )

    def test_to_json_round_trips(self) -> None:
        result = UsageImagesResult.from_json(EXAMPLE_TEXT)
        assert json.loads(result.to_json()) == EXAMPLE
        assert UsageImagesResult.from_json(result.to_json()) == result

    def test_from_dict_equals_from_json(self) -> None:
        assert UsageImagesResult.from_dict(EXAMPLE) == UsageImagesResult.from_json(EXAMPLE_TEXT)

    def test_to_json_with_indent(self) -> None:
        assert UsageImagesResult.from_json(EXAMPLE_TEXT).to_json(indent=2) == (
            "{\n"
            '  "object": "organization.usage.images.result",\n'
            '  "images": 2,\n'
            '  "num_model_requests": 2,\n'
            '  "source": "image.generation",\n'
            '  "size": "1024x1024",\n'
            '  "project_id": "proj_abc",\n'
            '  "user_id": "user-abc",\n'
            '  "api_key_id": "key_abc",\n'
            '  "model": "dall-e-3"\n'
            "}"
        )

    def test_to_str(self) -> None:
        assert UsageImagesResult.from_json(EXAMPLE_TEXT).to_str() == (
            "{'object': 'organization.usage.images.result',\n"
            " 'images': 2,\n"
            " 'num_model_requests': 2,\n"
            " 'source': 'image.generation',\n"
            " 'size': '1024x1024',\n"
            " 'project_id': 'proj_abc',\n"
            " 'user_id': 'user-abc',\n"
            " 'api_key_id': 'key_abc',\n"
            " 'model': 'dall-e-3'}"
        )

    def test_to_str_shows_null_and_unknown_fields(self) -> None:
        result = UsageImagesResult.from_dict({**MINIMAL, "size": None, "tags": ["a"]})
        assert result.to_str() == (
            "{'object': 'organization.usage.images.result',\n"
            " 'images': 2,\n"
            " 'num_model_requests': 3,\n"
            " 'size': None,\n"
            " 'tags': ['a']}"
        )


class TestFromJsonInput:
    @pytest.mark.parametrize(
        "data",
        [MINIMAL_JSON, MINIMAL_JSON.encode(), bytearray(MINIMAL_JSON.encode())],
        ids=["str", "bytes", "bytearray"],
    )
    def test_accepts_str_bytes_and_bytearray(self, data: str | bytes | bytearray) -> None:
        assert UsageImagesResult.from_json(data).to_dict() == MINIMAL

    def test_reads_escaped_astral_characters(self) -> None:
        text = MINIMAL_JSON[:-1] + r',"model":"\ud83d\ude00 \u00e9"}'
        assert UsageImagesResult.from_json(text).model == "\U0001f600 \u00e9"

    def test_writes_non_ascii_text_unescaped(self) -> None:
        result = UsageImagesResult.from_dict({**MINIMAL, "model": "\U0001f600 \u00e9"})
        assert result.to_json() == MINIMAL_JSON[:-1] + ',"model":"\U0001f600 \u00e9"}'

    @pytest.mark.parametrize(
        ("text", "kind"),
        [
            pytest.param("null", None, id="null"),
            pytest.param("[]", [], id="array"),
            pytest.param("5", 5, id="number"),
            pytest.param('"x"', "x", id="string"),
            pytest.param("true", True, id="true"),
        ],
    )
    def test_a_document_that_is_not_an_object(self, text: str, kind: object) -> None:
        with pytest.raises(ValidationError) as exc_info:
            UsageImagesResult.from_json(text)
        assert exc_info.value.errors(include_url=False) == [
            {
                "type": "model_type",
                "loc": (),
                "msg": "Input should be an object",
                "input": kind,
                "ctx": {"class_name": "UsageImagesResult"},
            }
        ]

    @pytest.mark.parametrize(
        "text",
        [
            pytest.param("", id="empty"),
            pytest.param("nope", id="word"),
            pytest.param("{", id="unclosed"),
            pytest.param('{"object":}', id="missing-value"),
            pytest.param(MINIMAL_JSON + " {}", id="two-documents"),
            pytest.param(MINIMAL_JSON[:-1] + ",}", id="trailing-comma"),
            pytest.param("{'object': 'x'}", id="single-quotes"),
            pytest.param(MINIMAL_JSON[:-1] + ',"x":"\\ud800"}', id="lone-surrogate-escape"),
        ],
    )
    def test_text_that_is_not_json_raises_validation_error(self, text: str) -> None:
        with pytest.raises(ValidationError) as exc_info:
            UsageImagesResult.from_json(text)
        [error] = exc_info.value.errors(include_url=False)
        assert (error["type"], error["loc"]) == ("json_invalid", ())
        assert error["msg"].startswith("Invalid JSON: ")

    def test_invalid_utf8_raises_validation_error(self) -> None:
        with pytest.raises(ValidationError) as exc_info:
            UsageImagesResult.from_json(b'{"object": "\xff"}')
        [error] = exc_info.value.errors(include_url=False)
        assert (error["type"], error["loc"]) == ("json_invalid", ())


class TestFromDictInput:
    def test_none_gives_none(self) -> None:
        assert UsageImagesResult.from_dict(None) is None

    def test_a_mapping_that_is_not_a_dict(self) -> None:
        result = UsageImagesResult.from_dict(types.MappingProxyType({**MINIMAL, "extra": 1}))
        assert result.to_dict() == {**MINIMAL, "extra": 1}

    def test_an_instance_gives_an_equal_instance(self) -> None:
        result = UsageImagesResult.from_dict(EXAMPLE)
        again = UsageImagesResult.from_dict(result)
        assert type(again) is UsageImagesResult
        assert again == result

    def test_does_not_alter_its_input(self) -> None:
        document = {**MINIMAL, "size": None, "extra": {"a": [1]}}
        snapshot = copy.deepcopy(document)
        UsageImagesResult.from_dict(document).size = "1x1"
        assert document == snapshot

    @pytest.mark.parametrize(
        "value",
        [
            pytest.param([], id="list"),
            pytest.param(5, id="int"),
            pytest.param("x", id="str"),
            pytest.param(b"{}", id="bytes"),
            pytest.param(True, id="bool"),
            pytest.param([("object", OBJECT)], id="list-of-pairs"),
        ],
    )
    def test_anything_else_raises_validation_error(self, value: Any) -> None:
        with pytest.raises(ValidationError) as exc_info:
            UsageImagesResult.from_dict(value)
        assert exc_info.value.errors(include_url=False) == [
            {
                "type": "model_type",
                "loc": (),
                "msg": "Input should be a valid dictionary or instance of UsageImagesResult",
                "input": value,
                "ctx": {"class_name": "UsageImagesResult"},
            }
        ]


STRICT_INT_REJECTS = [
    pytest.param("2", id="string"),
    pytest.param(2.0, id="float"),
    pytest.param(True, id="true"),
    pytest.param(False, id="false"),
    pytest.param(None, id="null"),
    pytest.param([], id="array"),
    pytest.param({}, id="object"),
]
STRICT_STR_REJECTS = [
    pytest.param(5, id="int"),
    pytest.param(True, id="true"),
    pytest.param(1.5, id="float"),
    pytest.param([], id="array"),
    pytest.param({}, id="object"),
]


class TestRejectedValues:
    @pytest.mark.parametrize("parse", PARSERS)
    @pytest.mark.parametrize("name", ["images", "num_model_requests"])
    @pytest.mark.parametrize("value", STRICT_INT_REJECTS)
    def test_required_integers_are_strict(self, parse: Parse, name: str, value: Any) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse({**MINIMAL, name: value})
        assert exc_info.value.errors(include_url=False) == [
            {"type": "int_type", "loc": (name,), "msg": "Input should be a valid integer", "input": value}
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    @pytest.mark.parametrize("name", GROUP_BY_FIELDS)
    @pytest.mark.parametrize("value", STRICT_STR_REJECTS)
    def test_group_by_fields_are_strict_strings(self, parse: Parse, name: str, value: Any) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse({**MINIMAL, name: value})
        assert exc_info.value.errors(include_url=False) == [
            {"type": "string_type", "loc": (name,), "msg": "Input should be a valid string", "input": value}
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    @pytest.mark.parametrize(
        "other",
        [
            pytest.param("organization.usage.completions.result", id="completions"),
            pytest.param("bucket", id="bucket"),
            pytest.param("", id="empty"),
            pytest.param("Organization.Usage.Images.Result", id="other-case"),
            pytest.param(OBJECT + " ", id="trailing-space"),
        ],
    )
    def test_object_of_another_kind(self, parse: Parse, other: str) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse({**MINIMAL, "object": other})
        assert exc_info.value.errors(include_url=False) == [
            {
                "type": "object_mismatch",
                "loc": ("object",),
                "msg": f"Input should be 'organization.usage.images.result', not '{other}': a different kind of object",
                "input": other,
                "ctx": {"expected": "'organization.usage.images.result'", "actual": other},
            }
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    @pytest.mark.parametrize(
        "value",
        [
            pytest.param(5, id="int"),
            pytest.param(None, id="null"),
            pytest.param(True, id="true"),
            pytest.param([OBJECT], id="array"),
            pytest.param({}, id="object"),
        ],
    )
    def test_object_that_is_not_a_string(self, parse: Parse, value: Any) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse({**MINIMAL, "object": value})
        assert exc_info.value.errors(include_url=False) == [
            {
                "type": "literal_error",
                "loc": ("object",),
                "msg": "Input should be 'organization.usage.images.result'",
                "input": value,
                "ctx": {"expected": "'organization.usage.images.result'"},
            }
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    def test_object_of_another_kind_hides_the_other_errors_of_that_object(self, parse: Parse) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse({"object": "organization.usage.completions.result", "input_tokens": 5})
        assert [(error["type"], error["loc"]) for error in exc_info.value.errors(include_url=False)] == [
            ("object_mismatch", ("object",))
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    @pytest.mark.parametrize("name", ["object", "images", "num_model_requests"])
    def test_missing_required_field(self, parse: Parse, name: str) -> None:
        document = {key: value for key, value in MINIMAL.items() if key != name}
        with pytest.raises(ValidationError) as exc_info:
            parse(document)
        assert exc_info.value.errors(include_url=False) == [
            {"type": "missing", "loc": (name,), "msg": "Field required", "input": document}
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    def test_every_missing_field_is_reported(self, parse: Parse) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse({"size": "1x1"})
        assert exc_info.value.errors(include_url=False) == [
            {"type": "missing", "loc": ("object",), "msg": "Field required", "input": {"size": "1x1"}},
            {"type": "missing", "loc": ("images",), "msg": "Field required", "input": {"size": "1x1"}},
            {"type": "missing", "loc": ("num_model_requests",), "msg": "Field required", "input": {"size": "1x1"}},
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    def test_every_wrong_field_is_reported(self, parse: Parse) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse({**MINIMAL, "images": "2", "size": 5, "model": None})
        assert [(error["type"], error["loc"]) for error in exc_info.value.errors(include_url=False)] == [
            ("int_type", ("images",)),
            ("string_type", ("size",)),
        ]

    def test_the_error_names_the_model(self) -> None:
        with pytest.raises(ValidationError) as exc_info:
            UsageImagesResult.from_json("{}")
        assert exc_info.value.title == "UsageImagesResult"

    @pytest.mark.parametrize("value", [0, -1, 10**30], ids=["zero", "negative", "beyond-64-bits"])
    def test_any_integer_is_kept(self, value: int) -> None:
        result = UsageImagesResult.from_json(json.dumps({**MINIMAL, "images": value}))
        assert result.images == value
        assert json.loads(result.to_json()) == {**MINIMAL, "images": value}


class TestNullAbsentUnknown:
    def test_absent_optional_fields_are_not_written(self) -> None:
        result = UsageImagesResult.from_json(MINIMAL_JSON)
        assert result.size is None
        assert result.to_dict() == MINIMAL
        assert result.to_json() == MINIMAL_JSON

    def test_explicit_null_is_written_back(self) -> None:
        result = UsageImagesResult.from_json(MINIMAL_JSON[:-1] + ',"size":null}')
        assert result.size is None
        assert result.to_dict() == {**MINIMAL, "size": None}
        assert result.to_json() == MINIMAL_JSON[:-1] + ',"size":null}'

    def test_null_and_absent_are_told_apart_by_fields_set(self) -> None:
        assert UsageImagesResult.from_dict({**MINIMAL, "size": None}).model_fields_set == {
            "object",
            "images",
            "num_model_requests",
            "size",
        }
        assert UsageImagesResult.from_dict(MINIMAL).model_fields_set == {"object", "images", "num_model_requests"}

    def test_null_is_not_equal_to_absent(self) -> None:
        assert UsageImagesResult.from_dict({**MINIMAL, "size": None}) != UsageImagesResult.from_dict(MINIMAL)

    def test_same_document_is_equal(self) -> None:
        assert UsageImagesResult.from_dict({**MINIMAL, "size": None}) == UsageImagesResult.from_json(
            MINIMAL_JSON[:-1] + ',"size":null}'
        )

    def test_different_values_are_not_equal(self) -> None:
        assert UsageImagesResult.from_dict(MINIMAL) != UsageImagesResult.from_dict({**MINIMAL, "images": 3})

    def test_is_not_equal_to_its_dict(self) -> None:
        assert UsageImagesResult.from_dict(MINIMAL) != MINIMAL

    def test_unknown_fields_are_kept_after_declared_ones_in_input_order(self) -> None:
        text = '{"zeta":[1,2.5,"\u00e9\U0001f600"],"size":null,"object":"organization.usage.images.result","alpha":{"b":true,"a":null},"images":2,"num_model_requests":3}'
        result = UsageImagesResult.from_json(text)
        assert result.to_json() == (
            '{"object":"organization.usage.images.result","images":2,"num_model_requests":3,"size":null,'
            '"zeta":[1,2.5,"\u00e9\U0001f600"],"alpha":{"b":true,"a":null}}'
        )
        assert list(result.to_dict()) == ["object", "images", "num_model_requests", "size", "zeta", "alpha"]

    def test_unknown_fields_are_attributes(self) -> None:
        result = UsageImagesResult.from_dict({**MINIMAL, "quality": "hd", "meta": {"n": [1, None]}})
        assert getattr(result, "quality") == "hd"  # noqa: B009
        assert getattr(result, "meta") == {"n": [1, None]}  # noqa: B009
        assert result.model_extra == {"quality": "hd", "meta": {"n": [1, None]}}

    def test_unknown_values_that_write_the_same_are_equal(self) -> None:
        first = UsageImagesResult.from_dict({**MINIMAL, "x": {"a": [1, 2.5, None, "s"], "b": -0.0}})
        second = UsageImagesResult.from_json(first.to_json())
        assert first == second

    def test_unknown_null_is_kept(self) -> None:
        result = UsageImagesResult.from_json(MINIMAL_JSON[:-1] + ',"later":null}')
        assert result.to_dict() == {**MINIMAL, "later": None}

    @pytest.mark.parametrize(
        ("first", "second"),
        [
            pytest.param(1, True, id="1-true"),
            pytest.param(0, False, id="0-false"),
            pytest.param(1, 1.0, id="1-1.0"),
            pytest.param([1], [True], id="nested-1-true"),
            pytest.param({"a": 2}, {"a": 2.0}, id="nested-2-2.0"),
            pytest.param(0.0, -0.0, id="0.0--0.0"),
            pytest.param([1, 2], [1, 2, 3], id="list-lengths"),
            pytest.param({"a": 1}, {"b": 1}, id="object-keys"),
        ],
    )
    def test_unknown_values_of_different_json_types_are_not_equal(self, first: Any, second: Any) -> None:
        one = UsageImagesResult.from_dict({**MINIMAL, "x": first})
        other = UsageImagesResult.from_dict({**MINIMAL, "x": second})
        assert one.to_json() != other.to_json()
        assert one != other

    @pytest.mark.parametrize(
        "value",
        [
            pytest.param(10**40, id="big-int"),
            pytest.param(-(10**40), id="big-negative-int"),
            pytest.param(1.5e300, id="big-float"),
            pytest.param(5e-324, id="tiny-float"),
            pytest.param(0.1, id="tenth"),
            pytest.param(1.0, id="integral-float"),
            pytest.param('\U0001f600\u0000\n"\\', id="awkward-text"),
        ],
    )
    def test_unknown_values_keep_their_exact_value_and_type(self, value: Any) -> None:
        text = json.dumps({**MINIMAL, "x": value})
        written = json.loads(UsageImagesResult.from_json(text).to_json())["x"]
        assert (type(written), written) == (type(value), value)


class TestUnknownValuesThatAreNotJson:
    @pytest.mark.parametrize(
        ("value", "number"),
        [
            pytest.param(math.nan, "nan", id="nan"),
            pytest.param(math.inf, "inf", id="inf"),
            pytest.param(-math.inf, "-inf", id="-inf"),
        ],
    )
    def test_non_finite_floats(self, value: float, number: str) -> None:
        with pytest.raises(ValidationError) as exc_info:
            UsageImagesResult.from_dict({**MINIMAL, "x": value})
        [error] = exc_info.value.errors(include_url=False)
        # pydantic-core's own error, as for a float field.
        assert (error["type"], error["loc"], error["msg"], error.get("ctx")) == (
            "finite_number",
            ("x",),
            "Input should be a finite number",
            None,
        )
        assert str(value) == number

    @pytest.mark.parametrize(
        ("text", "number"),
        [
            pytest.param('"x":NaN', "nan", id="NaN"),
            pytest.param('"x":Infinity', "inf", id="Infinity"),
            pytest.param('"x":-Infinity', "-inf", id="-Infinity"),
            pytest.param('"x":[{"y":NaN}]', "nan", id="nested-NaN"),
            pytest.param('"x":1e400', "inf", id="overflowing-number"),
            pytest.param('"x":-1e400', "-inf", id="overflowing-negative-number"),
        ],
    )
    def test_non_finite_numbers_in_json_text(self, text: str, number: str) -> None:
        with pytest.raises(ValidationError) as exc_info:
            UsageImagesResult.from_json(MINIMAL_JSON[:-1] + "," + text + "}")
        [error] = exc_info.value.errors(include_url=False)
        assert (error["type"], error["loc"], error["msg"]) == (
            "finite_number",
            ("x",),
            "Input should be a finite number",
        )
        assert number in str(error["input"])

    @pytest.mark.parametrize(
        "number",
        [
            pytest.param("1E400", id="capital-exponent"),
            pytest.param("1e+400", id="signed-exponent"),
            pytest.param("2.5E+0400", id="exponent-with-a-leading-zero"),
            pytest.param("1.8e308", id="just-beyond-the-largest-double"),
            pytest.param("-12.5e999", id="negative-with-a-fraction"),
            pytest.param("1" + "0" * 309 + ".5", id="long-mantissa"),
            pytest.param("1" + "0" * 215 + "e99", id="long-mantissa-two-digit-exponent"),
            pytest.param("1" + "0" * 700 + "e-300", id="long-mantissa-negative-exponent"),
            pytest.param("[1, \n\t 2e400]", id="in-a-list-after-whitespace"),
            pytest.param('{"a": "key_3e123", "b": [3e400]}', id="beside-an-identifier-spelling-an-exponent"),
        ],
    )
    def test_numbers_too_large_for_a_double_in_every_spelling(self, number: str) -> None:
        with pytest.raises(ValidationError) as exc_info:
            UsageImagesResult.from_json(MINIMAL_JSON[:-1] + ',"x":' + number + "}")
        [error] = exc_info.value.errors(include_url=False)
        assert (error["type"], error["loc"]) == ("finite_number", ("x",))

    @pytest.mark.parametrize(
        ("text", "value"),
        [
            pytest.param('"key_3e123"', "key_3e123", id="identifier"),
            pytest.param('"a:1e400"', "a:1e400", id="in-a-string-after-a-colon"),
            pytest.param('["1e400", "x, 1E+999"]', ["1e400", "x, 1E+999"], id="strings-in-a-list"),
            pytest.param("1e-400", 0.0, id="too-small-for-a-double"),
            pytest.param("1.5e308", 1.5e308, id="large-double"),
            pytest.param("1" + "0" * 300, 10**300, id="long-integer"),
            pytest.param("1" + "0" * 200 + ".5e99", 1e299, id="long-mantissa-within-a-double"),
            pytest.param('{"a": [1e+99, 2E300]}', {"a": [1e99, 2e300]}, id="finite-exponents"),
        ],
    )
    def test_finite_numbers_and_strings_that_look_like_large_ones_are_kept(self, text: str, value: Any) -> None:
        result = UsageImagesResult.from_json(MINIMAL_JSON[:-1] + ',"x":' + text + "}")
        assert result.to_dict() == {**MINIMAL, "x": value}
        assert type(result.to_dict()["x"]) is type(value)

    @pytest.mark.parametrize(
        ("value", "kind"),
        [
            pytest.param(object(), "object", id="object"),
            pytest.param((1, 2), "tuple", id="tuple"),
            pytest.param({1, 2}, "set", id="set"),
            pytest.param(b"x", "bytes", id="bytes"),
            pytest.param(1 + 2j, "complex", id="complex"),
            pytest.param(types.MappingProxyType({"a": 1}), "mappingproxy", id="mappingproxy"),
            pytest.param([1, {"a": (2,)}], "tuple", id="nested-tuple"),
        ],
    )
    def test_values_of_other_python_types(self, value: Any, kind: str) -> None:
        with pytest.raises(ValidationError) as exc_info:
            UsageImagesResult.from_dict({**MINIMAL, "x": value})
        [error] = exc_info.value.errors(include_url=False)
        assert (error["type"], error["loc"], error["msg"]) == (
            "json_value",
            ("x",),
            f"Input should be a JSON value (null, boolean, number, string, array or object), not {kind}",
        )

    @pytest.mark.parametrize(
        ("value", "kind"),
        [
            pytest.param({1: "a"}, "int", id="int"),
            pytest.param({None: "a"}, "NoneType", id="none"),
            pytest.param({"a": [{("b",): 1}]}, "tuple", id="nested-tuple"),
        ],
    )
    def test_object_keys_that_are_not_strings(self, value: Any, kind: str) -> None:
        with pytest.raises(ValidationError) as exc_info:
            UsageImagesResult.from_dict({**MINIMAL, "x": value})
        [error] = exc_info.value.errors(include_url=False)
        assert (error["type"], error["loc"], error["msg"]) == (
            "json_key",
            ("x",),
            f"Object keys should be strings, not {kind}",
        )

    def test_nesting_up_to_the_limit_is_kept(self) -> None:
        result = UsageImagesResult.from_dict({**MINIMAL, "x": _nested(EXTRA_LIMIT)})
        assert result.to_dict() == {**MINIMAL, "x": _nested(EXTRA_LIMIT)}

    def test_nesting_beyond_the_limit(self) -> None:
        with pytest.raises(ValidationError) as exc_info:
            UsageImagesResult.from_dict({**MINIMAL, "x": _nested(EXTRA_LIMIT + 1)})
        [error] = exc_info.value.errors(include_url=False)
        assert (error["type"], error["loc"], error["msg"]) == (
            "json_too_deep",
            ("x",),
            f"Input nests arrays and objects more than {EXTRA_LIMIT} levels deep",
        )

    @pytest.mark.parametrize("depth", range(EXTRA_LIMIT - 3, EXTRA_LIMIT + 2))
    def test_from_dict_and_from_json_accept_the_same_nesting(self, depth: int) -> None:
        document = {**MINIMAL, "x": _nested(depth)}
        try:
            from_dict: UsageImagesResult | None = UsageImagesResult.from_dict(document)
        except ValidationError:
            from_dict = None
        try:
            from_json: UsageImagesResult | None = UsageImagesResult.from_json(json.dumps(document))
        except ValidationError:
            from_json = None
        assert from_dict == from_json
        if from_dict is not None:
            assert UsageImagesResult.from_json(from_dict.to_json()) == from_dict

    @pytest.mark.parametrize(
        "document",
        [
            pytest.param({**MINIMAL, "x": "\ud800"}, id="unknown-field"),
            pytest.param({**MINIMAL, "x": {"\udfff": 1}}, id="unknown-key"),
            pytest.param({**MINIMAL, "model": "a\ud800"}, id="declared-field"),
        ],
    )
    def test_text_with_a_lone_surrogate_is_rejected_or_written(self, document: dict[str, Any]) -> None:
        # A lone surrogate is not Unicode text: either refuse it here, or write it so that it reads back.
        try:
            result = UsageImagesResult.from_dict(document)
        except ValidationError:
            return
        assert UsageImagesResult.from_json(result.to_json()) == result


class TestAssignment:
    @pytest.mark.parametrize(
        ("name", "value", "error_type"),
        [
            pytest.param("images", "x", "int_type", id="images-str"),
            pytest.param("images", None, "int_type", id="images-null"),
            pytest.param("num_model_requests", 1.0, "int_type", id="num_model_requests-float"),
            pytest.param("size", 5, "string_type", id="size-int"),
            pytest.param("model", b"m", "string_type", id="model-bytes"),
        ],
    )
    def test_invalid_value_raises(self, name: str, value: Any, error_type: str) -> None:
        result = UsageImagesResult.from_dict(MINIMAL)
        with pytest.raises(ValidationError) as exc_info:
            setattr(result, name, value)
        assert [(error["type"], error["loc"]) for error in exc_info.value.errors(include_url=False)] == [
            (error_type, (name,))
        ]
        assert result.to_dict() == MINIMAL

    def test_object_of_another_kind_raises(self) -> None:
        result = UsageImagesResult.from_dict(MINIMAL)
        with pytest.raises(ValidationError) as exc_info:
            result.object = "bucket"  # type: ignore[assignment]
        [error] = exc_info.value.errors(include_url=False)
        assert (error["loc"], error["input"]) == (("object",), "bucket")
        assert result.object == OBJECT

    def test_valid_value_is_written(self) -> None:
        result = UsageImagesResult.from_dict(MINIMAL)
        result.images = 7
        result.size = "256x256"
        assert result.to_dict() == {**MINIMAL, "images": 7, "size": "256x256"}

    def test_assigning_null_makes_the_field_present(self) -> None:
        result = UsageImagesResult.from_dict(MINIMAL)
        result.model = None
        assert result.to_json() == MINIMAL_JSON[:-1] + ',"model":null}'

    def test_unknown_field_is_written_after_declared_ones(self) -> None:
        result = UsageImagesResult.from_dict({**MINIMAL, "a": 1})
        setattr(result, "b", [True])  # noqa: B010
        result.source = "image.edit"
        assert list(result.to_dict().items()) == [
            ("object", OBJECT),
            ("images", 2),
            ("num_model_requests", 3),
            ("source", "image.edit"),
            ("a", 1),
            ("b", [True]),
        ]

    @pytest.mark.parametrize(
        ("value", "error_type"),
        [
            pytest.param(math.nan, "finite_number", id="nan"),
            pytest.param(object(), "json_value", id="object"),
            pytest.param({1: 2}, "json_key", id="int-key"),
            pytest.param(_nested(EXTRA_LIMIT + 1), "json_too_deep", id="too-deep"),
        ],
    )
    def test_unknown_field_with_a_value_that_is_not_json_raises(self, value: Any, error_type: str) -> None:
        result = UsageImagesResult.from_dict(MINIMAL)
        with pytest.raises(ValidationError) as exc_info:
            setattr(result, "extra", value)  # noqa: B010
        assert [(error["type"], error["loc"]) for error in exc_info.value.errors(include_url=False)] == [
            (error_type, ("extra",))
        ]
        assert result.to_dict() == MINIMAL


COPIED: dict[str, Any] = {**MINIMAL, "size": None, "tags": {"a": [1, 2.5, None]}}


class TestCopies:
    @pytest.mark.parametrize(
        "duplicate",
        [
            pytest.param(copy.copy, id="copy"),
            pytest.param(copy.deepcopy, id="deepcopy"),
            pytest.param(pickled, id="pickle"),
        ],
    )
    def test_keeps_fields_unknown_fields_and_fields_set(self, duplicate: Any) -> None:
        result = UsageImagesResult.from_dict(COPIED)
        twin: UsageImagesResult = duplicate(result)
        assert twin == result
        assert twin.to_dict() == COPIED
        assert twin.model_fields_set == {"object", "images", "num_model_requests", "size", "tags"}
        assert getattr(twin, "tags") == {"a": [1, 2.5, None]}  # noqa: B009

    def test_deepcopy_is_independent(self) -> None:
        result = UsageImagesResult.from_dict(COPIED)
        twin = copy.deepcopy(result)
        getattr(twin, "tags")["a"].append(3)  # noqa: B009
        twin.images = 9
        assert result.to_dict() == COPIED

    @pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
    def test_pickle_with_every_protocol(self, protocol: int) -> None:
        result = UsageImagesResult.from_dict(COPIED)
        assert pickle.loads(pickle.dumps(result, protocol=protocol)).to_json() == result.to_json()
