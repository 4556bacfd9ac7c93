"""The command line, run as users run it: `python -m openapiopenai` in a subprocess."""

from __future__ import annotations

import argparse
import os
import re
import selectors
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from openapiopenai.cli import main
from openapiopenai.cli._common import parse_when

DATA = Path(__file__).parent / "data" / "cli"
DOCS = Path(__file__).parent.parent / "docs" / "cli.md"
SAMPLE_NOTE = (
    "openapiopenai: no FILE given, reading the built-in sample"
    " (two pages of daily images usage, 2024-11-01 to 2024-11-14)\n"
)
NO_TOTALS_1 = "openapiopenai: no totals printed: 1 document could not be used\n"


@dataclass(frozen=True)
class Ran:
    status: int
    stdout: str
    stderr: str


def run(*args: str, stdin: bytes = b"", cwd: Path = DATA) -> Ran:
    """The command's exit status and output, with COLUMNS fixed so argparse wraps alike everywhere."""
    env = {**os.environ, "COLUMNS": "80"}
    env.pop("PYTHONWARNINGS", None)
    done = subprocess.run(
        [sys.executable, "-m", "openapiopenai", *args], input=stdin, capture_output=True, cwd=cwd, env=env, check=False
    )
    return Ran(done.returncode, done.stdout.decode(), done.stderr.decode())


def page_line(*results: str, has_more: bool = False) -> str:
    """One page of one bucket (2024-11-01) holding the given results, as a line of JSON."""
    more = "true" if has_more else "false"
    return (
        '{"object": "page", "data": [{"object": "bucket", "start_time": 1730419200, "end_time": 1730505600,'
        f' "results": [{", ".join(results)}]}}], "has_more": {more}, "next_page": null}}'
    )


def result(images: int, requests: int, **fields: str) -> str:
    extra = "".join(f', "{name}": "{value}"' for name, value in fields.items())
    return (
        f'{{"object": "organization.usage.images.result", "images": {images}, "num_model_requests": {requests}{extra}}}'
    )


# The main job: summarize the built-in sample.

SAMPLE_TABLE = """\
project_id     model        size       source            images  num_model_requests
proj_q4TzL8wX  gpt-image-1  1024x1024  image.generation    1461                1270
proj_7KcHm3Ye  dall-e-2     512x512    image.generation     917                 286
proj_q4TzL8wX  dall-e-3     1024x1024  image.generation     646                 646
proj_q4TzL8wX  gpt-image-1  1536x1024  image.generation     483                 483
proj_q4TzL8wX  gpt-image-1  1024x1024  image.edit           432                 332
proj_7KcHm3Ye  dall-e-2     256x256    image.variation      306                 127
proj_7KcHm3Ye  gpt-image-1  1024x1536  image.generation     263                 263
proj_q4TzL8wX  dall-e-3     1792x1024  image.generation     193                 193
proj_7KcHm3Ye  dall-e-2     1024x1024  image.edit           152                 101
proj_7KcHm3Ye  dall-e-3     1024x1792  image.generation      77                  77
total                                                      4930                3778
"""


def test_summarize_without_files_totals_the_built_in_sample() -> None:
    assert run("summarize") == Ran(0, SAMPLE_TABLE, SAMPLE_NOTE)


def test_validate_without_files_checks_the_built_in_sample() -> None:
    expected = (
        "images-usage-page-1.json: ok: a page of 7 buckets, 70 results\n"
        "images-usage-page-2.json: ok: a page of 7 buckets, 69 results\n"
    )
    assert run("validate") == Ran(0, expected, SAMPLE_NOTE)


def test_console_script_runs_the_same_command() -> None:
    script = Path(sys.executable).parent / "openapiopenai"
    if not script.exists():
        pytest.skip("the console script is not installed next to this interpreter")
    done = subprocess.run([script, "summarize"], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, SAMPLE_TABLE, SAMPLE_NOTE)


