"""A large page read a run of buckets at a time (`split_pages`): the same documents, totals, listing checks
and errors as the page read whole.

The size from which a page is read in parts is lowered here to a few hundred bytes, so small pages
come in many parts.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from openapiopenai import _split, documents
from openapiopenai.cli import main
from openapiopenai.documents import Loaded, Outcome, Part, Rejected, read_path
from openapiopenai.models import KIND_NAMES, MAX_JSON_DEPTH, KindName, UsageResponse, UsageTimeBucket

from model_helpers import generated_result
from strategies import examples, json_values, page_documents

DAY = 86_400
FIRST = 1_730_419_200  # 2024-11-01


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages of a few hundred bytes are read in parts of a few buckets."""
    monkeypatch.setattr(documents, "SPLIT_BYTES", 200)
    monkeypatch.setattr(documents, "_RUN_BYTES", 300)


def _page(kind: KindName, buckets: int = 30, *, seed: int = 0, empty: bool = True, **fields: Any) -> dict[str, Any]:
    """A page of daily buckets of `kind`, some of them empty (first and last among them, if `empty`)."""
    rng = random.Random(f"{kind}:{seed}")
    data = []
    for index in range(buckets):
        count = 0 if empty and index in (0, 5, buckets - 1) else rng.randrange(1, 4)
        start = FIRST + index * DAY
        data.append(
            {
                "object": "bucket",
                "start_time": start,
                "end_time": start + DAY,
                "results": [generated_result(kind, rng) for _ in range(count)],
            }
        )
    return {"object": "page", "data": data, "has_more": False, "next_page": None, **fields}


def _write(path: Path, document: Any, *, indent: int | None = 2) -> Path:
    path.write_text(json.dumps(document, indent=indent))
    return path


def _whole(path: Path) -> list[Outcome]:
    return list(read_path(path))


def _parts(path: Path) -> list[Outcome]:
    return list(read_path(path, split_pages=True))


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_the_parts_hold_the_pages_buckets_in_order(kind: KindName, tmp_path: Path, small_parts: None) -> None:
    path = _write(tmp_path / "page.json", _page(kind, extra={"kept": [1, 2]}))
    [whole] = _whole(path)
    parts = _parts(path)
    assert isinstance(whole, Loaded)
    assert isinstance(whole.document, UsageResponse)
    assert len(parts) > 3
    buckets: list[UsageTimeBucket[Any]] = []
    for number, outcome in enumerate(parts):
        assert isinstance(outcome, Loaded)
        assert isinstance(outcome.document, UsageResponse)
        results = sum(len(bucket.results) for bucket in whole.document.data)
        last = number == len(parts) - 1
        assert outcome.part == Part(number, len(buckets), last, frozenset({kind}), 30, results)
        part = outcome.part
        assert part.describe() == documents.describe(whole.document)
        assert outcome.document.model_copy(update={"data": []}) == whole.document.model_copy(update={"data": []})
        buckets += outcome.document.data
    assert buckets == whole.document.data


def test_a_part_holds_at_least_as_much_of_its_buckets_as_of_the_rest_of_the_page(
    tmp_path: Path, small_parts: None
) -> None:
    path = _write(tmp_path / "page.json", _page("costs", notes="x" * 2000))
    [whole] = _whole(path)
    parts = _parts(path)
    # Each part but the last holds more than 2000 bytes of the page's buckets, which fill the rest of the file.
    assert 1 < len(parts) <= (path.stat().st_size - 2000) // 2000 + 1
    assert [bucket for outcome in parts for bucket in _buckets(outcome)] == _buckets(whole)


def test_a_page_under_the_size_or_without_split_pages_is_read_whole(tmp_path: Path, small_parts: None) -> None:
    path = _write(tmp_path / "page.json", _page("images"))
    assert [outcome.part for outcome in _whole(path)] == [None]
    documents.SPLIT_BYTES = path.stat().st_size + 1  # type: ignore[misc]  # restored by the fixture
    assert [outcome.part for outcome in _parts(path)] == [None]


