"""Hypothesis strategies for valid Usage API documents, unknown fields included."""

import json
import os
from collections.abc import Collection
from typing import Any, Final

from hypothesis import strategies as st

PROFILE: Final = os.environ.get("HYPOTHESIS_PROFILE", "light")
"""The Hypothesis profile of this run (loaded by conftest.py): `light` unless the environment asks for `deep`."""


def examples(deep: int) -> int:
    """How many examples a property tries: `deep` under the deep profile, a fifth of it (at least 10) otherwise."""
    return deep if PROFILE == "deep" else max(10, deep // 5)


RESULT_OBJECT: Final = "organization.usage.images.result"

RESULT_REQUIRED: Final = ("object", "images", "num_model_requests")
RESULT_OPTIONAL: Final = ("source", "size", "project_id", "user_id", "api_key_id", "model")
RESULT_FIELDS: Final = RESULT_REQUIRED + RESULT_OPTIONAL
BUCKET_FIELDS: Final = ("object", "start_time", "end_time", "results")
PAGE_FIELDS: Final = ("object", "data", "has_more", "next_page")

# Names that collide with attributes of models, dicts or Python objects: an unknown field may be called anything.
AWKWARD_NAMES: Final = (
    "",
    "_private",
    "__class__",
    "__dict__",
    "__pydantic_extra__",
    "__pydantic_fields_set__",
    "model_config",
    "model_fields",
    "to_json",
    "from_dict",
    "copy",
    "dict",
)

# Any Unicode scalar value (the default alphabet leaves out lone surrogates, which UTF-8 cannot carry),
# with extra weight on characters outside the Basic Multilingual Plane.
texts: Final[st.SearchStrategy[str]] = st.text() | st.text(st.characters(min_codepoint=0x10000), min_size=1)

# Integers well beyond 64 bits, and floats of every finite size.
integers: Final[st.SearchStrategy[int]] = st.integers() | st.integers(min_value=-(10**60), max_value=10**60)
floats: Final[st.SearchStrategy[float]] = st.floats(allow_nan=False, allow_infinity=False)

json_scalars: Final[st.SearchStrategy[Any]] = st.none() | st.booleans() | integers | floats | texts


def _names(exclude: Collection[str]) -> st.SearchStrategy[str]:
    return (texts | st.sampled_from(AWKWARD_NAMES)).filter(lambda name: name not in exclude)


json_values: Final[st.SearchStrategy[Any]] = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_names(()), children, max_size=4),
    max_leaves=10,
)
"""Any JSON value: nested arrays and objects of null, booleans, big integers, finite floats and text."""


def unknown_fields(declared: Collection[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Fields a model does not declare, with arbitrary JSON values."""
    return st.dictionaries(_names(declared), json_values, max_size=3)


def _document(known: st.SearchStrategy[dict[str, Any]], declared: Collection[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Known fields plus unknown ones, in any order."""
    merged = st.tuples(known, unknown_fields(declared)).map(lambda parts: {**parts[0], **parts[1]})
    return merged.flatmap(lambda document: st.permutations(list(document.items())).map(dict))


result_documents: Final[st.SearchStrategy[dict[str, Any]]] = _document(
    st.fixed_dictionaries(
        {"object": st.just(RESULT_OBJECT), "images": integers, "num_model_requests": integers},
        # Each group-by field absent, null or a string.
        optional=dict.fromkeys(RESULT_OPTIONAL, st.none() | texts),
    ),
    RESULT_FIELDS,
)
"""Valid `UsageImagesResult` documents."""


def bucket_documents_of(results: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Valid `UsageTimeBucket` documents holding `results`."""
    return _document(
        st.fixed_dictionaries(
            {
                "object": st.just("bucket"),
                "start_time": integers,
                "end_time": integers,
                "results": st.lists(results, max_size=3),
            }
        ),
        BUCKET_FIELDS,
    )


def page_documents_of(results: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Valid `UsageResponse` documents whose buckets hold `results`."""
    return _document(
        st.fixed_dictionaries(
            {
                "object": st.just("page"),
                "data": st.lists(bucket_documents_of(results), max_size=3),
                "has_more": st.booleans(),
                "next_page": st.none() | texts,
            }
        ),
        PAGE_FIELDS,
    )


bucket_documents: Final = bucket_documents_of(result_documents)
"""Valid `UsageTimeBucket` documents."""

page_documents: Final = page_documents_of(result_documents)
"""Valid `UsageResponse` documents."""


def canonical(value: Any) -> str:
    """A text that differs whenever two JSON values differ, including 1 against 1.0 against true."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _value_of(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Valid values of one property's non-null schema in the spec."""
    kind = schema["type"]
    if kind == "integer":
        return integers
    if kind == "number":
        return integers | floats
    if kind == "boolean":
        return st.booleans()
    if (
        kind == "object"
        and "required" not in schema
        and all("type" in inner for inner in schema["properties"].values())
    ):
        return st.fixed_dictionaries(
            {}, optional={name: _value_of(inner) for name, inner in schema["properties"].items()}
        )
    if kind == "object":  # with required or nullable members (the names listings' objects)
        return documents_of_schema(schema, unknown=False)  # unknown fields at the top are enough, and quicker
    if kind == "array":
        return st.lists(_value_of(schema["items"]), max_size=2)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    return texts


def documents_of_schema(schema: dict[str, Any], *, unknown: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    """Valid documents of a schema of the spec: required fields always, optional ones present or absent,
    `null` only where the spec allows it, and unknown fields (unless `unknown` is false)."""
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name, prop in schema["properties"].items():
        branches = prop.get("anyOf", [prop])
        present = [branch for branch in branches if branch.get("type") != "null"]
        value = _value_of(present[0])
        if len(present) < len(branches):
            value = st.none() | value
        (required if name in schema.get("required", []) else optional)[name] = value
    known = st.fixed_dictionaries(required, optional=optional)
    return _document(known, tuple(schema["properties"])) if unknown else known
