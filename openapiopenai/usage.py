"""Working with usage data: time windows, totals of every kind, grouping, records, and combining the pages of a listing.

The functions here take what is at hand: a page (`UsageResponse`), a combined listing (`UsageListing`),
one bucket, or any iterable of pages, buckets, results or `TimedResult`s.
"""

from __future__ import annotations

import decimal
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from itertools import islice
from operator import add, attrgetter, itemgetter
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


def _assembled(
    kind: KindName,
    counts: dict[str, int],
    amounts: dict[str, Decimal],
    levels: dict[str, Level],
    missing: dict[str, int],
) -> Totals:
    """What `Totals(...)` builds, from parts already whole and checked: every counter and level of the kind,
    only the missing counts that are not zero. Used for each of very many groups."""
    totals = object.__new__(Totals)
    setter = object.__setattr__
    setter(totals, "kind", kind)
    setter(totals, "counts", MappingProxyType(counts))
    setter(totals, "amounts", MappingProxyType(dict(sorted(amounts.items())) if len(amounts) > 1 else amounts))
    setter(totals, "levels", MappingProxyType(levels))
    setter(totals, "missing", MappingProxyType(missing))
    return totals


_ZERO: Final = Decimal(0)

_FIRST_TIME: Final = bucket_time(datetime.min.replace(tzinfo=timezone.utc))
_LAST_TIME: Final = bucket_time(datetime.max.replace(tzinfo=timezone.utc))
_SPAN: Final = 1 << 39
"""More than the seconds from year 1 to 9999, so a row's place (see `_Rows`) holds its key and its bucket apart."""
_Numbers: TypeAlias = "array[int] | list[int]"


def _slot(start: int | None) -> int:
    """Where a bucket's rows sit among a key's places: its start counted in seconds from the year 1, from 1
    (0 for no bucket). Raises `ValueError` for a time beyond the calendar."""
    if start is None:
        return 0
    if not _FIRST_TIME <= start <= _LAST_TIME:
        utc_datetime(start)  # raises, saying why
    return start - _FIRST_TIME + 1


def _slot_start(slot: int) -> int | None:
    return None if slot == 0 else slot + _FIRST_TIME - 1


_WAITING: Final = 1 << 15
"""The most counters that wait to be added up (see `_Rows.waiting`): 2,184 results of 15 counters, 16,384
of 2."""

_SOME: Final = 4096
"""How many results of an iterator (not a list) `UsageTally.add_results` takes at a time."""

_WIDER: Final = {"B": "I", "I": "Q"}
"""The next size of unsigned machine integer, for counts that start small."""


def _widened(numbers: _Numbers) -> _Numbers:
    """Numbers that hold larger values: the next size of machine integer, then Python ints (after 64 bits)."""
    if isinstance(numbers, list):
        return numbers
    wider = _WIDER.get(numbers.typecode)
    return numbers.tolist() if wider is None else array(wider, numbers)


