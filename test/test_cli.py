"""The command line, run as users run it: `python -m openapiopenai` in a subprocess."""

from __future__ import annotations

import argparse
import io
import itertools
import json
import os
import pty
import re
import selectors
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import openapiopenai
from openapiopenai.cli import main
from openapiopenai.cli._common import parse_when

DATA = Path(__file__).parent / "data" / "cli"
DOCS = Path(__file__).parent.parent / "docs" / "cli.md"
NO_TOTALS_1 = "openapiopenai: no totals printed: 1 document could not be used\n"


@dataclass(frozen=True)
class Ran:
    status: int
    stdout: str
    stderr: str


def run(*args: str, stdin: bytes = b"", cwd: Path = DATA, **env: str) -> Ran:
    """The command's exit status and output, with COLUMNS fixed so argparse wraps alike everywhere.

    It runs `main` in this process (`run_main`), which is many times quicker than a new interpreter;
    `test_a_command_runs_alike_in_a_process_of_its_own` shows that a process of its own
    (`python -m openapiopenai`) gives the same status and output.
    """
    status, out, err = run_main(list(args), stdin=stdin, cwd=cwd, env={"COLUMNS": "80", **env})
    return Ran(status, out.decode(), err.decode())


def run_main(
    args: list[str], *, stdin: bytes = b"", cwd: Path, env: dict[str, str], unset: tuple[str, ...] = ()
) -> tuple[int, bytes, bytes]:
    """`main(args)` in this process, with its own standard streams, directory and environment (`env` added,
    `unset` taken away), all put back after: the exit status and the bytes written to stdout and stderr."""
    saved = sys.stdin, sys.stdout, sys.stderr
    directory, environment = os.getcwd(), dict(os.environ)
    out, err = io.BytesIO(), io.BytesIO()
    streams = [
        io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"),
        io.TextIOWrapper(out, encoding="utf-8", write_through=True),
        io.TextIOWrapper(err, encoding="utf-8", write_through=True),
    ]
    sys.stdin, sys.stdout, sys.stderr = streams
    for name in unset:
        os.environ.pop(name, None)
    os.environ.update(env)
    os.chdir(cwd)
    try:
        status = main(args)
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
        os.chdir(directory)
        os.environ.clear()
        os.environ.update(environment)
        for stream in streams:
            stream.flush()
            stream.detach()  # the bytes stay readable: closing the wrapper would close them
    return status, out.getvalue(), err.getvalue()


def run_process(*args: str, stdin: bytes = b"", cwd: Path = DATA, **env: str) -> Ran:
    """As `run`, in a process of its own: `python -m openapiopenai`, as users run it."""
    environment = {**os.environ, "COLUMNS": "80", **env}
    environment.pop("PYTHONWARNINGS", None)
    done = subprocess.run(
        [sys.executable, "-m", "openapiopenai", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        env=environment,
        check=False,
    )
    return Ran(done.returncode, done.stdout.decode(), done.stderr.decode())


def page_line(*results: str, has_more: bool = False, day: int = 0) -> str:
    """One page of one daily bucket (2024-11-01, or `day` days later) holding the given results, as a line of JSON."""
    more = "true" if has_more else "false"
    start = 1730419200 + day * 86400
    return (
        f'{{"object": "page", "data": [{{"object": "bucket", "start_time": {start}, "end_time": {start + 86400},'
        f' "results": [{", ".join(results)}]}}], "has_more": {more}, "next_page": null}}'
    )


def result(images: int, requests: int, **fields: str) -> str:
    extra = "".join(f', "{name}": "{value}"' for name, value in fields.items())
    return (
        f'{{"object": "organization.usage.images.result", "images": {images}, "num_model_requests": {requests}{extra}}}'
    )


# The main job: summarize the built-in sample.

SAMPLE_OUTPUT = """\
completions: 2024-11-01 to 2024-11-15 UTC, 14 buckets of 1 day, 2 pages, 42 results
project_id     model                         input      cached      output  audio_in  audio_out  requests
proj_q4TzL8wX  gpt-4o-mini-2024-07-18   52,678,344  20,587,461  10,659,720         0          0    63,072
proj_7KcHm3Ye  gpt-4o-mini-2024-07-18   34,767,225  12,687,872   7,378,547         0          0    28,633
proj_q4TzL8wX  gpt-4o-2024-08-06        19,370,714   6,839,269   4,204,334   487,186    168,179     9,946
total                                  106,816,283  40,114,602  22,242,601   487,186    168,179   101,651

images: 2024-11-01 to 2024-11-15 UTC, 14 buckets of 1 day, 2 pages, 139 results
project_id     model        size       source            images  requests
proj_q4TzL8wX  gpt-image-1  1024x1024  image.generation   1,461     1,270
proj_7KcHm3Ye  dall-e-2     512x512    image.generation     917       286
proj_q4TzL8wX  dall-e-3     1024x1024  image.generation     646       646
proj_q4TzL8wX  gpt-image-1  1536x1024  image.generation     483       483
proj_q4TzL8wX  gpt-image-1  1024x1024  image.edit           432       332
proj_7KcHm3Ye  dall-e-2     256x256    image.variation      306       127
proj_7KcHm3Ye  gpt-image-1  1024x1536  image.generation     263       263
proj_q4TzL8wX  dall-e-3     1792x1024  image.generation     193       193
proj_7KcHm3Ye  dall-e-2     1024x1024  image.edit           152       101
proj_7KcHm3Ye  dall-e-3     1024x1792  image.generation      77        77
total                                                     4,930     3,778

costs: 2024-11-01 to 2024-11-15 UTC, 14 buckets of 1 day, 2 pages, 251 results
project_id     line_item                                usd
proj_q4TzL8wX  gpt-image-1, 1024x1024                 79.51
proj_q4TzL8wX  gpt-4o-2024-08-06, output              42.04
proj_q4TzL8wX  gpt-4o-2024-08-06, input               31.33
proj_q4TzL8wX  gpt-image-1, 1536x1024                 30.43
proj_q4TzL8wX  dall-e-3, 1024x1024                    25.84
proj_7KcHm3Ye  gpt-image-1, 1024x1536                 16.57
proj_7KcHm3Ye  dall-e-2, 512x512                      16.51
proj_q4TzL8wX  dall-e-3, 1792x1024                    15.44
proj_q4TzL8wX  gpt-4o-2024-08-06, cached input         8.55
proj_q4TzL8wX  gpt-4o-mini-2024-07-18, output          6.40
proj_7KcHm3Ye  dall-e-3, 1024x1792                     6.16
proj_7KcHm3Ye  dall-e-2, 256x256                       4.90
proj_q4TzL8wX  gpt-4o-mini-2024-07-18, input           4.81
proj_7KcHm3Ye  gpt-4o-mini-2024-07-18, output          4.43
proj_7KcHm3Ye  gpt-4o-mini-2024-07-18, input           3.31
proj_7KcHm3Ye  dall-e-2, 1024x1024                     3.04
proj_q4TzL8wX  gpt-4o-mini-2024-07-18, cached input    1.54
proj_7KcHm3Ye  gpt-4o-mini-2024-07-18, cached input    0.95
total                                                301.75
"""
SAMPLE_IMAGES = SAMPLE_OUTPUT.split("\n\n")[1]


def test_summarize_sample_totals_the_built_in_sample() -> None:
    assert run("summarize", "--sample") == Ran(0, SAMPLE_OUTPUT, "")


def test_summarize_sample_of_one_kind() -> None:
    assert run("summarize", "--sample", "--kind", "images") == Ran(0, SAMPLE_IMAGES + "\n", "")


def test_validate_sample_checks_the_built_in_sample() -> None:
    expected = (
        "completions-usage-page-1.json: ok: a page of 7 buckets, 21 results\n"
        "completions-usage-page-2.json: ok: a page of 7 buckets, 21 results\n"
        "images-usage-page-1.json: ok: a page of 7 buckets, 70 results\n"
        "images-usage-page-2.json: ok: a page of 7 buckets, 69 results\n"
        "costs-page-1.json: ok: a page of 7 buckets, 126 results\n"
        "costs-page-2.json: ok: a page of 7 buckets, 125 results\n"
        "listing: completions: 2024-11-01 to 2024-11-15 UTC, 14 buckets of 1 day, 2 pages, 42 results: complete\n"
        "listing: images: 2024-11-01 to 2024-11-15 UTC, 14 buckets of 1 day, 2 pages, 139 results: complete\n"
        "listing: costs: 2024-11-01 to 2024-11-15 UTC, 14 buckets of 1 day, 2 pages, 251 results: complete\n"
    )
    assert run("validate", "--sample") == Ran(0, expected, "")


def test_console_script_runs_the_same_command() -> None:
    script = Path(sys.executable).parent / "openapiopenai"
    if not script.exists():
        pytest.skip("the console script is not installed next to this interpreter")
    done = subprocess.run([script, "summarize", "--sample"], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, SAMPLE_OUTPUT, "")


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        pytest.param(("summarize", "--sample"), b"", id="summarize-sample"),
        pytest.param(("summarize", "page.json", "--every", "day", "--format", "csv"), b"", id="csv"),
        pytest.param(("summarize", "-", "--format", "json"), (DATA / "page.json").read_bytes(), id="stdin-json"),
        pytest.param(("validate", "bad-values.json", "not-json.csv"), b"", id="invalid"),
        pytest.param(("summarize", "incomplete.json"), b"", id="incomplete"),
        pytest.param(("summarize", "--every", "fortnight"), b"", id="usage-error"),
        pytest.param(("focus", "--sample"), b"", id="focus"),
        pytest.param(("report", "--sample", "-o", "-"), b"", id="report"),
        pytest.param(("--help",), b"", id="help"),
    ],
)
def test_a_command_runs_alike_in_a_process_of_its_own(args: tuple[str, ...], stdin: bytes) -> None:
    """What the other tests run in this process (`run`) is what a user's `python -m openapiopenai` gives."""
    assert run(*args, stdin=stdin) == run_process(*args, stdin=stdin)


