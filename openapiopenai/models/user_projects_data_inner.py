from openapiopenai.models._base import ApiModel


class UserProjectsDataInner(ApiModel):
    """A project a user belongs to."""

    id: str | None = None
    """The project's identifier."""

    name: str | None = None
    """The project's name."""

    role: str | None = None
    """The user's role in the project."""
