"""Working with usage data: time windows, totals of every kind, grouping, records, and combining the pages of a listing.

The functions here take what is at hand: a page (`UsageResponse`), a combined listing (`UsageListing`),
one bucket, or any iterable of pages, buckets, results or `TimedResult`s.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from types import MappingProxyType, UnionType
from typing import Annotated, Any, Final, Generic, TypeAlias, Union, cast, get_args, get_origin, overload

from openapiopenai.listing import IncompleteListingError, UsageListing, combine_pages
from openapiopenai.models import KIND_BY_OBJECT, KINDS, ApiModel, UsageResponse, UsageTimeBucket
from openapiopenai.models.kinds import GroupBy, KindName, ResultKind
from openapiopenai.models.usage_time_bucket import ResultT

__all__ = [
    "ALL_GROUP_BY_FIELDS",
    "COUNTERS",
    "GROUP_BY_FIELDS",
    "LEVELS",
    "GroupBy",
    "GroupKey",
    "GroupTotals",
    "IncompleteListingError",
    "Level",
    "TimedResult",
    "Totals",
    "UsageListing",
    "UsageSource",
    "UsageSummary",
    "UsageTally",
    "bucket_time",
    "combine_pages",
    "exact_decimal",
    "iter_results",
    "to_records",
    "totals",
    "totals_by",
    "totals_per_kind",
    "utc_datetime",
]

GROUP_BY_FIELDS: tuple[GroupBy, ...] = KINDS["images"].group_by
"""The images endpoint's group-by fields; every kind's are in `openapiopenai.KINDS[name].group_by`."""

ALL_GROUP_BY_FIELDS: Final[tuple[GroupBy, ...]] = get_args(GroupBy)
"""Every field some endpoint can group by."""

GroupKey = tuple[str | bool | None, ...]
"""The values of the grouping fields for one group, in the order they were asked for."""

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_SECOND = timedelta(seconds=1)


def bucket_time(start: datetime) -> int:
    """A bucket's start as the API writes it (Unix seconds): the inverse of `utc_datetime`."""
    return (start - _EPOCH) // _SECOND


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


UsageSource: TypeAlias = Union[
    "UsageResponse[Any]",
    "UsageListing[Any]",
    "UsageTimeBucket[Any]",
    Iterable[Union["UsageResponse[Any]", "UsageListing[Any]", "UsageTimeBucket[Any]", TimedResult[Any], ApiModel]],
]
"""What the totals and records functions take: a page, a listing, a bucket, or an iterable of pages,
listings, buckets, results or `TimedResult`s."""


@overload
def iter_results(source: UsageResponse[ResultT]) -> Iterator[TimedResult[ResultT]]: ...
@overload
def iter_results(source: UsageListing[ResultT]) -> Iterator[TimedResult[ResultT]]: ...
@overload
def iter_results(source: UsageTimeBucket[ResultT]) -> Iterator[TimedResult[ResultT]]: ...
@overload
def iter_results(source: Iterable[UsageTimeBucket[ResultT]]) -> Iterator[TimedResult[ResultT]]: ...
def iter_results(source: object) -> Iterator[TimedResult[Any]]:
    """Every result, in order, with its bucket's time window.

    Pass a page, a combined listing, one bucket, or buckets (`page.data`, `listing.buckets`).
    Raises `ValueError` for a bucket time beyond the calendar.
    """
    buckets = _buckets_of(source)
    for bucket in cast("Iterable[UsageTimeBucket[Any]]", source) if buckets is None else buckets:
        start, end = utc_datetime(bucket.start_time), utc_datetime(bucket.end_time)
        for result in cast("list[ApiModel]", bucket.results):
            yield TimedResult(start, end, result)


def _buckets_of(source: object) -> list[UsageTimeBucket[Any]] | None:
    """The buckets of a page, a listing or a bucket; `None` for anything else."""
    # The casts give the type arguments pyright cannot infer from isinstance; mypy already has them.
    if isinstance(source, UsageResponse):
        return cast("UsageResponse[Any]", source).data  # type: ignore[redundant-cast]
    if isinstance(source, UsageListing):
        return cast("UsageListing[Any]", source).buckets  # type: ignore[redundant-cast]
    if isinstance(source, UsageTimeBucket):
        return [cast("UsageTimeBucket[Any]", source)]  # type: ignore[redundant-cast]
    return None