# Each option and format, on page.json: dall-e-3/1024x1024 10+5 images, dall-e-2/256x256 8,
# gpt-image-1 with a null size 7; user_id null everywhere, project_id absent everywhere.


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        pytest.param(
            [],
            "model        size       images  num_model_requests\n"
            "dall-e-3     1024x1024      15                  15\n"
            "dall-e-2     256x256         8                   2\n"
            "gpt-image-1                  7                   6\n"
            "total                       30                  23\n",
            id="default-fields-with-a-value",
        ),
        pytest.param(
            ["--by", "model"],
            "model        images  num_model_requests\n"
            "dall-e-3         15                  15\n"
            "dall-e-2          8                   2\n"
            "gpt-image-1       7                   6\n"
            "total            30                  23\n",
            id="by-one-field",
        ),
        pytest.param(
            ["--by", "size,model"],
            "size       model        images  num_model_requests\n"
            "1024x1024  dall-e-3         15                  15\n"
            "256x256    dall-e-2          8                   2\n"
            "           gpt-image-1       7                   6\n"
            "total                       30                  23\n",
            id="by-fields-in-the-order-given",
        ),
        pytest.param(
            ["--by", "size"],
            "size       images  num_model_requests\n"
            "1024x1024      15                  15\n"
            "256x256         8                   2\n"
            "                7                   6\n"
            "total          30                  23\n",
            id="null-value-as-empty-cell",
        ),
        pytest.param(
            ["--by", "user_id"],
            "user_id  images  num_model_requests\n             30                  23\ntotal        30                  23\n",
            id="by-a-field-null-everywhere",
        ),
        pytest.param(
            ["--by", "model,model"],
            "model        images  num_model_requests\n"
            "dall-e-3         15                  15\n"
            "dall-e-2          8                   2\n"
            "gpt-image-1       7                   6\n"
            "total            30                  23\n",
            id="by-a-field-twice",
        ),
        pytest.param(
            ["--by", "none"],
            "       images  num_model_requests\ntotal      30                  23\n",
            id="by-none-table-is-the-total-line",
        ),
        pytest.param(
            ["--per-bucket"],
            "bucket_start          model        size       images  num_model_requests\n"
            "2024-11-01T00:00:00Z  dall-e-3     1024x1024      10                  10\n"
            "2024-11-01T00:00:00Z  dall-e-2     256x256         8                   2\n"
            "2024-11-02T00:00:00Z  gpt-image-1                  7                   6\n"
            "2024-11-02T00:00:00Z  dall-e-3     1024x1024       5                   5\n"
            "total                                             30                  23\n",
            id="per-bucket",
        ),
        pytest.param(
            ["--per-bucket", "--by", "none"],
            "bucket_start          images  num_model_requests\n"
            "2024-11-01T00:00:00Z      18                  12\n"
            "2024-11-02T00:00:00Z      12                  11\n"
            "total                     30                  23\n",
            id="per-bucket-by-none",
        ),
        pytest.param(
            ["--format", "csv"],
            "model,size,images,num_model_requests\ndall-e-3,1024x1024,15,15\ndall-e-2,256x256,8,2\ngpt-image-1,,7,6\n",
            id="csv",
        ),
        pytest.param(
            ["--format", "csv", "--by", "none"],
            "images,num_model_requests\n30,23\n",
            id="csv-by-none",
        ),
        pytest.param(
            ["--format", "csv", "--per-bucket", "--by", "model"],
            "bucket_start,model,images,num_model_requests\n"
            "2024-11-01T00:00:00Z,dall-e-3,10,10\n"
            "2024-11-01T00:00:00Z,dall-e-2,8,2\n"
            "2024-11-02T00:00:00Z,gpt-image-1,7,6\n"
            "2024-11-02T00:00:00Z,dall-e-3,5,5\n",
            id="csv-per-bucket",
        ),
        pytest.param(
            ["--format", "json", "--by", "size"],
            """\
[
  {
    "size": "1024x1024",
    "images": 15,
    "num_model_requests": 15
  },
  {
    "size": "256x256",
    "images": 8,
    "num_model_requests": 2
  },
  {
    "size": null,
    "images": 7,
    "num_model_requests": 6
  }
]
""",
            id="json-null-value",
        ),
        pytest.param(
            ["--format", "json", "--by", "none"],
            '[\n  {\n    "images": 30,\n    "num_model_requests": 23\n  }\n]\n',
            id="json-by-none",
        ),
        pytest.param(
            ["--format", "json", "--per-bucket", "--by", "none"],
            """\
[
  {
    "bucket_start": "2024-11-01T00:00:00Z",
    "images": 18,
    "num_model_requests": 12
  },
  {
    "bucket_start": "2024-11-02T00:00:00Z",
    "images": 12,
    "num_model_requests": 11
  }
]
""",
            id="json-per-bucket",
        ),
    ],
)
def test_summarize_option(options: list[str], expected: str) -> None:
    assert run("summarize", "page.json", *options) == Ran(0, expected, "")


