from typing import Literal

from openapiopenai.models._base import ApiModel


class UsageVectorStoresResult(ApiModel):
    """The aggregated vector stores usage details of the specific time bucket."""

    object: Literal["organization.usage.vector_stores.result"]

    usage_bytes: int
    """The vector stores usage in bytes."""

    project_id: str | None = None
    """When `group_by=project_id`, this field provides the project ID of the grouped usage result."""
