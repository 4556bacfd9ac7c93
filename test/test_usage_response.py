"""`UsageResponse`: a whole page of the images usage listing, typed all the way down."""

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import openapiopenai
import openapiopenai.models
import openapiopenai.models.usage_response
from openapiopenai import UsageImagesResult, UsageResponse, UsageTimeBucket
from openapiopenai.models import MAX_JSON_DEPTH

from model_helpers import EmbeddingsResult, parsers, pickled

DATA = Path(__file__).parent / "data"
EXAMPLE_TEXT = (DATA / "usage_response.example.json").read_text(encoding="utf-8")
EXAMPLE: dict[str, Any] = json.loads(EXAMPLE_TEXT)
MULTI_TEXT = (DATA / "usage_response.multi.json").read_text(encoding="utf-8")
MULTI: dict[str, Any] = json.loads(MULTI_TEXT)
COMPLETIONS_RESULT: dict[str, Any] = json.loads(
    (DATA / "usage_completions_result.example.json").read_text(encoding="utf-8")
)

IMAGES = "organization.usage.images.result"
COMPLETIONS = "organization.usage.completions.result"
EMBEDDINGS = "organization.usage.embeddings.result"
RESULT: dict[str, Any] = {"object": IMAGES, "images": 2, "num_model_requests": 1}
PAGE: dict[str, Any] = {
    "object": "page",
    "data": [{"object": "bucket", "start_time": 0, "end_time": 86400, "results": [RESULT]}],
    "has_more": False,
    "next_page": None,
}
PAGE_JSON = (
    '{"object":"page","data":[{"object":"bucket","start_time":0,"end_time":86400,'
    '"results":[{"object":"organization.usage.images.result","images":2,"num_model_requests":1}]}],'
    '"has_more":false,"next_page":null}'
)


Parse = Callable[[dict[str, Any]], UsageResponse]
PARSERS = parsers(UsageResponse)
EMBEDDINGS_PARSERS = parsers(UsageResponse[EmbeddingsResult])


def _three_bucket_page(result: Any) -> dict[str, Any]:
    """A page whose third bucket holds `result` second."""
    page = copy.deepcopy(MULTI)
    page["data"][2]["results"][1] = result
    return page


def _nested(depth: int) -> Any:
    value: Any = 0
    for _ in range(depth):
        value = {"k": value}
    return value


class TestImports:
    def test_every_import_path_names_one_class(self) -> None:
        assert openapiopenai.models.usage_response.UsageResponse is openapiopenai.models.UsageResponse
        assert openapiopenai.models.UsageResponse is openapiopenai.UsageResponse

    def test_the_package_exports_it(self) -> None:
        assert "UsageResponse" in openapiopenai.__all__
        assert "UsageResponse" in openapiopenai.models.__all__


class TestSchema:
    def test_fields_in_schema_order(self) -> None:
        assert list(UsageResponse.model_fields) == ["object", "data", "has_more", "next_page"]

    @pytest.mark.parametrize("name", ["object", "data", "has_more", "next_page"])
    def test_every_field_is_required(self, name: str) -> None:
        assert UsageResponse.model_fields[name].is_required()

    def test_json_schema_keeps_the_constant_and_the_required_fields(self) -> None:
        schema = UsageResponse.model_json_schema()
        assert schema["properties"]["object"] == {"const": "page", "title": "Object", "type": "string"}
        assert schema["properties"]["data"]["items"] == {"$ref": "#/$defs/UsageTimeBucket"}
        assert schema["properties"]["has_more"]["type"] == "boolean"
        assert schema["properties"]["next_page"]["anyOf"] == [{"type": "string"}, {"type": "null"}]
        assert schema["required"] == ["object", "data", "has_more", "next_page"]
        assert schema["$defs"]["UsageTimeBucket"]["properties"]["results"]["items"] == {
            "$ref": "#/$defs/UsageImagesResult"
        }

    @pytest.mark.parametrize("name", ["data", "has_more", "next_page"])
    def test_fields_are_documented(self, name: str) -> None:
        description = UsageResponse.model_fields[name].description
        assert description
        assert UsageResponse.model_json_schema()["properties"][name]["description"] == description


