from openapiopenai.models._base import ApiModel
from openapiopenai.models._omittable import Omittable


class CostsResultAmount(ApiModel):
    """The monetary value in its associated currency."""

    value: Omittable[int | float] = None
    """The numeric value of the cost."""

    currency: Omittable[str] = None
    """Lowercase ISO-4217 currency e.g. "usd\""""
