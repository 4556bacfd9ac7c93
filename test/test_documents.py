"""Reading documents from streams: JSON Lines error positions and the per-document size cap."""

import io
import json
from typing import Any

import pytest

from openapiopenai.documents import MAX_DOCUMENT_BYTES, Loaded, Outcome, Rejected, read_path, read_stream

PAGE = json.dumps({"object": "page", "data": [], "has_more": False, "next_page": None}).encode()


def outcomes(data: bytes, **cap: Any) -> list[Outcome]:
    return list(read_stream(io.BytesIO(data), "input", **cap))


def summary(found: list[Outcome]) -> list[tuple[str, int | None, list[str]]]:
    return [
        (type(outcome).__name__, outcome.line, [str(error) for error in getattr(outcome, "errors", ())])
        for outcome in found
    ]


def test_an_invalid_crlf_json_lines_line_reports_its_own_line_and_column() -> None:
    bad = b'{"object": "page"'
    found = outcomes(PAGE + b"\r\n" + bad + b"\r\n" + PAGE + b"\r\n")
    assert [type(outcome) for outcome in found] == [Loaded, Rejected, Loaded]
    rejected = found[1]
    assert isinstance(rejected, Rejected)
    assert rejected.line == 2
    [error] = rejected.errors
    # The column counts within the line, without its line ending: the text ends at column 17, and
    # the carriage return is not part of the line.
    assert error.message == f"Invalid JSON: EOF while parsing an object at line 1 column {len(bad)}"


def test_the_default_cap_is_64_mib() -> None:
    assert MAX_DOCUMENT_BYTES == 64 * 1024 * 1024


def test_a_document_at_the_cap_is_read() -> None:
    assert summary(outcomes(PAGE, max_bytes=len(PAGE))) == [("Loaded", None, [])]


def test_a_document_over_the_cap_is_refused_in_one_line() -> None:
    assert summary(outcomes(PAGE, max_bytes=len(PAGE) - 1)) == [
        ("Rejected", None, [f"the document is larger than {len(PAGE) - 1:,} bytes, the most read as one document"])
    ]


def test_a_document_over_many_lines_over_the_cap_is_refused() -> None:
    text = json.dumps(json.loads(PAGE), indent=2).encode()
    assert summary(outcomes(text, max_bytes=len(text)))[0][0] == "Loaded"
    assert summary(outcomes(text, max_bytes=len(text) - 10))[0][0] == "Rejected"


def test_json_lines_are_capped_per_line_and_reading_goes_on() -> None:
    long_line = b"[" * (len(PAGE) + 5)
    found = outcomes(PAGE + b"\n" + long_line + b"\n" + PAGE + b"\r\n" + PAGE, max_bytes=len(PAGE))
    assert summary(found) == [
        ("Loaded", 1, []),
        ("Rejected", 2, [f"the line is larger than {len(PAGE):,} bytes, the most read as one document"]),
        ("Loaded", 3, []),
        ("Loaded", 4, []),
    ]


def test_json_lines_may_be_larger_than_the_cap_in_all() -> None:
    lines = b"\n".join([PAGE] * 10)
    assert [type(outcome) for outcome in outcomes(lines, max_bytes=len(PAGE))] == [Loaded] * 10


def test_a_long_line_is_not_held_in_memory_whole() -> None:
    class Counting(io.BytesIO):
        largest = 0

        def readline(self, size: int | None = -1) -> bytes:
            line = super().readline(size)
            Counting.largest = max(Counting.largest, len(line))
            return line

    stream = Counting(PAGE + b"\n" + b" " * 10_000_000 + b"x\n" + PAGE)
    found = list(read_stream(stream, "input", max_bytes=1000))
    assert [type(outcome) for outcome in found] == [Loaded, Rejected, Loaded]
    assert Counting.largest <= 1024 * 1024


def test_read_path_takes_the_cap_too(tmp_path: Any) -> None:
    path = tmp_path / "page.json"
    path.write_bytes(PAGE)
    assert [type(outcome) for outcome in read_path(path, max_bytes=len(PAGE))] == [Loaded]
    assert [type(outcome) for outcome in read_path(path, max_bytes=10)] == [Rejected]


@pytest.mark.parametrize("blank", [b"\n" * 100, b" " * 100])
def test_blank_input_past_the_cap_is_refused(blank: bytes) -> None:
    assert summary(outcomes(blank, max_bytes=10))[0][0] == "Rejected"
