"""Hypothesis strategies for valid Usage API documents, unknown fields included."""

import json
from collections.abc import Collection
from typing import Any, Final

from hypothesis import strategies as st

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

bucket_documents: Final[st.SearchStrategy[dict[str, Any]]] = _document(
    st.fixed_dictionaries(
        {
            "object": st.just("bucket"),
            "start_time": integers,
            "end_time": integers,
            "results": st.lists(result_documents, max_size=3),
        }
    ),
    BUCKET_FIELDS,
)
"""Valid `UsageTimeBucket` documents."""

page_documents: Final[st.SearchStrategy[dict[str, Any]]] = _document(
    st.fixed_dictionaries(
        {
            "object": st.just("page"),
            "data": st.lists(bucket_documents, max_size=3),
            "has_more": st.booleans(),
            "next_page": st.none() | texts,
        }
    ),
    PAGE_FIELDS,
)
"""Valid `UsageResponse` documents."""


def canonical(value: Any) -> str:
    """A text that differs whenever two JSON values differ, including 1 against 1.0 against true."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)
