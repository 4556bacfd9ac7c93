"""The names of what usage results carry as ids: projects, users, project API keys and admin API keys.

A names file is what `openapiopenai fetch names` writes (see `openapiopenai.fetch_names`): JSON Lines,
one page of one of the four listings per line, as the API sent it. `read_names` reads one into a
mapping from each id to its name; `names_in` gives the names of one page. Each page is validated by
its own strict model; a page that is not one of the four, or a file that cannot be read, raises
`NamesFileError` with the file and line.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator
from importlib import resources
from typing import IO, Annotated, Any, Final, TypeAlias, cast

from pydantic import Discriminator, Tag, TypeAdapter, ValidationError

from openapiopenai.models import (
    ApiKeyList,
    ProjectApiKey,
    ProjectApiKeyListResponse,
    ProjectListResponse,
    User,
    UserListResponse,
)

NamesPage: TypeAlias = ProjectListResponse | UserListResponse | ProjectApiKeyListResponse | ApiKeyList
"""A page of one of the four listings that name ids."""

NAMES_PAGE_MODELS: Final[dict[str, type[NamesPage]]] = {
    "organization.project": ProjectListResponse,
    "organization.user": UserListResponse,
    "organization.project.api_key": ProjectApiKeyListResponse,
    "organization.admin_api_key": ApiKeyList,
}
"""The page model of each listing, by the `object` of the items it lists."""

# A page with no items could be of any listing, and names nothing: it is read as a page of projects.
_EMPTY: Final = "organization.project"


def _listed(value: Any) -> str | None:
    """Which listing a page is of: the `object` of its first item."""
    if isinstance(value, dict):
        data = cast("dict[str, Any]", value).get("data")
        if isinstance(data, list) and not data:
            return _EMPTY
        if isinstance(data, list) and isinstance(data[0], dict):
            tag = cast("dict[str, Any]", data[0]).get("object")
            return tag if isinstance(tag, str) and tag in NAMES_PAGE_MODELS else None
    return None


_TaggedPage: TypeAlias = Annotated[
    Annotated[ProjectListResponse, Tag("organization.project")]
    | Annotated[UserListResponse, Tag("organization.user")]
    | Annotated[ProjectApiKeyListResponse, Tag("organization.project.api_key")]
    | Annotated[ApiKeyList, Tag("organization.admin_api_key")],
    Discriminator(
        _listed,
        custom_error_type="names_page",
        custom_error_message="Input should be a page of projects, users, project API keys or admin API keys"
        " (an object with `data`, a list whose items' `object` says which)",
    ),
]


@functools.cache
def _adapter() -> TypeAdapter[NamesPage]:
    return TypeAdapter[NamesPage](_TaggedPage)


def read_page(line: str | bytes | bytearray) -> NamesPage:
    """One page of names as JSON text, validated by its listing's model; else `pydantic.ValidationError`."""
    return _adapter().validate_json(line)


class NamesFileError(ValueError):
    """A names file that cannot be read or holds something other than pages of names.

    The message is one line, `FILE:LINE: PROBLEM` (`FILE: PROBLEM` for the file as a whole); `path`
    and `line` say the same.
    """

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        where = path if line is None else f"{path}:{line}"
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem


def names_in(page: NamesPage) -> Iterator[tuple[str, str]]:
    """The `(id, name)` of each item of a page that has a name.

    A user with no name is named by its email address. The owners of project API keys name their
    service accounts too (users are named by the users listing).
    """
    for item in page.data:
        if isinstance(item, User):
            name = item.name or item.email
        elif isinstance(item, ProjectApiKey):
            name = item.name
            account = item.owner.service_account
            if account is not None and account.name:
                yield account.id, account.name
        else:
            name = item.name
        if name:
            yield item.id, name


def names_of(pages: Iterable[NamesPage]) -> dict[str, str]:
    """Every id the pages name, with its name: the first name given for an id is kept."""
    names: dict[str, str] = {}
    for page in pages:
        for item_id, name in names_in(page):
            names.setdefault(item_id, name)
    return names


def read_names(path: str | os.PathLike[str]) -> dict[str, str]:
    """The names of a names file: each project, user, project API key and admin API key id, to its name.

    Raises `NamesFileError` (a `ValueError`) for a file that cannot be read and for a line that is not a
    page of one of the four listings, naming the file, the line and the first problem.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as stream:
            return read_names_from(stream, name)
    except OSError as error:
        raise NamesFileError(name, None, f"cannot read it: {error.strerror or error}") from None


def read_names_from(stream: IO[bytes], source: str) -> dict[str, str]:
    """`read_names` of an open binary stream, named `source` in errors."""
    return names_of(_pages(stream, source))


MAX_LINE_BYTES: Final = 64 * 1024 * 1024
"""The longest line of a names file read (64 MiB): a page of 100 objects is a few tens of KiB."""


def _pages(stream: IO[bytes], source: str) -> Iterator[NamesPage]:
    number = 0
    while line := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(line) > MAX_LINE_BYTES:
            raise NamesFileError(source, number, f"the line is longer than {MAX_LINE_BYTES:,} bytes: not read")
        if not line.strip():
            continue
        try:
            yield read_page(line)
        except ValidationError as error:
            raise NamesFileError(source, number, _first_problem(error)) from None


def _first_problem(error: ValidationError) -> str:
    details = error.errors(include_url=False)
    first = details[0]
    where = ".".join(str(part) for part in first["loc"] if not _is_tag(part))
    more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
    return f"{where + ': ' if where else ''}{first['msg']}{more}"


def _is_tag(part: str | int) -> bool:
    return part in NAMES_PAGE_MODELS


SAMPLE_NAMES: Final = "sample"
"""The value of `--names` that reads the built-in sample's names file."""

SAMPLE_NAMES_FILE: Final = "names.jsonl"
"""The built-in sample's names file, in the package's `data` folder."""


def read_sample_names() -> dict[str, str]:
    """The names of the built-in sample's projects, users and API keys."""
    with (resources.files("openapiopenai") / "data" / SAMPLE_NAMES_FILE).open("rb") as stream:
        return read_names_from(stream, SAMPLE_NAMES_FILE)
