"""`openapiopenai fetch names` and `summarize --names`, against the fake API and its organization."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import re
import shlex
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openapiopenai.cli import main
from openapiopenai.fetch import ADMIN_KEY_VARIABLE
from openapiopenai.names import read_names

from fake_api import DATA_START, FAKE_KEY, FakeApi, serve
from fake_names import NAMES
from test_cli_fetch import _retry_after_of  # pyright: ignore[reportPrivateUsage]

PROG = "openapiopenai fetch names"


@pytest.fixture
def fake() -> FakeApi:
    return FakeApi(seed=5, events_per_kind=60)


@pytest.fixture
def base_url(fake: FakeApi, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv(ADMIN_KEY_VARIABLE, FAKE_KEY)
    yield from serve(fake)


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(tmp_path)
    yield
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert FAKE_KEY.encode() not in path.read_bytes(), path


def fetch_names(base_url: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["fetch", "names", *args, "--base-url", base_url])
    out, err = capsys.readouterr()
    assert FAKE_KEY not in out + err
    return status, out, err


def whole(fake: FakeApi, base_url: str, capsys: pytest.CaptureFixture[str]) -> bytes:
    """What an uninterrupted names fetch writes."""
    status, out, err = fetch_names(base_url, capsys)
    assert (status, err) == (0, "")
    fake.requests.clear()
    return out.encode()


def test_the_names_file_holds_every_page_and_names_every_id(
    fake: FakeApi, base_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert fetch_names(base_url, capsys, "-o", "names.jsonl") == (0, "", "")
    assert read_names("names.jsonl") == NAMES
    written = (tmp_path / "names.jsonl").read_bytes()
    assert len(written.splitlines()) == len(fake.requests) == 12
    assert sorted(path.name for path in tmp_path.iterdir()) == ["names.jsonl"]  # no state left once complete
    assert json.loads(written.splitlines()[0])["data"][0]["object"] == "organization.project"


def test_standard_output_gets_the_names_by_default(
    fake: FakeApi, base_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert fetch_names(base_url, capsys, "-o", "names.jsonl")[0] == 0
    fake.requests.clear()
    assert fetch_names(base_url, capsys) == (0, (tmp_path / "names.jsonl").read_text(), "")


@pytest.mark.parametrize("stop_at", [1, 4, 9, 12])
def test_a_stopped_fetch_says_how_far_it_got_and_resume_completes_it(
    fake: FakeApi, base_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, stop_at: int
) -> None:
    expected = whole(fake, base_url, capsys)
    fake.faults = {stop_at: "wrong-kind"}
    status, out, err = fetch_names(base_url, capsys, "-o", "names.jsonl")
    held = stop_at - 1
    assert (status, out) == (1, "")
    assert err.startswith(f"{PROG}: page ")
    assert err.endswith(
        f"; names.jsonl holds {held} page{'' if held == 1 else 's'} and is incomplete:"
        " run the same command with --resume to continue\n"
    )
    assert err.count("\n") == 1
    assert (tmp_path / "names.jsonl").read_bytes() == b"".join(expected.splitlines(keepends=True)[:held])
    fake.faults, fake.requests = {}, []
    assert fetch_names(base_url, capsys, "-o", "names.jsonl", "--resume") == (0, "", "")
    assert (tmp_path / "names.jsonl").read_bytes() == expected
    assert len(fake.requests) == 12 - held  # the pages held are not asked for again
    assert not (tmp_path / "names.jsonl.fetch.json").exists()


def test_a_torn_last_line_is_cut_off_on_resume(
    fake: FakeApi, base_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    expected = whole(fake, base_url, capsys)
    fake.faults = {4: "wrong-kind"}
    assert fetch_names(base_url, capsys, "-o", "names.jsonl")[0] == 1
    fake.faults = {}
    with open(tmp_path / "names.jsonl", "ab") as stream:
        stream.write(expected.splitlines(keepends=True)[3][:40])  # a crash part-way through a page
    assert fetch_names(base_url, capsys, "-o", "names.jsonl", "--resume") == (0, "", "")
    assert (tmp_path / "names.jsonl").read_bytes() == expected


def test_resume_refuses_a_file_whose_pages_are_not_the_listings_in_order(
    fake: FakeApi, base_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    expected = whole(fake, base_url, capsys).splitlines(keepends=True)
    fake.faults = {6: "wrong-kind"}
    assert fetch_names(base_url, capsys, "-o", "names.jsonl")[0] == 1
    (tmp_path / "names.jsonl").write_bytes(b"".join([*expected[:3], expected[5]]))
    assert fetch_names(base_url, capsys, "-o", "names.jsonl", "--resume") == (
        1,
        "",
        f"{PROG}: names.jsonl: held page 4: it is not page 1 of users, the page expected there: not resuming over it\n",
    )


def test_resume_checks_the_pages_of_a_complete_file_too(
    fake: FakeApi, base_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    expected = whole(fake, base_url, capsys).splitlines(keepends=True)
    (tmp_path / "names.jsonl").write_bytes(b"".join([*expected[:3], expected[5], *expected[3:5], *expected[6:]]))
    assert fetch_names(base_url, capsys, "-o", "names.jsonl", "--resume") == (
        1,
        "",
        f"{PROG}: names.jsonl: held page 4: it is not page 1 of users, the page expected there: not resuming over it\n",
    )
    assert fake.requests == []


def test_an_answer_larger_than_max_response_size_is_refused(base_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert fetch_names(base_url, capsys, "--max-response-size", "100") == (
        1,
        "",
        f"{PROG}: page 1 of projects: the answer is larger than 100 bytes, the most read as one answer; nothing of"
        " it was kept; the output holds 0 pages and is incomplete\n",
    )


def test_resume_is_the_one_command_a_scheduler_repeats(
    base_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--resume starts when there is nothing, and says a complete file is complete, changing nothing."""
    assert fetch_names(base_url, capsys, "-o", "names.jsonl", "--resume")[0] == 0
    whole = (tmp_path / "names.jsonl").read_bytes()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["names.jsonl"]
    assert fetch_names(base_url, capsys, "-o", "names.jsonl", "--resume") == (
        0,
        "",
        f"{PROG}: names.jsonl already holds every name (it is complete): remove it to fetch them again\n",
    )
    assert (tmp_path / "names.jsonl").read_bytes() == whole


