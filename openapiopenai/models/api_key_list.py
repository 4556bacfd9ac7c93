from typing import Literal

from openapiopenai.models._base import ApiModel
from openapiopenai.models.admin_api_key import AdminApiKey


class ApiKeyList(ApiModel):
    """One page of the organization's admin API keys."""

    object: Literal["list"]

    data: list[AdminApiKey]
    """The admin API keys of this page."""

    has_more: bool
    """Whether the listing goes on beyond this page."""

    first_id: str | None = None
    """The id of the page's first key."""

    last_id: str | None = None
    """The id of the page's last key: the `after` cursor of the next page."""
