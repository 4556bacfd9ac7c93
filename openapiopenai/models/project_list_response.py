from typing import Literal

from openapiopenai.models._base import ApiModel
from openapiopenai.models.project import Project


class ProjectListResponse(ApiModel):
    """One page of the organization's projects."""

    object: Literal["list"]

    data: list[Project]
    """The projects of this page."""

    first_id: str | None = None
    """The id of the page's first project."""

    last_id: str | None = None
    """The id of the page's last project: the `after` cursor of the next page."""

    has_more: bool
    """Whether the listing goes on beyond this page."""