# Each option and format, on page.json: dall-e-3/1024x1024 10+5 images, dall-e-2/256x256 8,
# gpt-image-1 with a null size 7; user_id null everywhere, project_id absent everywhere.


@pytest.mark.parametrize(
    ("options", "expected", "stderr"),
    [
        pytest.param(
            [],
            "images: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 1 page, 4 results\n"
            "model        size       images  requests\n"
            "dall-e-3     1024x1024      15        15\n"
            "dall-e-2     256x256         8         2\n"
            "gpt-image-1  (none)          7         6\n"
            "total                       30        23\n",
            "",
            id="default-fields-with-a-value",
        ),
        pytest.param(
            ["--by", "model"],
            "images: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 1 page, 4 results\n"
            "model        images  requests\n"
            "dall-e-3         15        15\n"
            "dall-e-2          8         2\n"
            "gpt-image-1       7         6\n"
            "total            30        23\n",
            "",
            id="by-one-field",
        ),
        pytest.param(
            ["--by", "size,model"],
            "images: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 1 page, 4 results\n"
            "size       model        images  requests\n"
            "1024x1024  dall-e-3         15        15\n"
            "256x256    dall-e-2          8         2\n"
            "(none)     gpt-image-1       7         6\n"
            "total                       30        23\n",
            "",
            id="by-fields-in-the-order-given",
        ),
        pytest.param(
            ["--by", "size"],
            "images: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 1 page, 4 results\n"
            "size       images  requests\n"
            "1024x1024      15        15\n"
            "256x256         8         2\n"
            "(none)          7         6\n"
            "total          30        23\n",
            "",
            id="null-value-as-empty-cell",
        ),
        pytest.param(
            ["--by", "user_id"],
            "images: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 1 page, 4 results\n"
            "user_id  images  requests\n"
            "(none)       30        23\n"
            "total        30        23\n",
            "openapiopenai: note: user_id is empty in every images result: was the export requested with group_by=user_id?\n",
            id="by-a-field-null-everywhere",
        ),
        pytest.param(
            ["--by", "model,model"],
            "images: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 1 page, 4 results\n"
            "model        images  requests\n"
            "dall-e-3         15        15\n"
            "dall-e-2          8         2\n"
            "gpt-image-1       7         6\n"
            "total            30        23\n",
            "",
            id="by-a-field-twice",
        ),
        pytest.param(
            ["--by", "none"],
            "images: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 1 page, 4 results\n"
            "       images  requests\n"
            "total      30        23\n",
            "",
            id="by-none-table-is-the-total-line",
        ),
        pytest.param(
            ["--per-bucket"],
            "images: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 1 page, 4 results\n"
            "bucket_start          model        size       images  requests\n"
            "2024-11-01T00:00:00Z  dall-e-3     1024x1024      10        10\n"
            "2024-11-01T00:00:00Z  dall-e-2     256x256         8         2\n"
            "2024-11-02T00:00:00Z  gpt-image-1  (none)          7         6\n"
            "2024-11-02T00:00:00Z  dall-e-3     1024x1024       5         5\n"
            "total                                             30        23\n",
            "",
            id="per-bucket",
        ),
        pytest.param(
            ["--per-bucket", "--by", "none"],
            "images: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 1 page, 4 results\n"
            "bucket_start          images  requests\n"
            "2024-11-01T00:00:00Z      18        12\n"
            "2024-11-02T00:00:00Z      12        11\n"
            "total                     30        23\n",
            "",
            id="per-bucket-by-none",
        ),
        pytest.param(
            ["--format", "csv"],
            "model,size,images,num_model_requests\ndall-e-3,1024x1024,15,15\ndall-e-2,256x256,8,2\ngpt-image-1,,7,6\n",
            "openapiopenai: counted images: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 1 page, 4 results\n",
            id="csv",
        ),
        pytest.param(
            ["--format", "csv", "--by", "none"],
            "images,num_model_requests\n30,23\n",
            "openapiopenai: counted images: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 1 page, 4 results\n",
            id="csv-by-none",
        ),
        pytest.param(
            ["--format", "csv", "--per-bucket", "--by", "model"],
            "bucket_start,model,images,num_model_requests\n"
            "2024-11-01T00:00:00Z,dall-e-3,10,10\n"
            "2024-11-01T00:00:00Z,dall-e-2,8,2\n"
            "2024-11-02T00:00:00Z,gpt-image-1,7,6\n"
            "2024-11-02T00:00:00Z,dall-e-3,5,5\n",
            "openapiopenai: counted images: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 1 page, 4 results\n",
            id="csv-per-bucket",
        ),
        pytest.param(
            ["--format", "json", "--by", "size"],
            "[\n"
            "  {\n"
            '    "size": "1024x1024",\n'
            '    "images": 15,\n'
            '    "num_model_requests": 15\n'
            "  },\n"
            "  {\n"
            '    "size": "256x256",\n'
            '    "images": 8,\n'
            '    "num_model_requests": 2\n'
            "  },\n"
            "  {\n"
            '    "size": null,\n'
            '    "images": 7,\n'
            '    "num_model_requests": 6\n'
            "  }\n"
            "]\n",
            "openapiopenai: counted images: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 1 page, 4 results\n",
            id="json-null-value",
        ),
        pytest.param(
            ["--format", "json", "--by", "none"],
            '[\n  {\n    "images": 30,\n    "num_model_requests": 23\n  }\n]\n',
            "openapiopenai: counted images: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 1 page, 4 results\n",
            id="json-by-none",
        ),
        pytest.param(
            ["--format", "json", "--per-bucket", "--by", "none"],
            "[\n"
            "  {\n"
            '    "bucket_start": "2024-11-01T00:00:00Z",\n'
            '    "images": 18,\n'
            '    "num_model_requests": 12\n'
            "  },\n"
            "  {\n"
            '    "bucket_start": "2024-11-02T00:00:00Z",\n'
            '    "images": 12,\n'
            '    "num_model_requests": 11\n'
            "  }\n"
            "]\n",
            "openapiopenai: counted images: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 1 page, 4 results\n",
            id="json-per-bucket",
        ),
    ],
)
def test_summarize_option(options: list[str], expected: str, stderr: str) -> None:
    assert run("summarize", "page.json", *options) == Ran(0, expected, stderr)


