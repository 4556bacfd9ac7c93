"""Property-based fuzzing: whatever comes in, only ValidationError comes out, and what is accepted round-trips."""

import json
import math
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from openapiopenai import (
    KINDS,
    ApiModel,
    CostsResultAmount,
    UsageImagesResult,
    UsageResponse,
    UsageResult,
    UsageTimeBucket,
)
from openapiopenai.models import MAX_INT_DIGITS

from model_helpers import NEGATIVE_INT_DIGITS
from openapi_spec import RESULT_MODELS, example
from strategies import examples

RESULT: dict[str, Any] = {
    "object": "organization.usage.images.result",
    "images": 2,
    "num_model_requests": 3,
    "size": "1024x1024",
    "source": None,
    "model": "dall-e-3",
}
BUCKET: dict[str, Any] = {"object": "bucket", "start_time": 1730419200, "end_time": 1730505600, "results": [RESULT]}
PAGE: dict[str, Any] = {"object": "page", "data": [BUCKET], "has_more": True, "next_page": "page_AAAA"}
# A page of every kind at once, read through the union of all kinds.
MIXED_PAGE: dict[str, Any] = {
    **PAGE,
    "data": [{**BUCKET, "results": [json.loads(example(model) or "{}") for model in RESULT_MODELS]}],
}
VALID: dict[type[ApiModel], dict[str, Any]] = {
    UsageImagesResult: RESULT,
    UsageTimeBucket: BUCKET,
    UsageResponse: PAGE,
    **{model: json.loads(example(model) or "{}") for model in RESULT_MODELS if model is not UsageImagesResult},
    CostsResultAmount: {"value": 0.06, "currency": "usd"},
    UsageResponse[UsageResult]: MIXED_PAGE,
}
MODELS: list[type[ApiModel]] = list(VALID)

FUZZ = settings(max_examples=examples(200), suppress_health_check=[HealthCheck.too_slow])


def parse(call: Any, *args: Any) -> ApiModel | None:
    """Call a parsing helper: it returns a model or raises a ValidationError whose every error is clear."""
    try:
        return call(*args)  # type: ignore[no-any-return]
    except ValidationError as caught:
        error = caught
    details = error.errors()
    assert details
    for detail in details:
        assert isinstance(detail["loc"], tuple)
        assert isinstance(detail["msg"], str)
        assert detail["msg"]
    assert str(error)
    return None


def check_json(model: type[ApiModel], document: str | bytes) -> None:
    """from_json on text, bytes and bytearray; an accepted document comes back unchanged."""
    variants: list[str | bytes | bytearray] = [document]
    if isinstance(document, bytes):
        variants.append(bytearray(document))
    for variant in variants:
        parsed = parse(model.from_json, variant)
        if parsed is not None:
            assert json.loads(parsed.to_json()) == json.loads(document)
            assert json.loads(parsed.to_json(indent=2)) == json.loads(document)


def check_dict(model: type[ApiModel], value: Any) -> None:
    parsed = parse(model.from_dict, value)
    if parsed is not None:
        assert parsed.to_dict() == value


# Arbitrary bytes


@FUZZ
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes(data: bytes) -> None:
    for model in MODELS:
        parse(model.from_json, data)
        parse(model.from_json, bytearray(data))
        parse(model.from_json, data.decode("utf-8", "surrogateescape"))  # text with lone surrogates


@FUZZ
@given(text=st.text(alphabet=st.sampled_from('{}[]:,"\\ -+.0123456789eEtrufalsnNIiy\ud800\n\t\x00\ufeff'), max_size=80))
def test_arbitrary_text_of_json_characters(text: str) -> None:
    for model in MODELS:
        check_json(model, text)


# Arbitrary JSON

KEYS = st.one_of(
    st.sampled_from(
        sorted(
            {*RESULT, *BUCKET, *PAGE, "extra", "__class__", "model_config", "", "__pydantic_extra__"}.union(
                *(model.model_fields for model in RESULT_MODELS), CostsResultAmount.model_fields
            )
        )
    ),
    st.text(max_size=8),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(
        min_value=1 - 10**NEGATIVE_INT_DIGITS, max_value=10**MAX_INT_DIGITS - 1
    ),  # as long as JSON integers get
    st.floats(),
    # Non-finite numbers must be refused, never written back as null; the others must survive exactly.
    st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 5e-324, 1.7976931348623157e308]),
    st.text(max_size=12),
    st.text(alphabet=st.characters(exclude_categories=()), max_size=6),  # lone surrogates included
    st.sampled_from(["bucket", "page", *(kind.object for kind in KINDS.values())]),
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=4)),
    max_leaves=25,
)


