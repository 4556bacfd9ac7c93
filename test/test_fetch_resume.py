"""Fetch and resume never take a bucket twice, and resume never builds on a damaged export."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from openapiopenai.cli.fetch import STATE_SUFFIX
from openapiopenai.fetch import FetchError, iter_query_pages

from fake_api import FakeApi, serve
from test_cli_fetch import QUERY, expected, fetch
from test_fetch import client, images_query


class RepeatingLastBucket(FakeApi):
    """A server whose every next page starts again with the last bucket of the page before it."""

    def page(self, kind: str, params: Mapping[str, list[str]]) -> dict[str, Any]:
        page = super().page(kind, params)
        if "page" in params and page["data"]:
            starts = [bucket["start_time"] for bucket in self.buckets(kind, params)]
            first = starts.index(page["data"][0]["start_time"])
            page["data"].insert(0, self.buckets(kind, params)[first - 1])
        return page


@pytest.fixture
def repeating() -> Iterator[tuple[RepeatingLastBucket, str]]:
    fake = RepeatingLastBucket(seed=3)
    for url in serve(fake):
        yield fake, url


def test_a_next_page_repeating_the_last_bucket_is_refused(repeating: tuple[RepeatingLastBucket, str]) -> None:
    _, base_url = repeating
    pages = iter_query_pages(client(base_url), images_query())
    first = next(pages)
    with pytest.raises(FetchError, match="page 2 of images: the bucket starting at") as raised:
        next(pages)
    ended = datetime.fromtimestamp(first.data[-1].end_time, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f"does not follow the one ending at {ended}" in str(raised.value)


def test_a_resumed_page_repeating_the_last_bucket_held_is_refused(
    repeating: tuple[RepeatingLastBucket, str], tmp_path: Path
) -> None:
    fake, base_url = repeating
    fake.faults = {2: "wrong-kind"}  # the first run stops after one page
    assert fetch(base_url, *QUERY, "-o", "out.jsonl", cwd=tmp_path).status == 1
    held = (tmp_path / "out.jsonl").read_bytes()
    resumed = fetch(base_url, *QUERY, "-o", "out.jsonl", "--resume", cwd=tmp_path)
    assert resumed.status == 1
    assert "does not follow the one ending at" in resumed.stderr
    assert (tmp_path / "out.jsonl").read_bytes() == held


def stopped_after(fake: FakeApi, base_url: str, tmp_path: Path, pages: int) -> list[bytes]:
    """Run a fetch that stops after `pages` pages; the whole export's lines (two pages)."""
    fake.faults = {pages + 1: "wrong-kind"}
    assert fetch(base_url, *QUERY, "-o", "out.jsonl", cwd=tmp_path).status == 1
    fake.faults = {}
    return expected(fake, *QUERY).splitlines(keepends=True)


def test_resume_refuses_to_go_on_over_a_bad_middle_line(fake: FakeApi, base_url: str, tmp_path: Path) -> None:
    lines = stopped_after(fake, base_url, tmp_path, 1)
    damaged = lines[0] + b'{"object": "page"}\n' + lines[1]
    (tmp_path / "out.jsonl").write_bytes(damaged)
    resumed = fetch(base_url, *QUERY, "-o", "out.jsonl", "--resume", cwd=tmp_path)
    assert (resumed.status, resumed.stderr) == (
        1,
        "openapiopenai fetch: out.jsonl:2 is not a page of images: not resuming over it\n",
    )
    assert (tmp_path / "out.jsonl").read_bytes() == damaged


def test_resume_fetches_again_a_whole_last_page_without_its_newline(
    fake: FakeApi, base_url: str, tmp_path: Path
) -> None:
    lines = stopped_after(fake, base_url, tmp_path, 1)
    (tmp_path / "out.jsonl").write_bytes(lines[0] + lines[1].removesuffix(b"\n"))  # cut before its newline
    resumed = fetch(base_url, *QUERY, "-o", "out.jsonl", "--resume", cwd=tmp_path)
    assert (resumed.status, resumed.stderr) == (0, "")
    assert (tmp_path / "out.jsonl").read_bytes() == b"".join(lines)


def test_resume_cuts_a_torn_tail_off_even_when_nothing_new_is_written(
    fake: FakeApi, base_url: str, tmp_path: Path
) -> None:
    lines = stopped_after(fake, base_url, tmp_path, 1)
    # Every page held, then a crash: a torn line after the last page, the state file still there.
    (tmp_path / "out.jsonl").write_bytes(b"".join(lines) + lines[0][:100])
    requests = len(fake.requests)
    resumed = fetch(base_url, *QUERY, "-o", "out.jsonl", "--resume", cwd=tmp_path)
    assert (resumed.status, resumed.stderr) == (
        0,
        "openapiopenai fetch: out.jsonl is up to date: it holds the whole listing\n",
    )
    assert len(fake.requests) == requests  # nothing was left to ask for
    assert (tmp_path / "out.jsonl").read_bytes() == b"".join(lines)
    assert not (tmp_path / f"out.jsonl{STATE_SUFFIX}").exists()