def test_summarize_reads_standard_input() -> None:
    table = run("summarize", "-", "--by", "model", stdin=(DATA / "page.json").read_bytes())
    assert table == Ran(0, run("summarize", "page.json", "--by", "model").stdout, "")


def test_summarize_reads_json_lines() -> None:
    expected = (
        "source            images  num_model_requests\n"
        "image.generation      10                  10\n"
        "image.variation        3                   1\n"
        "total                 13                  11\n"
    )
    assert run("summarize", "listing.jsonl") == Ran(0, expected, "")


def test_summarize_adds_up_several_files() -> None:
    expected = "       images  num_model_requests\ntotal      50                  37\n"
    assert run("summarize", "page.json", "listing.jsonl", "mixed.json", "--by", "none") == Ran(0, expected, "")


def test_summarize_per_bucket_gives_bare_results_an_empty_bucket_start() -> None:
    expected = (
        "bucket_start          model     images  num_model_requests\n"
        "                      dall-e-2       5                   1\n"
        "2024-11-01T00:00:00Z  dall-e-3       2                   2\n"
        "total                                7                   3\n"
    )
    assert run("summarize", "mixed.json", "--per-bucket") == Ran(0, expected, "")


def test_summarize_of_no_results_is_a_zero_total() -> None:
    expected = "       images  num_model_requests\ntotal       0                   0\n"
    assert run("summarize", "-", stdin=b"[]") == Ran(0, expected, "")


def test_summarize_notes_an_incomplete_listing_on_standard_error() -> None:
    expected = "project_id  images  num_model_requests\nproj_a           4                   3\ntotal            4                   3\n"
    note = (
        "openapiopenai: note: the listing is incomplete: the last page (incomplete.json) has has_more: true,"
        ' next_page: "page_AAAAAGcsMoA="; these totals leave out the pages after it\n'
    )
    assert run("summarize", "incomplete.json") == Ran(0, expected, note)


def test_summarize_names_the_line_of_an_incomplete_last_page_in_json_lines() -> None:
    ran = run("summarize", "-", "--by", "none", stdin=f"{page_line()}\n{page_line(has_more=True)}\n".encode())
    note = (
        "openapiopenai: note: the listing is incomplete: the last page (<stdin>:2) has has_more: true,"
        " next_page: null; these totals leave out the pages after it\n"
    )
    assert ran == Ran(0, "       images  num_model_requests\ntotal       0                   0\n", note)


def test_summarize_says_nothing_when_a_later_page_ends_the_listing() -> None:
    assert run("summarize", "incomplete.json", "listing.jsonl", "--format", "csv").stderr == ""


# validate