def test_summarize_reads_standard_input() -> None:
    table = run("summarize", "-", "--by", "model", stdin=(DATA / "page.json").read_bytes())
    assert table == Ran(0, run("summarize", "page.json", "--by", "model").stdout, "")


def test_summarize_reads_json_lines() -> None:
    expected = (
        "images: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 2 pages, 3 results\n"
        "source            images  requests\n"
        "image.generation      10        10\n"
        "image.variation        3         1\n"
        "total                 13        11\n"
    )
    assert run("summarize", "listing.jsonl") == Ran(0, expected, "")


def test_summarize_adds_up_several_files() -> None:
    expected = (
        "images: 2024-10-28 to 2024-11-07 UTC, 10 buckets of 1 day, 3 pages, 9 results\n"
        "       images  requests\n"
        "total      50        44\n"
    )
    assert run("summarize", "autumn-1.json", "autumn-2.json", "autumn-3.json", "--by", "none") == Ran(0, expected, "")


def test_summarize_counts_results_given_on_their_own_and_says_so() -> None:
    expected = (
        "images: 2024-11-01 to 2024-11-02 UTC, 1 bucket of 1 day, 1 result, and 1 result outside any bucket\n"
        "model     images  requests\n"
        "dall-e-2       5         1\n"
        "dall-e-3       2         2\n"
        "total          7         3\n"
    )
    assert run("summarize", "mixed.json") == Ran(0, expected, "")


def test_summarize_refuses_to_place_results_without_a_time_on_a_time_axis() -> None:
    expected = (
        "openapiopenai: error: 1 result outside any bucket: without a bucket's time, a result cannot be placed in a period\n"
        "openapiopenai: no totals printed: results have no time\n"
    )
    assert run("summarize", "mixed.json", "--per-bucket") == Ran(1, "", expected)


def test_summarize_of_no_results_says_so() -> None:
    assert run("summarize", "-", stdin=b"[]") == Ran(0, "no results: 0 buckets, 0 results\n", "")


def test_summarize_of_no_results_of_a_chosen_kind_is_refused() -> None:
    expected = (
        "openapiopenai: error: the input holds no images results: it holds no results at all\n"
        "openapiopenai: no totals printed: no images results\n"
    )
    assert run("summarize", "--kind", "images", "-", stdin=b"[]") == Ran(1, "", expected)


def test_summarize_refuses_an_incomplete_listing() -> None:
    expected = (
        "openapiopenai: error: the listing is incomplete: incomplete.json says has_more: true:"
        ' the pages after 2024-11-02T00:00:00Z were not read (next_page: "page_AAAAAGcsMoA=")\n'
        "openapiopenai: no totals printed: the listing is incomplete (--partial accepts that)\n"
    )
    assert run("summarize", "incomplete.json") == Ran(1, "", expected)


def test_summarize_partial_prints_the_totals_of_an_incomplete_listing_labelled() -> None:
    table = (
        "images: 2024-11-01 to 2024-11-02 UTC, 1 bucket of 1 day, 1 page, 1 result (partial: the listing is incomplete)\n"
        "project_id  images  requests\n"
        "proj_a           4         3\n"
        "total            4         3\n"
    )
    note = (
        "openapiopenai: note: the listing is incomplete: incomplete.json says has_more: true:"
        ' the pages after 2024-11-02T00:00:00Z were not read (next_page: "page_AAAAAGcsMoA=")\n'
    )
    assert run("summarize", "incomplete.json", "--partial") == Ran(0, table, note)


def test_summarize_names_the_line_of_an_incomplete_last_page_in_json_lines() -> None:
    lines = f"{page_line()}\n{page_line(has_more=True, day=1)}\n"
    ran = run("summarize", "-", "--by", "none", stdin=lines.encode())
    assert ran.stderr.splitlines()[0] == (
        "openapiopenai: error: the listing is incomplete: <stdin>:2 says has_more: true:"
        " the pages after 2024-11-03T00:00:00Z were not read (next_page: null)"
    )


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
            f"[{page_line(result(1, 1))}, {page_line(day=1)}]",
            "an array of 2 pages, 2 buckets, 1 result",
            id="array-of-pages",
        ),
        pytest.param(f"[{result(1, 1)}, {result(1, 1)}]", "an array of 2 results", id="array-of-results"),
        pytest.param("[]", "an empty array", id="empty-array"),
    ],
)
def test_validate_says_what_a_document_holds(document: str, verdict: str) -> None:
    ran = run("validate", "-", stdin=document.encode())
    assert (ran.status, ran.stdout.splitlines()[0], ran.stderr) == (0, f"<stdin>: ok: {verdict}", "")


