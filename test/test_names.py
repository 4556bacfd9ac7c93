"""Reading names files: every id to its name, and a bad file refused with its file and line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from openapiopenai import ApiKeyList, ProjectApiKeyListResponse, ProjectListResponse, UserListResponse
from openapiopenai.names import (
    NamesFileError,
    names_in,
    names_of,
    read_names,
    read_page,
    read_sample_names,
)

from fake_names import ADMIN_API_KEYS, API_KEYS, NAMES, PROJECTS, USERS
from model_helpers import ADMIN_API_KEY, PROJECT, PROJECT_API_KEY, USER


def page(*items: dict[str, Any], has_more: bool = False) -> dict[str, Any]:
    return {
        "object": "list",
        "data": list(items),
        "first_id": items[0]["id"] if items else None,
        "last_id": items[-1]["id"] if items else None,
        "has_more": has_more,
    }


def lines(*pages: dict[str, Any]) -> bytes:
    return b"".join(json.dumps(one).encode() + b"\n" for one in pages)


EVERY_PAGE = [
    page(*PROJECTS[:2], has_more=True),
    page(*PROJECTS[2:]),
    page(*USERS),
    *(page(*keys) for keys in API_KEYS.values()),
    page(),
    page(*ADMIN_API_KEYS),
]


def test_a_names_file_maps_every_id_to_its_name(tmp_path: Path) -> None:
    path = tmp_path / "names.jsonl"
    path.write_bytes(lines(*EVERY_PAGE))
    assert read_names(path) == NAMES
    assert read_names(str(path)) == NAMES


@pytest.mark.parametrize(
    ("item", "model"),
    [
        pytest.param(PROJECT, ProjectListResponse, id="projects"),
        pytest.param(USER, UserListResponse, id="users"),
        pytest.param(PROJECT_API_KEY, ProjectApiKeyListResponse, id="project API keys"),
        pytest.param(ADMIN_API_KEY, ApiKeyList, id="admin API keys"),
    ],
)
def test_each_page_is_read_by_its_listings_model(item: dict[str, Any], model: type[Any]) -> None:
    read = read_page(json.dumps(page(item)))
    assert type(read) is model
    assert read.to_dict() == page(item)


def test_an_empty_page_names_nothing() -> None:
    assert list(names_in(read_page(json.dumps(page())))) == []


def test_a_user_without_a_name_is_named_by_email_and_without_either_is_not_named() -> None:
    users = page({**USER, "id": "u1", "name": None, "email": "e@x"}, {**USER, "id": "u2", "name": None})
    assert list(names_in(read_page(json.dumps(users)))) == [("u1", "e@x")]


def test_a_project_or_key_without_a_name_is_not_named() -> None:
    read = read_page(json.dumps(page({**PROJECT, "name": None}, {**PROJECT, "id": "proj_b", "name": ""})))
    assert list(names_in(read)) == []
    admin = read_page(json.dumps(page({**ADMIN_API_KEY, "name": None})))
    assert list(names_in(admin)) == []


def test_the_service_account_owning_a_key_is_named_too() -> None:
    owned = {**PROJECT_API_KEY, "owner": {"type": "service_account", "service_account": {
        "id": "svc_1", "name": "bot", "created_at": 1, "role": "member"}}}  # fmt: skip
    assert list(names_in(read_page(json.dumps(page(owned))))) == [("svc_1", "bot"), ("key_a", "prod")]


def test_the_first_name_of_an_id_is_kept() -> None:
    first = read_page(json.dumps(page({**PROJECT, "name": "First"})))
    second = read_page(json.dumps(page({**PROJECT, "name": "Second"})))
    assert names_of([first, second]) == {"proj_a": "First"}


def test_blank_lines_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "names.jsonl"
    path.write_bytes(b"\n" + lines(page(PROJECT)) + b"  \n")
    assert read_names(path) == {"proj_a": "A"}


BAD_LINES = [
    pytest.param(b"{not json", "Invalid JSON: key must be a string at line 1 column 2", id="not JSON"),
    pytest.param(
        json.dumps(page({**PROJECT, "created_at": "7"})).encode(),
        "data.0.created_at: Input should be a valid integer",
        id="a wrong type",
    ),
    pytest.param(
        json.dumps(page(PROJECT, USER)).encode(),
        "data.1.object: Input should be 'organization.project', not 'organization.user': a different kind of object",
        id="a page of two listings",
    ),
    pytest.param(
        json.dumps({"object": "page", "data": [{"object": "bucket"}], "has_more": False, "next_page": None}).encode(),
        "Input should be a page of projects, users, project API keys or admin API keys (an object with `data`,"
        " a list whose items' `object` says which)",
        id="a usage page",
    ),
    pytest.param(
        json.dumps(page({**USER, "added_at": None}, {**USER, "id": None})).encode(),
        "data.0.added_at: Input should be a valid integer (and 1 more)",
        id="several problems",
    ),
]


@pytest.mark.parametrize(("line", "problem"), BAD_LINES)
def test_a_bad_line_is_refused_with_file_line_and_problem(tmp_path: Path, line: bytes, problem: str) -> None:
    path = tmp_path / "names.jsonl"
    path.write_bytes(lines(page(PROJECT)) + b"\n" + line + b"\n")
    with pytest.raises(NamesFileError) as caught:
        read_names(path)
    assert str(caught.value) == f"{path}:3: {problem}"
    assert (caught.value.path, caught.value.line, caught.value.problem) == (str(path), 3, problem)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(("line", "problem"), BAD_LINES)
def test_a_bad_page_is_a_validation_error(line: bytes, problem: str) -> None:
    with pytest.raises(ValidationError):
        read_page(line)


def test_a_file_that_cannot_be_read_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NamesFileError, match=r"missing\.jsonl: cannot read it: No such file or directory$") as caught:
        read_names(tmp_path / "missing.jsonl")
    assert caught.value.line is None


def test_the_sample_names_each_project_of_the_sample() -> None:
    names = read_sample_names()
    assert names["proj_q4TzL8wX"] == "Storefront assistant"
    assert names["proj_7KcHm3Ye"] == "Catalogue images"
    sample_pages = Path(__file__).parent.parent / "openapiopenai" / "data"
    used = {
        result["project_id"]
        for path in sample_pages.glob("*-page-*.json")
        for bucket in json.loads(path.read_text())["data"]
        for result in bucket["results"]
    }
    assert used == {"proj_q4TzL8wX", "proj_7KcHm3Ye"}
    assert used <= set(names)


def test_a_line_over_the_limit_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("openapiopenai.names.MAX_LINE_BYTES", 100)
    path = tmp_path / "names.jsonl"
    path.write_bytes(lines(page()) + b'{"object": "list", "data": [' + b" " * 200 + b"]}\n")
    with pytest.raises(NamesFileError) as caught:
        read_names(path)
    assert (caught.value.line, caught.value.problem) == (2, "the line is longer than 100 bytes: not read")
