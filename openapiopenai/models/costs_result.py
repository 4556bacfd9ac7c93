from typing import Literal

from openapiopenai.models._base import ApiModel
from openapiopenai.models._omittable import Omittable
from openapiopenai.models.costs_result_amount import CostsResultAmount


class CostsResult(ApiModel):
    """The aggregated costs details of the specific time bucket."""

    object: Literal["organization.costs.result"]

    amount: Omittable[CostsResultAmount] = None
    """The monetary value in its associated currency."""

    line_item: str | None = None
    """When `group_by=line_item`, this field provides the line item of the grouped costs result."""

    project_id: str | None = None
    """When `group_by=project_id`, this field provides the project ID of the grouped costs result."""

    api_key_id: str | None = None
    """When `group_by=api_key_id`, this field provides the API Key ID of the grouped costs result."""

    quantity: int | float | None = None
    """When `group_by=line_item`, this field provides the quantity of the grouped costs result."""

    quantity_unit: str | None = None
    """The unit of the `quantity` value. If no single supported unit applies to the result, this field is `null`."""