def _walk(source: object) -> Iterator[tuple[UsageTimeBucket[Any] | TimedResult[Any] | None, ApiModel | None]]:
    """Every result of `source` with what it knows of its bucket: the bucket, a `TimedResult`, or nothing.

    A bucket without results comes as the bucket and `None`: it still says that nothing was used then.
    """
    buckets = _buckets_of(source)
    if buckets is not None:
        for bucket in buckets:
            if not bucket.results:
                yield bucket, None
            for result in cast("list[ApiModel]", bucket.results):
                yield bucket, result
    elif isinstance(source, TimedResult):
        timed = cast("TimedResult[ApiModel]", source)
        yield timed, timed.result
    elif isinstance(source, ApiModel):
        yield None, source
    elif _is_text_or_mapping(source) or not isinstance(source, Iterable):
        raise TypeError(
            f"cannot read usage from {type(source).__name__}: pass a page, a listing, buckets or results "
            "(parse JSON with UsageResponse.from_json first)"
        )
    else:
        for item in cast("Iterable[object]", source):
            yield from _walk(item)


def _is_text_or_mapping(value: object) -> bool:
    """Iterable, but not of pages, buckets or results: a likely mistake to name rather than walk."""
    return isinstance(value, (str, bytes, bytearray, Mapping))


def _kind_of(result: ApiModel) -> ResultKind:
    kind = KIND_BY_OBJECT.get(getattr(result, "object", None))  # type: ignore[arg-type]
    if kind is None:
        raise ValueError(f"cannot count a result of unknown kind {getattr(result, 'object', type(result).__name__)!r}")
    return kind


def _is_integer(annotation: Any) -> bool:
    """Whether a field holds an integer (or, when optional, an integer or nothing)."""
    if get_origin(annotation) is Annotated:
        return _is_integer(get_args(annotation)[0])
    if get_origin(annotation) in (Union, UnionType):
        return set(get_args(annotation)) - {type(None)} == {int}
    return annotation is int


LEVELS: Final[Mapping[KindName, tuple[str, ...]]] = MappingProxyType({"vector_stores": ("usage_bytes",)})
"""Fields that measure a level at each bucket (bytes stored) rather than count what happened in it.

A level adds up across the groups of one bucket, never across buckets: totals report its latest and
its peak value instead."""

COUNTERS: Final[Mapping[KindName, tuple[str, ...]]] = MappingProxyType(
    {
        name: tuple(
            field
            for field, info in kind.model.model_fields.items()
            if _is_integer(info.annotation) and field not in LEVELS.get(name, ())
        )
        for name, kind in KINDS.items()
    }
)
"""Each kind's counters, in field order: its integer fields, which add up across results and buckets.
Costs have none: their totals are money, per currency."""

_MONEY: Final = decimal.Context(prec=decimal.MAX_PREC, traps=[decimal.Inexact, decimal.InvalidOperation])
"""Addition with as many digits as it takes: a sum of money is exact or an error, never rounded."""


def exact_decimal(value: int | float) -> Decimal:
    """A JSON number as the decimal it was written as: `0.1` is `Decimal('0.1')`, not the binary float's
    `0.1000000000000000055511151231257827...`. A float's shortest representation reads back as the same float,
    so it is the number the server sent."""
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


@dataclass(frozen=True)
class Level:
    """A level measured at each bucket, such as the bytes vector stores hold.

    It adds up across the groups of one bucket, never across buckets.
    """

    by_bucket: Mapping[int | None, int]
    """The level at each bucket, by the bucket's start (Unix seconds; `None` for results counted without
    their bucket), summed over the groups counted."""

    @property
    def latest(self) -> int | None:
        """The level at the latest bucket counted, or `None` if none was."""
        if not self.by_bucket:
            return None
        return self.by_bucket[max(self.by_bucket, key=_bucket_order)]

    @property
    def peak(self) -> int | None:
        """The highest level of any bucket counted, or `None` if none was."""
        return max(self.by_bucket.values(), default=None)

    def __add__(self, other: object) -> Level:
        if not isinstance(other, Level):
            return NotImplemented
        merged = dict(self.by_bucket)
        for bucket, value in other.by_bucket.items():
            merged[bucket] = merged.get(bucket, 0) + value
        return Level(MappingProxyType(merged))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Level) and dict(self.by_bucket) == dict(other.by_bucket)

    def __hash__(self) -> int:
        return hash(frozenset(self.by_bucket.items()))

    def __repr__(self) -> str:
        return f"Level(latest={self.latest}, peak={self.peak})"


