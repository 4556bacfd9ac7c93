"""Pages read by a reader of one kind of result (`JsonReader.narrowed`, guessed from the pages before):
exactly the documents and errors of reading each as any document."""

from __future__ import annotations

import io
import json
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from openapiopenai import documents
from openapiopenai.documents import Loaded, read_stream
from openapiopenai.models import KIND_NAMES, KINDS, ApiModel, KindName, UsageResponse, UsageTimeBucket

from model_helpers import generated_result
from strategies import examples

HOUR = 3600
FIRST = 1_730_419_200  # 2024-11-01


def _page(kinds: list[KindName], seed: int, least: int = 0, **fields: Any) -> dict[str, Any]:
    rng = random.Random(f"{kinds}:{seed}")
    data = [
        {
            "object": "bucket",
            "start_time": FIRST + index * HOUR,
            "end_time": FIRST + (index + 1) * HOUR,
            "results": [generated_result(kind, rng) for _ in range(rng.randrange(least, 3))],
        }
        for index, kind in enumerate(kinds)
    ]
    return {"object": "page", "data": data, "has_more": False, "next_page": None, **fields}


def _shape(value: Any) -> Any:
    """A value as its types and its JSON: equal only for documents of the same classes, holding the same."""
    if isinstance(value, list):
        return [_shape(item) for item in value]
    assert isinstance(value, ApiModel)
    inner: list[Any] = []
    if isinstance(value, UsageResponse):
        inner = [_shape(bucket) for bucket in value.data]
    elif isinstance(value, UsageTimeBucket):
        inner = [type(result) for result in value.results]
    return type(value), value.to_json(), inner


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_a_reader_of_one_kind_reads_its_pages_as_the_reader_of_every_document(kind: KindName) -> None:
    every = documents._reader(is_array=False)
    narrowed = documents._GUESS.of(KINDS[kind].object)
    for seed in range(5):
        page = json.dumps(_page([kind] * 4, seed, extra={"kept": [1.5, None]}))
        assert _shape(narrowed.read(page)) == _shape(every.read(page))
    alone = json.dumps(generated_result(kind, random.Random(3)))  # a result of the kind on its own, too
    assert _shape(narrowed.read(alone)) == _shape(every.read(alone))
    other = next(name for name in KIND_NAMES if name != kind)
    for refused in (
        _page([kind, other, kind], 0, least=1),  # another kind among them
        _page([other], 1, least=1),
        _page([kind], 2)["data"][0],  # a bucket on its own
        generated_result(other, random.Random(3)),
    ):
        text = json.dumps(refused)
        with pytest.raises(ValidationError):
            narrowed.read(text)
        every.read(text)  # valid all the same


_BAD: dict[str, str] = {
    "a counter as text": '"num_model_requests": "3"',
    "NaN hidden by a later key": '"num_model_requests": NaN, "num_model_requests": 3',
    "an unknown kind": '"object": "organization.usage.other.result"',
}


def _lines() -> list[bytes]:
    """Lines of JSON Lines: pages of one kind, of two, of none, invalid pages, and other documents."""
    lines = [json.dumps(_page([kind] * 3, seed)) for kind in ("images", "completions", "costs") for seed in range(2)]
    lines.append(json.dumps(_page(["images", "completions"], 0)))
    lines.append(json.dumps(_page([], 0)))
    for bad in _BAD.values():
        page = json.dumps(_page(["images"] * 3, 5))
        start = page.index('"num_model_requests"', page.index('"results": [{'))
        end = page.index(",", start)
        lines.append(page[:start] + bad + page[end:])
    lines.append(json.dumps(_page(["images"], 6)["data"][0]))
    lines.append(json.dumps(generated_result("images", random.Random(7))))
    lines.append(json.dumps(_page(["images"] * 2, 8))[:-20])  # cut short
    return [line.encode() for line in lines]


LINES = _lines()


def _read(chosen: list[int]) -> list[Any]:
    text = b"".join(LINES[index] + b"\n" for index in chosen)
    shapes: list[Any] = []
    for outcome in read_stream(io.BytesIO(text), "export.jsonl"):
        if isinstance(outcome, Loaded):
            shapes.append((outcome.line, _shape(outcome.document)))
        else:
            shapes.append((outcome.line, outcome.errors))
    return shapes


@settings(max_examples=examples(60))
@given(chosen=st.lists(st.integers(0, len(LINES) - 1), min_size=2, max_size=14), repeat=st.integers(1, 4))
def test_guessing_the_kind_reads_what_reading_each_line_alone_reads(chosen: list[int], repeat: int) -> None:
    chosen = [index for index in chosen for _ in range(repeat)]  # runs of the same line, so guesses are made
    documents._GUESS.recent = (None, None)
    guessed = _read(chosen)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(documents._GUESS, "reader", lambda: None)
        alone = _read(chosen)
    assert guessed == alone


def test_guesses_are_made_and_a_wrong_one_is_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []
    every = documents._reader(is_array=False)
    names = {id(every): "every"}
    for kind in ("images", "completions"):
        names[id(documents._GUESS.of(KINDS[kind].object))] = kind
    monkeypatch.setattr(type(every), "read", _counting(type(every).read, reads, names))
    documents._GUESS.recent = (None, None)
    images = [index for index, line in enumerate(LINES) if b"images.result" in line and b"completions" not in line]
    completions = next(index for index, line in enumerate(LINES) if b"completions.result" in line)
    shapes = _read([images[0], images[1], images[0], completions, completions, completions])
    assert len(shapes) == 6
    assert all(isinstance(shape[1], tuple) for shape in shapes)  # every page valid
    # Two images pages read as any document, one guessed, then a completions page guessed wrong and read
    # again as any document, one more read so, and the next completions page guessed.
    assert reads == ["every", "every", "images", "images", "every", "every", "completions"]


def _counting(read: Any, reads: list[str], names: dict[int, str]) -> Any:
    def counted(self: Any, text: Any) -> Any:
        reads.append(names.get(id(self), "other"))
        return read(self, text)

    return counted
