"""`UsageTimeBucket`: one time window and its results, generic over the result kind."""

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import openapiopenai
import openapiopenai.models
import openapiopenai.models.usage_time_bucket
from openapiopenai import UsageImagesResult, UsageTimeBucket

from model_helpers import EmbeddingsResult, parsers, pickled

DATA = Path(__file__).parent / "data"
RESPONSE_EXAMPLE: dict[str, Any] = json.loads((DATA / "usage_response.example.json").read_text(encoding="utf-8"))
BUCKET_EXAMPLE: dict[str, Any] = RESPONSE_EXAMPLE["data"][0]
COMPLETIONS_RESULT: dict[str, Any] = json.loads(
    (DATA / "usage_completions_result.example.json").read_text(encoding="utf-8")
)

IMAGES = "organization.usage.images.result"
EMBEDDINGS = "organization.usage.embeddings.result"
RESULT: dict[str, Any] = {"object": IMAGES, "images": 2, "num_model_requests": 1}
BUCKET: dict[str, Any] = {"object": "bucket", "start_time": 1730419200, "end_time": 1730505600, "results": [RESULT]}
BUCKET_JSON = (
    '{"object":"bucket","start_time":1730419200,"end_time":1730505600,'
    '"results":[{"object":"organization.usage.images.result","images":2,"num_model_requests":1}]}'
)


Parse = Callable[[dict[str, Any]], UsageTimeBucket]
PARSERS = parsers(UsageTimeBucket)
EMBEDDINGS_PARSERS = parsers(UsageTimeBucket[EmbeddingsResult])


class TestImports:
    def test_every_import_path_names_one_class(self) -> None:
        assert openapiopenai.models.usage_time_bucket.UsageTimeBucket is openapiopenai.models.UsageTimeBucket
        assert openapiopenai.models.UsageTimeBucket is openapiopenai.UsageTimeBucket

    def test_the_package_exports_it(self) -> None:
        assert "UsageTimeBucket" in openapiopenai.__all__
        assert "UsageTimeBucket" in openapiopenai.models.__all__


class TestSchema:
    def test_fields_in_schema_order(self) -> None:
        assert list(UsageTimeBucket.model_fields) == ["object", "start_time", "end_time", "results"]

    @pytest.mark.parametrize("name", ["object", "start_time", "end_time", "results"])
    def test_every_field_is_required(self, name: str) -> None:
        assert UsageTimeBucket.model_fields[name].is_required()

    def test_json_schema_keeps_the_constant_and_the_required_fields(self) -> None:
        schema = UsageTimeBucket.model_json_schema()
        assert schema["properties"]["object"] == {"const": "bucket", "title": "Object", "type": "string"}
        assert schema["properties"]["start_time"]["type"] == "integer"
        assert schema["properties"]["end_time"]["type"] == "integer"
        assert schema["properties"]["results"]["items"] == {"$ref": "#/$defs/UsageImagesResult"}
        assert schema["required"] == ["object", "start_time", "end_time", "results"]

    @pytest.mark.parametrize("name", ["start_time", "end_time", "results"])
    def test_fields_are_documented(self, name: str) -> None:
        description = UsageTimeBucket.model_fields[name].description
        assert description
        assert UsageTimeBucket.model_json_schema()["properties"][name]["description"] == description

    def test_class_is_documented(self) -> None:
        assert UsageTimeBucket.__doc__
        assert UsageTimeBucket.model_json_schema()["description"] == UsageTimeBucket.__doc__