def _bucket_order(bucket: int | None) -> tuple[bool, int]:
    return (bucket is not None, bucket or 0)


class Totals:
    """The totals of results of one kind: its counters summed, costs per currency, levels at latest and peak.

    `Totals(images=12, num_model_requests=9)` (the kind defaults to images), or
    `Totals(kind="completions", input_tokens=5, output_tokens=2, num_model_requests=1)`; counters may also
    be given positionally, in field order. Counters read as attributes (`totals.images`) or from `counts`.
    Totals of one kind add up with `+` and `sum(...)`.
    """

    __slots__ = ("amounts", "counts", "kind", "levels", "missing")

    kind: KindName
    counts: Mapping[str, int]
    """Every counter of the kind (`COUNTERS[kind]`), summed."""
    amounts: Mapping[str, Decimal]
    """Costs only: the exact sum of `amount.value` per `amount.currency`."""
    levels: Mapping[str, Level]
    """Vector stores only: `usage_bytes`, latest and peak."""
    missing: Mapping[str, int]
    """How many results lacked each field that could not be counted: an optional counter the API left out,
    or a cost without a value or currency. A field listed here has a partial total."""

    def __init__(
        self,
        *values: int,
        kind: KindName = "images",
        amounts: Mapping[str, Decimal] | None = None,
        levels: Mapping[str, Level] | None = None,
        missing: Mapping[str, int] | None = None,
        **counts: int,
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"no kind {kind!r}: choose from {', '.join(KINDS)}")
        names = COUNTERS[kind]
        if len(values) > len(names):
            raise TypeError(f"{kind} totals have {len(names)} counters, not {len(values)}")
        given = dict(zip(names, values, strict=False))
        for name, value in counts.items():
            if name not in names:
                raise TypeError(f"{kind} totals have no counter {name!r}: they count {', '.join(names) or 'none'}")
            if name in given:
                raise TypeError(f"counter {name!r} given twice")
            given[name] = value
        setter = object.__setattr__
        setter(self, "kind", kind)
        setter(self, "counts", MappingProxyType({name: given.get(name, 0) for name in names}))
        setter(self, "amounts", MappingProxyType(dict(sorted((amounts or {}).items()))))
        level_names = LEVELS.get(kind, ())
        setter(
            self,
            "levels",
            MappingProxyType({name: (levels or {}).get(name, Level(MappingProxyType({}))) for name in level_names}),
        )
        setter(self, "missing", MappingProxyType({name: count for name, count in (missing or {}).items() if count}))

    def __getattr__(self, name: str) -> int:
        try:
            counts: Mapping[str, int] = object.__getattribute__(self, "counts")
            return counts[name]
        except (KeyError, AttributeError):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}") from None

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_totals,
            (self.kind, dict(self.counts), dict(self.amounts), dict(self.levels), dict(self.missing)),
        )

    def _key(self) -> tuple[Any, ...]:
        return (self.kind, dict(self.counts), dict(self.amounts), dict(self.levels), dict(self.missing))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Totals):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(
            (
                self.kind,
                tuple(self.counts.items()),
                frozenset(self.amounts.items()),
                frozenset(self.levels.items()),
                frozenset(self.missing.items()),
            )
        )

    def __add__(self, other: object) -> Totals:
        if not isinstance(other, Totals):
            return NotImplemented
        if other.kind != self.kind:
            raise ValueError(f"cannot add {other.kind} totals to {self.kind} totals")
        amounts = dict(self.amounts)
        for currency, value in other.amounts.items():
            amounts[currency] = _MONEY.add(amounts.get(currency, Decimal(0)), value)
        missing = dict(self.missing)
        for name, count in other.missing.items():
            missing[name] = missing.get(name, 0) + count
        return Totals(
            kind=self.kind,
            amounts=amounts,
            levels={name: level + other.levels[name] for name, level in self.levels.items()},
            missing=missing,
            **{name: value + other.counts[name] for name, value in self.counts.items()},
        )

    def __radd__(self, other: object) -> Totals:
        # `sum(...)` starts from 0.
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented

    @property
    def complete(self) -> bool:
        """Whether every result had every field counted (see `missing`)."""
        return not self.missing

    def __repr__(self) -> str:
        parts = [] if self.kind == "images" else [f"kind={self.kind!r}"]
        parts += [f"{name}={value}" for name, value in self.counts.items()]
        parts += [f"{name}={level!r}" for name, level in self.levels.items()]
        if self.kind == "costs":
            parts.append(f"amounts={dict(self.amounts)!r}")
        if self.missing:
            parts.append(f"missing={dict(self.missing)!r}")
        return f"Totals({', '.join(parts)})"


