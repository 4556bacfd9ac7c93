from typing import Literal

from openapiopenai.models._base import ApiModel
from openapiopenai.models.project_api_key import ProjectApiKey


class ProjectApiKeyListResponse(ApiModel):
    """One page of a project's API keys."""

    object: Literal["list"]

    data: list[ProjectApiKey]
    """The API keys of this page."""

    first_id: str | None = None
    """The id of the page's first key."""

    last_id: str | None = None
    """The id of the page's last key: the `after` cursor of the next page."""

    has_more: bool
    """Whether the listing goes on beyond this page."""