@st.composite
def documents(draw: st.DrawFn, model: type[ApiModel]) -> Any:
    """A valid document of `model` with arbitrary JSON put somewhere: a field replaced, or a field added."""
    document = json.loads(json.dumps(VALID[model]))
    holders = list(_objects(document))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        holder = draw(st.sampled_from(holders))
        action = draw(st.sampled_from(["add", "add", "replace", "delete"])) if holder else "add"
        key = draw(KEYS if action == "add" else st.sampled_from(sorted(holder)))
        if action == "delete":
            del holder[key]
        else:
            holder[key] = draw(JSON_VALUES)
    return document


def _objects(value: Any) -> Any:
    """Every JSON object in `value`, itself included."""
    if isinstance(value, dict):
        yield value
        for member in value.values():
            yield from _objects(member)
    elif isinstance(value, list):
        for element in value:
            yield from _objects(element)


def encode(value: Any, ascii_only: bool) -> str:
    return json.dumps(value, ensure_ascii=ascii_only)


@FUZZ
@given(value=JSON_VALUES, ascii_only=st.booleans())
def test_arbitrary_json_as_a_whole_document(value: Any, ascii_only: bool) -> None:
    for model in MODELS:
        check_json(model, encode(value, ascii_only))
        if isinstance(value, dict):
            check_dict(model, value)


@FUZZ
@given(data=st.data(), model=st.sampled_from(MODELS), ascii_only=st.booleans())
def test_arbitrary_json_inside_a_valid_document(data: st.DataObject, model: type[ApiModel], ascii_only: bool) -> None:
    document = data.draw(documents(model))
    check_json(model, encode(document, ascii_only))
    check_dict(model, document)


@FUZZ
@given(data=st.data(), model=st.sampled_from(MODELS))
def test_well_formed_documents_with_unknown_fields_are_accepted(data: st.DataObject, model: type[ApiModel]) -> None:
    document = json.loads(json.dumps(VALID[model]))
    unknown_keys = st.text(max_size=8).filter(lambda key: key not in document and key not in model.model_fields)
    extras = data.draw(st.dictionaries(unknown_keys, JSON_VALUES))
    assume(is_plain_json(extras))
    document.update(extras)
    assert json.loads(model.from_json(json.dumps(document)).to_json()) == document


def is_plain_json(value: Any) -> bool:
    """No non-finite number and no lone surrogate anywhere: what a valid JSON document can hold."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return not any("\ud800" <= char <= "\udfff" for char in value)
    if isinstance(value, list):
        return all(is_plain_json(item) for item in value)
    if isinstance(value, dict):
        return all(is_plain_json(key) and is_plain_json(item) for key, item in value.items())
    return True


# Mutations of valid documents

TOKENS = [
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b'"',
    b"\\",
    b"\\u",
    b"\\ud800",
    b"null",
    b"NaN",
    b"1e400",
    b"-",
    b"0",
    b"01",
    b"\xff",
    b"\xef\xbb\xbf",
    b"\x00",
    b"\t",
    b" ",
    b"/*",
    b"'",
    b'"object"',
    b'"images"',
    b"9" * 4301,
]


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        at = draw(st.integers(min_value=0, max_value=len(data)))
        end = draw(st.integers(min_value=at, max_value=min(len(data), at + 12)))
        operation = draw(st.sampled_from(["delete", "insert", "replace", "duplicate", "flip"]))
        if operation == "delete":
            del data[at:end]
        elif operation == "insert":
            data[at:at] = draw(st.one_of(st.sampled_from(TOKENS), st.binary(min_size=1, max_size=4)))
        elif operation == "replace":
            data[at:end] = draw(st.sampled_from(TOKENS))
        elif operation == "duplicate":
            data[at:at] = data[at:end]
        elif at < len(data):
            data[at] ^= 1 << draw(st.integers(min_value=0, max_value=7))
    return bytes(data)


@FUZZ
@given(data=st.data(), model=st.sampled_from(MODELS), indent=st.sampled_from([None, 2]))
def test_mutations_of_a_valid_document(data: st.DataObject, model: type[ApiModel], indent: int | None) -> None:
    original = json.dumps(VALID[model], indent=indent).encode()
    document = data.draw(mutated(original))
    for other in MODELS:
        check_json(other, document)
    try:
        text = document.decode("utf-8")
    except UnicodeDecodeError:
        return
    check_json(model, text)