def test_validate_names_files_and_lines() -> None:
    expected = (
        "page.json: ok: a page of 2 buckets, 4 results\n"
        "listing.jsonl:1: ok: a page of 1 bucket, 2 results\n"
        "listing.jsonl:3: ok: a page of 1 bucket, 1 result\n"
        "mixed.json: ok: an array of 1 bucket, 2 results\n"
        "listing: images: 2024-11-01 to 2024-11-03 UTC, 5 buckets of 1 day, 3 pages, 8 results,"
        " and 1 result outside any bucket: not one listing\n"
        "listing: error: the bucket starting 2024-11-01T00:00:00Z is in page.json (data.0)"
        " and again in listing.jsonl:1 (data.0)\n"
        "listing: error: the bucket starting 2024-11-01T00:00:00Z is in page.json (data.0) and again in mixed.json (0)\n"
        "listing: error: the bucket starting 2024-11-02T00:00:00Z is in page.json (data.1)"
        " and again in listing.jsonl:3 (data.0)\n"
        "listing: not accepted: these buckets cannot be counted as one listing\n"
    )
    assert run("validate", "page.json", "listing.jsonl", "mixed.json") == Ran(1, expected, "")


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
    ran = run("validate", "-", stdin=text.encode())
    assert (ran.status, ran.stdout.rsplit("listing: ", 1)[0], ran.stderr) == (0, expected, "")


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


def test_validate_reports_a_result_of_an_unknown_kind_inside_a_page_once() -> None:
    widgets = '{"object": "organization.usage.widgets.result", "widgets": 3, "num_model_requests": 1}'
    expected = (
        "<stdin>: error: data.0.results.1.object: Input should be the object of a usage or costs result,"
        " not 'organization.usage.widgets.result': an unknown kind of result\n"
    )
    assert run("validate", "-", stdin=page_line(result(1, 1), widgets).encode()) == Ran(1, expected, "")


