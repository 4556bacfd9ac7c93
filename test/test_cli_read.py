"""What summarize and validate make of what they read: how a listing ends, kinds asked for, fetch's files, levels."""

from __future__ import annotations

from pathlib import Path

import pytest

from openapiopenai.cli.fetch import STATE_SUFFIX
from openapiopenai.documents import FETCH_STATE_SUFFIX
from openapiopenai.listing import utc_text

from test_cli import Ran, page_line, result, run

EMPTY_PAGE = '{"object": "page", "data": [], "has_more": false, "next_page": null}'


def test_an_empty_last_page_ends_the_listing() -> None:
    lines = f"{page_line(result(4, 3))}\n{page_line(result(1, 1), has_more=True, day=1)}\n{EMPTY_PAGE}\n"
    summary = run("summarize", "-", "--by", "none", stdin=lines.encode())
    assert summary == Ran(
        0,
        "images: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 3 pages, 2 results\n"
        "       images  requests\n"
        "total       5         4\n",
        "",
    )
    assert run("validate", "-", stdin=lines.encode()).stdout.splitlines()[-1] == (
        "listing: images: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 3 pages, 2 results: complete"
    )


ONE_PAGE_OF_MORE = f"{page_line(result(4, 3), has_more=True)}\n"


def test_validate_says_an_incomplete_listing_of_valid_documents_is_what_failed() -> None:
    ran = run("validate", "-", stdin=ONE_PAGE_OF_MORE.encode())
    assert ran == Ran(
        1,
        "<stdin>: ok: a page of 1 bucket, 1 result\n"
        "listing: images: 2024-11-01 to 2024-11-02 UTC, 1 bucket of 1 day, 1 page, 1 result: incomplete\n"
        "listing: error: the listing is incomplete: <stdin> says has_more: true: the pages after 2024-11-02T00:00:00Z were not read"
        " (next_page: null)\n"
        "listing: not accepted: the listing is incomplete (--partial accepts that)\n",
        "",
    )


def test_validate_partial_accepts_an_incomplete_listing() -> None:
    ran = run("validate", "-", "--partial", stdin=ONE_PAGE_OF_MORE.encode())
    assert (ran.status, ran.stdout.splitlines()[-1], ran.stderr) == (
        0,
        "listing: note: the listing is incomplete: <stdin> says has_more: true: the pages after"
        " 2024-11-02T00:00:00Z were not read (next_page: null)",
        "",
    )


def test_validate_partial_still_fails_an_invalid_document_or_a_bucket_read_twice() -> None:
    invalid = ONE_PAGE_OF_MORE + '{"object": "page"}\n'
    assert run("validate", "-", "--partial", stdin=invalid.encode()).status == 1
    twice = ONE_PAGE_OF_MORE * 2
    ran = run("validate", "-", "--partial", stdin=twice.encode())
    assert (ran.status, ran.stdout.splitlines()[3]) == (
        1,
        "listing: error: the bucket starting 2024-11-01T00:00:00Z is in <stdin>:1 (data.0) and again in <stdin>:2"
        " (data.0)",
    )


@pytest.mark.parametrize("command", ["summarize", "validate"])
def test_a_kind_asked_for_and_absent_is_an_error_naming_the_kinds_present(command: str) -> None:
    ran = run(command, "kinds.jsonl", "--kind", "vector_stores")
    message = "the input holds no vector_stores results: it holds completions, images, costs"
    if command == "summarize":
        assert ran == Ran(
            1, "", f"openapiopenai: error: {message}\nopenapiopenai: no totals printed: no vector_stores results\n"
        )
    else:
        lines = [f"listing: error: {message}", "listing: not accepted: no vector_stores results"]
        assert (ran.status, ran.stdout.splitlines()[-2:], ran.stderr) == (1, lines, "")


def test_a_kind_asked_for_with_only_empty_buckets_is_a_zero_listing_of_it() -> None:
    ran = run("summarize", "-", "--kind", "costs", "--by", "none", stdin=f"{page_line()}\n".encode())
    assert ran == Ran(
        0,
        "costs: 2024-11-01 to 2024-11-02 UTC, 1 bucket of 1 day, 1 page, 0 results\n       amount\ntotal    0.00\n",
        "",
    )


