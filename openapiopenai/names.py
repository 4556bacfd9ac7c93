"""The names of the ids usage results carry, read from a names file (docs/names.md): JSON Lines, one page of
projects, users, project API keys or admin API keys per line, each validated by its listing's model."""

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


def _listed(value: Any) -> str | None:
    """Which listing a page is of: the `object` of its first item (a tag of none of them: the error below)."""
    data = cast("dict[str, Any]", value).get("data") if isinstance(value, dict) else None
    if data == []:
        return "organization.project"  # a page with no items names nothing, whichever listing it is of
    if isinstance(data, list) and isinstance(data[0], dict):
        tag = cast("dict[str, Any]", data[0]).get("object")
        return tag if isinstance(tag, str) else None
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
    """A names file that cannot be read or holds something other than pages of names: `FILE:LINE: PROBLEM`."""

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        super().__init__(f"{path}: {problem}" if line is None else f"{path}:{line}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem


def names_in(page: NamesPage) -> Iterator[tuple[str, str]]:
    """The `(id, name)` of each named item of a page: a user without a name by its email, and the service
    account that owns a project API key."""
    for item in page.data:
        name = item.name
        if isinstance(item, User):
            name = item.name or item.email
        elif isinstance(item, ProjectApiKey) and item.owner.service_account and item.owner.service_account.name:
            yield item.owner.service_account.id, item.owner.service_account.name
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
    """Each id a names file names, to its name; else `NamesFileError` naming the line and its first problem."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as stream:
            return names_of(_pages(stream, name))
    except OSError as error:
        raise NamesFileError(name, None, f"cannot read it: {error.strerror or error}") from None


SAMPLE_NAMES: Final = "sample"
"""The value of `--names` that reads the built-in sample's names file."""


def read_sample_names() -> dict[str, str]:
    """The names of the built-in sample's projects, users and API keys."""
    with (resources.files("openapiopenai") / "data" / "names.jsonl").open("rb") as stream:
        return names_of(_pages(stream, "names.jsonl"))


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
            first, *more = error.errors(include_url=False)
            where = ".".join(str(part) for part in first["loc"][1:])  # after the listing's tag
            problem = f"{where}: {first['msg']}" if where else first["msg"]
            raise NamesFileError(source, number, problem + (f" (and {len(more)} more)" if more else "")) from None
