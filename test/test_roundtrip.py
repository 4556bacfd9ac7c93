"""The round-trip law, property-based: a valid document comes back exactly as it went in."""

import copy
import json
import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openapiopenai import ApiModel, UsageImagesResult, UsageResponse, UsageResult, UsageTimeBucket

from model_helpers import exact
from openapi_spec import MODEL_SCHEMAS, RESULT_MODELS
from strategies import (
    BUCKET_FIELDS,
    PAGE_FIELDS,
    RESULT_FIELDS,
    bucket_documents,
    canonical,
    documents_of_schema,
    examples,
    page_documents,
    page_documents_of,
    result_documents,
)

_EVERY_KIND = st.one_of([documents_of_schema(MODEL_SCHEMAS[model]) for model in RESULT_MODELS])

MODELS_WITH_FIELDS = [
    pytest.param(UsageImagesResult, result_documents, RESULT_FIELDS, id="UsageImagesResult"),
    pytest.param(UsageTimeBucket, bucket_documents, BUCKET_FIELDS, id="UsageTimeBucket"),
    pytest.param(UsageResponse, page_documents, PAGE_FIELDS, id="UsageResponse"),
    *(
        pytest.param(model, documents_of_schema(schema), tuple(schema["properties"]), id=model.__name__)
        for model, schema in MODEL_SCHEMAS.items()
        if model is not UsageImagesResult
    ),
    pytest.param(
        UsageResponse[UsageResult], page_documents_of(_EVERY_KIND), PAGE_FIELDS, id="UsageResponse[UsageResult]"
    ),
]

MODELS = [pytest.param(*param.values[:2], id=param.id) for param in MODELS_WITH_FIELDS]

# Whole pages are large; fewer of them keep the file quick while each still covers many results.
some_examples = settings(max_examples=examples(100))


@pytest.mark.parametrize(("model", "documents"), MODELS)
@some_examples
@given(data=st.data())
def test_from_json_to_json_gives_back_the_document(
    model: type[ApiModel], documents: st.SearchStrategy[dict[str, Any]], data: st.DataObject
) -> None:
    document = data.draw(documents)
    written = json.loads(model.from_json(json.dumps(document)).to_json())
    assert canonical(written) == canonical(document)
    assert exact(written) == exact(document)


@pytest.mark.parametrize(("model", "documents"), MODELS)
@some_examples
@given(data=st.data())
def test_from_dict_to_dict_gives_back_the_document(
    model: type[ApiModel], documents: st.SearchStrategy[dict[str, Any]], data: st.DataObject
) -> None:
    document = data.draw(documents)
    assert exact(model.from_dict(document).to_dict()) == exact(document)


@pytest.mark.parametrize(("model", "documents"), MODELS)
@some_examples
@given(data=st.data())
def test_unescaped_utf8_text_and_bytes_read_the_same(
    model: type[ApiModel], documents: st.SearchStrategy[dict[str, Any]], data: st.DataObject
) -> None:
    document = data.draw(documents)
    text = json.dumps(document, ensure_ascii=False)
    expected = exact(document)
    assert exact(json.loads(model.from_json(text).to_json())) == expected
    assert exact(json.loads(model.from_json(text.encode()).to_json())) == expected
    assert exact(json.loads(model.from_json(bytearray(text.encode())).to_json())) == expected


@pytest.mark.parametrize(("model", "documents"), MODELS)
@some_examples
@given(data=st.data())
def test_indented_json_reads_back_the_same(
    model: type[ApiModel], documents: st.SearchStrategy[dict[str, Any]], data: st.DataObject
) -> None:
    document = data.draw(documents)
    parsed = model.from_dict(document)
    assert exact(json.loads(parsed.to_json(indent=2))) == exact(document)
    assert model.from_json(parsed.to_json(indent=2)) == parsed


@pytest.mark.parametrize(("model", "documents"), MODELS)
@some_examples
@given(data=st.data())
def test_equal_documents_give_equal_models(
    model: type[ApiModel], documents: st.SearchStrategy[dict[str, Any]], data: st.DataObject
) -> None:
    document = data.draw(documents)
    reordered = dict(data.draw(st.permutations(list(document.items()))))
    from_text = model.from_json(json.dumps(document))
    assert from_text == model.from_dict(copy.deepcopy(document))
    assert from_text == model.from_json(json.dumps(reordered))
    assert model.from_json(from_text.to_json()) == from_text


@pytest.mark.parametrize(("model", "documents", "declared"), MODELS_WITH_FIELDS)
@some_examples
@given(data=st.data())
def test_declared_fields_come_first_then_unknown_fields_in_input_order(
    model: type[ApiModel], documents: st.SearchStrategy[dict[str, Any]], declared: tuple[str, ...], data: st.DataObject
) -> None:
    document = data.draw(documents)
    expected = [name for name in declared if name in document] + [name for name in document if name not in declared]
    assert list(json.loads(model.from_json(json.dumps(document)).to_json())) == expected
    assert list(model.from_dict(document).to_dict()) == expected


@pytest.mark.parametrize(("model", "documents"), MODELS)
@some_examples
@given(data=st.data())
def test_copies_and_pickles_write_the_same_document(
    model: type[ApiModel], documents: st.SearchStrategy[dict[str, Any]], data: st.DataObject
) -> None:
    document = data.draw(documents)
    parsed = model.from_dict(document)
    for duplicate in (copy.copy(parsed), copy.deepcopy(parsed), pickle.loads(pickle.dumps(parsed))):
        assert duplicate == parsed
        assert exact(duplicate.to_dict()) == exact(document)
