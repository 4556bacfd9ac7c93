from typing import Literal

from openapiopenai.models._base import ApiModel


class UsageWebSearchCallsResult(ApiModel):
    """The aggregated web search calls usage details of the specific time bucket."""

    object: Literal["organization.usage.web_searches.result"]

    num_model_requests: int
    """The count of model requests."""

    num_requests: int
    """The count of web search calls."""

    project_id: str | None = None
    """When `group_by=project_id`, this field provides the project ID of the grouped usage result."""

    user_id: str | None = None
    """When `group_by=user_id`, this field provides the user ID of the grouped usage result."""

    api_key_id: str | None = None
    """When `group_by=api_key_id`, this field provides the API key ID of the grouped usage result."""

    model: str | None = None
    """When `group_by=model`, this field provides the model name of the grouped usage result."""

    context_level: str | None = None
    """When `group_by=context_level`, this field provides the search context size of the grouped usage result."""
