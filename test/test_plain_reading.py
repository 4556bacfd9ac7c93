"""`JsonReader.read_plain` accepts exactly what `read` accepts, and gives the same values as dicts.

The command line counts documents read as plain dicts (cheaper to build than models), so a
document it counts must be one the models accept, with the same values, and a document the models
refuse must be refused with the models' own errors.
"""

import json
from pathlib import Path
from typing import Annotated, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import Discriminator, ValidationError

from openapiopenai import ApiModel, UsageResponse, UsageResult, UsageTimeBucket
from openapiopenai.models._base import JsonReader

from openapi_spec import MODEL_SCHEMAS, RESULT_MODELS
from strategies import documents_of_schema, json_values, page_documents_of

Document = Annotated[UsageResponse[UsageResult] | UsageTimeBucket[UsageResult] | UsageResult, Discriminator("object")]
READER: JsonReader[Any] = JsonReader(Document, "document")
ARRAY_READER: JsonReader[Any] = JsonReader(list[Document], "document")
CORPUS = Path(__file__).resolve().parent / "corpus"

EVERY_KIND = st.one_of([documents_of_schema(MODEL_SCHEMAS[model]) for model in RESULT_MODELS])
PAGES = page_documents_of(EVERY_KIND)


def plain(value: Any) -> Any:
    """A model's value as `read_plain` gives it: each declared field (absent ones as None), then unknown ones."""
    if isinstance(value, ApiModel):
        fields = {name: plain(getattr(value, name)) for name in type(value).model_fields}
        return {**fields, **{name: plain(extra) for name, extra in (value.__pydantic_extra__ or {}).items()}}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def agree(reader: JsonReader[Any], text: str | bytes) -> None:
    """Both ways of reading accept the text or both refuse it with the same errors; values are the same."""
    refused: list[Any] | None = None
    try:
        models = reader.read(text)
    except ValidationError as error:
        refused = error.errors()
    if refused is not None:
        with pytest.raises(ValidationError) as caught:
            reader.read_plain(text)
        assert repr(caught.value.errors()) == repr(refused)  # repr: NaN inputs compare equal
        return
    got = reader.read_plain(text)
    assert json.dumps(got) == json.dumps(plain(models))
    assert got == plain(models)


@settings(max_examples=300, deadline=None)
@given(PAGES)
def test_valid_pages_of_every_kind_read_the_same(page: dict[str, Any]) -> None:
    agree(READER, json.dumps(page))


def _mutations(document: dict[str, Any]) -> st.SearchStrategy[Any]:
    """The document with one value anywhere replaced by any JSON value, or one field removed."""
    paths: list[tuple[Any, ...]] = []

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        paths.append(path)
        if isinstance(node, dict):
            for key, item in node.items():
                walk(item, (*path, key))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, (*path, index))

    walk(document, ())

    def change(path: tuple[Any, ...], value: Any, remove: bool) -> Any:
        copy = json.loads(json.dumps(document))
        if not path:
            return value
        parent = copy
        for part in path[:-1]:
            parent = parent[part]
        if remove and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = value
        return copy

    return st.builds(change, st.sampled_from(paths), json_values, st.booleans())


@settings(max_examples=500, deadline=None)
@given(PAGES.flatmap(_mutations))
def test_broken_pages_are_refused_alike(document: Any) -> None:
    agree(READER, json.dumps(document))
    agree(ARRAY_READER, json.dumps([document]))


@pytest.mark.parametrize("name", sorted(path.name for path in CORPUS.glob("*.json")))
def test_the_hostile_corpus_reads_alike(name: str) -> None:
    text = (CORPUS / name).read_bytes()
    agree(READER, text)
    agree(ARRAY_READER, b"[" + text + b"]")


@pytest.mark.parametrize(
    "text",
    [
        '{"object": "page", "data": [], "has_more": false, "next_page": null, "data": NaN}',
        '{"object": "bucket", "start_time": 1, "end_time": 2, "results": [], "x": Infinity, "x": 1}',
        '{"object": "organization.costs.result", "amount": {"value": 1e400}}',
        '{"object": "organization.costs.result", "amount": null}',
        '{"object": "organization.costs.result", "amount": {}}',
        '{"object": "organization.usage.images.result", "images": 1, "num_model_requests": 1, "size": 5}',
        '{"object": "organization.usage.images.result", "images": 1.0, "num_model_requests": 1}',
        '{"object": "organization.usage.images.result", "images": true, "num_model_requests": 1}',
        '{"object": "organization.usage.vector_stores.result", "usage_bytes": 1}',
        '{"object": "organization.usage.images.result", "images": 1}',
        '{"object": "nope"}',
        "[]",
        "{}",
        '"page"',
    ],
)
def test_edge_documents_read_alike(text: str) -> None:
    agree(READER, text)
