"""Getting the names of an organization's projects, users and API keys from the API, every page of them.

The four listings are paged by `after` (the last id held) through `openapiopenai.fetch.Client`, and
each page is validated by its listing's model; see docs/names.md.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
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


@dataclass(frozen=True)
class NamesListing:
    """One of the listings that name ids: what it is called in messages, its path, its query and its page model."""

    title: str
    path: str
    parameters: tuple[tuple[str, str], ...]
    model: type[NamesPage]

    def read(self, body: bytes) -> NamesPage:
        return self.model.from_json(body)

    def query(self, after: str | None) -> list[tuple[str, str]]:
        """The query string's pairs for the page after the id `after` (the first page when `None`)."""
        pairs = [("limit", str(PAGE_SIZE)), *self.parameters]
        return pairs if after is None else [*pairs, ("after", after)]


PROJECTS: Final = NamesListing(
    "projects", "/organization/projects", (("include_archived", "true"),), ProjectListResponse
)
USERS: Final = NamesListing("users", "/organization/users", (), UserListResponse)
ADMIN_API_KEYS: Final = NamesListing("admin API keys", "/organization/admin_api_keys", (("order", "asc"),), ApiKeyList)


def project_api_keys(project_id: str) -> NamesListing:
    """The listing of one project's API keys: every enabled key, whether or not its owner still has access."""
    return NamesListing(
        f"API keys of {project_id}",
        f"/organization/projects/{project_id}/api_keys",
        (("owner_project_access", "any"),),
        ProjectApiKeyListResponse,
    )


def iter_names_pages(client: Client, held: Iterable[bytes] = ()) -> Iterator[NamesPage]:
    """Every page of the four listings, in order: projects, users, each project's API keys, admin API keys.

    `held` are pages already fetched, as JSON text, in the order this gave them: they are validated
    and given again, and fetching goes on after the last. Raises `FetchError` naming the listing and
    page reached, or the held page (numbered from 1) that is not the page expected there.
    """
    lines = enumerate(held, 1)

    def pages(listing: NamesListing) -> Iterator[NamesPage]:
        after: str | None = None
        seen: set[str] = set()
        for number in itertools.count(1):
            where = f"page {number} of {listing.title}"
            line = next(lines, None)
            if line is not None:
                try:
                    page = listing.read(line[1])
                except ValueError:
                    raise FetchError(f"held page {line[0]}: it is not {where}, the page expected there") from None
            else:
                try:
                    page = client.get(listing.path, listing.query(after), listing.read, listing.title)
                except _Failed as error:
                    raise FetchError(f"{where}: {error}") from None
            if page.has_more:
                # `after` is the id of the last object held; `last_id` says the same, and stands in on an empty page.
                after = page.data[-1].id if page.data else page.last_id
                problem = "has_more is true but the page names no last id to go on after" if after is None else None
                problem = problem or repeated_cursor(client, after or "", seen)
                if problem is not None:
                    raise FetchError(f"{where}: {problem}")
            yield page
            if not page.has_more:
                return

    project_ids: dict[str, None] = {}
    for page in pages(PROJECTS):
        project_ids.update(dict.fromkeys(item.id for item in page.data))
        yield page
    yield from pages(USERS)
    for project_id in project_ids:
        yield from pages(project_api_keys(project_id))
    yield from pages(ADMIN_API_KEYS)
    extra = next(lines, None)
    if extra is not None:
        raise FetchError(f"held page {extra[0]}: the listings end before it")


def fetch_names(client: Client) -> dict[str, str]:
    """Every id the four listings name, with its name (see `openapiopenai.names.names_in`)."""
    return names_of(iter_names_pages(client))