class TestValidDocuments:
    def test_the_spec_examples_bucket_round_trips(self) -> None:
        bucket = UsageTimeBucket.from_json(json.dumps(BUCKET_EXAMPLE))
        assert bucket.to_dict() == BUCKET_EXAMPLE
        assert json.loads(bucket.to_json()) == BUCKET_EXAMPLE

    def test_fields(self) -> None:
        bucket = UsageTimeBucket.from_json(BUCKET_JSON)
        assert (bucket.object, bucket.start_time, bucket.end_time) == ("bucket", 1730419200, 1730505600)
        assert bucket.results == [UsageImagesResult.from_dict(RESULT)]

    @pytest.mark.parametrize("parse", PARSERS)
    def test_results_are_images_results_not_dicts(self, parse: Parse) -> None:
        bucket = parse({**BUCKET, "results": [RESULT, {**RESULT, "images": 5}]})
        assert [type(result) for result in bucket.results] == [UsageImagesResult, UsageImagesResult]
        assert [result.images for result in bucket.results] == [2, 5]

    def test_to_json(self) -> None:
        assert UsageTimeBucket.from_dict(BUCKET).to_json() == BUCKET_JSON

    def test_empty_results(self) -> None:
        bucket = UsageTimeBucket.from_dict({**BUCKET, "results": []})
        assert bucket.results == []
        assert bucket.to_dict() == {**BUCKET, "results": []}

    def test_unknown_fields_of_bucket_and_results_are_kept_in_order(self) -> None:
        text = (
            '{"object":"bucket","start_time":1,"end_time":2,'
            '"results":[{"object":"organization.usage.images.result","images":2,"num_model_requests":1,'
            '"size":null,"quality":"hd"}],'
            '"granularity":"1d","tags":[1,2.5,null]}'
        )
        bucket = UsageTimeBucket.from_json(text)
        assert bucket.to_json() == text
        assert bucket.model_extra == {"granularity": "1d", "tags": [1, 2.5, None]}
        assert bucket.results[0].model_extra == {"quality": "hd"}

    def test_unknown_fields_come_after_declared_ones(self) -> None:
        bucket = UsageTimeBucket.from_dict(
            {"extra": 1, "results": [], "end_time": 2, "start_time": 1, "object": "bucket"}
        )
        assert list(bucket.to_dict()) == ["object", "start_time", "end_time", "results", "extra"]

    def test_null_and_absent_in_results_stay_apart(self) -> None:
        document = {**BUCKET, "results": [{**RESULT, "size": None}, RESULT]}
        bucket = UsageTimeBucket.from_dict(document)
        assert bucket.to_dict() == document
        assert bucket.results[0] != bucket.results[1]

    def test_a_result_instance_is_accepted(self) -> None:
        result = UsageImagesResult.from_dict({**RESULT, "extra": [1]})
        bucket = UsageTimeBucket.from_dict({**BUCKET, "results": [result]})
        assert bucket.to_dict() == {**BUCKET, "results": [{**RESULT, "extra": [1]}]}

    def test_equality_looks_into_results(self) -> None:
        one = UsageTimeBucket.from_dict({**BUCKET, "results": [{**RESULT, "size": None}]})
        other = UsageTimeBucket.from_dict(BUCKET)
        assert one != other
        assert one == UsageTimeBucket.from_json(one.to_json())


STRICT_INT_REJECTS = [
    pytest.param("1730419200", id="string"),
    pytest.param(1730419200.0, id="float"),
    pytest.param(True, id="true"),
    pytest.param(None, id="null"),
    pytest.param([], id="array"),
]


