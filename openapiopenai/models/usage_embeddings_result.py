from typing import Literal

from openapiopenai.models._base import ApiModel


class UsageEmbeddingsResult(ApiModel):
    """The aggregated embeddings usage details of the specific time bucket."""

    object: Literal["organization.usage.embeddings.result"]

    input_tokens: int
    """The aggregated number of input tokens used."""

    num_model_requests: int
    """The count of requests made to the model."""

    project_id: str | None = None
    """When `group_by=project_id`, this field provides the project ID of the grouped usage result."""

    user_id: str | None = None
    """When `group_by=user_id`, this field provides the user ID of the grouped usage result."""

    api_key_id: str | None = None
    """When `group_by=api_key_id`, this field provides the API key ID of the grouped usage result."""

    model: str | None = None
    """When `group_by=model`, this field provides the model name of the grouped usage result."""