@pytest.mark.parametrize(
    "document",
    [
        pytest.param([_page("images")], id="an array of pages"),
        pytest.param({**_page("images"), "object": "bucket"}, id="another kind of document"),
        pytest.param(_page("images", 0), id="no buckets"),
        pytest.param({"object": "page", "has_more": False, "next_page": None}, id="no data"),
        pytest.param({**_page("images"), "data": {"0": 1}}, id="data not an array"),
    ],
)
def test_anything_but_a_page_with_buckets_is_read_whole(document: Any, tmp_path: Path, small_parts: None) -> None:
    path = _write(tmp_path / "page.json", document)
    assert _parts(path) == _whole(path)
    assert len(_parts(path)) == 1


def _late(page: dict[str, Any], change: Any, index: int = -2) -> dict[str, Any]:
    """The page with a bucket changed, by default the second-to-last: found after several parts were read."""
    change(page["data"][index])
    return page


def _text_late(page: dict[str, Any], old: str, new: str) -> str:
    """The page's text with a change in its second-to-last bucket, which holds `old` once."""
    text = json.dumps(page, indent=2)
    cut = text.index(json.dumps(page["data"][-2]["start_time"]))
    assert text.count(old, cut) >= 1
    return text[:cut] + text[cut:].replace(old, new, 1)


def _deep(levels: int) -> Any:
    value: Any = 0
    for _ in range(levels):
        value = [value]
    return value


# Page, data, bucket, results and result enclose an unknown field of a result: 5 levels.
_DEEPEST = MAX_JSON_DEPTH - 5

INVALID: list[Any] = [
    pytest.param(lambda: _late(_page("images"), lambda bucket: bucket.update(end_time="1")), id="a bad bucket late"),
    pytest.param(
        lambda: _late(_page("images"), lambda bucket: bucket["results"].append({"object": "organization.usage.x"})),
        id="an unknown kind of result",
    ),
    *(
        pytest.param(
            lambda name=name: _late(_page("images"), lambda bucket: bucket["results"].append({"object": name})),
            id=f"a result whose object is {label}",
        )
        for name, label in [
            (5, "a number"),
            (None, "null"),
            (["organization.usage.images.result"], "a list"),
        ]
    ),
    pytest.param(
        lambda: _text_late(
            _page("images"), '"results": [', '"results": [{"object": "organization.usage.imag\u00e9s"}, '
        ),
        id="a result whose object is beyond ASCII, as UTF-8",
    ),
    pytest.param(
        lambda: _late(
            _page("images"),
            lambda bucket: bucket["results"].append({"object": "organization.costs.result", "amount": 1}),
        ),
        id="another kind late, invalid",
    ),
    pytest.param(
        lambda: _late(_page("images"), lambda bucket: bucket["results"][0].update(deep=_deep(_DEEPEST + 1))),
        id="nested one level too deep late",
    ),
    pytest.param(
        lambda: _text_late(_page("images"), '"images":', '"images": NaN, "images":'),
        id="NaN hidden by a duplicate key late",
    ),
    pytest.param(
        lambda: _text_late(_page("images"), '"images":', '"images": 1e400, "x": 1e400, "images":'),
        id="a number too large late",
    ),
    pytest.param(
        lambda: _text_late(_page("images"), '"images": ', '"images": 1' + "0" * 5000 + ', "y": '),
        id="an integer too long near the end",
    ),
    pytest.param(
        lambda: _text_late(_page("images"), '"results": [', '"results": [{"object": ],'), id="broken JSON near the end"
    ),
    pytest.param(
        lambda: _text_late(_page("images"), '"images":', '"x": "\udcff", "images":').encode("utf-8", "surrogateescape"),
        id="a byte that is not UTF-8 late",
    ),
    pytest.param(lambda: json.dumps(_page("images"), indent=2)[:-40], id="truncated"),
    pytest.param(lambda: json.dumps(_page("images"), indent=2) + "\n{}", id="another document after it"),
    pytest.param(
        lambda: json.dumps(_page("images"), indent=2).replace(
            '"has_more": false', '"has_more": NaN, "has_more": false'
        ),
        id="NaN hidden by a duplicate key in the page",
    ),
    pytest.param(
        lambda: json.dumps(_page("images"), indent=2).replace('"data": [', '"data": [], "data": [', 1),
        id="data twice, valid",
    ),
    pytest.param(
        lambda: json.dumps(_page("images"), indent=2).replace('"data": [', '"data": [{"object": 1}], "data": [', 1),
        id="data twice, the first one invalid, valid",
    ),
    pytest.param(
        lambda: json.dumps(_page("images"), indent=2).replace('"object": "page"', '"object": "pager"'),
        id="a wrong object",
    ),
    pytest.param(
        lambda: json.dumps(_page("images"), indent=2).replace('"object": "page"', '"object": "bucket"'),
        id="a bucket with data",
    ),
    pytest.param(lambda: _page("images", has_more="yes"), id="a bad field of the page"),
]


