"""Getting the names of an organization's projects, users and API keys from the API, every page of them.

The four listings are paged by `after` (the last id held) through `openapiopenai.fetch.Client`, and
each page is validated by its listing's model; see docs/names.md.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import Final

from openapiopenai.fetch import (
    Client,
    FetchError,
    _Failed,  # pyright: ignore[reportPrivateUsage]
    repeated_cursor,
)
from openapiopenai.models import ApiKeyList, ProjectApiKeyListResponse, ProjectListResponse, UserListResponse
from openapiopenai.names import NamesPage, names_of

PAGE_SIZE: Final = 100
"""Items asked for per page: the most the listings allow."""


def iter_names_pages(client: Client, held: Iterable[bytes] = ()) -> Iterator[NamesPage]:
    """Every page of the four listings, in order: projects, users, each project's API keys, admin API keys.

    `held` are pages already fetched, as JSON text, in the order this gave them: they are validated
    and given again, and fetching goes on after the last. Raises `FetchError` naming the listing and
    page reached, or the held page (numbered from 1) that is not the page expected there.
    """
    lines = enumerate(held, 1)

    def pages(
        title: str, path: str, read: Callable[[bytes], NamesPage], *parameters: tuple[str, str]
    ) -> Iterator[NamesPage]:
        after: str | None = None
        seen: set[str] = set()
        for number in itertools.count(1):
            where = f"page {number} of {title}"
            line = next(lines, None)
            if line is not None:
                try:
                    page = read(line[1])
                except ValueError:
                    raise FetchError(f"held page {line[0]}: it is not {where}, the page expected there") from None
            else:
                query = [("limit", str(PAGE_SIZE)), *parameters, *([] if after is None else [("after", after)])]
                try:
                    page = client.get(path, query, read, title)
                except _Failed as error:
                    raise FetchError(f"{where}: {error}") from None
            if page.has_more:
                # `after` is the id of the last object held; `last_id` says the same, and stands in on an empty page.
                after = page.data[-1].id if page.data else page.last_id
                problem = (
                    "has_more is true but the page names no last id to go on after"
                    if after is None
                    else repeated_cursor(client, after, seen)
                )
                if problem is not None:
                    raise FetchError(f"{where}: {problem}")
            yield page
            if not page.has_more:
                return

    project_ids: dict[str, None] = {}
    for page in pages(
        "projects", "/organization/projects", ProjectListResponse.from_json, ("include_archived", "true")
    ):
        project_ids.update(dict.fromkeys(item.id for item in page.data))
        yield page
    yield from pages("users", "/organization/users", UserListResponse.from_json)
    for project_id in project_ids:
        # Every enabled key, whether or not its owner still has access to the project.
        path = f"/organization/projects/{project_id}/api_keys"
        yield from pages(
            f"API keys of {project_id}", path, ProjectApiKeyListResponse.from_json, ("owner_project_access", "any")
        )
    yield from pages("admin API keys", "/organization/admin_api_keys", ApiKeyList.from_json, ("order", "asc"))
    extra = next(lines, None)
    if extra is not None:
        raise FetchError(f"held page {extra[0]}: the listings end before it")


def fetch_names(client: Client) -> dict[str, str]:
    """Every id the four listings name, with its name (see `openapiopenai.names.names_in`)."""
    return names_of(iter_names_pages(client))