@pytest.mark.parametrize(
    ("document", "verdict"),
    [
        pytest.param(page_line(result(1, 1), result(2, 2)), "a page of 1 bucket, 2 results", id="page"),
        pytest.param(
            '{"object": "page", "data": [], "has_more": false, "next_page": null}',
            "a page of 0 buckets, 0 results",
            id="empty-page",
        ),
        pytest.param(
            f'{{"object": "bucket", "start_time": 0, "end_time": 60, "results": [{result(1, 1)}]}}',
            "a bucket of 1 result",
            id="bucket",
        ),
        pytest.param(result(1, 1), "an images result", id="result"),
        pytest.param(
            f"[{page_line(result(1, 1))}, {page_line()}]",
            "an array of 2 pages, 2 buckets, 1 result",
            id="array-of-pages",
        ),
        pytest.param(f"[{result(1, 1)}, {result(1, 1)}]", "an array of 2 results", id="array-of-results"),
        pytest.param("[]", "an empty array", id="empty-array"),
    ],
)
def test_validate_says_what_a_document_holds(document: str, verdict: str) -> None:
    assert run("validate", "-", stdin=document.encode()) == Ran(0, f"<stdin>: ok: {verdict}\n", "")


def test_validate_names_files_and_lines() -> None:
    expected = (
        "page.json: ok: a page of 2 buckets, 4 results\n"
        "listing.jsonl:1: ok: a page of 1 bucket, 2 results\n"
        "listing.jsonl:3: ok: a page of 1 bucket, 1 result\n"
        "mixed.json: ok: an array of 1 bucket, 2 results\n"
    )
    assert run("validate", "page.json", "listing.jsonl", "mixed.json") == Ran(0, expected, "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            f"{result(1, 1)}\r\n\r\n{result(2, 2)}\r\n",
            "<stdin>:1: ok: an images result\n<stdin>:3: ok: an images result\n",
            id="json-lines-with-windows-line-endings",
        ),
        pytest.param(f"\n{result(1, 1)}\n\n\n", "<stdin>: ok: an images result\n", id="one-line-between-blank-lines"),
        pytest.param(
            f"[\n  {result(1, 1)},\n  {result(2, 2)}\n]\n", "<stdin>: ok: an array of 2 results\n", id="pretty-printed"
        ),
    ],
)
def test_validate_tells_json_lines_from_one_document(text: str, expected: str) -> None:
    assert run("validate", "-", stdin=text.encode()) == Ran(0, expected, "")


def test_validate_lists_every_error_with_its_path() -> None:
    expected = (
        "bad-values.json: error: data.1.end_time: Field required\n"
        "bad-values.json: error: data.1.results.0.images: Input should be a valid integer\n"
    )
    assert run("validate", "bad-values.json") == Ran(1, expected, "")


def test_validate_goes_on_through_lines_and_files_after_errors() -> None:
    expected = (
        "some-bad-lines.jsonl:1: ok: an images result\n"
        "some-bad-lines.jsonl:2: error: images: Input should be a valid integer\n"
        "some-bad-lines.jsonl:3: error: Invalid JSON: EOF while parsing an object at line 1 column 83\n"
        "some-bad-lines.jsonl:4: ok: a bucket of 0 results\n"
        "missing.json: error: cannot read: No such file or directory\n"
        "page.json: ok: a page of 2 buckets, 4 results\n"
    )
    assert run("validate", "some-bad-lines.jsonl", "missing.json", "page.json") == Ran(1, expected, "")


def test_validate_reports_a_result_of_another_kind_inside_a_page_once() -> None:
    completions = '{"object": "organization.usage.completions.result", "input_tokens": 3, "num_model_requests": 1}'
    expected = (
        "<stdin>: error: data.0.results.1.object: Input should be 'organization.usage.images.result',"
        " not 'organization.usage.completions.result': a different kind of object\n"
    )
    assert run("validate", "-", stdin=page_line(result(1, 1), completions).encode()) == Ran(1, expected, "")


def test_json_lines_are_answered_before_the_input_ends() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "openapiopenai", "validate", "-"]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env) as process:
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.write(f"{result(1, 1)}\n{result(2, 2)}\n".encode())
        process.stdin.flush()
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            ready = selector.select(timeout=120)  # a safeguard against hanging, not a measurement
        first = process.stdout.readline() if ready else b""
        process.stdin.close()
        rest = process.stdout.read()
    assert (first, rest) == (b"<stdin>:1: ok: an images result\n", b"<stdin>:2: ok: an images result\n")


# Bad input: one line naming the file and the problem, exit status 1, never a traceback.

