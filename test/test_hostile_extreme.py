"""Extreme but well-formed input: huge, deep, wide, repeated. Built here, never stored."""

import json
from typing import Any

import pytest
from pydantic import ValidationError

from openapiopenai import ApiModel, UsageImagesResult, UsageResponse, UsageTimeBucket
from openapiopenai.models import MAX_INT_DIGITS, MAX_JSON_DEPTH

from model_helpers import NEGATIVE_INT_DIGITS as NEGATIVE_DIGITS
from model_helpers import parses

RESULT: dict[str, Any] = {"object": "organization.usage.images.result", "images": 2, "num_model_requests": 2}


def bucket(*results: dict[str, Any]) -> dict[str, Any]:
    return {"object": "bucket", "start_time": 1730419200, "end_time": 1730505600, "results": list(results)}


def page(*buckets: dict[str, Any]) -> dict[str, Any]:
    return {"object": "page", "data": list(buckets), "has_more": False, "next_page": None}


def with_extra(model: type[ApiModel], value: Any) -> tuple[dict[str, Any], tuple[str | int, ...]]:
    """A document of `model` with `value` in an unknown field of its deepest result, and that field's location."""
    result = {**RESULT, "extra": value}
    if model is UsageImagesResult:
        return result, ("extra",)
    if model is UsageTimeBucket:
        return bucket(result), ("results", 0, "extra")
    return page(bucket(result)), ("data", 0, "results", 0, "extra")


def nested_lists(depth: int, leaf: Any = 0) -> Any:
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def nested_objects(depth: int, leaf: Any = 0) -> Any:
    value = leaf
    for _ in range(depth):
        value = {"a": value}
    return value


def error_pairs(error: ValidationError) -> list[tuple[str, tuple[str | int, ...]]]:
    return [(detail["type"], detail["loc"]) for detail in error.errors()]


MODELS = [UsageImagesResult, UsageTimeBucket, UsageResponse]
MODEL_IDS = ["result", "bucket", "page"]

# How deeply the unknown field `with_extra` makes may nest: the parser's limit less the arrays and objects
# around it (the result; a bucket and its results; a page, its data, a bucket and its results).
EXTRA_LIMIT = {
    UsageImagesResult: MAX_JSON_DEPTH - 1,
    UsageTimeBucket: MAX_JSON_DEPTH - 3,
    UsageResponse: MAX_JSON_DEPTH - 5,
}


# Nesting


@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
@pytest.mark.parametrize("opener", ["[", '{"a":'], ids=["arrays", "objects"])
def test_json_nested_tens_of_thousands_deep_is_invalid_json(model: type[ApiModel], opener: str) -> None:
    document, _ = with_extra(model, "HOLE")
    closer = "]" if opener == "[" else "}"
    text = json.dumps(document).replace('"HOLE"', opener * 50_000 + "0" + closer * 50_000)
    with pytest.raises(ValidationError) as caught:
        model.from_json(text)
    assert error_pairs(caught.value) == [("json_invalid", ())]
    assert "recursion limit exceeded" in caught.value.errors()[0]["msg"]


@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
@pytest.mark.parametrize("nest", [nested_lists, nested_objects], ids=["lists", "dicts"])
def test_python_nested_tens_of_thousands_deep_is_too_deep(model: type[ApiModel], nest: Any) -> None:
    document, loc = with_extra(model, nest(50_000))
    with pytest.raises(ValidationError) as caught:
        model.from_dict(document)
    assert error_pairs(caught.value) == [("json_too_deep", loc)]


def test_a_list_that_contains_itself_is_too_deep() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValidationError) as caught:
        UsageImagesResult.from_dict({**RESULT, "extra": loop})
    assert error_pairs(caught.value) == [("json_too_deep", ("extra",))]


def test_the_nesting_limit_is_the_parsers_200() -> None:
    assert MAX_JSON_DEPTH == 200


@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
def test_nesting_at_the_limit_is_kept_by_from_json(model: type[ApiModel]) -> None:
    document, _ = with_extra(model, nested_lists(EXTRA_LIMIT[model]))
    text = json.dumps(document)
    assert json.loads(model.from_json(text).to_json()) == document


@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
def test_nesting_at_the_limit_from_dict_can_be_read_back_from_json(model: type[ApiModel]) -> None:
    document, _ = with_extra(model, nested_objects(EXTRA_LIMIT[model]))
    written = model.from_dict(document).to_json()
    assert model.from_json(written).to_dict() == document