class TestSpecExample:
    def test_round_trips_exactly(self) -> None:
        page = UsageResponse.from_json(EXAMPLE_TEXT)
        assert page.to_dict() == EXAMPLE
        assert json.loads(page.to_json()) == EXAMPLE

    def test_fields(self) -> None:
        page = UsageResponse.from_json(EXAMPLE_TEXT)
        assert (page.object, page.has_more, page.next_page) == ("page", False, None)
        [bucket] = page.data
        assert (bucket.object, bucket.start_time, bucket.end_time) == ("bucket", 1730419200, 1730505600)
        [result] = bucket.results
        assert result == UsageImagesResult.from_dict(
            {
                "object": IMAGES,
                "images": 2,
                "num_model_requests": 2,
                "size": None,
                "source": None,
                "project_id": None,
                "user_id": None,
                "api_key_id": None,
                "model": None,
            }
        )

    def test_explicit_nulls_in_results_are_written_back(self) -> None:
        page = UsageResponse.from_json(EXAMPLE_TEXT)
        assert page.to_json() == (
            '{"object":"page","data":[{"object":"bucket","start_time":1730419200,"end_time":1730505600,'
            '"results":[{"object":"organization.usage.images.result","images":2,"num_model_requests":2,'
            '"source":null,"size":null,"project_id":null,"user_id":null,"api_key_id":null,"model":null}]}],'
            '"has_more":false,"next_page":null}'
        )

    def test_from_dict_equals_from_json(self) -> None:
        assert UsageResponse.from_dict(EXAMPLE) == UsageResponse.from_json(EXAMPLE_TEXT)

    def test_typed_all_the_way_down(self) -> None:
        page = UsageResponse.from_json(EXAMPLE_TEXT)
        assert isinstance(page.data[0], UsageTimeBucket)
        assert type(page.data[0].results[0]) is UsageImagesResult


class TestMultiBucketPage:
    def test_to_json_is_the_document_exactly(self) -> None:
        page = UsageResponse.from_json(MULTI_TEXT)
        assert page.to_json() == json.dumps(MULTI, separators=(",", ":"), ensure_ascii=False)

    def test_to_dict_is_the_document(self) -> None:
        assert UsageResponse.from_dict(MULTI).to_dict() == MULTI

    def test_indented_json_reads_back_equal(self) -> None:
        page = UsageResponse.from_json(MULTI_TEXT)
        assert json.loads(page.to_json(indent=4)) == MULTI
        assert UsageResponse.from_json(page.to_json(indent=4)) == page

    def test_unknown_fields_at_every_level(self) -> None:
        page = UsageResponse.from_json(MULTI_TEXT)
        assert page.model_extra == {"retrieved": {"by": "test", "at": 1730678400}, "notes": "日本語 😀"}
        assert [bucket.model_extra for bucket in page.data] == [
            {"region": None},
            {"granularity": "1d", "partial": False},
            {},
        ]
        assert [result.model_extra for result in page.data[2].results] == [
            {},
            {
                "cost": {"value": 0.48, "currency": "usd"},
                "tags": ["a", 1, 2.5, True, None, {"nested": [[]]}],
                "ids": 123456789012345678901234567890,
            },
            {"later": None},
        ]

    def test_null_and_absent_stay_apart_in_results(self) -> None:
        page = UsageResponse.from_json(MULTI_TEXT)
        assert [result.model_fields_set for result in page.data[1].results] == [
            {"object", "images", "num_model_requests", "source", "size", "project_id", "quality"},
            {"object", "images", "num_model_requests", "source", "size"},
        ]

    def test_equal_to_a_parse_of_its_own_output(self) -> None:
        page = UsageResponse.from_json(MULTI_TEXT)
        assert UsageResponse.from_json(page.to_json()) == page
        assert UsageResponse.from_dict(page.to_dict()) == page

    def test_a_change_deep_inside_makes_it_unequal(self) -> None:
        changed = copy.deepcopy(MULTI)
        changed["data"][2]["results"][1]["tags"][4] = {}
        assert UsageResponse.from_dict(changed) != UsageResponse.from_dict(MULTI)

    def test_a_null_deep_inside_is_not_an_absent_field(self) -> None:
        changed = copy.deepcopy(MULTI)
        del changed["data"][1]["results"][1]["size"]
        assert UsageResponse.from_dict(changed) != UsageResponse.from_dict(MULTI)