def _rebuild_totals(
    kind: KindName,
    counts: dict[str, int],
    amounts: dict[str, Decimal],
    levels: dict[str, Level],
    missing: dict[str, int],
) -> Totals:
    return Totals(kind=kind, amounts=amounts, levels=levels, missing=missing, **counts)


class _Running:
    """The mutable running totals of one group, turned into `Totals` when read."""

    __slots__ = ("amounts", "counts", "levels", "missing")

    def __init__(self, kind: KindName) -> None:
        self.counts = [0] * len(COUNTERS[kind])
        self.amounts: dict[str, Decimal] = {}
        self.levels: dict[str, dict[int | None, int]] = {name: {} for name in LEVELS.get(kind, ())}
        self.missing: dict[str, int] = {}

    def add(self, kind: KindName, result: ApiModel, bucket: int | None) -> None:
        counts = self.counts
        for index, name in enumerate(COUNTERS[kind]):
            value = getattr(result, name)
            if value is None:
                self.missing[name] = self.missing.get(name, 0) + 1
            else:
                counts[index] += value
        for name, by_bucket in self.levels.items():
            value = getattr(result, name)
            if value is None:
                self.missing[name] = self.missing.get(name, 0) + 1
            else:
                by_bucket[bucket] = by_bucket.get(bucket, 0) + value
        if kind == "costs":
            amount = getattr(result, "amount", None)
            if amount is None or amount.value is None or amount.currency is None:
                self.missing["amount"] = self.missing.get("amount", 0) + 1
            else:
                self.amounts[amount.currency] = _MONEY.add(
                    self.amounts.get(amount.currency, Decimal(0)), exact_decimal(amount.value)
                )

    def totals(self, kind: KindName, buckets: Iterable[int | None]) -> Totals:
        """The totals so far; a level is 0 at each of `buckets` where this group had no result."""
        return Totals(
            *self.counts,
            kind=kind,
            amounts=self.amounts,
            levels={
                name: Level(MappingProxyType({bucket: by_bucket.get(bucket, 0) for bucket in {*buckets, *by_bucket}}))
                for name, by_bucket in self.levels.items()
            },
            missing=self.missing,
        )


def _rank(totals: Totals) -> tuple[Any, ...]:
    """Largest first: by each counter in field order, then levels at their peak, then money."""
    return (
        *totals.counts.values(),
        *(level.peak or 0 for level in totals.levels.values()),
        sum(totals.amounts.values(), Decimal(0)),
    )


@dataclass(frozen=True)
class GroupTotals:
    """The totals of one group of results."""

    values: GroupKey
    """The grouping fields' values, in the order of `UsageTally.by`; `None` where a result has none."""
    bucket_start: datetime | None
    """The bucket's start when tallied per bucket, else `None`."""
    totals: Totals


def _check_by(by: Sequence[GroupBy]) -> tuple[GroupBy, ...]:
    if isinstance(by, str):
        raise TypeError(f"by should be a sequence of field names, not the string {by!r}: write ({by!r},)")
    unknown = [field for field in by if field not in ALL_GROUP_BY_FIELDS]
    if unknown:
        raise ValueError(f"cannot group by {unknown[0]!r}: choose from {', '.join(ALL_GROUP_BY_FIELDS)}")
    return tuple(dict.fromkeys(by))


