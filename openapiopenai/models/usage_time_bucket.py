from typing import Generic, Literal

from typing_extensions import TypeVar

from openapiopenai.models._base import ApiModel
from openapiopenai.models.usage_images_result import UsageImagesResult

ResultT = TypeVar("ResultT", bound=ApiModel, default=UsageImagesResult)
"""The kind of result a bucket holds; every usage endpoint shares these containers."""


class UsageTimeBucket(ApiModel, Generic[ResultT]):
    """The usage of one time bucket: its window and the results grouped within it."""

    object: Literal["bucket"]

    start_time: int
    """Start of the bucket (Unix seconds), inclusive."""

    end_time: int
    """End of the bucket (Unix seconds), exclusive."""

    results: list[ResultT]
    """The usage results of this bucket, one per group when the request grouped its usage."""