class TestRejectedValues:
    @pytest.mark.parametrize("parse", PARSERS)
    @pytest.mark.parametrize("name", ["start_time", "end_time"])
    @pytest.mark.parametrize("value", STRICT_INT_REJECTS)
    def test_times_are_strict_integers(self, parse: Parse, name: str, value: Any) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse({**BUCKET, name: value})
        assert exc_info.value.errors(include_url=False) == [
            {"type": "int_type", "loc": (name,), "msg": "Input should be a valid integer", "input": value}
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    @pytest.mark.parametrize("other", ["page", "Bucket", "", IMAGES])
    def test_object_of_another_kind(self, parse: Parse, other: str) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse({**BUCKET, "object": other})
        assert exc_info.value.errors(include_url=False) == [
            {
                "type": "object_mismatch",
                "loc": ("object",),
                "msg": f"Input should be 'bucket', not '{other}': a different kind of object",
                "input": other,
                "ctx": {"expected": "'bucket'", "actual": other},
            }
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    @pytest.mark.parametrize("value", [None, 1, ["bucket"]], ids=["null", "int", "array"])
    def test_object_that_is_not_a_string(self, parse: Parse, value: Any) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse({**BUCKET, "object": value})
        assert exc_info.value.errors(include_url=False) == [
            {
                "type": "literal_error",
                "loc": ("object",),
                "msg": "Input should be 'bucket'",
                "input": value,
                "ctx": {"expected": "'bucket'"},
            }
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    @pytest.mark.parametrize("name", ["object", "start_time", "end_time", "results"])
    def test_missing_field(self, parse: Parse, name: str) -> None:
        document = {key: value for key, value in BUCKET.items() if key != name}
        with pytest.raises(ValidationError) as exc_info:
            parse(document)
        assert exc_info.value.errors(include_url=False) == [
            {"type": "missing", "loc": (name,), "msg": "Field required", "input": document}
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    @pytest.mark.parametrize("value", [None, {}, "[]", 0], ids=["null", "object", "string", "int"])
    def test_results_that_are_not_a_list(self, parse: Parse, value: Any) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse({**BUCKET, "results": value})
        # The message names an array for JSON input and a list for Python input.
        [error] = exc_info.value.errors(include_url=False)
        assert (error["type"], error["loc"], error["input"]) == ("list_type", ("results",), value)

    @pytest.mark.parametrize("parse", PARSERS)
    def test_a_wrong_result_field_carries_its_path(self, parse: Parse) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse({**BUCKET, "results": [RESULT, {**RESULT, "images": "2"}]})
        assert exc_info.value.errors(include_url=False) == [
            {
                "type": "int_type",
                "loc": ("results", 1, "images"),
                "msg": "Input should be a valid integer",
                "input": "2",
            }
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    def test_a_result_that_is_not_an_object(self, parse: Parse) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse({**BUCKET, "results": [RESULT, 5]})
        [error] = exc_info.value.errors(include_url=False)
        assert (error["type"], error["loc"], error["input"]) == ("model_type", ("results", 1), 5)

    @pytest.mark.parametrize("parse", PARSERS)
    def test_a_result_of_another_kind_is_one_error(self, parse: Parse) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse({**BUCKET, "results": [RESULT, COMPLETIONS_RESULT]})
        assert exc_info.value.errors(include_url=False) == [
            {
                "type": "object_mismatch",
                "loc": ("results", 1, "object"),
                "msg": (
                    "Input should be 'organization.usage.images.result', "
                    "not 'organization.usage.completions.result': a different kind of object"
                ),
                "input": "organization.usage.completions.result",
                "ctx": {
                    "expected": "'organization.usage.images.result'",
                    "actual": "organization.usage.completions.result",
                },
            }
        ]

    @pytest.mark.parametrize("parse", PARSERS)
    def test_errors_at_several_levels_are_all_reported(self, parse: Parse) -> None:
        document = {**BUCKET, "end_time": "2", "results": [{**RESULT, "size": 5}, COMPLETIONS_RESULT], "x": 1}
        with pytest.raises(ValidationError) as exc_info:
            parse(document)
        assert [(error["type"], error["loc"]) for error in exc_info.value.errors(include_url=False)] == [
            ("int_type", ("end_time",)),
            ("string_type", ("results", 0, "size")),
            ("object_mismatch", ("results", 1, "object")),
        ]


class TestAssignment:
    def test_times_are_validated(self) -> None:
        bucket = UsageTimeBucket.from_dict(BUCKET)
        with pytest.raises(ValidationError) as exc_info:
            bucket.start_time = "1"  # type: ignore[assignment]
        assert [(error["type"], error["loc"]) for error in exc_info.value.errors(include_url=False)] == [
            ("int_type", ("start_time",))
        ]
        assert bucket.to_dict() == BUCKET

    def test_assigned_results_become_models(self) -> None:
        bucket = UsageTimeBucket.from_dict(BUCKET)
        bucket.results = [{**RESULT, "images": 9}]  # type: ignore[list-item]
        assert bucket.results == [UsageImagesResult.from_dict({**RESULT, "images": 9})]
        assert bucket.to_dict() == {**BUCKET, "results": [{**RESULT, "images": 9}]}

    def test_assigned_results_are_validated(self) -> None:
        bucket = UsageTimeBucket.from_dict(BUCKET)
        with pytest.raises(ValidationError) as exc_info:
            bucket.results = [{**RESULT, "num_model_requests": None}]  # type: ignore[list-item]
        assert [(error["type"], error["loc"]) for error in exc_info.value.errors(include_url=False)] == [
            ("int_type", ("results", 0, "num_model_requests"))
        ]

    def test_an_assigned_result_of_another_kind_is_reported_once(self) -> None:
        bucket = UsageTimeBucket.from_dict(BUCKET)
        completions = {"object": "organization.usage.completions.result", "input_tokens": 5}
        with pytest.raises(ValidationError) as exc_info:
            bucket.results = [completions]  # type: ignore[list-item]
        assert exc_info.value.errors(include_url=False) == [
            {
                "type": "object_mismatch",
                "loc": ("results", 0, "object"),
                "msg": "Input should be 'organization.usage.images.result', "
                "not 'organization.usage.completions.result': a different kind of object",
                "input": "organization.usage.completions.result",
                "ctx": {
                    "expected": "'organization.usage.images.result'",
                    "actual": "organization.usage.completions.result",
                },
            }
        ]
        assert bucket.to_dict() == BUCKET


DUPLICATES = [
    pytest.param(copy.copy, id="copy"),
    pytest.param(copy.deepcopy, id="deepcopy"),
    pytest.param(pickled, id="pickle"),
]
COPIED: dict[str, Any] = {**BUCKET, "results": [{**RESULT, "size": None, "q": [1.5]}], "granularity": "1d"}


class TestCopies:
    @pytest.mark.parametrize("duplicate", DUPLICATES)
    def test_keeps_everything(self, duplicate: Callable[[Any], Any]) -> None:
        bucket = UsageTimeBucket.from_dict(COPIED)
        twin = duplicate(bucket)
        assert twin == bucket
        assert twin.to_dict() == COPIED
        assert twin.results[0].model_fields_set == {"object", "images", "num_model_requests", "size", "q"}

    @pytest.mark.parametrize("duplicate", DUPLICATES)
    def test_keeps_everything_when_parametrised(self, duplicate: Callable[[Any], Any]) -> None:
        bucket = UsageTimeBucket[UsageImagesResult].from_dict(COPIED)
        twin = duplicate(bucket)
        assert type(twin) is type(bucket)
        assert twin == bucket
        assert twin.to_dict() == COPIED


class TestGenerics:
    def test_parametrised_with_images_equals_unparametrised(self) -> None:
        parametrised = UsageTimeBucket[UsageImagesResult].from_json(BUCKET_JSON)
        plain = UsageTimeBucket.from_json(BUCKET_JSON)
        assert type(parametrised.results[0]) is UsageImagesResult
        assert parametrised == plain
        assert plain == parametrised
        assert parametrised.to_json() == plain.to_json() == BUCKET_JSON

    def test_parametrised_class_is_a_bucket(self) -> None:
        assert issubclass(UsageTimeBucket[UsageImagesResult], UsageTimeBucket)

    def test_another_result_kind_validates_its_own_results(self) -> None:
        document = {
            **BUCKET,
            "results": [{"object": EMBEDDINGS, "input_tokens": 16, "num_model_requests": 2, "model": None, "x": 1}],
        }
        bucket = UsageTimeBucket[EmbeddingsResult].from_json(json.dumps(document))
        [result] = bucket.results
        assert type(result) is EmbeddingsResult
        assert (result.input_tokens, result.num_model_requests) == (16, 2)
        assert bucket.to_dict() == document

    @pytest.mark.parametrize("parse", EMBEDDINGS_PARSERS)
    def test_another_result_kind_rejects_images_results(self, parse: Callable[[dict[str, Any]], object]) -> None:
        with pytest.raises(ValidationError) as exc_info:
            parse(BUCKET)
        assert exc_info.value.errors(include_url=False) == [
            {
                "type": "object_mismatch",
                "loc": ("results", 0, "object"),
                "msg": (
                    "Input should be 'organization.usage.embeddings.result', "
                    "not 'organization.usage.images.result': a different kind of object"
                ),
                "input": IMAGES,
                "ctx": {"expected": "'organization.usage.embeddings.result'", "actual": IMAGES},
            }
        ]

    def test_another_result_kind_is_strict(self) -> None:
        document = {**BUCKET, "results": [{"object": EMBEDDINGS, "input_tokens": "16", "num_model_requests": 2}]}
        with pytest.raises(ValidationError) as exc_info:
            UsageTimeBucket[EmbeddingsResult].from_dict(document)
        assert [(error["type"], error["loc"]) for error in exc_info.value.errors(include_url=False)] == [
            ("int_type", ("results", 0, "input_tokens"))
        ]

    def test_json_schema_of_another_result_kind(self) -> None:
        schema = UsageTimeBucket[EmbeddingsResult].model_json_schema()
        assert schema["properties"]["results"]["items"] == {"$ref": "#/$defs/EmbeddingsResult"}
        assert schema["$defs"]["EmbeddingsResult"]["properties"]["object"]["const"] == EMBEDDINGS
