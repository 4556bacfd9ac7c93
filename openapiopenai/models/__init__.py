"""The models of the Usage API's images endpoint."""

from openapiopenai.models._base import MAX_INT_DIGITS, MAX_JSON_DEPTH, ApiModel
from openapiopenai.models.usage_images_result import UsageImagesResult
from openapiopenai.models.usage_response import UsageResponse
from openapiopenai.models.usage_time_bucket import ResultT, UsageTimeBucket

__all__ = [
    "MAX_INT_DIGITS",
    "MAX_JSON_DEPTH",
    "ApiModel",
    "ResultT",
    "UsageImagesResult",
    "UsageResponse",
    "UsageTimeBucket",
]