class _Rows:
    """The running totals of every group of a tally (of every group and bucket when kept apart), in columns.

    A group is a row, numbered in the order first counted. `index` finds the row at a place: the number of
    the group's key times `_SPAN`, plus its bucket's slot (`_slot`). A row's counters are `width`
    consecutive entries of `counts`: when buckets are kept apart (many rows), machine integers
    (`array('q')`) until a sum outgrows 64 bits, then Python ints; otherwise (few rows) Python ints, and
    results wait in `waiting` to be added up a few thousand at a time. The rest is kept only by the kinds
    and rows that need it: missing-field counts (one column per field, once a field is missing), money
    (costs: a column of exact sums per currency) and levels (vector stores: a column like the counters
    when buckets are kept apart, each row having one bucket, else a dict of buckets per row).
    """

    __slots__ = (
        "amounts",
        "batch",
        "counters",
        "counts",
        "fields",
        "in_order",
        "index",
        "last_slot",
        "level_names",
        "level_sums",
        "levels",
        "missing",
        "missing_order",
        "quantities",
        "rows_of_keys",
        "waited",
        "waiting",
        "width",
        "zeros",
    )

    def __init__(self, kind: KindName, per_bucket: bool = False, quantities: bool = False) -> None:
        self.counters = counters = COUNTERS[kind]
        self.level_names: tuple[str, ...] = LEVELS.get(kind, ())
        self.width = len(counters)
        self.fields: tuple[str, ...] = (*counters, *self.level_names, *(("amount",) if kind == "costs" else ()))
        """Every field a result may lack, in the order their absence is counted."""
        self.index: dict[int, int] = {}
        # Per bucket, rows are many: machine integers. Otherwise they are few, and a list is added to faster.
        self.counts: _Numbers = array("q") if per_bucket else []
        self.zeros: _Numbers = array("q", bytes(8 * self.width)) if per_bucket else [0] * self.width
        self.rows_of_keys: dict[GroupKey, int] = {}
        """Each group's row, when buckets are not kept apart (one row per group)."""
        self.waiting: dict[GroupKey, list[int | None]] | None = None if per_bucket else {}
        """Buckets not kept apart: the counters of each group's latest results, in a row (`width` per result),
        to be added up together (`settle`): a Python loop over each counter of each result costs more."""
        self.waited = 0
        self.batch = _WAITING // max(self.width, 1)
        """The most results whose counters wait."""
        self.missing: _Numbers | None = None
        self.missing_order: dict[int, list[int]] = {}
        """The fields a row lacks, by index in `fields`, in the order first lacked: only where that is not
        field order."""
        self.amounts: dict[str, list[Decimal | None]] | None = {} if kind == "costs" else None
        self.quantities: dict[str | None, list[Decimal | None]] | None = {} if kind == "costs" and quantities else None
        """Costs, when asked for: a column of exact sums of `quantity` per `quantity_unit` (`None`: no unit)."""
        self.levels: list[dict[int | None, int]] | None = [] if self.level_names and not per_bucket else None
        self.level_sums: _Numbers | None = array("q") if self.level_names and per_bucket else None
        """Per bucket, each row has one bucket: its levels add up there, as counters do."""
        self.last_slot = 0
        self.in_order = True
        """Whether rows were added in the order of their buckets' slots, so each bucket's rows are together."""

    def __len__(self) -> int:
        return len(self.index)

    def add_row(self, place: int) -> int:
        """A new row of zeros at `place`; its number."""
        row = self.index[place] = len(self.index)
        self.counts.extend(self.zeros)
        if self.missing is not None:
            self.missing.extend([0] * len(self.fields))
        for column in (self.amounts or {}).values():
            column.append(None)
        for column in (self.quantities or {}).values():
            column.append(None)
        if self.levels is not None:
            self.levels.extend({} for _ in self.level_names)
        if self.level_sums is not None:
            self.level_sums.extend([0] * len(self.level_names))
        slot = place % _SPAN
        if slot < self.last_slot:
            self.in_order = False
        self.last_slot = slot
        return row

    def add(self, row: int, values: Sequence[int | None]) -> None:
        """Add counters, in field order, to a row; `None` for one a result lacks."""
        self.settle()  # what waits comes first: the fields lacked are noted in the order they were
        counts = self.counts
        at = row * self.width
        for field, value in enumerate(values):
            if value is None:
                self.lacks(row, field)
                continue
            try:
                counts[at + field] += value
            except OverflowError:
                counts = self.counts = _widened(counts)
                counts[at + field] += value

    def lacks(self, row: int, field: int, results: int = 1) -> None:
        """Count `results` results of `row` without a value for `fields[field]`."""
        self.lacks_each(row, ((field, results),))

    def lacks_each(self, row: int, lacked: Iterable[tuple[int, int]]) -> None:
        """`lacks(row, field, results)` for each `(field, results)` in turn."""
        size = len(self.fields)
        missing = self.missing
        if missing is None:
            # Counts of results, mostly small: a byte each until one needs more.
            missing = self.missing = array("B", bytes(size * len(self.index)))
        at = row * size
        order = self.missing_order.get(row)
        for field, results in lacked:
            if not missing[at + field]:
                if order is not None:
                    order.append(field)
                elif any(missing[at + field + 1 : at + size]):
                    order = self.missing_order[row] = [*(index for index in range(size) if missing[at + index]), field]
            while True:
                try:
                    missing[at + field] += results
                    break
                except OverflowError:
                    missing = self.missing = _widened(missing)

    def add_amount(self, row: int, result: ApiModel) -> None:
        if self.quantities is not None:
            self.add_quantity(row, result)
        amount = getattr(result, "amount", None)
        if amount is None or amount.value is None or amount.currency is None:
            self.lacks(row, len(self.fields) - 1)
            return
        amounts = self.amounts
        assert amounts is not None
        column = amounts.get(amount.currency)
        if column is None:
            column = amounts[amount.currency] = [None] * len(self.index)
        held = column[row]
        column[row] = _MONEY.add(_ZERO if held is None else held, exact_decimal(amount.value))

    def add_quantity(self, row: int, result: ApiModel) -> None:
        quantity = getattr(result, "quantity", None)
        if quantity is None:
            return
        quantities = self.quantities
        assert quantities is not None
        unit: str | None = getattr(result, "quantity_unit", None)
        column = quantities.get(unit)
        if column is None:
            column = quantities[unit] = [None] * len(self.index)
        held = column[row]
        column[row] = _MONEY.add(_ZERO if held is None else held, exact_decimal(quantity))

    def quantities_of(self, row: int) -> dict[str | None, Decimal]:
        if self.quantities is None:
            return {}
        return {unit: held for unit, column in self.quantities.items() if (held := column[row]) is not None}

    def add_result(self, row: int, result: ApiModel, bucket: int | None) -> None:
        """Count one result of any kind in a row, its levels at `bucket`."""
        counters = self.fields[: self.width]
        self.add(row, [getattr(result, name) for name in counters])
        for index, name in enumerate(self.level_names):
            value = getattr(result, name)
            at = row * len(self.level_names) + index
            if value is None:
                self.lacks(row, self.width + index)
            elif self.level_sums is not None:
                try:
                    self.level_sums[at] += value
                except OverflowError:
                    self.level_sums = _widened(self.level_sums)
                    self.level_sums[at] += value
            else:
                assert self.levels is not None
                by_bucket = self.levels[at]
                by_bucket[bucket] = by_bucket.get(bucket, 0) + value
        if self.amounts is not None:
            self.add_amount(row, result)

    def amounts_of(self, row: int) -> dict[str, Decimal]:
        if self.amounts is None:
            return {}
        return {currency: held for currency, column in self.amounts.items() if (held := column[row]) is not None}

    def missing_of(self, row: int) -> dict[str, int]:
        missing = self.missing
        if missing is None:
            return {}
        size = len(self.fields)
        at = row * size
        order = self.missing_order.get(row) or [index for index in range(size) if missing[at + index]]
        return {self.fields[index]: missing[at + index] for index in order}

    def settle(self) -> None:
        """Add up the counters waiting in `waiting`, each field of each group in one step (in C), and count the
        fields they lack (`None`), each first lacked in the order the results came, as `add` would."""
        waiting = self.waiting
        if not waiting:
            return
        counts, width = cast("list[int]", self.counts), self.width
        fields = range(width)
        for key, values in waiting.items():
            row = self.rows_of_keys[key]
            at = row * width
            if None not in values:  # each result has every counter
                sums = map(sum, [cast("list[int]", values[field::width]) for field in fields])
                counts[at : at + width] = map(add, counts[at : at + width], sums)
                continue
            added: list[int] = []
            lacked: list[tuple[int, int, int]] = []  # where first lacked, the field, how many times
            for field in fields:
                column = values[field::width]
                nones = column.count(None)
                if nones:
                    lacked.append((column.index(None), field, nones))
                    added.append(sum(filter(None, column)))
                else:
                    added.append(sum(cast("list[int]", column)))
            counts[at : at + width] = map(add, counts[at : at + width], added)
            lacked.sort()
            self.lacks_each(row, [(field, nones) for _, field, nones in lacked])
        waiting.clear()
        self.waited = 0

    def totals(self, row: int, kind: KindName, buckets: Iterable[int | None], own: int | None = None) -> Totals:
        """A row's totals; a level is 0 at each of `buckets` where the row had no result. `own` is the row's
        bucket when buckets are kept apart."""
        self.settle()
        at = row * self.width
        levels: dict[str, Level] = {}
        first = row * len(self.level_names)
        for index, name in enumerate(self.level_names):
            if self.level_sums is not None:
                level = self.level_sums[first + index]
                by_bucket = {bucket: level if bucket == own else 0 for bucket in {*buckets, own}}
            else:
                assert self.levels is not None
                held = self.levels[first + index]
                by_bucket = {bucket: held.get(bucket, 0) for bucket in {*buckets, *held}}
            levels[name] = Level(MappingProxyType(by_bucket))
        return _assembled(
            kind,
            dict(zip(self.counters, self.counts[at : at + self.width], strict=True)),
            self.amounts_of(row),
            levels,
            self.missing_of(row),
        )

    def rank(self, row: int, kind: KindName, buckets: Iterable[int | None], own: int | None = None) -> tuple[Any, ...]:
        """`_rank` of `totals(row, kind, buckets, own)`, without building them when the kind has no levels."""
        if self.level_names:
            return _rank(self.totals(row, kind, buckets, own))
        self.settle()
        at = row * self.width
        if self.amounts is None:
            return (*self.counts[at : at + self.width], _ZERO)
        amounts = self.amounts_of(row)
        # Summed in the order of the currencies' names, as `Totals` holds them.
        return (*self.counts[at : at + self.width], sum((amounts[currency] for currency in sorted(amounts)), _ZERO))

    def total(self, kind: KindName, buckets: Iterable[int | None]) -> Totals:
        """The totals of every row, as if each row's totals (levels at `buckets`) were added up in row order."""
        if not self.index:
            return Totals(kind=kind)
        self.settle()
        width = self.width
        counts = [sum(self.counts[field::width]) for field in range(width)]
        amounts: dict[str, Decimal] = {}
        for currency, column in (self.amounts or {}).items():
            held = _ZERO
            for sum_of_row in column:
                if sum_of_row is not None:
                    held = _MONEY.add(held, sum_of_row)
            amounts[currency] = held
        levels: dict[str, Level] = {}
        if self.levels is not None:
            for index, name in enumerate(self.level_names):
                merged = dict.fromkeys(buckets, 0)
                for by_bucket in self.levels[index :: len(self.level_names)]:
                    for bucket, level in by_bucket.items():
                        merged[bucket] = merged.get(bucket, 0) + level
                levels[name] = Level(MappingProxyType(merged))
        if self.level_sums is not None:
            size = len(self.level_names)
            for index, name in enumerate(self.level_names):
                merged = dict.fromkeys(buckets, 0)
                for place, row in self.index.items():
                    own = _slot_start(place % _SPAN)
                    merged[own] = merged.get(own, 0) + self.level_sums[row * size + index]
                levels[name] = Level(MappingProxyType(merged))
        return Totals(*counts, kind=kind, amounts=amounts, levels=levels, missing=self._missing_total())

    def _missing_total(self) -> dict[str, int]:
        """Each field's missing count over all rows, in the order of first appearance row after row."""
        missing = self.missing
        if missing is None:
            return {}
        size = len(self.fields)
        sums = {index: total for index in range(size) if (total := sum(missing[index::size]))}
        ordered: dict[str, int] = {}
        row = 0
        while len(ordered) < len(sums):
            for index in self.missing_order.get(row) or range(size):
                if index in sums and self.fields[index] not in ordered and missing[row * size + index]:
                    ordered[self.fields[index]] = sums[index]
            row += 1
        return ordered

    def by_slot(self) -> Iterator[tuple[int, list[int]]]:
        """Each slot with the places of its rows in the order first counted, slots in ascending order."""
        if self.in_order:
            places: Iterable[int] = self.index
        else:
            places = sorted(self.index, key=lambda place: place % _SPAN)
        current = -1
        together: list[int] = []
        for place in places:
            slot = place % _SPAN
            if slot != current:
                if together:
                    yield current, together
                current, together = slot, []
            together.append(place)
        if together:
            yield current, together


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
    quantities: Mapping[str | None, Decimal] = dataclass_field(default_factory=lambda: MappingProxyType({}), hash=False)
    """Costs, from a tally made with `quantities=True`: the exact sum of the results' `quantity` per
    `quantity_unit` (`None` for a quantity without a unit). Empty otherwise."""


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

    Tallied per bucket, each group's buckets are told apart by their start in whole seconds (as the API
    gives them), and `GroupTotals.bucket_start` is that second in UTC.
    """

    def __init__(
        self,
        by: Sequence[GroupBy] = (),
        *,
        per_bucket: bool = False,
        kind: KindName | None = None,
        quantities: bool = False,
    ) -> None:
        self.by: tuple[GroupBy, ...] = _check_by(by)
        self.per_bucket = per_bucket
        self.quantities = quantities
        """Whether each group of costs also sums `quantity` per unit (`GroupTotals.quantities`)."""
        self.kind: KindName | None = None
        self._model: type[ApiModel] | None = None
        self._key_of: Callable[[object], GroupKey] = _getter(self.by)
        self._counters_of: Callable[[object], tuple[Any, ...]] | None = None
        # The same, from a result's `__dict__`, where a model keeps its declared fields: read faster.
        self._key_in: Callable[[dict[str, Any]], GroupKey] = _item_getter(self.by)
        self._counters_in: Callable[[dict[str, Any]], tuple[Any, ...]] | None = None
        # Each distinct key once, numbered in the order first counted; the running totals in columns.
        self._key_numbers: dict[GroupKey, int] = {}
        self._keys: list[GroupKey] = []
        self._rows = _Rows("images")
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
        self._model = kind.model
        self._key_of = _getter(self.by)
        self._key_in = _item_getter(self.by)
        self._rows = _Rows(kind.name, self.per_bucket, self.quantities)  # nothing was counted yet
        counters = COUNTERS[kind.name]
        # Only plain counters take the fast path; levels and money are added result by result.
        simple = kind.name not in LEVELS and kind.name != "costs"
        self._counters_of = _getter(counters) if simple else None
        self._counters_in = _item_getter(counters) if simple else None

    def _number(self, key: GroupKey) -> int:
        number = self._key_numbers[key] = len(self._keys)
        self._keys.append(key)
        return number

    def _slot(self, bucket: int | None) -> int:
        return _slot(bucket) if self.per_bucket else 0

    def add_results(self, results: Iterable[ApiModel], start: int | None = None) -> None:
        """Count results that share one bucket (or one period of a time axis) starting at `start`, in Unix
        seconds; `None` for results without a time. The same as `add_result` for each, only faster.

        Raises `ValueError` when tallying per bucket and `start` is beyond the calendar.
        """
        slot = self._slot(start)
        if isinstance(results, list):
            self._add_some(results, slot, start)
            return
        pending = iter(results)  # taken a few thousand at a time: an iterator may be long
        while some := list(islice(pending, _SOME)):
            self._add_some(some, slot, start)

    def _add_some(self, results: list[ApiModel], slot: int, start: int | None) -> None:
        """`add_results` for a list of results."""
        pending = results
        if not pending:
            return
        if self.kind is None:
            self._add(pending[0], slot, start)
            pending = pending[1:]
        if (
            self._rows.waiting is not None
            and self._counters_in is not None
            and set(map(type, pending)) == {self._model}
        ):
            self._wait(pending)  # the usual case: every result of the tally's kind, only counters, one slot
            return
        kind, model, counters_of = self.kind, self._model, self._counters_of
        assert kind is not None
        key_of, rows = self._key_of, self._rows
        width, counts = rows.width, rows.counts
        # Each key's row at this slot, found with one lookup: kept for the tally's one slot when buckets are
        # not kept apart, for the call when they are (a bucket's results are counted in one call).
        row_of = rows.rows_of_keys if slot == 0 else {}
        costs = kind == "costs" and not COUNTERS[kind] and not LEVELS.get(kind)  # money only
        waiting = rows.waiting
        for result in pending:
            if type(result) is not model or (counters_of is None and not costs):
                self._add(result, slot, start)  # a level, or a result of another kind
                counts = rows.counts
                continue
            key = key_of(result)
            row = row_of.get(key)
            if row is None:
                row = row_of[key] = self._row(key, slot)
            if costs:
                rows.add_amount(row, result)
                continue
            values = counters_of(result)  # type: ignore[misc]
            if waiting is not None:
                self._wait_values(key, values)
                continue
            if None in values:
                rows.add(row, values)  # an optional counter the API left out: counted as missing
                counts = rows.counts
                continue
            base = at = row * width
            try:
                for at, value in enumerate(values, base):
                    counts[at] += value
            except OverflowError:
                # A sum beyond 64 bits (`at` is where it stopped): from here on the counters are Python ints.
                counts = rows.counts = _widened(counts)
                for field in range(at, base + width):
                    counts[field] += values[field - base]
        # The buckets seen matter only to levels, whose results all go through `_add`, which notes them.

    def _row(self, key: GroupKey, slot: int) -> int:
        """The row of a group at a slot, made if new."""
        number = self._key_numbers.get(key)
        if number is None:
            number = self._number(key)
        place = number * _SPAN + slot
        row = self._rows.index.get(place)
        return self._rows.add_row(place) if row is None else row

    def _wait(self, results: list[ApiModel]) -> None:
        """Count results of the tally's model (no other type), of a kind with counters alone, buckets not kept
        apart: each result's counters join its group's in `_Rows.waiting`, a few thousand results at a time."""
        rows = self._rows
        waiting, rows_of_keys = rows.waiting, rows.rows_of_keys
        key_in, counters_in = self._key_in, self._counters_in
        assert waiting is not None
        assert counters_in is not None
        try:
            for begin in range(0, len(results), rows.batch):
                some = results[begin : begin + rows.batch]
                for fields in map(vars, some):
                    values = counters_in(fields)
                    key = key_in(fields)
                    try:
                        waiting[key].extend(values)
                    except KeyError:
                        if key not in rows_of_keys:
                            rows_of_keys[key] = self._row(key, 0)
                        waiting[key] = list(values)
                rows.waited += len(some)
                if rows.waited >= rows.batch:
                    rows.settle()
        except KeyError as error:  # only a model made without validation can lack a declared field
            raise AttributeError(f"{self._model and self._model.__name__} result has no field {error}") from None

    def _wait_values(self, key: GroupKey, values: tuple[Any, ...]) -> None:
        waiting = self._rows.waiting
        assert waiting is not None
        held = waiting.get(key)
        if held is None:
            waiting[key] = list(values)
        else:
            held.extend(values)
        self._rows.waited += 1
        if self._rows.waited >= self._rows.batch:
            self._rows.settle()

    def add_result(self, result: ApiModel, bucket_start: datetime | None = None) -> None:
        """Count one result; `bucket_start` tells buckets apart when tallying per bucket, and for levels."""
        bucket = None if bucket_start is None else bucket_time(bucket_start)
        self._add(result, self._slot(bucket), bucket)

    def _add(self, result: ApiModel, slot: int, bucket: int | None) -> None:
        kind = _kind_of(result)
        if kind.name != self.kind:
            if self.kind is not None:
                raise ValueError(
                    f"this tally counts {self.kind} results, not {kind.name}: "
                    "use UsageSummary or totals_per_kind for several kinds"
                )
            self._set_kind(kind)
        self._rows.add_result(self._row(self._key_of(result), slot), result, bucket)
        self._buckets.add(bucket)

    def add_in_bucket(self, result: ApiModel, bucket: UsageTimeBucket[Any]) -> None:
        """Count one result of `bucket`."""
        self._add(result, self._slot(bucket.start_time), bucket.start_time)

    def add_bucket(self, bucket: UsageTimeBucket[Any]) -> None:
        """Count every result of one bucket.

        Raises `ValueError` when tallying per bucket and the bucket's start is beyond the calendar.
        """
        slot = self._slot(bucket.start_time)
        self._buckets.add(bucket.start_time)
        for result in bucket.results:
            self._add(result, slot, bucket.start_time)

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
                self._add(result, self._slot(where.start_time), where.start_time)
            elif isinstance(where, TimedResult):
                self.add_result(result, where.start)
            else:
                self._add(result, 0, None)

    @property
    def total(self) -> Totals:
        """The totals over everything counted so far."""
        return self._rows.total(self.kind or "images", self._buckets)

    def groups(self) -> list[GroupTotals]:
        """One entry per group, largest first (by the kind's counters in field order, then money), then
        by bucket start."""
        return list(self.iter_groups())

    def iter_groups(self, *, by_time: bool = False) -> Iterator[GroupTotals]:
        """The entries of `groups()`, in the same order, each built only when it is reached: for
        tallies of very many groups (per bucket), where the whole list would not fit in memory.

        `by_time=True` gives them by bucket start instead (groups counted without a bucket first), largest
        first within a bucket, sorting one bucket's groups at a time: a series per bucket in time order.
        """
        kind = self.kind or "images"
        rows = self._rows
        if by_time:
            for slot, places in rows.by_slot():
                buckets = self._buckets_at(slot)
                start = _slot_start(slot)
                places.sort(key=lambda place: rows.rank(rows.index[place], kind, buckets, start), reverse=True)
                moment = None if start is None else utc_datetime(start)
                for place in places:
                    yield self._group(place, moment, kind, buckets)
            return
        places = list(rows.index)
        places.sort(key=lambda place: _slot_start(place % _SPAN) or 0)  # no bucket sorts with the epoch
        places.sort(key=lambda place: self._rank(place, kind), reverse=True)
        for place in places:
            start = _slot_start(place % _SPAN)
            moment = None if start is None else utc_datetime(start)
            yield self._group(place, moment, kind, self._buckets_at(place % _SPAN))

    def _group(self, place: int, moment: datetime | None, kind: KindName, buckets: Iterable[int | None]) -> GroupTotals:
        own = _slot_start(place % _SPAN)
        row = self._rows.index[place]
        totals = self._rows.totals(row, kind, buckets, own)
        if self._rows.quantities is None:
            return GroupTotals(self._keys[place // _SPAN], moment, totals)
        return GroupTotals(self._keys[place // _SPAN], moment, totals, MappingProxyType(self._rows.quantities_of(row)))

    def _rank(self, place: int, kind: KindName) -> tuple[Any, ...]:
        slot = place % _SPAN
        return self._rows.rank(self._rows.index[place], kind, self._buckets_at(slot), _slot_start(slot))

    def _buckets_at(self, slot: int) -> Iterable[int | None]:
        """The buckets whose levels a group's totals show: its own, or every bucket seen for no bucket."""
        return self._buckets if slot == 0 else {_slot_start(slot)}

    def group_keys(self) -> Iterator[GroupKey]:
        """The values of the grouping fields of each group, in the order first counted."""
        for place in self._rows.index:
            yield self._keys[place // _SPAN]


def _item_getter(fields: Sequence[str]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """A function from a dict to the tuple of these keys' values, in C (`operator.itemgetter`)."""
    if len(fields) > 1:
        return itemgetter(*fields)
    if len(fields) == 1:
        (field,) = fields
        return lambda values: (values[field],)
    return lambda _: ()


def _getter(fields: Sequence[str]) -> Callable[[object], tuple[Any, ...]]:
    """A function from an object to the tuple of these attributes, in C (`operator.attrgetter`)."""
    if len(fields) > 1:
        return attrgetter(*fields)
    if len(fields) == 1:
        (field,) = fields
        return lambda result: (getattr(result, field),)
    return lambda _: ()


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
