"""Checked by mypy --strict and pyright strict: names read and fetched are typed to the field."""

from collections.abc import Iterator

from typing_extensions import assert_type

from openapiopenai import ApiKeyList, Project, ProjectApiKeyListResponse, ProjectListResponse, UserListResponse
from openapiopenai.fetch import Client
from openapiopenai.fetch_names import fetch_names, iter_names_pages
from openapiopenai.names import NamesFileError, NamesPage, names_in, read_names, read_page

PROJECTS = (
    '{"object": "list", "has_more": false, "data": [{"object": "organization.project", "id": "proj_a",'
    ' "name": "A", "created_at": 1711471533, "residency": "EU_STORAGE_PROCESSING"}]}'
)


def check_read_page() -> None:
    page = read_page(PROJECTS)
    assert_type(page, ProjectListResponse | UserListResponse | ProjectApiKeyListResponse | ApiKeyList)
    assert isinstance(page, ProjectListResponse)
    project = page.data[0]
    assert_type(project, Project)
    assert_type(project.name, str | None)
    assert project.residency == "EU_STORAGE_PROCESSING"
    assert_type(list(names_in(page)), list[tuple[str, str]])
    assert list(names_in(page)) == [("proj_a", "A")]


def check_read_names(path: str) -> None:
    try:
        assert_type(read_names(path), dict[str, str])
    except NamesFileError as error:
        assert_type(error.line, int | None)
        assert_type(error, NamesFileError)


def check_fetch_names(client: Client) -> None:
    assert_type(fetch_names(client), dict[str, str])
    pages = iter_names_pages(client, [PROJECTS.encode()])
    assert_type(pages, Iterator[NamesPage])
    for page in pages:
        assert_type(page.has_more, bool)