BAD_INPUTS = [
    pytest.param(None, "missing.json", "missing.json: error: cannot read: No such file or directory", id="missing"),
    pytest.param(None, ".", ".: error: cannot read: Is a directory", id="directory"),
    pytest.param(b"", "f.json", "f.json: error: no JSON document: the input is empty", id="empty"),
    pytest.param(b" \n\n\t\n", "f.json", "f.json: error: no JSON document: the input is empty", id="blank-lines"),
    pytest.param(
        b"images,num_model_requests\n2,1\n",
        "f.csv",
        "f.csv: error: Invalid JSON: expected value at line 1 column 1",
        id="not-json",
    ),
    pytest.param(
        b'{"object": "bucket",\n "start_time": 0,',
        "f.json",
        "f.json: error: Invalid JSON: EOF while parsing a value at line 2 column 17",
        id="truncated",
    ),
    pytest.param(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff",
        "f.png",
        "f.png: error: not UTF-8 text: byte 0x89 at offset 0 is invalid",
        id="binary",
    ),
    pytest.param(
        '{"object": "organization.usage.images.result", "size": "café"}'.encode("latin-1"),
        "f.json",
        "f.json: error: not UTF-8 text: byte 0xe9 at offset 59 is invalid",
        id="latin-1",
    ),
    pytest.param(
        b"\xef\xbb\xbf" + result(1, 1).encode(),
        "f.json",
        "f.json: error: Invalid JSON: starts with a byte order mark, which JSON text must not have",
        id="byte-order-mark",
    ),
    pytest.param(
        b"42",
        "f.json",
        "f.json: error: Input should be an object: a usage page, bucket or images result, or an array of them",
        id="number",
    ),
    pytest.param(
        b"[1]",
        "f.json",
        "f.json: error: 0: Input should be an object: a usage page, bucket or images result",
        id="array-of-numbers",
    ),
    pytest.param(
        b'{"images": 1, "num_model_requests": 1}',
        "f.json",
        "f.json: error: object: Field required: a usage document names its kind,"
        " 'page', 'bucket' or 'organization.usage.images.result'",
        id="no-object-field",
    ),
    pytest.param(
        (DATA / "completions.json").read_bytes(),
        "f.json",
        "f.json: error: object: Input should be 'page', 'bucket' or 'organization.usage.images.result',"
        " not 'organization.usage.completions.result': an unknown kind of document",
        id="unknown-kind",
    ),
    pytest.param(
        b'{"object": "bucket", "start_time": 0, "end_time": 60, "results": [], "note": '
        + b"[" * 300
        + b"]" * 300
        + b"}",
        "f.json",
        "f.json: error: Invalid JSON: recursion limit exceeded at line 1 column 278",
        id="nested-too-deep",
    ),
]


@pytest.mark.parametrize(("content", "name", "message"), BAD_INPUTS)
def test_validate_reports_bad_input(content: bytes | None, name: str, message: str, tmp_path: Path) -> None:
    if content is not None:
        (tmp_path / name).write_bytes(content)
    assert run("validate", name, cwd=tmp_path) == Ran(1, message + "\n", "")


