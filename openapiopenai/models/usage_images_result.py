from typing import Literal

from openapiopenai.models._base import ApiModel, Integer, Text


class UsageImagesResult(ApiModel):
    """The aggregated images usage details of the specific time bucket."""

    object: Literal["organization.usage.images.result"]

    images: Integer
    """The number of images processed."""

    num_model_requests: Integer
    """The count of requests made to the model."""

    source: Text | None = None
    """When `group_by=source`, this field provides the source of the grouped usage result, possible values are `image.generation`, `image.edit`, `image.variation`."""

    size: Text | None = None
    """When `group_by=size`, this field provides the image size of the grouped usage result."""

    project_id: Text | None = None
    """When `group_by=project_id`, this field provides the project ID of the grouped usage result."""

    user_id: Text | None = None
    """When `group_by=user_id`, this field provides the user ID of the grouped usage result."""

    api_key_id: Text | None = None
    """When `group_by=api_key_id`, this field provides the API key ID of the grouped usage result."""

    model: Text | None = None
    """When `group_by=model`, this field provides the model name of the grouped usage result."""