def test_validate_names_the_paths_of_errors_in_a_result_of_another_kind() -> None:
    completions = '{"object": "organization.usage.completions.result", "input_tokens": "3", "num_model_requests": 1}'
    expected = (
        "<stdin>: error: data.0.results.1.input_tokens: Input should be a valid integer\n"
        "<stdin>: error: data.0.results.1.output_tokens: Field required\n"
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
    assert (first, rest) == (
        b"<stdin>:1: ok: an images result\n",
        b"<stdin>:2: ok: an images result\nlisting: images: 2 results outside any bucket\n",
    )


# Bad input: one line naming the file and the problem, exit status 1, never a traceback.

BAD_INPUTS = [
    pytest.param(None, "missing.json", "missing.json: error: cannot read: No such file or directory", id="missing"),
    pytest.param(None, ".", ".: error: no *.json or *.jsonl files in this directory", id="empty-directory"),
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
        result(1, 1).encode("utf-16"),
        "f.json",
        "f.json: error: the input is UTF-16 text, and JSON must be UTF-8: convert it first (iconv -f UTF-16 -t UTF-8)",
        id="utf-16",
    ),
    pytest.param(
        result(1, 1).encode("utf-16-be"),
        "f.json",
        "f.json: error: the input is UTF-16 text, and JSON must be UTF-8: convert it first (iconv -f UTF-16 -t UTF-8)",
        id="utf-16-without-byte-order-mark",
    ),
    pytest.param(
        b"42",
        "f.json",
        "f.json: error: Input should be an object: a usage page, bucket or result, or an array of them",
        id="number",
    ),
    pytest.param(
        b"[1]",
        "f.json",
        "f.json: error: 0: Input should be an object: a usage page, bucket or result",
        id="array-of-numbers",
    ),
    pytest.param(
        b'{"images": 1, "num_model_requests": 1}',
        "f.json",
        "f.json: error: object: Field required: a usage document names its kind, 'page', 'bucket' or the object"
        " of a usage or costs result ('organization.usage.images.result', ...)",
        id="no-object-field",
    ),
    pytest.param(
        b'{"object": "organization.usage.widgets.result", "widgets": 1}',
        "f.json",
        "f.json: error: object: Input should be 'page', 'bucket' or the object of a usage or costs result"
        " ('organization.usage.images.result', ...), not 'organization.usage.widgets.result':"
        " an unknown kind of document",
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
    bucket = b'{"object": "bucket", "start_time": 99999999999999, "end_time": 100000000000000, "results": []}'
    assert run("summarize", "--kind", "images", "--by", "none", "--format", "csv", "-", stdin=bucket) == Ran(
        0,
        "images,num_model_requests\n0,0\n",
        "openapiopenai: counted images: 99999999999999 to 100000000000000 UTC, 1 bucket of 1 second, 0 results\n",
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
            " api_key_id, model, size, source, batch, service_tier, vector_store_id, context_level, line_item,"
            " or none for one overall row",
            id="unknown-by-field",
        ),
        pytest.param(
            ["summarize", "--by", "none,model"],
            "openapiopenai summarize: error: argument --by: unknown field 'none': choose from project_id, user_id,"
            " api_key_id, model, size, source, batch, service_tier, vector_store_id, context_level, line_item,"
            " or none for one overall row",
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
    assert capsys.readouterr().out == (
        f"{DATA / 'page.json'}: ok: a page of 2 buckets, 4 results\n"
        "listing: images: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 1 page, 4 results: complete\n"
    )


def test_a_closed_standard_output_ends_the_command_with_one_line() -> None:
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
    assert (done.returncode, done.stderr) == (
        1,
        b"openapiopenai: error: cannot write the output: the reader closed the pipe\n",
    )


def test_the_command_writes_all_it_prints_before_the_process_ends(capsys: pytest.CaptureFixture[str]) -> None:
    """What is still buffered when the command ends is written before the process exits."""
    args = ["summarize", "--sample", "--kind", "completions", "--every", "bucket", "--format", "csv"]
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    done = subprocess.run(
        [sys.executable, "-m", "openapiopenai", *args], capture_output=True, cwd=DATA, env=environment, check=False
    )
    assert main(args) == 0
    printed = capsys.readouterr()
    assert 1000 < len(printed.out) < io.DEFAULT_BUFFER_SIZE  # row by row, all of it still in the buffer
    assert (done.returncode, done.stdout.decode(), done.stderr.decode()) == (0, printed.out, printed.err)


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
        23,
        ["listing.jsonl", "incomplete.json", "bad-values.json", "some-bad-lines.jsonl", "costs.json"],
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


# Totals people can trust: every way of giving input is either counted right or refused aloud.

AUTUMN = ("autumn-1.json", "autumn-2.json", "autumn-3.json")  # 2024-10-28 (a Monday) to 2024-11-06, three pages
AUTUMN_COUNTED = "images: 2024-10-28 to 2024-11-07 UTC, 10 buckets of 1 day, 3 pages, 9 results\n"
AUTUMN_TABLE = (
    AUTUMN_COUNTED + "model        images  requests\ngpt-image-1      40        34\ndall-e-3         10        10\n"
    "total            50        44\n"
)


def test_piped_text_is_read_rather_than_the_sample() -> None:
    expected = "<stdin>: error: Invalid JSON: expected ident at line 1 column 2\n"
    assert run("validate", stdin=b"not json\n") == Ran(1, expected, "")


def test_piped_export_is_summarized_rather_than_the_sample() -> None:
    ran = run("summarize", "--format", "csv", "--by", "model", stdin=(DATA / "page.json").read_bytes())
    assert ran == Ran(
        0,
        "model,images,num_model_requests\ndall-e-3,15,15\ndall-e-2,8,2\ngpt-image-1,7,6\n",
        "openapiopenai: counted images: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 1 page, 4 results\n",
    )


def run_on_a_terminal(*args: str, columns: int = 80) -> tuple[int, str]:
    """Run with standard input and output on a pseudo-terminal; the status and what the terminal showed."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": str(columns)}
    env.pop("PYTHONWARNINGS", None)
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "openapiopenai", *args],
            stdin=follower,
            stdout=follower,
            stderr=follower,
            cwd=DATA,
            env=env,
        )
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the other end closed: Linux reports EIO
                break
            if not chunk:
                break
            shown += chunk
        status = process.wait(timeout=120)
    finally:
        os.close(leader)
    return status, shown.decode().replace("\r\n", "\n")


def test_no_input_on_a_terminal_is_a_usage_error() -> None:
    status, shown = run_on_a_terminal("summarize")
    assert (status, shown.splitlines()[-1]) == (
        2,
        "openapiopenai summarize: error: no input: give FILEs, '-' for standard input,"
        " or --sample for the built-in sample",
    )


def test_the_table_fits_the_terminal() -> None:
    status, shown = run_on_a_terminal("summarize", "--sample", "--kind", "images", columns=60)
    assert status == 0
    assert shown.splitlines()[:3] == [
        SAMPLE_IMAGES.splitlines()[0],
        "project_id  model     size       source     images  requests",
        "proj_q4Tz…  gpt-ima…  1024x1024  image.ge…   1,461     1,270",
    ]
    assert max(len(line) for line in shown.splitlines()[1:]) <= 60


@pytest.mark.parametrize("columns", [40, 50])
def test_a_narrow_terminal_never_cuts_two_values_of_a_column_to_the_same_text(columns: int) -> None:
    status, shown = run_on_a_terminal("summarize", "--sample", "--kind", "images", columns=columns)
    assert status == 0
    rows = [line.split() for line in shown.splitlines()[2:12]]
    piped = [line.split() for line in SAMPLE_IMAGES.splitlines()[2:12]]
    assert [len({row[column] for row in rows}) for column in range(4)] == [
        len({row[column] for row in piped}) for column in range(4)
    ]
    assert rows[0][:4] == ["proj_q4Tz…", "gpt-ima…", "1024x10…", "image.g…"]


def test_a_piped_table_is_never_cut() -> None:
    ran = run("summarize", "--sample", COLUMNS="40")
    assert ran.stdout == SAMPLE_OUTPUT


def test_sample_and_files_together_are_a_usage_error() -> None:
    ran = run("summarize", "--sample", "page.json")
    assert (ran.status, ran.stderr.splitlines()[-1]) == (
        2,
        "openapiopenai summarize: error: give FILEs or --sample, not both",
    )


def test_the_same_page_twice_is_refused_naming_both_places() -> None:
    expected = (
        "openapiopenai: error: the 2 buckets from 2024-11-01T00:00:00Z to 2024-11-03T00:00:00Z are in"
        " page.json (data.0 to data.1) and again in page.json (data.0 to data.1)\n"
        "openapiopenai: no totals printed: these buckets cannot be counted as one listing\n"
    )
    assert run("summarize", "page.json", "page.json") == Ran(1, "", expected)


def test_a_page_twice_in_json_lines_is_refused() -> None:
    lines = f"{page_line(result(1, 1))}\n{page_line(result(1, 1))}\n"
    expected = (
        "openapiopenai: error: the bucket starting 2024-11-01T00:00:00Z is in <stdin>:1 (data.0)"
        " and again in <stdin>:2 (data.0)\n"
        "openapiopenai: no totals printed: these buckets cannot be counted as one listing\n"
    )
    assert run("summarize", "-", stdin=lines.encode()) == Ran(1, "", expected)


def test_overlapping_exports_are_refused() -> None:
    ran = run("summarize", *AUTUMN, "overlapping-export.json", "--format", "csv")
    assert (ran.status, ran.stdout) == (1, "")
    # One line per run of buckets read twice from the same two documents.
    assert ran.stderr.splitlines() == [
        "openapiopenai: error: the 2 buckets from 2024-11-02T00:00:00Z to 2024-11-04T00:00:00Z are in"
        " autumn-2.json (data.1 to data.2) and again in overlapping-export.json (data.0 to data.1)",
        "openapiopenai: error: the 3 buckets from 2024-11-04T00:00:00Z to 2024-11-07T00:00:00Z are in"
        " autumn-3.json (data.0 to data.2) and again in overlapping-export.json (data.2 to data.4)",
        "openapiopenai: no totals printed: these buckets cannot be counted as one listing",
    ]


def test_a_missing_middle_page_is_refused_naming_the_missing_range() -> None:
    expected = (
        "openapiopenai: error: the listing is incomplete: no buckets from 2024-11-01T00:00:00Z to"
        " 2024-11-04T00:00:00Z, between autumn-1.json (data.3) and autumn-3.json (data.0): a page is missing\n"
        "openapiopenai: no totals printed: the listing is incomplete (--partial accepts that)\n"
    )
    assert run("summarize", "autumn-1.json", "autumn-3.json") == Ran(1, "", expected)


def test_a_trailing_has_more_page_is_refused() -> None:
    expected = (
        "openapiopenai: error: the listing is incomplete: autumn-2.json says has_more: true:"
        ' the pages after 2024-11-04T00:00:00Z were not read (next_page: "page_3")\n'
        "openapiopenai: no totals printed: the listing is incomplete (--partial accepts that)\n"
    )
    assert run("summarize", "autumn-2.json", "autumn-1.json") == Ran(1, "", expected)


@pytest.mark.parametrize("order", list(itertools.permutations(AUTUMN)), ids="-".join)
def test_file_order_does_not_change_the_output(order: tuple[str, ...]) -> None:
    assert run("summarize", *order, "--by", "model") == Ran(0, AUTUMN_TABLE, "")


def test_validate_reports_the_period_and_completeness() -> None:
    expected = (
        "autumn-3.json: ok: a page of 3 buckets, 3 results\n"
        "autumn-1.json: ok: a page of 4 buckets, 4 results\n"
        "listing: images: 2024-10-28 to 2024-11-07 UTC, 7 buckets of 1 day, 2 pages, 7 results: incomplete\n"
        "listing: error: the listing is incomplete: no buckets from 2024-11-01T00:00:00Z to 2024-11-04T00:00:00Z,"
        " between autumn-1.json (data.3) and autumn-3.json (data.0): a page is missing\n"
        "listing: not accepted: the listing is incomplete (--partial accepts that)\n"
    )
    assert run("validate", "autumn-3.json", "autumn-1.json") == Ran(1, expected, "")


def test_concatenated_documents_are_read_one_after_another() -> None:
    together = b"".join((DATA / name).read_bytes() for name in reversed(AUTUMN))
    assert run("summarize", "--by", "model", stdin=together) == Ran(0, AUTUMN_TABLE, "")
    listed = run("validate", "-", stdin=together).stdout.splitlines()[:3]
    assert listed == [
        "<stdin>:1: ok: a page of 3 buckets, 3 results",
        "<stdin>:47: ok: a page of 3 buckets, 2 results",
        "<stdin>:85: ok: a page of 4 buckets, 4 results",
    ]


def test_json_lines_with_a_broken_first_line_are_reported_line_by_line() -> None:
    text = f'{{"object": "page", "data": [\n{page_line(result(1, 1))}\n{page_line(day=1)}\n'
    expected = (
        "<stdin>:1: error: Invalid JSON: EOF while parsing a list at line 1 column 28\n"
        "<stdin>:2: ok: a page of 1 bucket, 1 result\n"
        "<stdin>:3: ok: a page of 1 bucket, 0 results\n"
    )
    assert run("validate", "-", stdin=text.encode()) == Ran(1, expected, "")


def test_a_byte_order_mark_at_the_start_is_skipped() -> None:
    with_bom = b"\xef\xbb\xbf" + (DATA / "page.json").read_bytes()
    assert run("summarize", "--by", "model", stdin=with_bom) == run("summarize", "page.json", "--by", "model")


def test_a_directory_reads_its_json_and_json_lines_files_in_name_order(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    for name in AUTUMN:
        (exports / name).write_bytes((DATA / name).read_bytes())
    (exports / "notes.txt").write_text("not read")
    (exports / "z.jsonl").write_text(result(1, 1) + "\n\n")
    ran = run("validate", "exports", cwd=tmp_path)
    assert ran.stdout.splitlines()[:4] == [
        "exports/autumn-1.json: ok: a page of 4 buckets, 4 results",
        "exports/autumn-2.json: ok: a page of 3 buckets, 2 results",
        "exports/autumn-3.json: ok: a page of 3 buckets, 3 results",
        "exports/z.jsonl: ok: an images result",
    ]


# Time: --since, --until, --every.

EVERY_DAY = """\
day         images  requests
2024-10-28      14        12
2024-10-29       6         5
2024-10-30       0         0
2024-10-31       2         2
2024-11-01       8         8
2024-11-02       0         0
2024-11-03       0         0
2024-11-04      12         9
2024-11-05       3         3
2024-11-06       5         5
total           50        44
"""


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        pytest.param(["--every", "day", "--by", "none"], AUTUMN_COUNTED + EVERY_DAY, id="day-with-empty-days"),
        pytest.param(
            ["--every", "week"],
            AUTUMN_COUNTED + "week_start  model        images  requests\n"
            "2024-10-28  gpt-image-1      23        20\n"
            "2024-10-28  dall-e-3          7         7\n"
            "2024-11-04  gpt-image-1      17        14\n"
            "2024-11-04  dall-e-3          3         3\n"
            "total                        50        44\n",
            id="week-from-monday",
        ),
        pytest.param(
            ["--every", "month", "--by", "none"],
            AUTUMN_COUNTED + "month    images  requests\n2024-10      22        19\n2024-11      28        25\n"
            "total        50        44\n",
            id="month",
        ),
        pytest.param(
            ["--since", "2024-10-31", "--until", "2024-11-04T02:00:00+02:00", "--every", "day"],
            "images: 2024-10-31 to 2024-11-04 UTC, 4 buckets of 1 day, 2 pages, 3 results\n"
            "day         model        images  requests\n"
            "2024-10-31  dall-e-3          2         2\n"
            "2024-11-01  gpt-image-1       7         7\n"
            "2024-11-01  dall-e-3          1         1\n"
            "2024-11-02                    0         0\n"
            "2024-11-03                    0         0\n"
            "total                        10        10\n",
            id="since-until-exclusive-with-offset",
        ),
        pytest.param(
            ["--since", "1730419200", "--by", "none"],
            "images: 2024-11-01 to 2024-11-07 UTC, 6 buckets of 1 day, 2 pages, 5 results\n"
            "       images  requests\ntotal      28        25\n",
            id="since-unix-seconds",
        ),
    ],
)
def test_summarize_over_time(options: list[str], expected: str) -> None:
    assert run("summarize", *AUTUMN, *options) == Ran(0, expected, "")


def test_per_bucket_rows_are_in_time_order_with_empty_buckets_kept() -> None:
    ran = run("summarize", *AUTUMN, "--per-bucket", "--by", "none", "--format", "csv")
    assert ran.stdout == (
        "bucket_start,images,num_model_requests\n"
        "2024-10-28T00:00:00Z,14,12\n2024-10-29T00:00:00Z,6,5\n2024-10-30T00:00:00Z,0,0\n"
        "2024-10-31T00:00:00Z,2,2\n2024-11-01T00:00:00Z,8,8\n2024-11-02T00:00:00Z,0,0\n"
        "2024-11-03T00:00:00Z,0,0\n2024-11-04T00:00:00Z,12,9\n2024-11-05T00:00:00Z,3,3\n"
        "2024-11-06T00:00:00Z,5,5\n"
    )


def test_a_period_boundary_inside_a_bucket_is_refused() -> None:
    expected = (
        "openapiopenai: error: the bucket 2024-10-28T00:00:00Z to 2024-10-29T00:00:00Z in autumn-1.json (data.0)"
        " contains 2024-10-28T12:00:00Z, a boundary of the period asked for, and cannot be split\n"
        "openapiopenai: no totals printed: these buckets cannot be counted as one listing\n"
    )
    assert run("summarize", *AUTUMN, "--since", "2024-10-28T12:00") == Ran(1, "", expected)


def test_a_period_beyond_the_data_is_incomplete() -> None:
    ran = run("summarize", *AUTUMN, "--until", "2024-11-10")
    assert (ran.status, ran.stderr.splitlines()[0]) == (
        1,
        "openapiopenai: error: the listing is incomplete: no buckets from 2024-11-07T00:00:00Z to"
        " 2024-11-10T00:00:00Z, after autumn-3.json (data.2): the period asked for goes on past the data",
    )


@pytest.mark.parametrize(
    ("options", "gap"),
    [
        (
            ["--since", "2030-01-01"],
            "no buckets from 2030-01-01T00:00:00Z on: the data ends at 2024-11-07T00:00:00Z, in autumn-3.json (data.2)",
        ),
        (
            ["--until", "2024-10-01"],
            "no buckets before 2024-10-01T00:00:00Z: the data starts at 2024-10-28T00:00:00Z, in autumn-1.json"
            " (data.0)",
        ),
    ],
    ids=["since-after-the-data", "until-before-the-data"],
)
@pytest.mark.parametrize(
    "command",
    [["summarize"], ["summarize", "--kind", "images"], ["report"]],
    ids=["summarize", "summarize-kind", "report"],
)
def test_a_period_open_at_one_end_outside_the_data_is_incomplete(
    command: list[str], options: list[str], gap: str, tmp_path: Path
) -> None:
    output = ["-o", str(tmp_path / "report.html")] if command == ["report"] else []
    ran = run(*command, *AUTUMN, *options, *output)
    assert ran.status == 1
    assert f"the listing is incomplete: {gap}" in ran.stderr
    assert "holds no images results" not in ran.stderr


def test_a_bucket_across_a_calendar_boundary_is_refused() -> None:
    noon = '{"object": "bucket", "start_time": 1730462400, "end_time": 1730548800, "results": []}'
    ran = run("summarize", "--every", "day", stdin=noon.encode())
    assert ran == Ran(
        1,
        "",
        "<stdin>: error: start_time: the bucket 2024-11-01T12:00:00Z to 2024-11-02T12:00:00Z crosses into the next"
        " day at 2024-11-02T00:00:00Z: with --every day each bucket must fit in one day\n" + NO_TOTALS_1,
    )


@pytest.mark.parametrize(
    ("args", "last_line"),
    [
        pytest.param(
            ["--since", "2024-11-05", "--until", "2024-11-01"],
            "openapiopenai summarize: error: --until (2024-11-01T00:00:00Z) must be later than --since"
            " (2024-11-05T00:00:00Z)",
            id="until-before-since",
        ),
        pytest.param(
            ["--every", "hour"],
            "openapiopenai summarize: error: argument --every: unknown time axis 'hour':"
            " choose from bucket, day, week, month",
            id="unknown-every",
        ),
        pytest.param(
            ["--since", "last week"],
            "openapiopenai summarize: error: argument --since: 'last week' is not a time: give an ISO date"
            " (2024-11-01), an ISO date and time (2024-11-01T12:00:00Z, UTC unless it has an offset such as +02:00)"
            " or Unix seconds (1730419200)",
            id="since-in-words",
        ),
    ],
)
def test_bad_time_options_are_usage_errors(args: list[str], last_line: str) -> None:
    ran = run("summarize", "page.json", *args)
    assert (ran.status, ran.stdout, ran.stderr.splitlines()[-1]) == (2, "", last_line)


# Ordinary manners.


def test_version() -> None:
    assert run("--version") == Ran(0, f"openapiopenai {openapiopenai.__version__}\n", "")


def test_help_states_the_exit_statuses() -> None:
    for command in ([], ["summarize"], ["validate"]):
        text = " ".join(run(*command, "--help").stdout.split())
        assert "Exit status: 0" in text or "exit status: 0" in text.lower(), command
        assert "2 bad usage" in text, command


@pytest.mark.parametrize("command", ["summarize", "report", "focus"])
def test_the_usage_line_says_names_takes_a_file_or_sample(command: str) -> None:
    usage = " ".join(run(command, "--help").stdout.split("\n\n")[0].split())
    assert "[--names FILE|sample]" in usage


def test_null_and_empty_strings_are_told_apart_in_every_format() -> None:
    lines = page_line(result(1, 1, model=""), result(2, 2), result(4, 4, model="dall-e-3")).replace(
        ', "images": 2', ', "model": null, "images": 2'
    )
    table = run("summarize", "--by", "model", stdin=lines.encode())
    csv_text = run("summarize", "--by", "model", "--format", "csv", stdin=lines.encode())
    json_text = run("summarize", "--by", "model", "--format", "json", stdin=lines.encode())
    assert table.stdout.splitlines()[1:] == [
        "model     images  requests",
        "dall-e-3       4         4",
        "(none)         2         2",
        '""             1         1',
        "total          7         7",
    ]
    assert csv_text.stdout == 'model,images,num_model_requests\ndall-e-3,4,4\n,2,2\n"",1,1\n'
    assert [row["model"] for row in json.loads(json_text.stdout)] == ["dall-e-3", None, ""]


def test_output_the_terminal_cannot_encode_is_escaped() -> None:
    lines = page_line(result(3, 1, model="画像-1"))
    ran = run_process("summarize", "--by", "model", "--format", "csv", stdin=lines.encode(), PYTHONIOENCODING="cp1252")
    assert (ran.status, ran.stdout) == (0, "model,images,num_model_requests\n\\u753b\\u50cf-1,3,1\n")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_one_line_and_status_1() -> None:
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "openapiopenai", "summarize", "--sample"],
            stdout=full,
            stderr=subprocess.PIPE,
            check=False,
        )
    assert (done.returncode, done.stderr) == (
        1,
        b"openapiopenai: error: cannot write the output: No space left on device\n",
    )


# Every kind of result: one table and one listing per kind.

KINDS_TABLES = """\
completions: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 1 page, 2 results
model         input  cached  output  requests
gpt-4o-mini  52,000       0   1,800        31
gpt-4o        1,200     200     340         4
total        53,200     200   2,140        35

images: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 1 page, 2 results
size       images  requests
1024x1024       5         3
total           5         3

costs: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 1 page, 4 results
line_item          usd
image generation  1.25
gpt-4o, input     0.31
total             1.56
"""
COMPLETIONS_NOTE = (
    "openapiopenai: note: completions: no result has input_cache_write_tokens, input_uncached_tokens,"
    " input_text_tokens, output_text_tokens, input_cached_text_tokens, input_audio_tokens, input_cached_audio_tokens,"
    " output_audio_tokens, input_image_tokens, input_cached_image_tokens, output_image_tokens: those totals read 0\n"
)


def test_summarize_prints_one_table_per_kind() -> None:
    assert run("summarize", "kinds.jsonl") == Ran(0, KINDS_TABLES, COMPLETIONS_NOTE)


def test_kind_picks_one_table() -> None:
    costs = KINDS_TABLES.split("\n\n")[2]
    assert run("summarize", "kinds.jsonl", "--kind", "costs") == Ran(0, costs, "")


@pytest.mark.parametrize(
    ("output_format", "expected"),
    [
        pytest.param("csv", 'line_item,amount_usd\nimage generation,1.25\n"gpt-4o, input",0.305\n', id="csv"),
        pytest.param(
            "json",
            '[\n  {\n    "line_item": "image generation",\n    "amount_usd": 1.25\n  },\n'
            '  {\n    "line_item": "gpt-4o, input",\n    "amount_usd": 0.305\n  }\n]\n',
            id="json",
        ),
    ],
)
def test_costs_are_exact_in_csv_and_json(output_format: str, expected: str) -> None:
    ran = run("summarize", "kinds.jsonl", "--kind", "costs", "--format", output_format)
    assert ran == Ran(
        0,
        expected,
        "openapiopenai: counted costs: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 1 page, 4 results\n",
    )


def test_csv_of_several_kinds_needs_a_kind() -> None:
    ran = run("summarize", "kinds.jsonl", "--format", "csv")
    assert (ran.status, ran.stdout, ran.stderr.splitlines()[-1]) == (
        2,
        "",
        "openapiopenai summarize: error: the input holds completions, images, costs: --format csv writes one table;"
        " choose one with --kind",
    )


def test_validate_checks_one_listing_per_kind() -> None:
    ran = run("validate", "kinds.jsonl", "kinds.jsonl")
    assert ran.status == 1
    assert ran.stdout.splitlines()[6:] == [
        "listing: completions: 2024-11-01 to 2024-11-03 UTC, 4 buckets of 1 day, 2 pages, 4 results: not one listing",
        "listing: images: 2024-11-01 to 2024-11-03 UTC, 4 buckets of 1 day, 2 pages, 4 results: not one listing",
        "listing: costs: 2024-11-01 to 2024-11-03 UTC, 4 buckets of 1 day, 2 pages, 8 results: not one listing",
        *(
            f"listing: error: {kind}: the 2 buckets from 2024-11-01T00:00:00Z to 2024-11-03T00:00:00Z are in"
            f" kinds.jsonl:{line} (data.0 to data.1) and again in kinds.jsonl:{line} (data.0 to data.1)"
            for line, kind in enumerate(["completions", "images", "costs"], 1)
        ),
        "listing: not accepted: these buckets cannot be counted as one listing",
    ]


def test_a_page_with_no_results_among_several_kinds_needs_a_kind() -> None:
    empty = '{"object": "page", "data": [{"object": "bucket", "start_time": 1730592000, "end_time": 1730678400,'
    empty += ' "results": []}], "has_more": false, "next_page": null}\n'
    stdin = (DATA / "kinds.jsonl").read_bytes() + empty.encode()
    ran = run("summarize", "-", stdin=stdin)
    assert ran == Ran(
        1,
        "",
        "openapiopenai: error: <stdin>:4: no results, so which listing the buckets belong to cannot be told"
        " (completions, images, costs are read): give the kind with --kind\n"
        "openapiopenai: no totals printed: the buckets cannot be told apart by kind\n",
    )
    images = run("summarize", "-", "--kind", "images", "--every", "day", "--by", "none", stdin=stdin)
    assert images == Ran(
        0,
        "images: 2024-11-01 to 2024-11-04 UTC, 3 buckets of 1 day, 2 pages, 2 results\n"
        "day         images  requests\n"
        "2024-11-01       2         2\n"
        "2024-11-02       3         1\n"
        "2024-11-03       0         0\n"
        "total            5         3\n",
        "",
    )


VECTOR_STORES = (
    '{"object": "page", "data": [{"object": "bucket", "start_time": 1730419200, "end_time": 1730505600, "results": ['
    '{"object": "organization.usage.vector_stores.result", "usage_bytes": 1000, "project_id": "proj_a"},'
    ' {"object": "organization.usage.vector_stores.result", "usage_bytes": 500, "project_id": "proj_b"}]},'
    ' {"object": "bucket", "start_time": 1730505600, "end_time": 1730592000, "results": ['
    '{"object": "organization.usage.vector_stores.result", "usage_bytes": 1200, "project_id": "proj_a"}]}],'
    ' "has_more": false, "next_page": null}'
)


def test_a_level_shows_its_latest_and_peak() -> None:
    assert run("summarize", stdin=VECTOR_STORES.encode()) == Ran(
        0,
        "vector_stores: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 1 page, 3 results\n"
        "project_id  usage_bytes_latest  usage_bytes_peak\n"
        "proj_a                   1,200             1,200\n"
        "proj_b                       0               500\n"
        "total                    1,200             1,500\n",
        "",
    )


def test_a_level_per_period_is_its_latest_and_peak_in_that_period() -> None:
    assert run("summarize", "--every", "week", stdin=VECTOR_STORES.encode()) == Ran(
        0,
        "vector_stores: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 1 page, 3 results\n"
        "week_start  project_id  usage_bytes_latest  usage_bytes_peak\n"
        "2024-10-28  proj_a                   1,200             1,200\n"
        "2024-10-28  proj_b                       0               500\n"
        "total                                1,200             1,500\n",
        "",
    )


def test_money_is_summed_exactly() -> None:
    lines = "".join(
        f'{{"object": "organization.costs.result", "amount": {{"value": {value}, "currency": "usd"}}}}\n'
        for value in ("0.1", "0.2", "1e-9", "12345678.9")
    )
    ran = run("summarize", "--format", "csv", stdin=lines.encode())
    assert ran.stdout == "amount_usd\n12345679.200000001\n"


# The size cap: a document larger than --max-document-size is refused unread, in one line.


def test_a_document_over_the_size_cap_is_refused_in_one_line() -> None:
    expected = "page.json: error: the document is larger than 1,024 bytes, the most read as one document\n"
    assert run("validate", "page.json", "--max-document-size", "1k") == Ran(1, expected, "")
    assert run("summarize", "page.json", "--max-document-size", "1024") == Ran(1, "", expected + NO_TOTALS_1)


def test_the_size_cap_applies_to_each_line_of_json_lines() -> None:
    lines = f"{page_line(result(1, 1))}\n{page_line(result(22, 22), day=1)}\n"
    short = len(page_line(result(1, 1)))
    ran = run("validate", "-", "--max-document-size", str(short), stdin=lines.encode())
    assert ran.stdout.splitlines()[:2] == [
        "<stdin>:1: ok: a page of 1 bucket, 1 result",
        f"<stdin>:2: error: the line is larger than {short:,} bytes, the most read as one document",
    ]


@pytest.mark.parametrize(("size", "read"), [("2K", True), ("2KiB", True), ("1m", True), ("1G", True), ("900", False)])
def test_sizes_take_binary_units(size: str, read: bool) -> None:
    assert (run("validate", "page.json", "--max-document-size", size).status == 0) is read


@pytest.mark.parametrize("size", ["0", "-1", "64 MB2", "lots"])
def test_a_bad_size_is_a_usage_error(size: str) -> None:
    ran = run("validate", "page.json", "--max-document-size", size)
    assert (ran.status, ran.stderr.splitlines()[-1]) == (
        2,
        f"openapiopenai validate: error: argument --max-document-size: {size!r} is not a size:"
        " give bytes (1000000) or a number with K, M or G (64M)",
    )


def test_help_states_the_default_size_cap() -> None:
    assert "default: 64M" in " ".join(run("summarize", "--help").stdout.split())


@pytest.mark.parametrize("command", [["report", "--sample"], ["focus", "--sample"]])
def test_an_output_that_is_a_pipe_or_device_is_written_to_not_replaced(command: list[str], tmp_path: Path) -> None:
    # `-o /dev/null` run as root must not put a file where the device was; a pipe stands for it here.
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)  # opened first, so the command's open does not wait
    running = subprocess.Popen(
        [sys.executable, "-m", "openapiopenai", *command, "-o", str(pipe)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    received = bytearray()
    with selectors.DefaultSelector() as waiting:
        waiting.register(reader, selectors.EVENT_READ)
        while True:
            waiting.select(timeout=0.1)
            try:
                chunk = os.read(reader, 1 << 16)
            except BlockingIOError:
                chunk = None
            if chunk:
                received += chunk
            elif running.poll() is not None:
                break
    os.close(reader)
    _, stderr = running.communicate()
    assert running.returncode == 0, stderr
    written = subprocess.run(
        [sys.executable, "-m", "openapiopenai", *command, "-o", "-"], capture_output=True, check=True
    ).stdout
    assert (pipe.is_fifo(), bytes(received)) == (True, written)
    assert [path.name for path in tmp_path.iterdir()] == ["pipe"]