@pytest.mark.parametrize(("content", "name", "message"), BAD_INPUTS)
def test_summarize_reports_bad_input_and_prints_no_totals(
    content: bytes | None,
    name: str,
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # In-process, for speed: the same inputs as above, through `main`.
    if content is not None:
        (tmp_path / name).write_bytes(content)
    monkeypatch.chdir(tmp_path)
    status = main(["summarize", name])
    assert (status, *capsys.readouterr()) == (1, "", f"{message}\n{NO_TOTALS_1}")


def test_summarize_reports_every_bad_document_then_prints_no_totals() -> None:
    expected = (
        "bad-values.json: error: data.1.end_time: Field required\n"
        "bad-values.json: error: data.1.results.0.images: Input should be a valid integer\n"
        "some-bad-lines.jsonl:2: error: images: Input should be a valid integer\n"
        "some-bad-lines.jsonl:3: error: Invalid JSON: EOF while parsing an object at line 1 column 83\n"
        "openapiopenai: no totals printed: 3 documents could not be used\n"
    )
    assert run("summarize", "bad-values.json", "page.json", "some-bad-lines.jsonl") == Ran(1, "", expected)


def test_summarize_per_bucket_reports_a_bucket_start_beyond_the_calendar() -> None:
    bucket = b'[{"object": "bucket", "start_time": 99999999999999, "end_time": 0, "results": []}]'
    expected = "<stdin>: error: 0.start_time: 99999999999999 is out of range for a date (years 1 to 9999)\n"
    assert run("summarize", "--per-bucket", "-", stdin=bucket) == Ran(1, "", expected + NO_TOTALS_1)


def test_summarize_totals_a_bucket_start_beyond_the_calendar_when_not_per_bucket() -> None:
    bucket = b'{"object": "bucket", "start_time": 99999999999999, "end_time": 0, "results": []}'
    assert run("summarize", "--by", "none", "--format", "csv", "-", stdin=bucket) == Ran(
        0, "images,num_model_requests\n0,0\n", ""
    )


@pytest.mark.skipif(
    not Path("/proc/self/mem").exists(), reason="needs Linux's /proc/self/mem, which opens but cannot be read"
)
def test_validate_reports_a_file_that_fails_while_being_read() -> None:
    expected = "/proc/self/mem: error: cannot read: Input/output error\n"
    assert run("validate", "/proc/self/mem") == Ran(1, expected, "")


# Bad usage: argparse's usage message, exit status 2.


@pytest.mark.parametrize(
    ("args", "last_line"),
    [
        pytest.param(
            ["summarize", "--by", "team"],
            "openapiopenai summarize: error: argument --by: unknown field 'team': choose from project_id, user_id,"
            " api_key_id, model, size, source, or none for one overall row",
            id="unknown-by-field",
        ),
        pytest.param(
            ["summarize", "--by", "none,model"],
            "openapiopenai summarize: error: argument --by: unknown field 'none': choose from project_id, user_id,"
            " api_key_id, model, size, source, or none for one overall row",
            id="none-with-fields",
        ),
        pytest.param(
            ["summarize", "--format", "xml"],
            "openapiopenai summarize: error: argument --format: unknown format 'xml': choose from table, csv, json",
            id="unknown-format",
        ),
        pytest.param([], "openapiopenai: error: the following arguments are required: COMMAND", id="no-command"),
    ],
)
def test_bad_usage_exits_with_status_2(args: list[str], last_line: str) -> None:
    ran = run(*args)
    assert (ran.status, ran.stdout, ran.stderr.splitlines()[-1]) == (2, "", last_line)


def test_main_returns_the_usage_status_instead_of_exiting(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summarize", "--format", "xml"]) == 2
    assert capsys.readouterr().out == ""


def test_main_returns_0_for_valid_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(DATA / "page.json")]) == 0
    assert capsys.readouterr().out == f"{DATA / 'page.json'}: ok: a page of 2 buckets, 4 results\n"


def test_a_closed_standard_output_ends_the_command_quietly() -> None:
    reader, writer = os.pipe()
    os.close(reader)  # every write to the pipe now fails
    try:
        done = subprocess.run(
            [sys.executable, "-m", "openapiopenai", "validate", "page.json"],
            stdout=writer,
            stderr=subprocess.PIPE,
            cwd=DATA,
            check=False,
        )
    finally:
        os.close(writer)
    assert (done.returncode, done.stderr) == (1, b"")


# docs/cli.md shows what the commands print.


