"""`openapiopenai fetch` run as users run it, against the fake API: faults, crashes, a full disk, Ctrl-C."""

from __future__ import annotations

import fcntl
import itertools
import json
import os
import pty
import random
import re
import resource
import shlex
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hostile_api import Hostile, error_body, send, send_json
from hostile_api import serve as serve_hostile

from openapiopenai.fetch import ENDPOINTS, Query

from fake_api import DATA_START, FAKE_KEY, FAULTS, FakeApi, export_of, query_params, serve
from strategies import PROFILE
from test_cli import run_main

QUERY = ["images", "--start", "2024-11-01", "--end", "2024-11-10", "--bucket-width", "1h", "--group-by", "model,size"]
RETRIED = ["429", "429-retry-after", "500", "502", "503", "reset", "truncated", "slow", "invalid-json"]
STOPPED = ["wrong-kind", "first-page-again"]
TLS = Path(__file__).parent / "data" / "tls"
RESUME_HINT = "out.jsonl holds 1 page and is incomplete: run the same command with --resume to continue\n"


@dataclass(frozen=True)
class Ran:
    status: int
    stdout: bytes
    stderr: str


@pytest.fixture(autouse=True)
def no_key_in_any_file(tmp_path: Path) -> Iterator[None]:
    yield
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert FAKE_KEY.encode() not in path.read_bytes(), path


def environment(key: str | None = FAKE_KEY) -> dict[str, str]:
    env = {**os.environ, "COLUMNS": "80"}
    env.pop("PYTHONWARNINGS", None)
    env.pop("OPENAI_ADMIN_KEY", None)
    if key is not None:
        env["OPENAI_ADMIN_KEY"] = key
    return env


def command(base_url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "openapiopenai", "fetch", *args, "--base-url", base_url]


def checked(done: subprocess.CompletedProcess[bytes]) -> Ran:
    ran = Ran(done.returncode, done.stdout, done.stderr.decode())
    assert FAKE_KEY.encode() not in done.stdout
    assert FAKE_KEY not in ran.stderr
    return ran


def fetch(base_url: str, *args: str, cwd: Path, key: str | None = FAKE_KEY) -> Ran:
    """The fetch command run in this process (`run_main`: quicker than a new interpreter; the tests that
    need a process of its own, killed, interrupted or holding a lock, start one with `command`)."""
    env = {"COLUMNS": "80"} if key is None else {"COLUMNS": "80", "OPENAI_ADMIN_KEY": key}
    status, out, err = run_main(["fetch", *args, "--base-url", base_url], cwd=cwd, env=env, unset=("OPENAI_ADMIN_KEY",))
    return checked(subprocess.CompletedProcess([], status, out, err))


def fetch_process(base_url: str, *args: str, cwd: Path, key: str | None = FAKE_KEY, **options: Any) -> Ran:
    """As `fetch`, in a process of its own: `python -m openapiopenai fetch`, as users run it."""
    done = subprocess.run(
        command(base_url, *args),
        capture_output=True,
        cwd=cwd,
        env=environment(key),
        timeout=120,
        check=False,
        **options,
    )
    return checked(done)


def expected(fake: FakeApi, *args: str) -> bytes:
    """The fake's whole listing for a command line's query, as the export should hold it."""
    from openapiopenai.cli import parser

    parsed = parser().parse_args(["fetch", *args])
    from openapiopenai.cli.fetch import _query  # the same reading of options the command does

    query: Query = _query(parsed)
    return export_of(fake.pages(query.kind, query_params(urllib.parse.urlencode(query.parameters()))))


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["-o", "out.jsonl"], id="export"),
        pytest.param(["-o", "-"], id="stdout"),
        pytest.param(["-o", "out.jsonl", "--group-by", "colour"], id="usage-error"),
    ],
)
def test_the_fetch_runs_alike_in_a_process_of_its_own(base_url: str, tmp_path: Path, args: list[str]) -> None:
    """What the other tests run in this process (`fetch`) is what `python -m openapiopenai fetch` gives."""
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()
    assert fetch(base_url, *QUERY, *args, cwd=here) == fetch_process(base_url, *QUERY, *args, cwd=there)
    assert {path.name: path.read_bytes() for path in here.iterdir()} == {
        path.name: path.read_bytes() for path in there.iterdir()
    }


def test_the_export_is_the_whole_listing_one_compact_page_per_line(
    fake: FakeApi, base_url: str, tmp_path: Path
) -> None:
    ran = fetch(base_url, *QUERY, "-o", "out.jsonl", cwd=tmp_path)
    assert (ran.status, ran.stdout, ran.stderr) == (0, b"", "")
    assert (tmp_path / "out.jsonl").read_bytes() == expected(fake, *QUERY)
    assert len(expected(fake, *QUERY).splitlines()) == 2
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.jsonl"]  # no state left once complete
    assert [name for name, _ in fake.requests[0][1]] == [
        "start_time",
        "end_time",
        "bucket_width",
        "limit",
        "group_by[]",
        "group_by[]",
    ]


def test_standard_output_gets_the_export_by_default(fake: FakeApi, base_url: str, tmp_path: Path) -> None:
    ran = fetch(base_url, *QUERY, cwd=tmp_path)
    assert (ran.status, ran.stdout, ran.stderr) == (0, expected(fake, *QUERY), "")


@pytest.mark.parametrize("fault", RETRIED)
def test_a_retried_fault_still_gives_the_whole_listing(
    fake: FakeApi, base_url: str, tmp_path: Path, fault: str
) -> None:
    fake.faults = {2: fault}  # type: ignore[dict-item]
    # Faults are set by request number: only the "slow" one, which only the deadline ends, has a short one, so
    # that no other answer misses it under load (a retry would take the fault meant for the next request).
    timeout = "3" if fault == "slow" else "60"
    ran = fetch(base_url, *QUERY, "-o", "out.jsonl", "--timeout", timeout, cwd=tmp_path)
    assert (ran.status, ran.stderr) == (0, "")
    assert (tmp_path / "out.jsonl").read_bytes() == expected(fake, *QUERY)
    assert len(fake.requests) == 3