def test_an_existing_file_is_never_overwritten(
    base_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "names.jsonl").write_text("keep me\n")
    assert fetch_names(base_url, capsys, "-o", "names.jsonl") == (
        2,
        "",
        f"{PROG}: error: names.jsonl exists: give --resume to continue that names fetch, or another -o FILE\n",
    )
    assert (tmp_path / "names.jsonl").read_text() == "keep me\n"


def test_one_writer_per_names_file_the_second_changes_nothing(
    fake: FakeApi, base_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    expected = whole(fake, base_url, capsys)
    fake.faults = {4: "wrong-kind"}
    assert fetch_names(base_url, capsys, "-o", "names.jsonl")[0] == 1
    held = (tmp_path / "names.jsonl").read_bytes()
    state = (tmp_path / "names.jsonl.fetch.json").read_bytes()
    fake.faults, fake.requests = {}, []
    with open(tmp_path / "names.jsonl", "rb") as writer:
        fcntl.flock(writer, fcntl.LOCK_EX)  # as a names fetch writing the file holds it, for its whole run
        second = fetch_names(base_url, capsys, "-o", "names.jsonl", "--resume")
    assert second == (
        1,
        "",
        f"{PROG}: names.jsonl is being written by another fetch (it holds the lock): this one changed nothing\n",
    )
    assert (tmp_path / "names.jsonl").read_bytes() == held
    assert (tmp_path / "names.jsonl.fetch.json").read_bytes() == state
    assert fake.requests == []
    assert fetch_names(base_url, capsys, "-o", "names.jsonl", "--resume") == (0, "", "")  # once the lock is free
    assert (tmp_path / "names.jsonl").read_bytes() == expected


def test_a_long_wait_is_said_on_stderr_when_it_is_not_a_terminal(
    fake: FakeApi, base_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = whole(fake, base_url, capsys)
    waits: list[float] = []
    monkeypatch.setattr(time, "sleep", waits.append)  # the command's clock: nothing waits for real
    fake.faults = {2: "429-retry-after", 3: "500"}
    monkeypatch.setattr("fake_api._Handler.send_header", _retry_after_of(30))
    assert fetch_names(base_url, capsys) == (
        0,
        expected.decode(),
        f"{PROG}: page 2 of names: HTTP 429 (Rate limit reached); waiting 30 s before trying again\n",
    )
    assert waits[0] == 30
    assert len(waits) == 2
    assert waits[1] < 5  # a short wait is not said


def test_the_key_is_never_an_argument(base_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = fetch_names(base_url, capsys, "--admin-key", FAKE_KEY)
    assert (status, out) == (2, "")
    assert err.startswith(f"{PROG}: error: the admin key is never taken from the command line")


def test_a_wrong_key_is_refused_without_repeating_it(
    fake: FakeApi, base_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.faults = {1: "echo-key"}
    status, _, err = fetch_names(base_url, capsys)
    assert status == 1
    assert err == (
        f"{PROG}: page 1 of projects: HTTP 401 (Incorrect API key provided: [admin key].): this needs an organization"
        " admin key (sk-admin-...), not a project key, with the api.usage.read scope for usage and costs; the output holds 0 pages and is incomplete\n"
    )


def test_the_usage_fetch_points_to_fetch_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fetch", "--help"]) == 0
    assert "fetch names --help" in " ".join(capsys.readouterr().out.split())
    assert main(["fetch", "names", "--help"]) == 0
    assert capsys.readouterr().out.startswith("usage: openapiopenai fetch names [-h] [-o FILE] [--resume]")


# summarize --names: a name beside each id, in every format

BY = "project_id,user_id,api_key_id"


@pytest.fixture
def exported(base_url: str, capsys: pytest.CaptureFixture[str]) -> Path:
    """Names and a completions export grouped by every id, fetched from the fake."""
    assert fetch_names(base_url, capsys, "-o", "names.jsonl")[0] == 0
    query = ["--start", str(DATA_START), "--end", str(DATA_START + 14 * 86400), "--group-by", f"{BY},model"]
    assert main(["fetch", "completions", *query, "-o", "usage.jsonl", "--base-url", base_url]) == 0
    capsys.readouterr()
    return Path("usage.jsonl")


def summarize(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["summarize", *args])
    return status, *capsys.readouterr()


def test_csv_keeps_each_id_and_adds_its_name_beside_it(exported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = list(csv.DictReader(io.StringIO(summarize(capsys, str(exported), "--by", BY, "--format", "csv")[1])))
    status, out, _ = summarize(capsys, str(exported), "--by", BY, "--format", "csv", "--names", "names.jsonl")
    named = list(csv.DictReader(io.StringIO(out)))
    assert status == 0
    assert out.splitlines()[0].startswith("project_id,project_name,user_id,user_name,api_key_id,api_key_name,")
    assert len(named) == len(plain) > 3
    for with_names, without in zip(named, plain, strict=True):
        assert {key: with_names[key] for key in without} == without
        for field in ("project", "user", "api_key"):
            assert with_names[f"{field}_name"] == NAMES[without[f"{field}_id"]]


def test_json_keeps_each_id_and_adds_its_name_beside_it(exported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain: list[dict[str, Any]] = json.loads(summarize(capsys, str(exported), "--by", BY, "--format", "json")[1])
    status, out, _ = summarize(capsys, str(exported), "--by", BY, "--format", "json", "--names", "names.jsonl")
    named: list[dict[str, Any]] = json.loads(out)
    assert status == 0
    assert list(named[0])[:6] == ["project_id", "project_name", "user_id", "user_name", "api_key_id", "api_key_name"]
    for with_names, without in zip(named, plain, strict=True):
        assert {key: with_names[key] for key in without} == without
        assert with_names["user_name"] == NAMES[without["user_id"]]


def test_the_table_shows_a_name_beside_each_id(exported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = summarize(capsys, str(exported), "--by", "project_id", "--names", "names.jsonl")
    assert status == 0
    header, *rows = out.splitlines()[1:]
    assert header.split()[:3] == ["project_id", "project_name", "input"]
    named = {row.split()[0]: row.split()[1] for row in rows[:-1]}
    assert named == {"proj_q4TzL8wX": "Storefront", "proj_7KcHm3Ye": "Catalogue", "proj_Zr0aP2mN": "Old"}
    assert "Old pilot" in out


def test_ids_without_a_name_stay_ids_with_a_blank_name(exported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = summarize(capsys, str(exported), "--by", "api_key_id", "--format", "json", "--names", "sample")
    assert status == 0
    rows = json.loads(out)
    assert {row["api_key_id"] for row in rows} == {"key_A", "key_B"}
    assert {row["api_key_name"] for row in rows} == {None}
    status, out, _ = summarize(capsys, str(exported), "--by", "api_key_id", "--format", "csv", "--names", "sample")
    assert sorted(line.split(",")[:2] for line in out.splitlines()[1:]) == [["key_A", ""], ["key_B", ""]]


def test_names_follow_the_ids_on_a_time_axis(exported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = summarize(
        capsys, str(exported), "--by", "user_id", "--every", "week", "--format", "csv", "--names", "names.jsonl"
    )
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[:3] == ["week_start", "user_id", "user_name"]
    assert all(row["user_name"] == NAMES[row["user_id"]] for row in rows if row["user_id"])


def test_the_samples_names_come_with_names_sample(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = summarize(capsys, "--sample", "--kind", "costs", "--names", "sample")
    assert status == 0
    assert out.splitlines()[1].split()[:3] == ["project_id", "project_name", "line_item"]
    assert out.splitlines()[2].startswith("proj_q4TzL8wX  Storefront assistant  gpt-image-1, 1024x1024")


def test_a_bad_names_file_is_one_line_and_status_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "names.jsonl").write_text('{"object": "list", "data": [], "has_more": false}\n{"object": "list"\n')
    assert summarize(capsys, "--sample", "--names", "names.jsonl") == (
        1,
        "",
        "names.jsonl:2: error: Invalid JSON: EOF while parsing an object at line 2 column 0\n",
    )
    assert summarize(capsys, "--sample", "--names", "missing.jsonl") == (
        1,
        "",
        "missing.jsonl: error: cannot read it: No such file or directory\n",
    )


def test_the_docs_fetch_names_example_prints_what_it_shows(capsys: pytest.CaptureFixture[str]) -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs" / "names.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"^```console\n(.*?)^```$", docs, re.MULTILINE | re.DOTALL) if " fetch " in b]
    lines = block.splitlines(keepends=True)
    commands = [line[2:].strip() for line in lines if line.startswith("$ ")]
    shown = "".join(line for line in lines if not line.startswith("$ "))
    serve_fake, export_key, *fetches, summarize_command = commands
    assert serve_fake == ".venv/bin/python test/fake_api.py --port 8765 &"
    assert export_key == f"export OPENAI_ADMIN_KEY={FAKE_KEY}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ADMIN_KEY_VARIABLE, FAKE_KEY)
        for base_url in serve(FakeApi()):  # the seed the script serves
            for line in fetches:
                program, *args = shlex.split(line.replace("http://127.0.0.1:8765/v1", base_url))
                assert program == ".venv/bin/openapiopenai"
                assert main(args) == 0
    assert capsys.readouterr() == ("", "")
    program, *args = shlex.split(summarize_command)
    assert main(args) == 0
    assert capsys.readouterr() == (shown, "")


# focus and report take --names too


def _cost(project_id: str, api_key_id: str | None, value: float) -> dict[str, Any]:
    return {
        "object": "organization.costs.result",
        "amount": {"value": value, "currency": "usd"},
        "line_item": "gpt-4o, input",
        "project_id": project_id,
        "api_key_id": api_key_id,
        "quantity": 1000,
        "quantity_unit": "tokens",
    }


@pytest.fixture
def costs(base_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    """Names fetched from the fake, and a costs page of its projects and keys (one key it does not name)."""
    assert fetch_names(base_url, capsys, "-o", "names.jsonl")[0] == 0
    capsys.readouterr()
    results = [
        _cost("proj_q4TzL8wX", "key_A", 1.25),
        _cost("proj_7KcHm3Ye", "key_B", 0.5),
        _cost("proj_Zr0aP2mN", "key_D", 0.75),
        _cost("proj_gone", "key_unknown", 0.1),
    ]
    bucket = {"object": "bucket", "start_time": DATA_START, "end_time": DATA_START + 86400, "results": results}
    page = {"object": "page", "data": [bucket], "has_more": False, "next_page": None}
    (tmp_path / "costs.json").write_text(json.dumps(page))
    return Path("costs.json")


def test_focus_names_each_sub_account_and_resource(costs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    organization = ["--organization-id", "org-1", "--organization-name", "Org"]
    assert main(["focus", str(costs), *organization, "--names", "names.jsonl"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(row["SubAccountName"], row["ResourceId"], row["ResourceName"]) for row in rows] == [
        ("Storefront", "key_A", "storefront-prod"),
        ("Old pilot", "key_D", "pilot"),
        ("Catalogue", "key_B", "catalogue-batch"),
        ("Retired", "key_unknown", ""),  # a key without a name keeps its id, and no name
    ]
    assert main(["focus", str(costs), *organization]) == 0
    plain = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["SubAccountName"] for row in plain] == [row["SubAccountId"] for row in rows]


def test_the_report_shows_the_names(costs: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["report", str(costs), "-o", "named.html", "--names", "names.jsonl"]) == 0
    assert main(["report", str(costs), "-o", "plain.html"]) == 0
    capsys.readouterr()
    named = (tmp_path / "named.html").read_text()
    plain = (tmp_path / "plain.html").read_text()
    for name in ("Storefront", "Catalogue", "Old pilot", "Retired"):
        assert name in named
        assert name not in plain


def test_focus_and_report_refuse_a_bad_names_file_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["focus", "--sample"], ["report", "--sample", "-o", "r.html"]):
        assert main([*command, "--names", "missing.jsonl"]) == 1
        assert capsys.readouterr() == ("", "missing.jsonl: error: cannot read it: No such file or directory\n")