@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
@pytest.mark.parametrize(
    ("nest", "leaf", "extra_depth", "accepted"),
    [
        pytest.param(nested_lists, 0, 0, True, id="number-at-the-limit"),
        pytest.param(nested_lists, 0, 1, False, id="number-past-the-limit"),
        pytest.param(nested_lists, [], 0, True, id="empty-array-at-the-limit"),
        pytest.param(nested_objects, {}, 0, True, id="empty-object-at-the-limit"),
        pytest.param(nested_lists, [], 1, False, id="empty-array-past-the-limit"),
        pytest.param(nested_lists, [0], 0, False, id="array-holding-a-value-past-the-limit"),
        pytest.param(nested_objects, {"a": 0}, 0, False, id="object-holding-a-value-past-the-limit"),
    ],
)
def test_every_entry_point_stops_at_the_same_depth(
    model: type[ApiModel], nest: Any, leaf: Any, extra_depth: int, accepted: bool
) -> None:
    # No value inside more than MAX_JSON_DEPTH arrays and objects: an empty one may be the next level.
    document, _ = with_extra(model, nest(EXTRA_LIMIT[model] + extra_depth, leaf))
    text = json.dumps(document)
    outcomes = []
    for read in (model.from_json, model.model_validate_json, model.from_dict, model.model_validate):
        try:
            read(text if read in (model.from_json, model.model_validate_json) else document)
        except ValidationError:
            outcomes.append(False)
        else:
            outcomes.append(True)
    assert outcomes == [accepted] * 4


@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
def test_nesting_past_the_limit_is_too_deep_from_dict(model: type[ApiModel]) -> None:
    document, loc = with_extra(model, nested_lists(EXTRA_LIMIT[model] + 1))
    with pytest.raises(ValidationError) as caught:
        model.from_dict(document)
    assert error_pairs(caught.value) == [("json_too_deep", loc)]
    assert (
        caught.value.errors()[0]["msg"] == f"Input nests arrays and objects more than {EXTRA_LIMIT[model]} levels deep"
    )


@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
def test_nesting_past_the_limit_is_refused_by_from_json(model: type[ApiModel]) -> None:
    document, _ = with_extra(model, nested_lists(EXTRA_LIMIT[model] + 1))
    with pytest.raises(ValidationError) as caught:
        model.from_json(json.dumps(document))
    assert error_pairs(caught.value) == [("json_invalid", ())]


def test_the_parser_reads_no_value_inside_more_than_200_containers() -> None:
    with pytest.raises(ValidationError) as caught:
        UsageImagesResult.from_json(json.dumps(nested_lists(201)))  # 201 arrays around the 0
    assert error_pairs(caught.value) == [("json_invalid", ())]


def test_the_parser_reads_a_value_inside_200_containers() -> None:
    with pytest.raises(ValidationError) as caught:
        UsageImagesResult.from_json(json.dumps(nested_lists(200)))
    assert error_pairs(caught.value) == [("model_type", ())]  # parsed, then refused as not an object


# Big numbers

BIG = int("9" * MAX_INT_DIGITS)
MOST_NEGATIVE = -int("9" * NEGATIVE_DIGITS)


@pytest.mark.parametrize("value", [BIG, MOST_NEGATIVE], ids=["positive", "negative"])
def test_an_integer_of_the_most_digits_in_a_declared_field_round_trips(value: int) -> None:
    text = json.dumps({**RESULT, "images": value})
    assert json.loads(UsageImagesResult.from_json(text).to_json()) == json.loads(text)


@pytest.mark.parametrize("value", [BIG, MOST_NEGATIVE], ids=["positive", "negative"])
def test_an_integer_of_the_most_digits_in_an_unknown_field_round_trips(value: int) -> None:
    document = {**RESULT, "extra": [value]}
    assert json.loads(UsageImagesResult.from_json(json.dumps(document)).to_json()) == document
    assert UsageImagesResult.from_dict(document).to_dict() == document


@pytest.mark.parametrize("field", ["images", "extra"])
def test_an_integer_of_4301_digits_is_invalid_json(field: str) -> None:
    text = json.dumps({**RESULT, field: 0}).replace(f'"{field}": 0', f'"{field}": 1' + "0" * 4300)
    with pytest.raises(ValidationError) as caught:
        UsageImagesResult.from_json(text)
    assert error_pairs(caught.value) == [("json_invalid", ())]
    assert "number out of range" in caught.value.errors()[0]["msg"]


@pytest.mark.parametrize(
    ("value", "digits"),
    [(BIG + 1, MAX_INT_DIGITS), (MOST_NEGATIVE - 1, NEGATIVE_DIGITS), (10**10_000, MAX_INT_DIGITS)],
    ids=["one_digit_too_many", "negative", "10001_digits"],
)
def test_an_integer_json_cannot_carry_is_refused_in_an_unknown_field_from_dict(value: int, digits: int) -> None:
    with pytest.raises(ValidationError) as caught:
        UsageImagesResult.from_dict({**RESULT, "extra": {"n": value}})
    assert error_pairs(caught.value) == [("int_digits", ("extra",))]
    assert caught.value.errors()[0]["msg"] == f"Input should be an integer of at most {digits} digits"