@pytest.mark.parametrize("make", INVALID)
def test_an_invalid_or_unusual_page_gives_the_outcomes_of_the_page_read_whole(
    make: Any, tmp_path: Path, small_parts: None, request: pytest.FixtureRequest
) -> None:
    document = make()
    path = tmp_path / "page.json"
    if isinstance(document, bytes):
        path.write_bytes(document)
    elif isinstance(document, str):
        path.write_text(document)
    else:
        _write(path, document)
    whole = _whole(path)
    parts = _parts(path)
    name = request.node.callspec.id
    assert [isinstance(outcome, Loaded) for outcome in whole][-1] == name.endswith(", valid")
    # Any parts given before the problem was found, then the outcomes of the page read whole.
    earlier, after = parts[: len(parts) - len(whole)], parts[len(parts) - len(whole) :]
    assert after == whole
    assert all(isinstance(outcome, Loaded) and outcome.part and not outcome.part.last for outcome in earlier)
    if "late" in request.node.callspec.id:  # found by reading the parts, after some were given
        assert len(earlier) > 3


@pytest.mark.parametrize("levels", [_DEEPEST - 1, _DEEPEST, _DEEPEST + 1])
def test_nesting_is_limited_from_the_page_not_from_the_part(levels: int, tmp_path: Path, small_parts: None) -> None:
    path = _write(tmp_path / "page.json", _late(_page("images"), lambda b: b["results"][0].update(deep=_deep(levels))))
    [whole] = _whole(path)
    parts = _parts(path)
    assert len(parts) > 3
    if levels <= _DEEPEST:
        assert isinstance(whole, Loaded)
        assert isinstance(whole.document, UsageResponse)
        assert [bucket for outcome in parts for bucket in _buckets(outcome)] == whole.document.data
    else:
        assert isinstance(whole, Rejected)
        assert parts[-1] == whole
        assert "more than 200 levels" in str(whole.errors) or "recursion" in str(whole.errors).lower()


def _buckets(outcome: Outcome) -> list[UsageTimeBucket[Any]]:
    assert isinstance(outcome, Loaded)
    assert isinstance(outcome.document, UsageResponse)
    return list(outcome.document.data)


@pytest.mark.parametrize("text", ["é", "\u2028", "😀"])
def test_text_beyond_ascii_is_cut_where_it_should_be(
    text: str, tmp_path: Path, small_parts: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_split, "_WINDOW", 64)  # windows of the text end inside characters and values
    page = _page("images", seed=1)
    for index, bucket in enumerate(page["data"]):
        for result in bucket["results"]:
            result["model"] = text * index
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page, indent=2, ensure_ascii=False), encoding="utf-8")
    [whole] = _whole(path)
    parts = _parts(path)
    assert len(parts) > 3
    assert isinstance(whole, Loaded)
    assert isinstance(whole.document, UsageResponse)
    assert [bucket for outcome in parts for bucket in _buckets(outcome)] == whole.document.data


def test_parts_that_disagree_with_the_whole_page_refuse_it(
    tmp_path: Path, small_parts: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "page.json", _page("images"))
    split_page = _split.split_page

    def lying(text: bytes, run_bytes: int) -> _split.Split | None:
        split = split_page(text, run_bytes)
        assert split is not None
        runs = list(split.runs)
        runs[2] = _split.Run(runs[2].start, runs[2].end, runs[2].buckets, runs[2].results, frozenset())
        return _split.Split(split.head, split.tail, tuple(runs))

    monkeypatch.setattr(_split, "split_page", lying)
    parts = _parts(path)
    assert [type(outcome) for outcome in parts] == [Loaded, Loaded, Rejected]
    assert isinstance(parts[-1], Rejected)
    assert "gave other buckets than reading it whole" in str(parts[-1].errors[0])


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(args)
    out, err = capsys.readouterr()
    return status, out, err


