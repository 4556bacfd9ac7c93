"""Hostile input through the command line: one line per problem, the documented status, no traceback."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "corpus"
MANIFEST: dict[str, dict[str, object]] = json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))
# Two documents on two lines are JSON Lines to the command line, which reads both.
JSON_LINES = {"result.trailing_second_document.json"}
# A UTF-8 byte order mark at the start is skipped (RFC 8259 allows a reader to).
SKIPPED_BOM = {"result.bom_utf8.json"}
VERDICT = re.compile(r"^(?P<file>[^:]+\.json)(?::\d+)?: (?P<verdict>ok|error): \S.*$")


def openapiopenai(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONWARNINGS"}
    return subprocess.run(
        [sys.executable, "-m", "openapiopenai", *args],
        input=stdin,
        capture_output=True,
        cwd=CORPUS,
        env=env,
        check=False,
    )


@pytest.fixture(scope="module")
def corpus_verdicts() -> tuple[int, list[str], str]:
    """`validate` over every bad document of the corpus in one run."""
    ran = openapiopenai("validate", *sorted(MANIFEST))
    return ran.returncode, ran.stdout.decode("utf-8").splitlines(), ran.stderr.decode("utf-8")


def test_validate_answers_the_whole_corpus_with_status_1_and_nothing_on_stderr(
    corpus_verdicts: tuple[int, list[str], str],
) -> None:
    status, _, stderr = corpus_verdicts
    assert status == 1
    assert stderr == ""


def test_every_line_is_a_one_line_verdict_naming_its_file(corpus_verdicts: tuple[int, list[str], str]) -> None:
    _, lines, _ = corpus_verdicts
    assert [line for line in lines if not VERDICT.match(line)] == []
    assert {VERDICT.match(line)["file"] for line in lines} == set(MANIFEST)  # type: ignore[index]


def test_json_lines_in_the_corpus_are_read_line_by_line(corpus_verdicts: tuple[int, list[str], str]) -> None:
    _, lines, _ = corpus_verdicts
    assert [line.split(": ")[0] for line in lines if line.startswith(tuple(JSON_LINES))] == [
        "result.trailing_second_document.json:1",
        "result.trailing_second_document.json:2",
    ]


def test_every_document_that_is_not_json_is_an_error(corpus_verdicts: tuple[int, list[str], str]) -> None:
    _, lines, _ = corpus_verdicts
    not_json = {name for name, case in MANIFEST.items() if case["errors"] == [["json_invalid", []]]}
    not_json -= JSON_LINES | SKIPPED_BOM
    verdicts: dict[str, set[str]] = {}
    for line in lines:
        found = VERDICT.match(line)
        assert found
        verdicts.setdefault(found["file"], set()).add(found["verdict"])
    assert not_json
    # A valid document followed by text that is not one is read as documents in a row: an ok, then an error.
    assert {name: "error" in verdicts[name] for name in not_json} == dict.fromkeys(not_json, True)
    assert {name: verdicts[name] for name in SKIPPED_BOM} == {name: {"ok"} for name in SKIPPED_BOM}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        pytest.param(
            b'{"object": "bucket", "x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", "recursion limit", id="deep"
        ),
        pytest.param(b'{"object": "bucket", "start_time": ' + b"9" * 5000 + b"}", "number out of range", id="huge-int"),
        pytest.param(
            b'{"object": "bucket", "start_time": NaN, "end_time": 0, "results": []}',
            "start_time: Input should be a valid integer",
            id="nan",
        ),
        pytest.param(b"\xef\xbb\xbf{}", "object: Field required", id="bom"),
        pytest.param(b"\xff\xfe{", "UTF-16", id="utf-16"),
        pytest.param(b"\x89PNG\r\n\x1a\n", "not UTF-8 text", id="binary"),
    ],
)
def test_summarize_answers_extreme_input_with_one_line(document: bytes, message: str) -> None:
    ran = openapiopenai("summarize", "-", stdin=document)
    stderr = ran.stderr.decode("utf-8").splitlines()
    assert ran.returncode == 1
    assert ran.stdout == b""
    assert len(stderr) == 2
    assert stderr[0].startswith("<stdin>: error: ")
    assert message in stderr[0]
    assert stderr[1] == "openapiopenai: no totals printed: 1 document could not be used"
