from typing import Literal

from openapiopenai.models._base import ApiModel
from openapiopenai.models.user import User


class UserListResponse(ApiModel):
    """One page of the organization's users."""

    object: Literal["list"]

    data: list[User]
    """The users of this page."""

    first_id: str | None = None
    """The id of the page's first user."""

    last_id: str | None = None
    """The id of the page's last user: the `after` cursor of the next page."""

    has_more: bool
    """Whether the listing goes on beyond this page."""
