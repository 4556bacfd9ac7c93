from typing import Literal

from openapiopenai.models._base import ApiModel
from openapiopenai.models.user_projects_data_inner import UserProjectsDataInner


class UserProjects(ApiModel):
    """Projects associated with the user, if included."""

    object: Literal["list"]

    data: list[UserProjectsDataInner]
    """The projects."""
