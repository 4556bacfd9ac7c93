from typing import Literal

from openapiopenai.models._base import ApiModel
from openapiopenai.models._omittable import Omittable
from openapiopenai.models.user_projects import UserProjects
from openapiopenai.models.user_user import UserUser


class User(ApiModel):
    """Represents an individual `user` within an organization."""

    object: Literal["organization.user"]
    """The object type, which is always `organization.user`"""

    id: str
    """The identifier, which can be referenced in API endpoints"""

    name: str | None = None
    """The name of the user"""

    email: str | None = None
    """The email address of the user"""

    role: str | None = None
    """`owner` or `reader`"""

    added_at: int
    """The Unix timestamp (in seconds) of when the user was added."""

    is_default: Omittable[bool] = None
    """Whether this is the organization's default user."""

    created: Omittable[int] = None
    """The Unix timestamp (in seconds) of when the user was created."""

    user: Omittable[UserUser] = None
    """Nested user details."""

    is_service_account: Omittable[bool] = None
    """Whether the user is a service account."""

    is_scale_tier_authorized_purchaser: bool | None = None
    """Whether the user is an authorized purchaser for Scale Tier."""

    is_scim_managed: Omittable[bool] = None
    """Whether the user is managed through SCIM."""

    api_key_last_used_at: int | None = None
    """The Unix timestamp (in seconds) of the user's last API key usage."""

    technical_level: str | None = None
    """The technical level metadata for the user."""

    developer_persona: str | None = None
    """The developer persona metadata for the user."""

    projects: UserProjects | None = None
    """Projects associated with the user, if included."""