@pytest.mark.parametrize("fault", STOPPED)
def test_a_fault_that_stops_the_fetch_says_so_in_one_line_and_resume_completes_it(
    fake: FakeApi, base_url: str, tmp_path: Path, fault: str
) -> None:
    fake.faults = {2: fault}  # type: ignore[dict-item]
    ran = fetch(base_url, *QUERY, "-o", "out.jsonl", cwd=tmp_path)
    assert ran.status == 1
    assert ran.stderr.startswith("openapiopenai fetch: page 2 of images: ")
    assert ran.stderr.endswith("; " + RESUME_HINT)
    assert ran.stderr.count("\n") == 1
    assert (tmp_path / "out.jsonl").read_bytes() == expected(fake, *QUERY).splitlines(keepends=True)[0]
    resumed = fetch(base_url, *QUERY, "-o", "out.jsonl", "--resume", cwd=tmp_path)
    assert (resumed.status, resumed.stderr) == (0, "")
    assert (tmp_path / "out.jsonl").read_bytes() == expected(fake, *QUERY)


def test_retries_that_run_out_name_the_page_reached(tmp_path: Path) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    ran = fetch(f"http://127.0.0.1:{port}/v1", *QUERY, "--retries", "2", cwd=tmp_path)  # about 1 s of backoff
    assert (ran.status, ran.stdout) == (1, b"")
    assert ran.stderr == (
        "openapiopenai fetch: page 1 of images: gave up: connection failed: Connection refused (3 attempts);"
        " the output holds 0 pages and is incomplete\n"
    )


def test_a_rejected_cursor_is_replaced_by_a_request_for_the_rest_of_the_range(
    fake: FakeApi, base_url: str, tmp_path: Path
) -> None:
    fake.faults = {2: "reject-cursor"}
    ran = fetch(base_url, *QUERY, "-o", "out.jsonl", cwd=tmp_path)
    assert (ran.status, ran.stderr) == (0, "")
    assert (tmp_path / "out.jsonl").read_bytes() == expected(fake, *QUERY)
    first = json.loads((tmp_path / "out.jsonl").read_bytes().splitlines()[0])
    assert dict(fake.requests[2][1])["start_time"] == str(first["data"][-1]["end_time"])
    assert "page" not in dict(fake.requests[2][1])


def test_costs_whose_last_page_says_has_more_end_complete_without_asking_again(
    fake: FakeApi, base_url: str, tmp_path: Path
) -> None:
    costs = ["costs", "--start", "2024-11-01", "--end", "2025-05-01", "--group-by", "line_item"]
    fake.bogus_last_cursor = True  # the last page, of empty buckets, says has_more with a cursor then refused
    ran = fetch(base_url, *costs, "-o", "out.jsonl", cwd=tmp_path)
    assert (ran.status, ran.stderr, len(fake.requests)) == (0, "", 2)
    fake.bogus_last_cursor = False
    assert (tmp_path / "out.jsonl").read_bytes() == expected(fake, *costs)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.jsonl"]


def test_a_full_disk_leaves_whole_pages_and_resume_completes_them(fake: FakeApi, base_url: str, tmp_path: Path) -> None:
    whole = expected(fake, *QUERY)
    first = len(whole.splitlines(keepends=True)[0])

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (first + 100, first + 100))

    ran = fetch_process(base_url, *QUERY, "-o", "out.jsonl", cwd=tmp_path, preexec_fn=small_disk)
    assert ran.status == 1
    assert ran.stderr == f"openapiopenai fetch: cannot write out.jsonl: File too large; {RESUME_HINT}"
    assert (tmp_path / "out.jsonl").read_bytes() == whole[:first]
    resumed = fetch(base_url, *QUERY, "-o", "out.jsonl", "--resume", cwd=tmp_path)
    assert (resumed.status, resumed.stderr) == (0, "")
    assert (tmp_path / "out.jsonl").read_bytes() == whole


def test_a_torn_last_line_is_cut_off_on_resume(fake: FakeApi, base_url: str, tmp_path: Path) -> None:
    fake.faults = {2: "wrong-kind"}
    assert fetch(base_url, *QUERY, "-o", "out.jsonl", cwd=tmp_path).status == 1
    whole = expected(fake, *QUERY)
    torn = whole.splitlines(keepends=True)[1][:-500]
    with open(tmp_path / "out.jsonl", "ab") as stream:
        stream.write(torn)  # what a crash in the middle of writing page 2 could leave
    resumed = fetch(base_url, *QUERY, "-o", "out.jsonl", "--resume", cwd=tmp_path)
    assert (resumed.status, resumed.stderr) == (0, "")
    assert (tmp_path / "out.jsonl").read_bytes() == whole


KILL_QUERY = ["images", "--start", "2024-11-01", "--end", "2024-11-13", "--bucket-width", "1m", "--group-by", "model"]


