from typing import Generic, Literal

from openapiopenai.models._base import ApiModel
from openapiopenai.models.usage_time_bucket import ResultT, UsageTimeBucket


class UsageResponse(ApiModel, Generic[ResultT]):
    """One page of a usage listing: a run of time buckets and the cursor to the next page."""

    object: Literal["page"]

    data: list[UsageTimeBucket[ResultT]]
    """The time buckets of this page, oldest first."""

    has_more: bool
    """Whether the listing goes on beyond this page."""

    next_page: str | None
    """The cursor to pass as `page` for the next page, `null` on the last page."""
