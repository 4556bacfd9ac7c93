from typing import Literal

from openapiopenai.models._base import ApiModel


class UserUser(ApiModel):
    """Nested user details."""

    object: Literal["user"]

    id: str
    """The identifier of the person's account."""

    email: str | None = None
    """The account's email address."""

    name: str | None = None
    """The account's name."""

    picture: str | None = None
    """The address of the account's picture."""

    enabled: bool | None = None
    """Whether the account is enabled."""

    banned: bool | None = None
    """Whether the account is banned."""

    banned_at: int | None = None
    """The Unix timestamp (in seconds) of when the account was banned."""
