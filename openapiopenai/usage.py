"""Working with usage data: time windows, totals, grouping, and combining the pages of a listing."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Generic, Literal, get_args

from openapiopenai.listing import IncompleteListingError as IncompleteListingError
from openapiopenai.listing import UsageListing as UsageListing
from openapiopenai.listing import combine_pages as combine_pages
from openapiopenai.models import UsageImagesResult, UsageResponse, UsageTimeBucket
from openapiopenai.models.usage_time_bucket import ResultT

GroupBy = Literal["project_id", "user_id", "api_key_id", "model", "size", "source"]
"""A field the API can group usage by (the request's `group_by` values)."""

GROUP_BY_FIELDS: tuple[GroupBy, ...] = get_args(GroupBy)

GroupKey = tuple[str | None, ...]
"""The values of the grouping fields for one group, in the order they were asked for."""

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def utc_datetime(timestamp: int) -> datetime:
    """A bucket time (Unix seconds) as a timezone-aware UTC datetime.

    Raises `ValueError` for a time outside the years 1 to 9999, which a datetime cannot hold.
    """
    try:
        return _EPOCH + timedelta(seconds=timestamp)
    except OverflowError:
        raise ValueError(f"{timestamp} is out of range for a date (years 1 to 9999)") from None


@dataclass(frozen=True)
class TimedResult(Generic[ResultT]):
    """One result together with the time window of the bucket that holds it."""

    start: datetime
    """Start of the bucket, inclusive (UTC)."""
    end: datetime
    """End of the bucket, exclusive (UTC)."""
    result: ResultT


def iter_results(buckets: Iterable[UsageTimeBucket[ResultT]]) -> Iterator[TimedResult[ResultT]]:
    """Every result of the buckets, in order, with its bucket's time window.

    Pass `page.data` for one page, or `listing.buckets` for a combined listing.
    """
    for bucket in buckets:
        start, end = utc_datetime(bucket.start_time), utc_datetime(bucket.end_time)
        for result in bucket.results:
            yield TimedResult(start, end, result)


@dataclass(frozen=True)
class Totals:
    """Summed counters of images usage."""

    images: int = 0
    num_model_requests: int = 0

    def __add__(self, other: Totals) -> Totals:
        return Totals(self.images + other.images, self.num_model_requests + other.num_model_requests)


@dataclass(frozen=True)
class GroupTotals:
    """The totals of one group of results."""

    values: GroupKey
    """The grouping fields' values, in the order of `UsageTally.by`; `None` where a result has none."""
    bucket_start: datetime | None
    """The bucket's start when tallied per bucket, else `None`."""
    totals: Totals


class UsageTally:
    """Adds up images usage as it arrives, grouped by any of the group-by fields.

    It keeps one running total per group, never the results themselves, so a listing of any
    length can be tallied one document at a time.
    """

    def __init__(self, by: Sequence[GroupBy] = (), *, per_bucket: bool = False) -> None:
        unknown = [field for field in by if field not in GROUP_BY_FIELDS]
        if unknown:
            raise ValueError(f"cannot group by {unknown[0]!r}: choose from {', '.join(GROUP_BY_FIELDS)}")
        self.by: tuple[GroupBy, ...] = tuple(dict.fromkeys(by))
        self.per_bucket = per_bucket
        self._groups: dict[tuple[datetime | None, GroupKey], Totals] = {}

    def add_result(self, result: UsageImagesResult, bucket_start: datetime | None = None) -> None:
        """Count one result; `bucket_start` matters only when tallying per bucket."""
        key = (bucket_start if self.per_bucket else None, tuple(getattr(result, field) for field in self.by))
        counted = Totals(result.images, result.num_model_requests)
        previous = self._groups.get(key)
        self._groups[key] = counted if previous is None else previous + counted

    def add_bucket(self, bucket: UsageTimeBucket[UsageImagesResult]) -> None:
        """Count every result of one bucket.

        Raises `ValueError` when tallying per bucket and the bucket's start is beyond the calendar.
        """
        start = utc_datetime(bucket.start_time) if self.per_bucket else None
        for result in bucket.results:
            self.add_result(result, start)

    def add_page(self, page: UsageResponse[UsageImagesResult]) -> None:
        """Count every result of one page."""
        for bucket in page.data:
            self.add_bucket(bucket)

    @property
    def total(self) -> Totals:
        """The totals over everything counted so far."""
        return sum(self._groups.values(), Totals())

    def groups(self) -> list[GroupTotals]:
        """One entry per group, most images first (then most requests, then bucket start)."""
        entries = [GroupTotals(values, start, totals) for (start, values), totals in self._groups.items()]
        entries.sort(key=lambda entry: entry.bucket_start or _EPOCH)
        entries.sort(key=lambda entry: (entry.totals.images, entry.totals.num_model_requests), reverse=True)
        return entries


def totals(results: Iterable[UsageImagesResult]) -> Totals:
    """The totals of `images` and `num_model_requests` over the results."""
    tally = UsageTally()
    for result in results:
        tally.add_result(result)
    return tally.total


def totals_by(results: Iterable[UsageImagesResult], *by: GroupBy) -> dict[GroupKey, Totals]:
    """The totals per group of the given fields, most images first.

    Keys hold the fields' values in the order given: `totals_by(results, "model", "size")`
    gives keys like `("dall-e-3", "1024x1024")`.
    """
    tally = UsageTally(by)
    for result in results:
        tally.add_result(result)
    return {group.values: group.totals for group in tally.groups()}