@pytest.mark.parametrize("seed", range(5 if PROFILE == "deep" else 2))
def test_killed_at_random_moments_and_resumed_the_export_is_identical(seed: int, tmp_path: Path) -> None:
    fake = FakeApi(seed=3)
    rng = random.Random(seed)
    output = tmp_path / "out.jsonl"
    state = tmp_path / "out.jsonl.fetch.json"
    held_at_kills = []
    for base_url in serve(fake):
        whole = expected(fake, *KILL_QUERY, "--base-url", base_url)
        assert len(whole.splitlines()) == 12
        for kill in range(4):
            # One or two more answers, then the next request waits: the run cannot end before the kill lands.
            answered = len(fake.requests) + rng.randint(1, 2)
            fake.allow(answered)
            process = subprocess.Popen(
                command(base_url, *KILL_QUERY, "-o", "out.jsonl", *(["--resume"] if kill else [])),
                cwd=tmp_path,
                env=environment(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            # Kill while it waits for the next page, or a random moment after the last answer: while it
            # validates or writes that page (the last kill waits, so that some page is surely held).
            waits = kill == 3 or rng.random() < 0.5
            while len(fake.requests) < answered + (1 if waits else 0) and process.poll() is None:
                time.sleep(0.002)
            time.sleep(0 if waits else rng.uniform(0, 0.05))
            process.send_signal(signal.SIGKILL)
            stdout, stderr = process.communicate(timeout=120)
            checked(subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr))
            assert process.returncode == -signal.SIGKILL, stderr
            held_at_kills.append(output.read_bytes().count(b"\n") if output.exists() else 0)
        fake.allow(None)
        resumed = fetch(base_url, *KILL_QUERY, "-o", "out.jsonl", "--resume", cwd=tmp_path)
        assert (resumed.status, resumed.stderr) == (0, "")
        assert output.read_bytes() == whole
        assert not state.exists()
    assert held_at_kills[-1] > 0  # the kills landed while pages were being fetched and written


def test_ctrl_c_stops_cleanly_and_resume_completes(tmp_path: Path) -> None:
    fake = FakeApi(seed=3, answer_up_to=2)  # the third request waits: Ctrl-C comes while it waits
    for base_url in serve(fake):
        process = subprocess.Popen(
            command(base_url, *KILL_QUERY, "-o", "out.jsonl"),
            cwd=tmp_path,
            env=environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            # As a terminal starts it: run in the background, the tests inherit Ctrl-C ignored, and so would the fetch.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        while len(fake.requests) < 3 and process.poll() is None:
            time.sleep(0.01)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
        ran = checked(subprocess.CompletedProcess(process.args, 0, stdout, stderr))
        assert process.returncode == 130
        assert ran.stderr == (
            "openapiopenai fetch: interrupted; out.jsonl holds 2 pages and is incomplete:"
            " run the same command with --resume to continue\n"
        )
        assert (tmp_path / "out.jsonl").read_bytes().count(b"\n") == 2
        fake.allow(None)
        resumed = fetch(base_url, *KILL_QUERY, "-o", "out.jsonl", "--resume", cwd=tmp_path)
        assert (resumed.status, resumed.stderr) == (0, "")
        assert (tmp_path / "out.jsonl").read_bytes() == expected(fake, *KILL_QUERY, "--base-url", base_url)


def test_resume_refuses_a_different_query(fake: FakeApi, base_url: str, tmp_path: Path) -> None:
    fake.faults = {2: "wrong-kind"}
    fetch(base_url, *QUERY, "-o", "out.jsonl", cwd=tmp_path)
    before = (tmp_path / "out.jsonl").read_bytes()
    other = [*QUERY[:-1], "model", "-o", "out.jsonl", "--resume"]
    ran = fetch(base_url, *other, cwd=tmp_path)
    assert (ran.status, ran.stderr) == (
        2,
        "openapiopenai fetch: error: --resume: out.jsonl was started with another query:"
        ' group_by ["model", "size"] (now ["model"])\n',
    )
    assert (tmp_path / "out.jsonl").read_bytes() == before


def test_an_existing_export_is_never_overwritten(fake: FakeApi, base_url: str, tmp_path: Path) -> None:
    (tmp_path / "out.jsonl").write_bytes(b"precious\n")
    ran = fetch(base_url, *QUERY, "-o", "out.jsonl", cwd=tmp_path)
    assert (ran.status, ran.stderr) == (
        2,
        "openapiopenai fetch: error: out.jsonl exists: give --resume to continue that export, or another -o FILE\n",
    )
    assert (tmp_path / "out.jsonl").read_bytes() == b"precious\n"
    assert fake.requests == []


def test_resume_is_the_one_command_a_scheduler_repeats(fake: FakeApi, base_url: str, tmp_path: Path) -> None:
    week = ["images", "--start", "2024-11-01", "--end", "2024-11-08", "--group-by", "model"]
    fake.faults = {1: "wrong-kind"}
    failed = fetch(base_url, *week, "-o", "out.jsonl", "--resume", cwd=tmp_path)  # nothing there: it starts
    assert failed.status == 1
    started = fetch(base_url, *week, "-o", "out.jsonl", "--resume", cwd=tmp_path)  # the same command again
    assert (started.status, started.stderr) == (0, "")
    assert (tmp_path / "out.jsonl").read_bytes() == expected(fake, *week)
    requests = len(fake.requests)
    again = fetch(base_url, *week, "-o", "out.jsonl", "--resume", cwd=tmp_path)
    assert (again.status, again.stderr) == (
        0,
        "openapiopenai fetch: out.jsonl is up to date: it holds the whole listing\n",
    )
    assert len(fake.requests) == requests


def test_resume_extends_a_complete_export_to_a_later_end_with_only_the_new_buckets(
    fake: FakeApi, base_url: str, tmp_path: Path
) -> None:
    first = ["images", "--start", "2024-11-01", "--end", "2024-11-08", "--group-by", "model"]
    later = [*first[:4], "2024-11-20", *first[5:]]
    assert fetch(base_url, *first, "-o", "out.jsonl", cwd=tmp_path).status == 0
    held = (tmp_path / "out.jsonl").read_bytes()
    before = len(fake.requests)
    ran = fetch(base_url, *later, "-o", "out.jsonl", "--resume", cwd=tmp_path)
    assert (ran.status, ran.stderr) == (0, "")
    whole = (tmp_path / "out.jsonl").read_bytes()
    assert whole.startswith(held)
    assert [dict(parameters)["start_time"] for _, parameters in fake.requests[before:]] == ["1731024000"]
    buckets = [b for line in whole.splitlines() for b in json.loads(line)["data"]]
    wanted = [b for line in expected(fake, *later).splitlines() for b in json.loads(line)["data"]]
    assert buckets == wanted
    done = subprocess.run(
        [sys.executable, "-m", "openapiopenai", "summarize", "out.jsonl", "--by", "none"],
        capture_output=True,
        cwd=tmp_path,
        env=environment(),
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout.decode().startswith("images: 2024-11-01 to 2024-11-20 UTC, 19 buckets of 1 day, 2 pages,")


def test_resume_refuses_to_extend_an_export_of_another_start(fake: FakeApi, base_url: str, tmp_path: Path) -> None:
    assert fetch(base_url, *QUERY, "-o", "out.jsonl", cwd=tmp_path).status == 0
    before = (tmp_path / "out.jsonl").read_bytes()
    other = [QUERY[0], "--start", "2024-11-02", "--end", "2024-11-12", *QUERY[5:]]
    ran = fetch(base_url, *other, "-o", "out.jsonl", "--resume", cwd=tmp_path)
    assert (ran.status, ran.stderr) == (
        2,
        "openapiopenai fetch: error: --resume: out.jsonl: page 1 of images: the bucket 2024-11-01T00:00:00Z to"
        " 2024-11-01T01:00:00Z lies outside the range asked for (2024-11-02T00:00:00Z to 2024-11-12T00:00:00Z);"
        " the page held there is not part of this listing: give the same query to extend it\n",
    )
    assert (tmp_path / "out.jsonl").read_bytes() == before


@pytest.mark.parametrize(
    ("options", "difference"),
    [
        (
            ["--bucket-width", "1d", "--group-by", "model,size"],
            "out.jsonl: page 1 of images: the bucket 2024-11-01T01:00:00Z to 2024-11-01T02:00:00Z is 3600 s long,"
            " not the 1d asked for; the page held there is not part of this listing",
        ),
        (["--bucket-width", "1h", "--group-by", "model"], "out.jsonl is grouped by size too, not --group-by model"),
        (["--bucket-width", "1h"], "out.jsonl is grouped by model, size, and the command has no --group-by"),
    ],
    ids=["width", "fewer-fields", "no-grouping"],
)
def test_resume_refuses_to_extend_a_complete_export_of_another_width_or_grouping(
    fake: FakeApi, base_url: str, tmp_path: Path, options: list[str], difference: str
) -> None:
    assert fetch(base_url, *QUERY, "-o", "out.jsonl", cwd=tmp_path).status == 0
    before = (tmp_path / "out.jsonl").read_bytes()
    requests = len(fake.requests)
    for end in ("2024-11-10", "2024-11-12"):  # up to date, and extended
        ran = fetch(base_url, *QUERY[:4], end, *options, "-o", "out.jsonl", "--resume", cwd=tmp_path)
        assert (ran.status, ran.stderr) == (
            2,
            f"openapiopenai fetch: error: --resume: {difference}: give the same query to extend it\n",
        )
    assert (tmp_path / "out.jsonl").read_bytes() == before
    assert len(fake.requests) == requests
    assert not (tmp_path / "out.jsonl.fetch.json").exists()


def test_resume_extends_an_export_again_and_again_across_buckets_cut_by_each_end(
    fake: FakeApi, base_url: str, tmp_path: Path
) -> None:
    first = ["images", "--start", "2024-11-01", "--end"]
    for end in ("2024-11-08T12:00:00Z", "2024-11-10T06:00:00Z", "2024-11-10T18:00:00Z", "2024-11-15"):
        ran = fetch(base_url, *first, end, "--group-by", "model", "-o", "out.jsonl", "--resume", cwd=tmp_path)
        assert (ran.status, ran.stderr) == (0, ""), end
    buckets = [b for line in (tmp_path / "out.jsonl").read_bytes().splitlines() for b in json.loads(line)["data"]]
    assert (buckets[0]["start_time"], buckets[-1]["end_time"]) == (1730419200, 1731628800)  # Nov 1 to 15
    assert all(b["start_time"] == a["end_time"] for a, b in itertools.pairwise(buckets))
    assert sum(b["end_time"] - b["start_time"] < 86_400 for b in buckets) >= 3  # cut by the ends, inside the file


def test_resume_refuses_an_export_whose_later_pages_lie_past_the_end(
    fake: FakeApi, base_url: str, tmp_path: Path
) -> None:
    assert fetch(base_url, *QUERY, "-o", "out.jsonl", cwd=tmp_path).status == 0
    whole = (tmp_path / "out.jsonl").read_bytes()
    pages = [json.loads(line) for line in whole.splitlines()]
    assert len(pages) > 1
    first_end = pages[0]["data"][-1]["end_time"]  # the end asked for falls where the second page starts
    end = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(first_end))
    ran = fetch(base_url, *QUERY[:4], end, *QUERY[5:], "-o", "out.jsonl", "--resume", cwd=tmp_path)
    assert (ran.status, ran.stderr) == (
        2,
        f"openapiopenai fetch: error: --resume: out.jsonl: page 2 of images: the listing reaches the end asked for"
        f" ({end}) before this page; the page held there is not part of this listing: give the same query to"
        " extend it\n",
    )
    assert (tmp_path / "out.jsonl").read_bytes() == whole


def test_resume_refuses_an_export_past_the_end_or_of_unknown_query(
    fake: FakeApi, base_url: str, tmp_path: Path
) -> None:
    assert fetch(base_url, *QUERY, "-o", "out.jsonl", cwd=tmp_path).status == 0
    earlier = [*QUERY[:4], "2024-11-05", *QUERY[5:]]
    ran = fetch(base_url, *earlier, "-o", "out.jsonl", "--resume", cwd=tmp_path)
    assert (ran.status, ran.stderr) == (
        2,
        "openapiopenai fetch: error: --resume: out.jsonl: page 1 of images: the bucket 2024-11-05T00:00:00Z to"
        " 2024-11-05T01:00:00Z lies outside the range asked for (2024-11-01T00:00:00Z to 2024-11-05T00:00:00Z);"
        " the page held there is not part of this listing: give the same query to extend it\n",
    )
    whole = (tmp_path / "out.jsonl").read_bytes()
    (tmp_path / "part.jsonl").write_bytes(whole.splitlines(keepends=True)[0])  # incomplete, and no state beside it
    ran = fetch(base_url, *QUERY, "-o", "part.jsonl", "--resume", cwd=tmp_path)
    assert (ran.status, ran.stderr) == (
        1,
        "openapiopenai fetch: part.jsonl is incomplete and part.jsonl.fetch.json is missing, so its query is"
        " unknown: not continuing it; fetch into another -o FILE\n",
    )
    assert (tmp_path / "part.jsonl").read_bytes() == whole.splitlines(keepends=True)[0]


def test_one_writer_per_export_the_second_changes_nothing(fake: FakeApi, base_url: str, tmp_path: Path) -> None:
    fake.faults = {2: "wrong-kind"}
    assert fetch(base_url, *QUERY, "-o", "out.jsonl", cwd=tmp_path).status == 1
    held = (tmp_path / "out.jsonl").read_bytes()
    state = (tmp_path / "out.jsonl.fetch.json").read_bytes()
    requests = len(fake.requests)
    with open(tmp_path / "out.jsonl", "rb") as writer:
        fcntl.flock(writer, fcntl.LOCK_EX)  # as a fetch writing the export holds it, for its whole run
        second = fetch(base_url, *QUERY, "-o", "out.jsonl", "--resume", cwd=tmp_path)
    assert (second.status, second.stderr) == (
        1,
        "openapiopenai fetch: out.jsonl is being written by another fetch (it holds the lock): this one"
        " changed nothing\n",
    )
    assert (tmp_path / "out.jsonl").read_bytes() == held
    assert (tmp_path / "out.jsonl.fetch.json").read_bytes() == state
    assert len(fake.requests) == requests
    resumed = fetch(base_url, *QUERY, "-o", "out.jsonl", "--resume", cwd=tmp_path)  # once the lock is free
    assert (resumed.status, (tmp_path / "out.jsonl").read_bytes()) == (0, expected(fake, *QUERY))


@pytest.mark.parametrize("args", [QUERY, ["names"]], ids=["usage", "names"])
def test_a_running_fetch_holds_the_lock_on_its_export_until_it_ends(tmp_path: Path, args: list[str]) -> None:
    fake = FakeApi(seed=3, answer_up_to=0)  # the first request waits until the lock is checked
    for base_url in serve(fake):
        running = subprocess.Popen(
            command(base_url, *args, "-o", "out.jsonl"), cwd=tmp_path, env=environment(), stderr=subprocess.PIPE
        )
        while not fake.requests and running.poll() is None:
            time.sleep(0.01)
        with open(tmp_path / "out.jsonl", "rb") as other, pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # while it waits for its first page
        fake.allow(None)
        _, stderr = running.communicate(timeout=60)
        assert (running.returncode, stderr) == (0, b"")
        with open(tmp_path / "out.jsonl", "rb") as other:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free once it has ended


def test_the_state_file_is_written_through_an_unpredictable_new_file(tmp_path: Path) -> None:
    from openapiopenai.cli._output import replacing

    victim = tmp_path / "victim"
    victim.write_bytes(b"precious\n")
    state = tmp_path / "out.jsonl.fetch.json"
    (tmp_path / f"out.jsonl.fetch.json.{os.getpid()}.tmp").symlink_to(victim)  # the name written before
    with replacing(str(state), binary=True) as stream:
        stream.write(b"{}\n")
    assert (state.read_bytes(), victim.read_bytes()) == (b"{}\n", b"precious\n")
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "out.jsonl.fetch.json",
        f"out.jsonl.fetch.json.{os.getpid()}.tmp",
        "victim",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["images", "--start", "2024-11-01", "--batch", "true"], "images has no --batch filter"),
        (["costs", "--start", "2024-11-01", "--user-id", "user_1"], "costs has no --user-id filter"),
        (["costs", "--start", "2024-11-01", "--bucket-width", "1h"], "costs takes bucket width 1d, not '1h'"),
        (
            ["vector_stores", "--start", "2024-11-01", "--group-by", "model"],
            "vector_stores cannot be grouped by 'model': choose from project_id",
        ),
        (
            ["web_search_calls", "--start", "2024-11-01", "--context-level", "huge"],
            "context_levels cannot be 'huge': choose from low, medium, high",
        ),
        (["images", "--start", "2024-11-02", "--end", "2024-11-01"], "the end of the range must come after its start"),
        (
            ["images", "--start", "2999-01-01"],
            "the range starts in the future (2999-01-01T00:00:00Z): there is nothing to list yet",
        ),
        (
            ["images", "--start", "0001-01-01"],
            "the range starts before 1970 (-62135596800), before there was any usage to list",
        ),
        (["images", "--start=-1"], "the range starts before 1970 (-1), before there was any usage to list"),
        (
            ["images", "--start", "2024-11-01", "--resume"],
            "--resume needs -o FILE: standard output cannot be continued",
        ),
        (
            ["images", "--start", "2024-11-01", "-o", "/dev/null"],
            "/dev/null is not a regular file: give -o FILE, or -o - for standard output",
        ),
    ],
)
def test_a_query_the_spec_does_not_allow_is_a_usage_error(
    base_url: str, tmp_path: Path, args: list[str], message: str
) -> None:
    ran = fetch(base_url, *args, cwd=tmp_path)
    assert (ran.status, ran.stdout, ran.stderr) == (2, b"", f"openapiopenai fetch: error: {message}\n")


