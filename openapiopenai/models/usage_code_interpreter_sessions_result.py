from typing import Literal

from openapiopenai.models._base import ApiModel


class UsageCodeInterpreterSessionsResult(ApiModel):
    """The aggregated code interpreter sessions usage details of the specific time bucket."""

    object: Literal["organization.usage.code_interpreter_sessions.result"]

    num_sessions: int
    """The number of code interpreter sessions."""

    project_id: str | None = None
    """When `group_by=project_id`, this field provides the project ID of the grouped usage result."""