class UsageTally:
    """Adds up results of one kind as they arrive, grouped by any of that kind's group-by fields.

    It keeps one running total per group, never the results themselves, so a listing of any
    length can be tallied one document at a time. The kind is given, or taken from the first result
    (images when nothing was counted); a result of another kind raises `ValueError`.
    """

    def __init__(self, by: Sequence[GroupBy] = (), *, per_bucket: bool = False, kind: KindName | None = None) -> None:
        self.by: tuple[GroupBy, ...] = _check_by(by)
        self.per_bucket = per_bucket
        self.kind: KindName | None = None
        self._groups: dict[tuple[datetime | None, GroupKey], _Running] = {}
        # Every bucket seen, empty ones included: a group absent from a bucket held a level of 0 then.
        self._buckets: set[int | None] = set()
        if kind is not None:
            self._set_kind(KINDS[kind])

    def _set_kind(self, kind: ResultKind) -> None:
        refused = [field for field in self.by if field not in kind.group_by]
        if refused:
            raise ValueError(
                f"{kind.name} results cannot be grouped by {refused[0]!r}: choose from {', '.join(kind.group_by)}"
            )
        self.kind = kind.name

    def add_result(self, result: ApiModel, bucket_start: datetime | None = None) -> None:
        """Count one result; `bucket_start` tells buckets apart when tallying per bucket, and for levels."""
        self._add(result, bucket_start, None if bucket_start is None else bucket_time(bucket_start))

    def _add(self, result: ApiModel, bucket_start: datetime | None, bucket: int | None) -> None:
        kind = _kind_of(result)
        if kind.name != self.kind:
            if self.kind is not None:
                raise ValueError(
                    f"this tally counts {self.kind} results, not {kind.name}: "
                    "use UsageSummary or totals_per_kind for several kinds"
                )
            self._set_kind(kind)
        key = (bucket_start if self.per_bucket else None, tuple(getattr(result, field) for field in self.by))
        running = self._groups.get(key)
        if running is None:
            running = self._groups[key] = _Running(kind.name)
        running.add(kind.name, result, bucket)
        self._buckets.add(bucket)

    def add_in_bucket(self, result: ApiModel, bucket: UsageTimeBucket[Any]) -> None:
        """Count one result of `bucket`."""
        self._add(result, utc_datetime(bucket.start_time) if self.per_bucket else None, bucket.start_time)

    def add_bucket(self, bucket: UsageTimeBucket[Any]) -> None:
        """Count every result of one bucket.

        Raises `ValueError` when tallying per bucket and the bucket's start is beyond the calendar.
        """
        start = utc_datetime(bucket.start_time) if self.per_bucket else None
        self._buckets.add(bucket.start_time)
        for result in bucket.results:
            self._add(result, start, bucket.start_time)

    def add_page(self, page: UsageResponse[Any]) -> None:
        """Count every result of one page."""
        for bucket in page.data:
            self.add_bucket(bucket)

    def add(self, source: UsageSource) -> None:
        """Count every result of a page, a listing, a bucket, or an iterable of any of these or of results."""
        for where, result in _walk(source):
            if result is None:
                assert isinstance(where, UsageTimeBucket)
                self._buckets.add(where.start_time)
            elif isinstance(where, UsageTimeBucket):
                start = utc_datetime(where.start_time) if self.per_bucket else None
                self._add(result, start, where.start_time)
            elif isinstance(where, TimedResult):
                self.add_result(result, where.start)
            else:
                self._add(result, None, None)

    @property
    def total(self) -> Totals:
        """The totals over everything counted so far."""
        kind = self.kind or "images"
        return sum((running.totals(kind, self._buckets) for running in self._groups.values()), Totals(kind=kind))

    def groups(self) -> list[GroupTotals]:
        """One entry per group, largest first (by the kind's counters in field order, then money), then
        by bucket start."""
        kind = self.kind or "images"
        entries = [
            GroupTotals(values, start, running.totals(kind, self._buckets if start is None else {bucket_time(start)}))
            for (start, values), running in self._groups.items()
        ]
        entries.sort(key=lambda entry: entry.bucket_start or _EPOCH)
        entries.sort(key=lambda entry: _rank(entry.totals), reverse=True)
        return entries


