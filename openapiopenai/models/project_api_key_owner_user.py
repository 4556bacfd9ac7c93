from openapiopenai.models._base import ApiModel


class ProjectApiKeyOwnerUser(ApiModel):
    """The user that owns a project API key."""

    id: str
    """The identifier, which can be referenced in API endpoints"""

    email: str
    """The email address of the user."""

    name: str
    """The name of the user."""

    created_at: int
    """The Unix timestamp (in seconds) of when the user was created."""

    role: str
    """The user's project role."""
