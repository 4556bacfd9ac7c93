from typing import Literal

from openapiopenai.models._base import ApiModel
from openapiopenai.models._omittable import Omittable
from openapiopenai.models.public_project_residency import PublicProjectResidency


class Project(ApiModel):
    """Represents an individual project."""

    id: str
    """The identifier, which can be referenced in API endpoints"""

    object: Literal["organization.project"]
    """The object type, which is always `organization.project`"""

    name: str | None = None
    """The name of the project. This appears in reporting."""

    created_at: int
    """The Unix timestamp (in seconds) of when the project was created."""

    archived_at: int | None = None
    """The Unix timestamp (in seconds) of when the project was archived or `null`."""

    status: str | None = None
    """`active` or `archived`"""

    external_key_id: str | None = None
    """The external key associated with the project."""

    residency: Omittable[PublicProjectResidency] = None
    """The residency configuration for the project."""