def test_the_key_is_never_an_argument(base_url: str, tmp_path: Path) -> None:
    for option in ("--admin-key", "--api-key"):
        ran = fetch(base_url, *QUERY, option, FAKE_KEY, cwd=tmp_path)
        assert (ran.status, ran.stdout) == (2, b"")  # and `fetch` checked that the key is not in stderr
        assert ran.stderr == (
            "openapiopenai fetch: error: the admin key is never taken from the command line, where other users"
            " can see it: set OPENAI_ADMIN_KEY, or give --admin-key-file FILE\n"
        )


def test_without_a_key_it_says_where_to_put_one(base_url: str, tmp_path: Path) -> None:
    ran = fetch(base_url, *QUERY, cwd=tmp_path, key=None)
    assert (ran.status, ran.stderr) == (
        2,
        "openapiopenai fetch: error: no admin key: set OPENAI_ADMIN_KEY, or give --admin-key-file FILE\n",
    )


def test_the_key_can_come_from_a_file(
    fake: FakeApi, base_url: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    key_file = tmp_path_factory.mktemp("secret") / "admin-key"
    key_file.write_text(FAKE_KEY + "\n")
    ran = fetch(base_url, *QUERY, "--admin-key-file", str(key_file), cwd=tmp_path, key=None)
    assert (ran.status, ran.stdout) == (0, expected(fake, *QUERY))


@pytest.mark.parametrize("args", [QUERY, ["names"]], ids=["usage", "names"])
def test_a_key_file_that_cannot_be_read_is_a_usage_error(
    fake: FakeApi, base_url: str, tmp_path: Path, args: list[str]
) -> None:
    missing = tmp_path / "no-such-key"
    ran = fetch(base_url, *args, "--admin-key-file", str(missing), cwd=tmp_path, key=None)
    name = "fetch names" if args == ["names"] else "fetch"
    assert (ran.status, ran.stdout, ran.stderr) == (
        2,
        b"",
        f"openapiopenai {name}: error: cannot read the admin key file {missing}: No such file or directory\n",
    )
    assert fake.requests == []


def test_a_server_whose_certificate_does_not_verify_is_refused_in_one_line(fake: FakeApi, tmp_path: Path) -> None:
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(TLS / "cert.pem", TLS / "key.pem")
    for base_url in serve(fake, tls):
        ran = fetch(base_url, *QUERY, "-o", "out.jsonl", cwd=tmp_path)
    assert (ran.status, ran.stdout, ran.stderr) == (
        1,
        b"",
        "openapiopenai fetch: page 1 of images: gave up: TLS error: the server's certificate does not verify"
        f" (self-signed certificate); {RESUME_HINT}".replace("1 page", "0 pages"),
    )
    assert fake.requests == []  # not retried, and the request, with its key, was never sent


def test_a_wrong_key_gets_the_admin_key_hint_without_the_key(fake: FakeApi, base_url: str, tmp_path: Path) -> None:
    fake.faults = {1: "echo-key"}
    ran = fetch(base_url, *QUERY, "-o", "out.jsonl", cwd=tmp_path)
    assert ran.status == 1
    assert ran.stderr == (
        "openapiopenai fetch: page 1 of images: HTTP 401 (Incorrect API key provided: [admin key].): this needs an"
        " organization admin key (sk-admin-...), not a project key, with the api.usage.read scope for usage and"
        " costs;"
        " out.jsonl holds 0 pages and is incomplete: run the same command with --resume to continue\n"
    )


def test_plain_http_is_refused_beyond_loopback(tmp_path: Path) -> None:
    ran = fetch("http://usage.example/v1", *QUERY, cwd=tmp_path)
    assert (ran.status, ran.stderr) == (
        2,
        "openapiopenai fetch: error: refusing to send the admin key over plain http to usage.example: use https"
        " (plain http is allowed only to a loopback address such as 127.0.0.1)\n",
    )


def test_a_range_reaching_the_last_hour_gets_a_note(base_url: str, tmp_path: Path) -> None:
    ran = fetch(base_url, "costs", "--start", str(DATA_START), cwd=tmp_path)
    assert ran.status == 0
    assert ran.stderr == (
        "openapiopenai fetch: note: the range reaches into the last hour, whose buckets the API may still change:"
        " fetch that part again later for final figures\n"
    )


def test_progress_goes_to_a_terminal(fake: FakeApi, base_url: str, tmp_path: Path) -> None:
    fake.faults = {2: "500"}
    controller, terminal = pty.openpty()
    try:
        done = subprocess.run(
            command(base_url, *QUERY, "-o", "out.jsonl"),
            cwd=tmp_path,
            env=environment(),
            stderr=terminal,
            stdout=subprocess.DEVNULL,
            timeout=60,
            check=False,
        )
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(controller)
    assert done.returncode == 0
    text = shown.decode()
    assert (
        "\rimages: 1 page, 168 buckets, 1 retried; HTTP 500 (The server had an error while processing your request.), retrying in"
        in text
    )
    assert text.endswith("\rimages: 2 pages, 216 buckets, 1 retried\x1b[K\r\n")
    assert FAKE_KEY not in text


def test_the_export_summarizes_as_one_complete_listing(fake: FakeApi, base_url: str, tmp_path: Path) -> None:
    fetched = fetch(base_url, *QUERY, cwd=tmp_path)  # to standard output, as for `fetch ... | summarize`
    assert fetched.status == 0
    done = subprocess.run(
        [sys.executable, "-m", "openapiopenai", "summarize", "--by", "model"],
        input=fetched.stdout,
        capture_output=True,
        cwd=tmp_path,
        env=environment(),
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, b"")
    pages = [json.loads(line) for line in fetched.stdout.splitlines()]
    images = sum(r["images"] for page in pages for bucket in page["data"] for r in bucket["results"])
    lines = done.stdout.decode().splitlines()
    assert lines[0] == "images: 2024-11-01 to 2024-11-10 UTC, 216 buckets of 1 hour, 2 pages, 77 results"
    assert lines[-1].split()[:2] == ["total", f"{images:,}"]


def test_fetch_costs_into_summarize_totals_the_money_exactly(fake: FakeApi, base_url: str, tmp_path: Path) -> None:
    costs = ["costs", "--start", "2024-11-01", "--end", "2024-11-15", "--group-by", "project_id"]
    fetched = fetch(base_url, *costs, "-o", "-", cwd=tmp_path)
    summarized = subprocess.run(
        [sys.executable, "-m", "openapiopenai", "summarize"],
        input=fetched.stdout,
        capture_output=True,
        env=environment(),
        check=False,
    )
    assert (fetched.status, summarized.returncode, summarized.stderr) == (0, 0, b"")
    results = [r for page in map(json.loads, fetched.stdout.splitlines()) for b in page["data"] for r in b["results"]]
    spent = sum(Decimal(str(result["amount"]["value"])) for result in results)
    lines = summarized.stdout.decode().splitlines()
    assert lines[0] == f"costs: 2024-11-01 to 2024-11-15 UTC, 14 buckets of 1 day, 1 page, {len(results)} results"
    assert lines[-1].split() == ["total", f"{spent:,.2f}"]


@pytest.mark.parametrize("kind", list(ENDPOINTS))
def test_every_kind_fetched_summarizes_as_a_complete_listing(base_url: str, tmp_path: Path, kind: str) -> None:
    fetched = fetch(base_url, kind, "--start", "2024-11-01", "--end", "2024-12-01", cwd=tmp_path)
    summarized = subprocess.run(
        [sys.executable, "-m", "openapiopenai", "summarize", "--by", "none"],
        input=fetched.stdout,
        capture_output=True,
        env=environment(),
        check=False,
    )
    assert (fetched.status, summarized.returncode, summarized.stderr) == (0, 0, b"")
    assert summarized.stdout.decode().startswith(f"{kind}: 2024-11-01 to 2024-12-01 UTC, 30 buckets of 1 day, 1 page,")


def test_every_fault_of_the_fake_is_covered() -> None:
    assert set(FAULTS) == {*RETRIED, *STOPPED, "echo-key", "reject-cursor"}


def test_the_readme_fetch_example_prints_what_it_shows(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"^```console\n(.*?)^```$", readme, re.MULTILINE | re.DOTALL) if " fetch " in b]
    lines = block.splitlines(keepends=True)
    commands = [line[2:].strip() for line in lines if line.startswith("$ ")]
    shown = "".join(line for line in lines if not line.startswith("$ "))
    serve_fake, export_key, fetch_command, summarize_command = commands
    assert serve_fake == ".venv/bin/python test/fake_api.py --port 8765 &"
    assert export_key == f"export OPENAI_ADMIN_KEY={FAKE_KEY}"
    for base_url in serve(FakeApi()):  # the seed the script serves
        outputs = []
        for line in (fetch_command.replace("http://127.0.0.1:8765/v1", base_url), summarize_command):
            program, *args = shlex.split(line)
            assert program == ".venv/bin/openapiopenai"
            done = subprocess.run(
                [sys.executable, "-m", "openapiopenai", *args], capture_output=True, cwd=tmp_path, env=environment()
            )
            outputs.append(checked(done))
    assert [(ran.status, ran.stderr) for ran in outputs] == [(0, ""), (0, "")]
    assert outputs[1].stdout.decode() == shown