@pytest.mark.parametrize("field", ["images", "extra"])
@pytest.mark.parametrize("sign", ["", "-"], ids=["positive", "negative"])
def test_every_integer_from_json_is_accepted_and_written_back_by_every_door(field: str, sign: str) -> None:
    # Whatever from_json reads, from_dict and assignment accept and to_json writes back.
    for digits in (MAX_INT_DIGITS - 1, MAX_INT_DIGITS, MAX_INT_DIGITS + 1):
        text = json.dumps({**RESULT, field: 0}).replace(f'"{field}": 0', f'"{field}": {sign}' + "9" * digits)
        try:
            read = UsageImagesResult.from_json(text)
        except ValidationError:
            assert not parses((sign + "9" * digits).encode())
            continue
        again = UsageImagesResult.from_dict(read.to_dict())
        assert again == read
        assert UsageImagesResult.from_json(again.to_json()) == read
        setattr(again, field, getattr(read, field))
        assert again.model_copy(update={field: getattr(read, field)}) == read


def test_a_number_with_a_100000_digit_fraction_reads_as_the_nearest_float() -> None:
    text = json.dumps(RESULT)[:-1] + ', "extra": 0.' + "3" * 100_000 + "}"
    assert UsageImagesResult.from_json(text).to_dict()["extra"] == json.loads(text)["extra"]


def test_an_underflowing_number_reads_as_zero_like_json_loads() -> None:
    text = json.dumps(RESULT)[:-1] + ', "extra": [1e-400, -1e-400]}'
    assert json.loads(UsageImagesResult.from_json(text).to_json()) == json.loads(text)


# Big strings, many keys, long lists


def test_a_string_of_20_megabytes_in_a_declared_field_round_trips() -> None:
    document = {**RESULT, "model": "m" * 20_000_000}
    assert json.loads(UsageImagesResult.from_json(json.dumps(document)).to_json()) == document


def test_a_string_of_20_megabytes_of_escapes_in_an_unknown_field_round_trips() -> None:
    document = {**RESULT, "extra": "\u00e9\n\U0001f600" * 2_000_000}
    text = json.dumps(document)  # every character written as an escape
    assert len(text) > 20_000_000
    assert json.loads(UsageImagesResult.from_json(text).to_json()) == document


def test_an_object_of_200000_keys_in_an_unknown_field_round_trips() -> None:
    document = {**RESULT, "extra": {f"k{index}": index for index in range(200_000)}}
    assert json.loads(UsageImagesResult.from_json(json.dumps(document)).to_json()) == document
    assert UsageImagesResult.from_dict(document).to_dict() == document


def test_200000_unknown_fields_round_trip() -> None:
    document = {**RESULT, **{f"k{index}": index for index in range(200_000)}}
    assert json.loads(UsageImagesResult.from_json(json.dumps(document)).to_json()) == document


def test_a_page_of_100000_results_round_trips() -> None:
    document = page(bucket(*[{**RESULT, "images": index} for index in range(100_000)]))
    text = json.dumps(document)
    assert json.loads(UsageResponse.from_json(text).to_json()) == document


def test_an_unknown_list_of_a_million_numbers_round_trips() -> None:
    document = {**RESULT, "extra": [index * 0.5 for index in range(1_000_000)]}
    assert json.loads(UsageImagesResult.from_json(json.dumps(document)).to_json()) == document


def test_every_one_of_20000_results_of_another_kind_is_reported_once() -> None:
    other = {"object": "organization.usage.completions.result", "input_tokens": 1}
    text = json.dumps(page(bucket(*[other] * 20_000)))
    with pytest.raises(ValidationError) as caught:
        UsageResponse.from_json(text)
    assert error_pairs(caught.value) == [
        ("object_mismatch", ("data", 0, "results", i, "object")) for i in range(20_000)
    ]


# Duplicate keys: the last one wins, as with json.loads

HEAD = '{"object": "organization.usage.images.result", "num_model_requests": 2, '


@pytest.mark.parametrize(
    ("members", "images"),
    [
        ('"images": 1, "images": 3', 3),
        ('"images": "one", "images": 3', 3),
        ('"images": null, "images": 3', 3),
    ],
    ids=["both_valid", "first_a_string", "first_null"],
)
def test_the_last_of_duplicate_declared_fields_wins(members: str, images: int) -> None:
    assert UsageImagesResult.from_json(HEAD + members + "}").images == images


def test_an_invalid_last_duplicate_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        UsageImagesResult.from_json(HEAD + '"images": 3, "images": "three"}')
    assert error_pairs(caught.value) == [("int_type", ("images",))]


def test_the_last_duplicate_object_constant_wins() -> None:
    text = '{"object": "page", "object": "organization.usage.images.result", "images": 2, "num_model_requests": 2}'
    assert UsageImagesResult.from_json(text).to_dict() == RESULT


def test_duplicate_unknown_fields_keep_the_first_place_and_the_last_value_like_json_loads() -> None:
    text = json.dumps(RESULT)[:-1] + ', "a": 1, "b": [1], "a": {"x": 1, "x": 2}, "b": null}'
    written = UsageImagesResult.from_json(text).to_json()
    assert written == json.dumps(json.loads(text), separators=(",", ":"))
    assert written.endswith('"a":{"x":2},"b":null}')


def test_100000_duplicates_of_one_key_keep_the_last() -> None:
    text = HEAD + '"images": 2, ' + ", ".join(f'"a": {index}' for index in range(100_000)) + "}"
    assert UsageImagesResult.from_json(text).to_dict() == {**RESULT, "a": 99_999}