def doc_commands() -> list[tuple[str, str]]:
    """Each `$ openapiopenai ...` command of docs/cli.md and the output shown under it."""
    text = DOCS.read_text(encoding="utf-8")
    found: list[tuple[str, str]] = []
    for block in re.findall(r"^```console\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL):
        lines = block.splitlines(keepends=True)
        command = lines[0].removeprefix("$ ").strip()
        found.append((command, "".join(lines[1:])))
    return found


def doc_files() -> list[tuple[str, str]]:
    """Each file docs/cli.md shows (a line naming it, then a json block) and the content shown."""
    text = DOCS.read_text(encoding="utf-8")
    return re.findall(r"^`([\w.-]+)`[^\n]*:\n\n```json\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


def test_docs_show_commands_and_files() -> None:
    assert (len(doc_commands()), [name for name, _ in doc_files()]) == (
        11,
        ["listing.jsonl", "incomplete.json", "bad-values.json", "some-bad-lines.jsonl"],
    )


@pytest.mark.parametrize(("name", "shown"), doc_files(), ids=[name for name, _ in doc_files()])
def test_docs_show_the_files_the_commands_read(name: str, shown: str) -> None:
    assert shown == (DATA / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(("command", "shown"), doc_commands(), ids=[command for command, _ in doc_commands()])
def test_docs_show_what_the_command_prints(command: str, shown: str) -> None:
    words = shlex.split(command)
    assert words[0] == "openapiopenai" or words[:3] == ["python", "-m", "openapiopenai"]
    args = words[3:] if words[0] == "python" else words[1:]
    stdin = b""
    if "<" in args:
        at = args.index("<")
        stdin = (DATA / args[at + 1]).read_bytes()
        args = args[:at] + args[at + 2 :]
    # A terminal shows both streams; the commands write standard error before or after all of standard output.
    done = subprocess.run(
        [sys.executable, "-m", "openapiopenai", *args],
        input=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=DATA,
        check=False,
    )
    assert done.stdout.decode() == shown


# Times on the command line (--since, --until, fetch --start/--end).


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        pytest.param("2024-11-01", 1730419200, id="date-is-midnight-utc"),
        pytest.param("2024-11-01T00:00:00Z", 1730419200, id="date-time-z"),
        pytest.param("2024-11-01t06:30z", 1730442600, id="lower-case"),
        pytest.param("2024-11-01T06:30", 1730442600, id="naive-is-utc"),
        pytest.param("2024-11-01 06:30:00", 1730442600, id="space-separator"),
        pytest.param("2024-11-01T08:30:00+02:00", 1730442600, id="offset-converted"),
        pytest.param("2024-10-31T22:00:00-02:00", 1730419200, id="negative-offset-crosses-the-day"),
        pytest.param("2024-11-01T00:00:00.999999Z", 1730419200, id="fraction-dropped"),
        pytest.param("2024-11-01T00:00:01.5", 1730419201, id="one-digit-fraction"),
        pytest.param("1730419200", 1730419200, id="unix-seconds"),
        pytest.param("0", 0, id="epoch"),
        pytest.param("-86400", -86400, id="before-the-epoch"),
    ],
)
def test_parse_when_reads_dates_times_and_seconds(text: str, seconds: int) -> None:
    assert parse_when(text) == seconds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "yesterday",
            "'yesterday' is not a time: give an ISO date (2024-11-01), an ISO date and time"
            " (2024-11-01T12:00:00Z, UTC unless it has an offset such as +02:00) or Unix seconds (1730419200)",
            id="words",
        ),
        pytest.param(
            "2024-11-01T25:00",
            "'2024-11-01T25:00' is not a valid date or time: hour must be in 0..23",
            id="no-such-hour",
        ),
        pytest.param(
            "2024-02-30",
            "'2024-02-30' is not a valid date or time: day is out of range for month",
            id="no-such-day",
        ),
        pytest.param("999999999999", "999999999999 is out of range for a date (years 1 to 9999)", id="far-future"),
        pytest.param("9" * 5000, f"{'9' * 5000} is out of range for a date (years 1 to 9999)", id="huge"),
        pytest.param(
            "1730419200.5",
            "'1730419200.5' is not a time: give an ISO date (2024-11-01), an ISO date and time"
            " (2024-11-01T12:00:00Z, UTC unless it has an offset such as +02:00) or Unix seconds (1730419200)",
            id="fractional-seconds",
        ),
    ],
)
def test_parse_when_refuses_anything_else_with_a_usage_message(text: str, message: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError) as raised:
        parse_when(text)
    assert str(raised.value) == message