@pytest.mark.parametrize(
    "args",
    [
        [*QUERY, "--adminkey", FAKE_KEY],
        [*QUERY, "--key", FAKE_KEY],
        [FAKE_KEY, "--start", "2024-11-01"],
        [*QUERY, "--key", FAKE_KEY[:20]],
        [*QUERY, "--admin-key-file", FAKE_KEY],
        [*QUERY, "--project-id", FAKE_KEY[:17] + "x"],
        [*QUERY, "-o", FAKE_KEY[9:17] + ".jsonl"],
    ],
    ids=["mistyped option", "unknown option", "as KIND", "a part of it", "as the key file", "as a filter", "in -o"],
)
def test_a_key_typed_on_the_command_line_is_refused_and_never_echoed(
    fake: FakeApi, base_url: str, tmp_path: Path, args: list[str]
) -> None:
    ran = fetch(base_url, *args, cwd=tmp_path)
    assert (ran.status, ran.stdout, fake.requests) == (2, b"", [])
    assert ran.stderr.splitlines()[-1].startswith(("openapiopenai: error: ", "openapiopenai fetch: error: "))
    for size in range(8, len(FAKE_KEY) - 8):
        assert FAKE_KEY[9 : 9 + size] not in ran.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "content",
    [
        f"\ufeff{FAKE_KEY}\n",
        f"OPENAI_ADMIN_KEY={FAKE_KEY}\n",
        f"export OPENAI_ADMIN_KEY='{FAKE_KEY}'\n",
        f"# the usage report's key\n{FAKE_KEY}\n",
    ],
    ids=["byte order mark", "NAME=value", "export NAME='value'", "a comment"],
)
def test_a_key_file_in_a_common_form_gives_the_key(
    fake: FakeApi, base_url: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, content: str
) -> None:
    key_file = tmp_path_factory.mktemp("secret") / "admin-key"
    key_file.write_text(content, encoding="utf-8")
    key_file.chmod(0o600)
    ran = fetch(base_url, *QUERY, "--admin-key-file", str(key_file), cwd=tmp_path, key=None)
    assert (ran.status, ran.stderr, ran.stdout) == (0, "", expected(fake, *QUERY))


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            f"OPENAI_API_KEY={FAKE_KEY}\n",
            "sets OPENAI_API_KEY: give a file with the key alone, or OPENAI_ADMIN_KEY=KEY",
        ),
        (f"{FAKE_KEY}\n{FAKE_KEY}\n", "has 2 lines: give a file with the key alone"),
        ("\n\n", "is empty"),
    ],
)
def test_a_key_file_that_is_not_one_key_is_refused_without_quoting_it(
    base_url: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, content: str, problem: str
) -> None:
    key_file = tmp_path_factory.mktemp("secret") / "admin-key"
    key_file.write_text(content, encoding="utf-8")
    key_file.chmod(0o600)
    ran = fetch(base_url, *QUERY, "--admin-key-file", str(key_file), cwd=tmp_path, key=None)
    assert (ran.status, ran.stderr) == (2, f"openapiopenai fetch: error: the admin key file {key_file} {problem}\n")


