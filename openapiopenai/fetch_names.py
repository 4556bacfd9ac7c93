"""Getting the names of an organization's projects, users and API keys from the API, every page of them.

Four listings name what usage results carry as ids: the projects (archived ones included), the users,
each project's API keys, and the admin API keys. `iter_names_pages` walks them in that order, page by
page (`after` the last id of the page before, while `has_more`), with the retries, timeouts and key
safety of `openapiopenai.fetch.Client`; each page is validated by its listing's model before it is
yielded. Pages already held (the lines of an interrupted names file) are read again instead of
fetched, so a fetch continues where it stopped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from openapiopenai.fetch import (
    Client,
    FetchError,
    _BadAnswer,  # pyright: ignore[reportPrivateUsage]
    _GaveUp,  # pyright: ignore[reportPrivateUsage]
    _Refused,  # pyright: ignore[reportPrivateUsage]
)
from openapiopenai.models import ApiKeyList, ProjectApiKeyListResponse, ProjectListResponse, UserListResponse
from openapiopenai.names import NamesPage, names_of

_ESCAPE: Final = re.compile(r"\\u([0-9a-fA-F]{4})")
_REDACTED: Final = re.compile(r'"sk-[a-z]{0,8}-?\.\.\.[A-Za-z0-9_-]{0,8}"')


class NamesClient(Client):
    """A `Client` for the listings that name ids.

    A `Client` refuses an answer that holds the admin key or its start (8 characters or more). The key
    listings hold each key's redacted value, such as `"sk-admin...wxyz"`: the start every admin key
    shares, `...`, and a few of the key's last characters. Such a value is not taken for the key; the
    key itself, or any longer part of it, is still refused.
    """

    def holds_key(self, data: str | bytes) -> bool:
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        # JSON may write any character as an escape: read them first, as the key may hide behind them.
        text = _ESCAPE.sub(lambda found: chr(int(found[1], 16)), text)
        return super().holds_key(_REDACTED.sub('""', text))


PAGE_SIZE: Final = 100
"""Items asked for per page: the most the listings allow."""


@dataclass(frozen=True)
class NamesListing:
    """One of the listings that name ids: what it is called in messages, its path, its query and its page model."""

    title: str
    path: str
    parameters: tuple[tuple[str, str], ...]
    model: type[NamesPage]

    def query(self, after: str | None) -> list[tuple[str, str]]:
        """The query string's pairs for the page after the id `after` (the first page when `None`)."""
        pairs = [("limit", str(PAGE_SIZE)), *self.parameters]
        if after is not None:
            pairs.append(("after", after))
        return pairs


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


@dataclass(frozen=True)
class FetchedPage:
    """A page of names, the listing it is of, and whether it was fetched now (else read from `held`)."""

    listing: NamesListing
    page: NamesPage
    fetched: bool


def iter_names_pages(client: NamesClient, held: Iterable[bytes] = ()) -> Iterator[FetchedPage]:
    """Every page of the four listings, in order: projects, users, each project's API keys, admin API keys.

    `held` are pages already fetched, as JSON text, in the order this gave them: they are validated
    and given again (`fetched` false), and fetching goes on after the last. Raises `FetchError` naming
    the listing and page reached, and for a held page that is not the page expected there.
    """
    walk = _Walk(client, iter(held))
    project_ids: dict[str, None] = {}
    for fetched in walk.pages(PROJECTS):
        project_ids.update(dict.fromkeys(item.id for item in fetched.page.data))
        yield fetched
    yield from walk.pages(USERS)
    for project_id in project_ids:
        yield from walk.pages(project_api_keys(project_id))
    yield from walk.pages(ADMIN_API_KEYS)
    if next(walk.held, None) is not None:
        raise HeldPageError("the listings end before it", walk.held_pages + 1)


class HeldPageError(FetchError):
    """A held page is not the page expected in its place: nothing is fetched over it.

    `line` is its number among the held pages (the line of the names file), from 1.
    """

    def __init__(self, problem: str, line: int) -> None:
        super().__init__(f"held page {line}: {problem}")
        self.problem = problem
        self.line = line


def fetch_names(client: NamesClient) -> dict[str, str]:
    """Every id the four listings name, with its name (see `openapiopenai.names.names_in`)."""
    return names_of(fetched.page for fetched in iter_names_pages(client))


class _Walk:
    def __init__(self, client: NamesClient, held: Iterator[bytes]) -> None:
        self.client = client
        self.held = held
        self.held_pages = 0

    def pages(self, listing: NamesListing) -> Iterator[FetchedPage]:
        after: str | None = None
        seen: set[str] = set()
        number = 0
        while True:
            number += 1
            where = f"page {number} of {listing.title}"
            line = next(self.held, None)
            if line is not None:
                self.held_pages += 1
                page = self._held(listing, line, where)
                fetched = False
            else:
                page = self._get(listing, after, where)
                fetched = True
            if page.has_more:
                # `after` is the id of the last object held; `last_id` says the same, and stands in on an empty page.
                cursor = page.data[-1].id if page.data else page.last_id
                if cursor is None:
                    raise FetchError(f"{where}: has_more is true but the page names no last id to go on after")
                if cursor in seen:
                    raise FetchError(
                        f"{where}: the API gave the cursor {cursor!r} a second time; stopping rather than loop"
                    )
                seen.add(cursor)
                after = cursor
            yield FetchedPage(listing, page, fetched)
            if not page.has_more:
                return

    def _held(self, listing: NamesListing, line: bytes, where: str) -> NamesPage:
        try:
            return listing.model.from_json(line)
        except ValueError:
            raise HeldPageError(f"it is not {where}, the page expected there", self.held_pages) from None

    def _get(self, listing: NamesListing, after: str | None, where: str) -> NamesPage:
        try:
            page: NamesPage = self.client.get(listing.path, listing.query(after), listing.model.from_json)
        except _GaveUp as error:
            raise FetchError(f"{where}: gave up: {error}") from None
        except _BadAnswer as error:
            raise FetchError(f"{where}: the answer is not a valid page of {listing.title}: {error}") from None
        except _Refused as error:
            status = f"HTTP {error.status}{error.message}"
            if error.status in (401, 403):
                status += ": listing names needs an admin key (sk-admin-...) that may read the organization"
            raise FetchError(f"{where}: {status}") from None
        return page