def test_a_directory_read_skips_the_state_of_an_unfinished_fetch_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "done.jsonl").write_text(f"{page_line(result(4, 3))}\n")
    (tmp_path / "late.jsonl").write_text(f"{page_line(result(1, 1), has_more=True, day=1)}\n")
    (tmp_path / f"late.jsonl{FETCH_STATE_SUFFIX}").write_text('{"version": 1, "query": {"kind": "images"}}\n')
    ran = run("summarize", str(tmp_path), "--by", "none")
    late = tmp_path / "late.jsonl"
    assert (ran.status, ran.stdout, ran.stderr.splitlines()) == (
        1,
        "",
        [
            f"openapiopenai: note: {late}: a fetch into it has not finished (late.jsonl.fetch.json is beside it,"
            " and is not read): the export is incomplete; fetch ... --resume completes it",
            f"openapiopenai: error: the listing is incomplete: {late} says has_more: true: the pages after"
            " 2024-11-03T00:00:00Z were not read (next_page: null)",
            "openapiopenai: no totals printed: the listing is incomplete (--partial accepts that)",
        ],
    )
    validated = run("validate", str(tmp_path))
    assert "fetch.json: " not in validated.stdout
    assert validated.stdout.splitlines()[-1] == (
        "listing: not accepted: the listing is incomplete (--partial accepts that)"
    )


def test_fetch_names_its_state_file_as_the_directory_read_skips_it() -> None:
    assert FETCH_STATE_SUFFIX == STATE_SUFFIX


@pytest.mark.parametrize(
    ("output_format", "expected"),
    [
        pytest.param("csv", "amount_usd\n1000000000000000.000000000000001\n", id="csv"),
        pytest.param("json", '[\n  {\n    "amount_usd": 1000000000000000.000000000000001\n  }\n]\n', id="json"),
    ],
)
def test_money_keeps_every_digit_past_28(output_format: str, expected: str) -> None:
    # 31 significant digits: more than a decimal context's default precision of 28.
    lines = "".join(
        f'{{"object": "organization.costs.result", "amount": {{"value": {value}, "currency": "usd"}}}}\n'
        for value in ("1000000000000000", "1e-15")
    )
    ran = run("summarize", "--format", output_format, stdin=lines.encode())
    assert (ran.status, ran.stdout) == (0, expected)


@pytest.mark.parametrize("hole", [1, 3600, 86_399, 86_400])
def test_a_hole_at_the_start_of_since_is_reported(hole: int) -> None:
    since = 1730419200 - hole  # the data starts 2024-11-01T00:00:00Z
    ran = run("summarize", "-", "--since", str(since), "--by", "none", stdin=f"{page_line(result(4, 3))}\n".encode())
    assert ran.status == 1
    assert ran.stderr.splitlines()[0].startswith(
        f"openapiopenai: error: the listing is incomplete: no buckets from {utc_text(since)} to 2024-11-01T00:00:00Z,"
        " before <stdin>"
    )


@pytest.mark.parametrize(
    ("every", "boundary"),
    [("day", 1730505600), ("week", 1730678400), ("month", 1733011200)],  # 2024-11-02, Monday 11-04, 12-01
)
@pytest.mark.parametrize("over", [1, 1800, 3599])
def test_a_bucket_crossing_into_the_next_period_by_under_an_hour_is_refused(
    every: str, boundary: int, over: int
) -> None:
    end = boundary + over
    bucket = (
        f'{{"object": "page", "data": [{{"object": "bucket", "start_time": {end - 7200}, "end_time": {end},'
        f' "results": [{result(1, 1)}]}}], "has_more": false, "next_page": null}}'
    )
    ran = run("summarize", "-", "--every", every, stdin=bucket.encode())
    assert ran.status == 1
    assert f"crosses into the next {every} at {utc_text(boundary)}" in ran.stderr