class UsageSummary:
    """Tallies results of every kind it is given, one `UsageTally` per kind present.

    `by=None` groups each kind by all of its group-by fields; otherwise each kind is grouped by those
    fields of `by` that its endpoint accepts (see each tally's `by`).
    """

    def __init__(self, by: Sequence[GroupBy] | None = None, *, per_bucket: bool = False) -> None:
        self.by: tuple[GroupBy, ...] | None = None if by is None else _check_by(by)
        self.per_bucket = per_bucket
        self._tallies: dict[KindName, UsageTally] = {}

    def _tally(self, result: ApiModel) -> UsageTally:
        kind = _kind_of(result)
        tally = self._tallies.get(kind.name)
        if tally is None:
            by: Sequence[GroupBy] = kind.group_by
            if self.by is not None:
                by = [field for field in self.by if field in kind.group_by]
            tally = self._tallies[kind.name] = UsageTally(by, per_bucket=self.per_bucket, kind=kind.name)
        return tally

    def add_result(self, result: ApiModel, bucket_start: datetime | None = None) -> None:
        """Count one result; `bucket_start` as for `UsageTally.add_result`."""
        self._tally(result).add_result(result, bucket_start)

    def add_bucket(self, bucket: UsageTimeBucket[Any]) -> None:
        """Count every result of one bucket."""
        for result in bucket.results:
            self._tally(result).add_in_bucket(result, bucket)

    def add_page(self, page: UsageResponse[Any]) -> None:
        """Count every result of one page."""
        for bucket in page.data:
            self.add_bucket(bucket)

    def add(self, source: UsageSource) -> None:
        """Count every result of a page, a listing, a bucket, or an iterable of any of these or of results."""
        for where, result in _walk(source):
            if result is None:
                continue  # an empty bucket says nothing of the kind it belongs to
            tally = self._tally(result)
            if isinstance(where, UsageTimeBucket):
                tally.add_in_bucket(result, where)
            else:
                tally.add_result(result, None if where is None else where.start)

    @property
    def kinds(self) -> list[KindName]:
        """The kinds counted so far, in the order of `KINDS`."""
        return [name for name in KINDS if name in self._tallies]

    def __getitem__(self, kind: KindName) -> UsageTally:
        return self._tallies[kind]

    def __contains__(self, kind: object) -> bool:
        return kind in self._tallies

    def tallies(self) -> list[UsageTally]:
        """One tally per kind counted, in the order of `KINDS`."""
        return [self._tallies[name] for name in self.kinds]

    def totals(self) -> dict[KindName, Totals]:
        """The overall totals of each kind counted, in the order of `KINDS`."""
        return {name: self._tallies[name].total for name in self.kinds}


def totals(source: UsageSource, *, kind: KindName | None = None) -> Totals:
    """The totals of results of one kind: a page, a listing, buckets or results.

    Raises `ValueError` for results of several kinds (see `totals_per_kind`). Nothing at all gives the
    zero totals of `kind`, images unless given.
    """
    tally = UsageTally(kind=kind)
    tally.add(source)
    return tally.total


def totals_by(source: UsageSource, *by: GroupBy, kind: KindName | None = None) -> dict[GroupKey, Totals]:
    """The totals per group of the given fields, largest first.

    Keys hold the fields' values in the order given: `totals_by(results, "model", "size")`
    gives keys like `("dall-e-3", "1024x1024")`.
    """
    tally = UsageTally(by, kind=kind)
    tally.add(source)
    return {group.values: group.totals for group in tally.groups()}


def totals_per_kind(source: UsageSource) -> dict[KindName, Totals]:
    """The totals of each kind present, in the order of `KINDS`: for pages read as `UsageResponse[UsageResult]`."""
    summary = UsageSummary(by=())
    summary.add(source)
    return summary.totals()


def to_records(source: UsageSource) -> list[dict[str, Any]]:
    """One flat dict per result, with its bucket's window: rows for `pandas.DataFrame` or `csv.DictWriter`.

    Each record starts with `bucket_start` and `bucket_end` (UTC datetimes; `None` for a result given
    without its bucket), then every declared field of the result's kind in field order (`None` when
    absent). The costs amount becomes `amount.value`, an exact `Decimal`, and `amount.currency`.
    Unknown fields are left out, so every record of one kind has the same keys.
    """
    records: list[dict[str, Any]] = []
    for where, result in _walk(source):
        if result is None:
            continue
        if isinstance(where, UsageTimeBucket):
            start: datetime | None = utc_datetime(where.start_time)
            end: datetime | None = utc_datetime(where.end_time)
        elif isinstance(where, TimedResult):
            start, end = where.start, where.end
        else:
            start = end = None
        record: dict[str, Any] = {"bucket_start": start, "bucket_end": end}
        for name in type(result).model_fields:
            value = getattr(result, name)
            if isinstance(value, ApiModel):
                for inner in type(value).model_fields:
                    inner_value = getattr(value, inner)
                    if name == "amount" and inner == "value" and inner_value is not None:
                        inner_value = exact_decimal(inner_value)
                    record[f"{name}.{inner}"] = inner_value
            elif name == "amount":
                record.update({"amount.value": None, "amount.currency": None})
            else:
                record[name] = value
        records.append(record)
    return records