def _both(args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """The command's status and output with the pages read whole, checked to be the same as read in parts."""
    monkeypatch.setattr(documents, "SPLIT_BYTES", 1 << 40)
    whole = _run(args, capsys)
    monkeypatch.setattr(documents, "SPLIT_BYTES", 200)
    monkeypatch.setattr(documents, "_RUN_BYTES", 300)
    assert _run(args, capsys) == whole
    return whole


OPTIONS = [
    pytest.param([], id="table"),
    pytest.param(["--format", "csv", "--by", "project_id"], id="csv"),
    pytest.param(["--format", "json", "--every", "bucket"], id="every bucket"),
    pytest.param(["--every", "week", "--by", "none"], id="every week"),
    pytest.param(["--since", "2024-11-03T12:00", "--until", "2024-11-20", "--partial"], id="a period that cuts"),
    pytest.param(["--since", "2024-11-04", "--until", "2024-11-20"], id="a period"),
    pytest.param(["--kind", "images"], id="one kind"),
]


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("kind", KIND_NAMES)
def test_summarize_and_validate_say_the_same_of_a_page_in_parts(
    kind: KindName,
    options: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = str(_write(tmp_path / "page.json", _page(kind, 40)))
    _both(["summarize", path, *options], capsys, monkeypatch)
    assert len(_parts(Path(path))) > 3
    status, out, _ = _both(["validate", path], capsys, monkeypatch)
    assert (status, out.splitlines()[0]) == (0, f"{path}: ok: {documents.describe(_whole(Path(path))[0].document)}")  # type: ignore[union-attr]


LISTINGS: list[Any] = [
    pytest.param(lambda: _page("images", has_more=True, next_page="p2"), id="has_more"),
    pytest.param(
        lambda: {**_page("images"), "data": [*_page("images")["data"], _page("images", seed=2)["data"][3]]},
        id="a bucket twice",
    ),
    pytest.param(
        lambda: {
            **_page("images"),
            "data": [bucket for index, bucket in enumerate(_page("images")["data"]) if index != 20],
        },
        id="a hole",
    ),
    pytest.param(
        lambda: {**_page("images"), "data": [*_page("images")["data"][:25], *_page("costs")["data"][25:]]},
        id="two kinds, empty buckets",
    ),
    pytest.param(
        lambda: {
            **_page("images"),
            "data": [*_page("images", empty=False)["data"][:25], *_page("costs", empty=False)["data"][25:]],
        },
        id="two kinds",
    ),
    pytest.param(
        lambda: _page("images", 30, seed=3) | {"data": [{**b, "results": []} for b in _page("images")["data"]]},
        id="no results",
    ),
    pytest.param(
        lambda: _late(_page("images"), lambda bucket: bucket.update(start_time=10**15, end_time=10**15 + DAY)),
        id="a time beyond the calendar",
    ),
    pytest.param(
        lambda: _late(
            _late(_page("images"), lambda bucket: bucket.update(start_time=10**15, end_time=10**15 + DAY)),
            lambda bucket: bucket.update(start_time=-(10**15)),
            3,
        ),
        id="times beyond the calendar in two parts",
    ),
    pytest.param(lambda: _late(_page("images"), lambda bucket: bucket.update(end_time="1")), id="an invalid bucket"),
]


@pytest.mark.parametrize("make", LISTINGS)
@pytest.mark.parametrize(
    "options", [["validate"], ["summarize"], ["summarize", "--every", "bucket"], ["summarize", "--kind", "costs"]]
)
def test_the_listing_of_a_page_in_parts_is_checked_as_the_page_read_whole(
    make: Any, options: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _write(tmp_path / "page.json", make())
    other = _write(tmp_path / "other.jsonl", _page("images", 2, seed=4), indent=None)
    _both([*options, str(page), str(other)], capsys, monkeypatch)
    assert len(_parts(page)) > 3
    _both([*options, str(other), str(page)], capsys, monkeypatch)


_LINE = json.dumps(_page("images", 3, seed=5))
INPUTS = [
    pytest.param(_LINE, id="one line"),
    pytest.param(_LINE + "\n\n  \n", id="one line and blank lines"),
    pytest.param(f"{_LINE}\r\n{_LINE}\r\n", id="json lines, crlf"),
    pytest.param(f"{_LINE}\n{_LINE[:-9]}\n{_LINE}", id="json lines, a broken line"),
    pytest.param(f"{_LINE}\n{_LINE}x{_LINE}\n{_LINE}\n", id="json lines, a line over the size"),
    pytest.param(f"{_LINE}\r\r\r\n{_LINE}\n", id="json lines, carriage returns"),
    pytest.param(json.dumps(_page("images", 3), indent=2), id="pretty-printed"),
    pytest.param(f"{_LINE[:-9]}\n{_LINE}\n", id="a broken first line"),
]


@pytest.mark.parametrize("text", INPUTS)
def test_long_lines_are_read_as_short_ones(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    cap = len(_LINE) + 10

    def outcomes() -> list[Outcome]:
        return list(documents.read_stream(io.BytesIO(text.encode()), "input", max_bytes=cap))

    expected = outcomes()
    monkeypatch.setattr(documents, "_SKIP_CHUNK", 7)  # every line is long, read in chunks of 7 bytes
    assert outcomes() == expected


@settings(max_examples=examples(300), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    page=page_documents | json_values,
    indent=st.sampled_from([None, 0, 2]),
    ensure_ascii=st.booleans(),
    window=st.sampled_from([16, 64, 1 << 20]),
)
def test_any_document_read_in_parts_reads_as_it_does_whole(
    page: Any, indent: int | None, ensure_ascii: bool, window: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(documents, "SPLIT_BYTES", 0)
    monkeypatch.setattr(documents, "_RUN_BYTES", 1)  # a part per bucket
    monkeypatch.setattr(_split, "_WINDOW", window)
    text = json.dumps(page, indent=indent, ensure_ascii=ensure_ascii).encode()

    def outcomes(split_pages: bool) -> list[Outcome]:
        return list(documents.read_stream(io.BytesIO(text), "page.json", split_pages=split_pages))

    whole, parts = outcomes(False), outcomes(True)
    earlier, after = parts[: len(parts) - len(whole)], parts[len(parts) - len(whole) :]
    if earlier or (after and isinstance(after[0], Loaded) and after[0].part is not None):
        # Read in parts: the same buckets, and the page's own fields in every part.
        event("read in parts")
        [loaded] = whole
        assert isinstance(loaded, Loaded)
        assert isinstance(loaded.document, UsageResponse)
        assert [bucket for outcome in parts for bucket in _buckets(outcome)] == loaded.document.data
        empty = loaded.document.model_copy(update={"data": []})
        assert all(_page_fields(outcome) == empty for outcome in parts)
    else:
        assert parts == whole


def _page_fields(outcome: Outcome) -> UsageResponse[Any]:
    assert isinstance(outcome, Loaded)
    assert isinstance(outcome.document, UsageResponse)
    return outcome.document.model_copy(update={"data": []})


@pytest.mark.parametrize("options", [["validate"], ["summarize"], ["summarize", "--every", "bucket"]])
def test_lines_of_json_lines_after_the_first_are_read_in_parts(
    options: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    invalid = _late(_page("images", seed=8), lambda bucket: bucket.update(end_time="1"))
    for name, pages in {
        "valid": [_page("images", seed=6), _page("images", seed=7), _page("costs", seed=7)],
        "invalid": [_page("images", seed=6), invalid, _page("costs", seed=7)],
    }.items():
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps(page) + "\r\n" for page in pages))
        _both([*options, str(path)], capsys, monkeypatch)
        outcomes = _parts(path)
        assert outcomes[0].line == 1
        assert isinstance(outcomes[0], Loaded)
        assert outcomes[0].part is None  # the first line tells JSON Lines apart: it is read whole
        assert [outcome.line for outcome in outcomes[1:]] == sorted(outcome.line for outcome in outcomes[1:])
        assert len(outcomes) > 6
        rejected = [outcome for outcome in outcomes if isinstance(outcome, Rejected)]
        assert rejected == [outcome for outcome in _whole(path) if isinstance(outcome, Rejected)]
        assert len(rejected) == (name == "invalid")