class TestTopLevelFields:
    @pytest.mark.parametrize("parse", PARSERS)
    @pytest.mark.parametrize(
        "value",
        [
            pytest.param(1, id="one"),
            pytest.param(0, id="zero"),
            pytest.param("true", id="string"),
            pytest.param(None, id="null"),
            pytest.param(1.0, id="float"),
            pytest.param([], id="array"),
        ],
    )
    def test_has_more_is_a_strict_boolean(self, parse: Parse, value: Any) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse({**PAGE, "has_more": value})
        assert exc_info.value.errors(include_url=False) == [
            {"type": "bool_type", "loc": ("has_more",), "msg": "Input should be a valid boolean", "input": value}
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    def test_next_page_absent_is_missing(self, parse: Parse) -> None:
        document = {key: value for key, value in PAGE.items() if key != "next_page"}
        with pytest.raises(ValidationError) as exc_info:
            parse(document)
        assert exc_info.value.errors(include_url=False) == [
            {"type": "missing", "loc": ("next_page",), "msg": "Field required", "input": document}
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    def test_next_page_null_is_kept_and_written_back(self, parse: Parse) -> None:
        page = parse(PAGE)
        assert page.next_page is None
        assert page.to_json() == PAGE_JSON

    @pytest.mark.parametrize("parse", PARSERS)
    def test_next_page_cursor(self, parse: Parse) -> None:
        page = parse({**PAGE, "has_more": True, "next_page": "page_AAAA"})
        assert (page.has_more, page.next_page) == (True, "page_AAAA")
        assert page.to_json() == PAGE_JSON.replace('false,"next_page":null', 'true,"next_page":"page_AAAA"')

    @pytest.mark.parametrize("parse", PARSERS)
    @pytest.mark.parametrize("value", [5, True, []], ids=["int", "true", "array"])
    def test_next_page_is_a_strict_string(self, parse: Parse, value: Any) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse({**PAGE, "next_page": value})
        assert exc_info.value.errors(include_url=False) == [
            {"type": "string_type", "loc": ("next_page",), "msg": "Input should be a valid string", "input": value}
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    @pytest.mark.parametrize("name", ["object", "data", "has_more", "next_page"])
    def test_missing_field(self, parse: Parse, name: str) -> None:
        document = {key: value for key, value in PAGE.items() if key != name}
        with pytest.raises(ValidationError) as exc_info:
            parse(document)
        assert exc_info.value.errors(include_url=False) == [
            {"type": "missing", "loc": (name,), "msg": "Field required", "input": document}
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    @pytest.mark.parametrize("other", ["bucket", "list", "Page", ""])
    def test_object_of_another_kind(self, parse: Parse, other: str) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse({**PAGE, "object": other, "has_more": "no"})
        assert exc_info.value.errors(include_url=False) == [
            {
                "type": "object_mismatch",
                "loc": ("object",),
                "msg": f"Input should be 'page', not '{other}': a different kind of object",
                "input": other,
                "ctx": {"expected": "'page'", "actual": other},
            }
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    @pytest.mark.parametrize("value", [None, 0, {}], ids=["null", "int", "object"])
    def test_object_that_is_not_a_string(self, parse: Parse, value: Any) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse({**PAGE, "object": value})
        assert exc_info.value.errors(include_url=False) == [
            {
                "type": "literal_error",
                "loc": ("object",),
                "msg": "Input should be 'page'",
                "input": value,
                "ctx": {"expected": "'page'"},
            }
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    @pytest.mark.parametrize("value", [None, {}, 1], ids=["null", "object", "int"])
    def test_data_that_is_not_a_list(self, parse: Parse, value: Any) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse({**PAGE, "data": value})
        [error] = exc_info.value.errors(include_url=False)
        assert (error["type"], error["loc"], error["input"]) == ("list_type", ("data",), value)

    @pytest.mark.parametrize("text", ["null", "[]", "5", '"page"', "", "not json", "{"])
    def test_from_json_of_anything_but_an_object(self, text: str) -> None:
        with pytest.raises(ValidationError) as exc_info:
            UsageResponse.from_json(text)
        [error] = exc_info.value.errors(include_url=False)
        assert error["loc"] == ()
        assert error["type"] in {"model_type", "json_invalid"}

    def test_from_dict_of_none_is_none(self) -> None:
        assert UsageResponse.from_dict(None) is None

    @pytest.mark.parametrize("value", [[], "page", 5], ids=["list", "str", "int"])
    def test_from_dict_of_anything_but_a_mapping(self, value: Any) -> None:
        with pytest.raises(ValidationError) as exc_info:
            UsageResponse.from_dict(value)
        [error] = exc_info.value.errors(include_url=False)
        assert (error["type"], error["loc"], error["input"]) == ("model_type", (), value)


class TestNestedErrors:
    @pytest.mark.parametrize("parse", PARSERS)
    def test_a_result_field_carries_the_full_path(self, parse: Parse) -> None:
        result = {**MULTI["data"][2]["results"][1], "images": "12"}
        with pytest.raises(ValidationError) as exc_info:
            parse(_three_bucket_page(result))
        assert exc_info.value.errors(include_url=False) == [
            {
                "type": "int_type",
                "loc": ("data", 2, "results", 1, "images"),
                "msg": "Input should be a valid integer",
                "input": "12",
            }
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    def test_a_missing_result_field_carries_the_full_path(self, parse: Parse) -> None:
        result = {key: value for key, value in MULTI["data"][2]["results"][1].items() if key != "num_model_requests"}
        with pytest.raises(ValidationError) as exc_info:
            parse(_three_bucket_page(result))
        assert [(error["type"], error["loc"]) for error in exc_info.value.errors(include_url=False)] == [
            ("missing", ("data", 2, "results", 1, "num_model_requests"))
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    def test_a_bucket_field_carries_the_full_path(self, parse: Parse) -> None:
        page = copy.deepcopy(MULTI)
        page["data"][1]["end_time"] = 1730592000.0
        with pytest.raises(ValidationError) as exc_info:
            parse(page)
        assert exc_info.value.errors(include_url=False) == [
            {
                "type": "int_type",
                "loc": ("data", 1, "end_time"),
                "msg": "Input should be a valid integer",
                "input": 1730592000.0,
            }
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    def test_an_unknown_field_that_is_not_json_carries_the_full_path(self, parse: Parse) -> None:
        page = copy.deepcopy(MULTI)
        page["data"][2]["results"][1]["tags"] = [1, float("nan")]
        with pytest.raises(ValidationError) as exc_info:
            parse(page)
        assert [(error["type"], error["loc"]) for error in exc_info.value.errors(include_url=False)] == [
            ("finite_number", ("data", 2, "results", 1, "tags"))
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    def test_errors_at_every_level_are_reported_in_document_order(self, parse: Parse) -> None:
        page = copy.deepcopy(MULTI)
        page["has_more"] = "yes"
        page["data"][0]["start_time"] = None
        page["data"][1]["results"][0]["size"] = 1024
        page["data"][2]["results"][2]["model"] = False
        with pytest.raises(ValidationError) as exc_info:
            parse(page)
        assert [(error["type"], error["loc"]) for error in exc_info.value.errors(include_url=False)] == [
            ("int_type", ("data", 0, "start_time")),
            ("string_type", ("data", 1, "results", 0, "size")),
            ("string_type", ("data", 2, "results", 2, "model")),
            ("bool_type", ("has_more",)),
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    def test_a_result_of_another_kind_is_one_error_naming_both_kinds(self, parse: Parse) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse(_three_bucket_page(COMPLETIONS_RESULT))
        assert exc_info.value.errors(include_url=False) == [
            {
                "type": "object_mismatch",
                "loc": ("data", 2, "results", 1, "object"),
                "msg": (
                    "Input should be 'organization.usage.images.result', "
                    "not 'organization.usage.completions.result': a different kind of object"
                ),
                "input": COMPLETIONS,
                "ctx": {"expected": "'organization.usage.images.result'", "actual": COMPLETIONS},
            }
        ]

    def test_the_error_text_names_the_path_and_both_kinds(self) -> None:
        with pytest.raises(ValidationError) as exc_info:
            UsageResponse.from_json(json.dumps(_three_bucket_page(COMPLETIONS_RESULT)))
        text = str(exc_info.value)
        assert text.startswith("1 validation error for UsageResponse\ndata.2.results.1.object\n")
        assert "'organization.usage.images.result'" in text
        assert "'organization.usage.completions.result'" in text

    @pytest.mark.parametrize("parse", PARSERS)
    def test_other_errors_of_the_page_are_still_reported(self, parse: Parse) -> None:
        page = _three_bucket_page(COMPLETIONS_RESULT)
        page["data"][0]["results"] = [{**RESULT, "images": None}]
        page["next_page"] = 7
        with pytest.raises(ValidationError) as exc_info:
            parse(page)
        assert [(error["type"], error["loc"]) for error in exc_info.value.errors(include_url=False)] == [
            ("int_type", ("data", 0, "results", 0, "images")),
            ("object_mismatch", ("data", 2, "results", 1, "object")),
            ("string_type", ("next_page",)),
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    def test_every_result_of_another_kind_is_reported(self, parse: Parse) -> None:
        page = _three_bucket_page(COMPLETIONS_RESULT)
        page["data"][1]["results"][0] = {"object": EMBEDDINGS, "input_tokens": 3}
        with pytest.raises(ValidationError) as exc_info:
            parse(page)
        assert [
            (error["type"], error["loc"], error["input"]) for error in exc_info.value.errors(include_url=False)
        ] == [
            ("object_mismatch", ("data", 1, "results", 0, "object"), EMBEDDINGS),
            ("object_mismatch", ("data", 2, "results", 1, "object"), COMPLETIONS),
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    def test_a_bucket_of_another_kind_is_one_error(self, parse: Parse) -> None:
        page = copy.deepcopy(MULTI)
        page["data"][1] = {"object": "page", "data": []}
        with pytest.raises(ValidationError) as exc_info:
            parse(page)
        assert [(error["type"], error["loc"]) for error in exc_info.value.errors(include_url=False)] == [
            ("object_mismatch", ("data", 1, "object"))
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    def test_a_result_whose_object_is_not_a_string_reports_every_field(self, parse: Parse) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse(_three_bucket_page({"object": 5}))
        assert [(error["type"], error["loc"]) for error in exc_info.value.errors(include_url=False)] == [
            ("literal_error", ("data", 2, "results", 1, "object")),
            ("missing", ("data", 2, "results", 1, "images")),
            ("missing", ("data", 2, "results", 1, "num_model_requests")),
        ]


class TestUnknownFieldNesting:
    @pytest.mark.parametrize("depth", range(MAX_JSON_DEPTH - 7, MAX_JSON_DEPTH + 1))
    @pytest.mark.parametrize("level", ["page", "bucket", "result"])
    def test_from_dict_and_from_json_accept_the_same_nesting(self, level: str, depth: int) -> None:
        # Whatever from_dict accepts, to_json must write so that from_json reads it back.
        document = copy.deepcopy(PAGE)
        owner = {
            "page": document,
            "bucket": document["data"][0],
            "result": document["data"][0]["results"][0],
        }[level]
        owner["x"] = _nested(depth)
        try:
            from_dict: UsageResponse | None = UsageResponse.from_dict(document)
        except ValidationError:
            from_dict = None
        try:
            from_json: UsageResponse | None = UsageResponse.from_json(json.dumps(document))
        except ValidationError:
            from_json = None
        assert from_dict == from_json
        if from_dict is not None:
            assert UsageResponse.from_json(from_dict.to_json()) == from_dict


DUPLICATES = [
    pytest.param(copy.copy, id="copy"),
    pytest.param(copy.deepcopy, id="deepcopy"),
    pytest.param(pickled, id="pickle"),
]


class TestCopies:
    @pytest.mark.parametrize("duplicate", DUPLICATES)
    def test_keeps_everything(self, duplicate: Callable[[Any], Any]) -> None:
        page = UsageResponse.from_json(MULTI_TEXT)
        twin = duplicate(page)
        assert twin == page
        assert twin.to_dict() == MULTI
        assert twin.data[1].results[1].model_fields_set == {"object", "images", "num_model_requests", "source", "size"}

    @pytest.mark.parametrize("duplicate", DUPLICATES)
    def test_keeps_everything_when_parametrised(self, duplicate: Callable[[Any], Any]) -> None:
        page = UsageResponse[UsageImagesResult].from_json(MULTI_TEXT)
        twin = duplicate(page)
        assert type(twin) is type(page)
        assert twin == page
        assert twin.to_dict() == MULTI

    def test_deepcopy_is_independent(self) -> None:
        page = UsageResponse.from_json(MULTI_TEXT)
        twin = copy.deepcopy(page)
        twin.data[2].results[1].images = 0
        getattr(twin, "retrieved")["by"] = "someone else"  # noqa: B009
        assert page.to_dict() == MULTI


class TestAssignment:
    def test_has_more_is_validated(self) -> None:
        page = UsageResponse.from_dict(PAGE)
        with pytest.raises(ValidationError) as exc_info:
            page.has_more = 1  # type: ignore[assignment]
        assert [(error["type"], error["loc"]) for error in exc_info.value.errors(include_url=False)] == [
            ("bool_type", ("has_more",))
        ]

    def test_valid_assignment_is_written(self) -> None:
        page = UsageResponse.from_dict(PAGE)
        page.has_more = True
        page.next_page = "page_B"
        page.data[0].results[0].size = "1x1"
        assert page.to_json() == PAGE_JSON.replace(
            '"num_model_requests":1}', '"num_model_requests":1,"size":"1x1"}'
        ).replace('false,"next_page":null', 'true,"next_page":"page_B"')


class TestGenerics:
    def test_parametrised_with_images_gives_images_results(self) -> None:
        page = UsageResponse[UsageImagesResult].from_json(MULTI_TEXT)
        assert [type(result) for bucket in page.data for result in bucket.results] == [UsageImagesResult] * 5

    def test_unparametrised_gives_images_results_never_dicts(self) -> None:
        page = UsageResponse.from_json(MULTI_TEXT)
        assert [type(result) for bucket in page.data for result in bucket.results] == [UsageImagesResult] * 5

    @pytest.mark.parametrize("parse", PARSERS)
    def test_parametrised_equals_unparametrised(self, parse: Parse) -> None:
        plain = parse(MULTI)
        parametrised = UsageResponse[UsageImagesResult].from_json(MULTI_TEXT)
        assert parametrised == plain
        assert plain == parametrised
        assert parametrised.to_json() == plain.to_json()

    def test_parametrised_buckets_are_buckets(self) -> None:
        page = UsageResponse[UsageImagesResult].from_json(EXAMPLE_TEXT)
        assert isinstance(page.data[0], UsageTimeBucket)

    def test_parametrised_rejects_another_kind_with_one_error(self) -> None:
        with pytest.raises(ValidationError) as exc_info:
            UsageResponse[UsageImagesResult].from_json(json.dumps(_three_bucket_page(COMPLETIONS_RESULT)))
        assert [(error["type"], error["loc"]) for error in exc_info.value.errors(include_url=False)] == [
            ("object_mismatch", ("data", 2, "results", 1, "object"))
        ]

    def test_another_result_kind_parametrises_the_page(self) -> None:
        document = {
            **PAGE,
            "data": [
                {
                    "object": "bucket",
                    "start_time": 0,
                    "end_time": 60,
                    "results": [{"object": EMBEDDINGS, "input_tokens": 16, "num_model_requests": 2, "x": [None]}],
                    "y": 1,
                }
            ],
        }
        page = UsageResponse[EmbeddingsResult].from_json(json.dumps(document))
        [result] = page.data[0].results
        assert type(result) is EmbeddingsResult
        assert (result.input_tokens, result.num_model_requests) == (16, 2)
        assert page.to_dict() == document

    @pytest.mark.parametrize("parse", EMBEDDINGS_PARSERS)
    def test_another_result_kind_rejects_images_results(self, parse: Callable[[dict[str, Any]], object]) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse(PAGE)
        assert exc_info.value.errors(include_url=False) == [
            {
                "type": "object_mismatch",
                "loc": ("data", 0, "results", 0, "object"),
                "msg": (
                    "Input should be 'organization.usage.embeddings.result', "
                    "not 'organization.usage.images.result': a different kind of object"
                ),
                "input": IMAGES,
                "ctx": {"expected": "'organization.usage.embeddings.result'", "actual": IMAGES},
            }
        ]