def test_a_key_file_others_can_read_gets_a_warning(
    fake: FakeApi, base_url: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    key_file = tmp_path_factory.mktemp("secret") / "admin-key"
    key_file.write_text(FAKE_KEY + "\n")
    key_file.chmod(0o644)
    ran = fetch(base_url, *QUERY, "--admin-key-file", str(key_file), cwd=tmp_path, key=None)
    assert (ran.status, ran.stdout) == (0, expected(fake, *QUERY))
    assert ran.stderr == (
        f"openapiopenai fetch: warning: other users can read the admin key file {key_file} (mode 644):"
        f" chmod 600 {key_file}\n"
    )


def test_a_long_wait_is_said_on_stderr_when_it_is_not_a_terminal(
    fake: FakeApi, base_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from openapiopenai.cli import main

    waits: list[float] = []
    monkeypatch.setattr(time, "sleep", waits.append)  # the command's clock: nothing waits for real
    monkeypatch.setenv("OPENAI_ADMIN_KEY", FAKE_KEY)
    fake.faults = {2: "429-retry-after", 3: "500"}
    monkeypatch.setattr("fake_api._Handler.send_header", _retry_after_of(30))
    status = main(["fetch", *QUERY, "-o", str(tmp_path / "out.jsonl"), "--base-url", base_url])
    shown = capsys.readouterr()
    assert status == 0
    assert waits[0] == 30
    assert len(waits) == 2
    assert waits[1] < 5  # a short wait is not said
    assert shown.err == (
        "openapiopenai fetch: page 2 of images: HTTP 429 (Rate limit reached); waiting 30 s before trying again\n"
    )


def _retry_after_of(seconds: int) -> Any:
    from http.server import BaseHTTPRequestHandler

    def send_header(self: BaseHTTPRequestHandler, name: str, value: str) -> None:
        BaseHTTPRequestHandler.send_header(self, name, str(seconds) if name == "Retry-After" else value)

    return send_header


def test_a_listing_of_many_requests_is_announced(tmp_path: Path) -> None:
    hostile = Hostile(lambda request, out: send_json(out, 400, error_body("no")))
    for base_url in serve_hostile(hostile):
        decade = ["images", "--start", "2015-01-01", "--end", "2025-01-01", "--bucket-width", "1m"]
        ran = fetch(base_url, *decade, cwd=tmp_path)
    assert ran.status == 1
    assert ran.stderr.splitlines()[0] == (
        "openapiopenai fetch: note: this listing takes at least 3,653 requests (1,440 buckets of 1m a page);"
        " a wider --bucket-width takes fewer"
    )
    assert len(hostile.requests) == 1


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (json.dumps(error_body("\x1b]0;owned\x07\x1b[2Jgone")).encode(), "HTTP 400 (\\x1b]0;owned\\x07\\x1b[2Jgone)"),
        (b'{"error": ' * 100_000, "HTTP 400"),
        (json.dumps(error_body(f"bad key {FAKE_KEY[:17]}")).encode(), "HTTP 400 (bad key [admin key])"),
    ],
    ids=["escape sequences", "deeply nested", "part of the key"],
)
def test_server_text_is_printed_safely_in_one_line(tmp_path: Path, body: bytes, said: str) -> None:
    hostile = Hostile(lambda request, out: send(out, 400, body))
    for base_url in serve_hostile(hostile):
        ran = fetch(base_url, *QUERY, "-o", "out.jsonl", cwd=tmp_path)
    assert (ran.status, ran.stderr) == (
        1,
        f"openapiopenai fetch: page 1 of images: {said}; {RESUME_HINT[:-1]}\n".replace("1 page", "0 pages"),
    )
    assert FAKE_KEY[9:17] not in ran.stderr


def test_an_answer_beyond_max_response_size_is_refused(fake: FakeApi, base_url: str, tmp_path: Path) -> None:
    ran = fetch(base_url, *QUERY, "--max-response-size", "10K", cwd=tmp_path)
    assert (ran.status, ran.stdout) == (1, b"")
    assert ran.stderr == (
        "openapiopenai fetch: page 1 of images: the answer is larger"
        " than 10,240 bytes, the most read as one answer; nothing of it was kept; the output holds 0 pages and is"
        " incomplete\n"
    )
    assert len(fake.requests) == 1
