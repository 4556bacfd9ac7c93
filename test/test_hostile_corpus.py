"""The hostile corpus: every bad document is refused with the error type and location on record."""

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from openapiopenai import ApiModel, UsageImagesResult, UsageResponse, UsageTimeBucket

CORPUS = Path(__file__).resolve().parent / "corpus"
DATA = Path(__file__).resolve().parent / "data"
MANIFEST: dict[str, dict[str, Any]] = json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))
MODELS: dict[str, type[ApiModel]] = {
    model.__name__: model for model in (UsageImagesResult, UsageTimeBucket, UsageResponse)
}
CASES = sorted(MANIFEST)


def _is_utf8(name: str) -> bool:
    try:
        (CORPUS / name).read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


TEXT_CASES = [name for name in CASES if _is_utf8(name)]
DICT_CASES = [name for name in CASES if MANIFEST[name]["from_dict"] != "not_json"]


def error_pairs(error: ValidationError) -> list[list[Any]]:
    return [[detail["type"], list(detail["loc"])] for detail in error.errors()]


def model_of(name: str) -> type[ApiModel]:
    return MODELS[MANIFEST[name]["model"]]


def test_every_corpus_file_has_an_entry_and_every_entry_a_file() -> None:
    files = {path.name for path in CORPUS.iterdir() if path.suffix == ".json" and path.name != "cases.json"}
    assert files == set(MANIFEST)


def test_the_corpus_covers_the_three_models() -> None:
    assert {entry["model"] for entry in MANIFEST.values()} == set(MODELS)


@pytest.mark.parametrize("name", CASES)
def test_from_json_bytes_gives_the_recorded_errors(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        model_of(name).from_json((CORPUS / name).read_bytes())
    assert error_pairs(caught.value) == MANIFEST[name]["errors"]


@pytest.mark.parametrize("name", TEXT_CASES)
def test_from_json_text_gives_the_recorded_errors(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        model_of(name).from_json((CORPUS / name).read_bytes().decode("utf-8"))
    assert error_pairs(caught.value) == MANIFEST[name]["errors"]


@pytest.mark.parametrize("name", CASES)
def test_every_error_has_a_message(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        model_of(name).from_json(bytearray((CORPUS / name).read_bytes()))
    assert all(detail["msg"] and isinstance(detail["loc"], tuple) for detail in caught.value.errors())


@pytest.mark.parametrize("name", DICT_CASES)
def test_from_dict_of_what_json_module_reads(name: str) -> None:
    loaded = json.loads((CORPUS / name).read_bytes())
    expected = MANIFEST[name]["from_dict"]
    if expected == "accepted":
        result = model_of(name).from_dict(loaded)
        assert (result.to_dict() if result is not None else None) == loaded
    else:
        with pytest.raises(ValidationError) as caught:
            model_of(name).from_dict(loaded)
        assert error_pairs(caught.value) == expected


@pytest.mark.parametrize("name", [name for name in CASES if MANIFEST[name]["from_dict"] == "not_json"])
def test_python_json_module_refuses_it_too(name: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        json.loads((CORPUS / name).read_bytes())


VALID = {
    "result_indented": (UsageImagesResult, (DATA / "usage_images_result.example.json").read_text(encoding="utf-8")),
    "page_indented": (UsageResponse, (DATA / "usage_response.example.json").read_text(encoding="utf-8")),
    "page_compact": (
        UsageResponse,
        json.dumps(
            json.loads((DATA / "usage_response.example.json").read_text(encoding="utf-8")), separators=(",", ":")
        ),
    ),
}


@pytest.mark.parametrize("key", VALID)
def test_every_truncation_of_a_valid_document_is_invalid_json(key: str) -> None:
    model, text = VALID[key]
    text = text.strip()
    model.from_json(text)  # the whole document is fine
    outcomes = set()
    for end in range(len(text)):
        with pytest.raises(ValidationError) as caught:
            model.from_json(text[:end].encode("utf-8"))
        outcomes.add(tuple((detail["type"], detail["loc"]) for detail in caught.value.errors()))
    assert outcomes == {(("json_invalid", ()),)}
