from typing import Literal

from openapiopenai.models._base import ApiModel


class UsageFileSearchCallsResult(ApiModel):
    """The aggregated file search calls usage details of the specific time bucket."""

    object: Literal["organization.usage.file_searches.result"]

    num_requests: int
    """The count of file search calls."""

    project_id: str | None = None
    """When `group_by=project_id`, this field provides the project ID of the grouped usage result."""

    user_id: str | None = None
    """When `group_by=user_id`, this field provides the user ID of the grouped usage result."""

    api_key_id: str | None = None
    """When `group_by=api_key_id`, this field provides the API key ID of the grouped usage result."""

    vector_store_id: str | None = None
    """When `group_by=vector_store_id`, this field provides the vector store ID of the grouped usage result."""
