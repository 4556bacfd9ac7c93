"""Working with usage data: time windows, totals of every kind, grouping, records, and combining the pages of a listing.

The functions here take what is at hand: a page (`UsageResponse`), a combined listing (`UsageListing`),
one bucket, or any iterable of pages, buckets, results or `TimedResult`s. Each of them, and every `add`
method, reads its source with `_walk` and counts with `UsageTally.add_results`: one way to count, so an
empty bucket, a level or a missing counter means the same through every door.
"""

from __future__ import annotations

import decimal
import operator
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from functools import reduce
from itertools import chain, groupby
from operator import attrgetter
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Generic, TypeAlias, TypeVar, Union, cast, get_args

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

_T = TypeVar("_T")
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


_Buckets: TypeAlias = (
    "UsageResponse[ResultT] | UsageListing[ResultT] | UsageTimeBucket[ResultT] | Iterable[UsageTimeBucket[ResultT]]"
)


def iter_results(source: _Buckets[ResultT]) -> Iterator[TimedResult[ResultT]]:
    """Every result, in order, with its bucket's time window.

    Pass a page, a combined listing, one bucket, or buckets (`page.data`, `listing.buckets`).
    Raises `ValueError` for a bucket time beyond the calendar.
    """
    for start, end, results in _walk(source):
        if start is None or end is None:
            raise TypeError("iter_results reads buckets: a result given without its bucket has no time window")
        if results:  # the window made once for the bucket's results
            window = utc_datetime(start), utc_datetime(end)
            for result in results:
                yield TimedResult(*window, cast("ResultT", result))


def _walk(source: object) -> Iterator[tuple[int | None, int | None, Sequence[ApiModel]]]:
    """The results of `source`, bucket by bucket: each bucket's start and end (Unix seconds; `None` for a
    result given without its bucket) and its results. An empty bucket comes too: it says nothing was used."""
    # The casts give the type arguments pyright cannot infer from isinstance; mypy already has them.
    if isinstance(source, UsageTimeBucket):
        bucket = cast("UsageTimeBucket[ApiModel]", source)
        yield bucket.start_time, bucket.end_time, bucket.results
    elif isinstance(source, UsageResponse):
        yield from _walk(cast("UsageResponse[Any]", source).data)  # type: ignore[redundant-cast]
    elif isinstance(source, UsageListing):
        yield from _walk(cast("UsageListing[Any]", source).buckets)  # type: ignore[redundant-cast]
    elif isinstance(source, TimedResult):
        timed = cast("TimedResult[ApiModel]", source)
        yield bucket_time(timed.start), bucket_time(timed.end), (timed.result,)
    elif isinstance(source, ApiModel):
        yield None, None, (source,)
    elif isinstance(source, Iterable) and not isinstance(source, (str, bytes, bytearray, Mapping)):
        for item in cast("Iterable[object]", source):
            yield from _walk(item)
    else:  # text or a mapping is a likely mistake to name rather than walk
        name = type(cast(object, source)).__name__  # type: ignore[redundant-cast]
        raise TypeError(
            f"cannot read usage from {name}: pass a page, a listing, buckets or results "
            "(parse JSON with UsageResponse.from_json first)"
        )


def _kind_of(result: ApiModel) -> ResultKind:
    kind = KIND_BY_OBJECT.get(getattr(result, "object", None))  # type: ignore[arg-type]
    if kind is None:
        raise ValueError(f"cannot count a result of unknown kind {getattr(result, 'object', type(result).__name__)!r}")
    return kind


LEVELS: Final[Mapping[KindName, tuple[str, ...]]] = MappingProxyType({"vector_stores": ("usage_bytes",)})
"""Fields that measure a level at each bucket (bytes stored) rather than count what happened in it.

A level adds up across the groups of one bucket, never across buckets: totals report its latest and
its peak value instead."""


def _counts(annotation: object) -> bool:
    """Whether a field's annotation, as pydantic gives it, is an integer or an optional one."""
    return annotation is int or annotation == int | None


COUNTERS: Final[Mapping[KindName, tuple[str, ...]]] = MappingProxyType(
    {
        name: tuple(
            field
            for field, info in kind.model.model_fields.items()
            if _counts(info.annotation) and field not in LEVELS.get(name, ())
        )
        for name, kind in KINDS.items()
    }
)
"""Each kind's counters, in field order: its integer fields, which add up across results and buckets.
Costs have none: their totals are money, per currency."""

# Addition with as many digits as it takes: a sum of money is exact or an error, never rounded.
_MONEY: Final = decimal.Context(prec=decimal.MAX_PREC, traps=[decimal.Inexact, decimal.InvalidOperation])
_ZERO: Final = Decimal(0)


def _add_into(
    target: dict[Any, Any], source: Mapping[Any, Any], add: Callable[..., Any] = operator.add
) -> dict[Any, Any]:
    """`target`, with each value of `source` added to the value of its key (or set, for a new key)."""
    for key, value in source.items():
        target[key] = add(target[key], value) if key in target else value
    return target


def exact_decimal(value: int | float) -> Decimal:
    """A JSON number as the decimal it was written as: `0.1` is `Decimal('0.1')`, not the binary float's
    `0.1000000000000000055511151231257827...`. A float's shortest representation reads back as the same float,
    so it is the number the server sent, as far as a double holds it: JSON text of more than 17 significant
    digits reaches the models already rounded to the nearest double (docs/costs.md)."""
    return Decimal(repr(value) if isinstance(value, float) else value)


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
        buckets = self.by_bucket
        return buckets[max(buckets, key=lambda bucket: (bucket is not None, bucket or 0))] if buckets else None

    @property
    def peak(self) -> int | None:
        """The highest level of any bucket counted, or `None` if none was."""
        return max(self.by_bucket.values(), default=None)

    def __add__(self, other: object) -> Level:
        if not isinstance(other, Level):
            return NotImplemented
        return Level(MappingProxyType(_add_into(dict(self.by_bucket), other.by_bucket)))

    def __hash__(self) -> int:  # equal levels (the dataclass's `==`) hash alike; a mapping cannot be hashed
        return hash(frozenset(self.by_bucket.items()))

    def __reduce__(self) -> tuple[Any, ...]:  # a read-only view does not pickle: its mapping does, viewed again
        return (_viewed, (Level, dict(self.by_bucket)))

    def __repr__(self) -> str:
        return f"Level(latest={self.latest}, peak={self.peak})"


@dataclass(frozen=True, init=False, repr=False)  # frozen, and equal when every part is
class Totals:
    """The totals of results of one kind: its counters summed, costs per currency, levels at latest and peak.

    `Totals(images=12, num_model_requests=9)` (the kind defaults to images), or
    `Totals(kind="completions", input_tokens=5, output_tokens=2, num_model_requests=1)`; counters may also
    be given positionally, in field order. Counters read from `counts` (`totals.counts["images"]`), or as
    attributes (`totals.images`), which type checkers do not know.
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
        _fill(
            self,
            kind,
            {name: given.get(name, 0) for name in names},
            dict(sorted((amounts or {}).items())),
            {name: (levels or {}).get(name, Level(MappingProxyType({}))) for name in LEVELS.get(kind, ())},
            {name: count for name, count in (missing or {}).items() if count},
        )

    if not TYPE_CHECKING:  # typed code reads `counts[name]`: an attribute would type-check under any name

        def __getattr__(self, name: str) -> int:
            try:
                counts: Mapping[str, int] = object.__getattribute__(self, "counts")
                return counts[name]
            except (KeyError, AttributeError):
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}") from None

    def __reduce__(self) -> tuple[Any, ...]:  # the mappings are read-only views, which do not pickle
        return (_fill, (None, self.kind, *map(dict, (self.counts, self.amounts, self.levels, self.missing))))

    def __hash__(self) -> int:
        return hash((self.kind, *self.counts.values(), frozenset(self.amounts.items())))

    def __add__(self, other: object) -> Totals:
        if not isinstance(other, Totals):
            return NotImplemented
        if other.kind != self.kind:
            raise ValueError(f"cannot add {other.kind} totals to {self.kind} totals")
        return Totals(
            kind=self.kind,
            amounts=_add_into(dict(self.amounts), other.amounts, _MONEY.add),
            levels={name: level + other.levels[name] for name, level in self.levels.items()},
            missing=_add_into(dict(self.missing), other.missing),
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
        parts += [f"{name}={value!r}" for name, value in {**self.counts, **self.levels}.items()]
        if self.kind == "costs":
            parts.append(f"amounts={dict(self.amounts)!r}")
        if self.missing:
            parts.append(f"missing={dict(self.missing)!r}")
        return f"Totals({', '.join(parts)})"


def _fill(totals: Totals | None, kind: KindName, *parts: Mapping[Any, Any]) -> Totals:
    """`totals` (a new one for `None`) holding its counts, amounts, levels and missing counts, already whole and
    checked: every counter and level of the kind, amounts in currency order, only missing counts that are not
    zero. A tally makes one per group this way, without checking again."""
    totals = object.__new__(Totals) if totals is None else totals
    object.__setattr__(totals, "kind", kind)
    for name, part in zip(("counts", "amounts", "levels", "missing"), parts, strict=True):
        object.__setattr__(totals, name, MappingProxyType(part))
    return totals


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

    def __reduce__(self) -> tuple[Any, ...]:
        return (_viewed, (GroupTotals, dict(self.quantities), self.values, self.bucket_start, self.totals))


def _viewed(cls: Callable[..., _T], mapping: dict[Any, Any], *parts: object) -> _T:
    """`cls` made of `parts` and, last, a read-only view of `mapping`: how a level or group is unpickled."""
    return cls(*parts, MappingProxyType(mapping))


def _check_by(by: Sequence[GroupBy]) -> tuple[GroupBy, ...]:
    if isinstance(by, str):
        raise TypeError(f"by should be a sequence of field names, not the string {by!r}: write ({by!r},)")
    unknown = [field for field in by if field not in ALL_GROUP_BY_FIELDS]
    if unknown:
        raise ValueError(f"cannot group by {unknown[0]!r}: choose from {', '.join(ALL_GROUP_BY_FIELDS)}")
    return tuple(dict.fromkeys(by))


def _getter(fields: Sequence[str]) -> Callable[[object], tuple[Any, ...]]:
    """A function from an object to the tuple of these attributes, in C (`operator.attrgetter`)."""
    if len(fields) > 1:
        return attrgetter(*fields)
    if len(fields) == 1:
        (field,) = fields
        return lambda result: (getattr(result, field),)
    return lambda _: ()


_FIRST_TIME: Final = bucket_time(datetime.min.replace(tzinfo=timezone.utc))
_LAST_TIME: Final = bucket_time(datetime.max.replace(tzinfo=timezone.utc))
_SPAN: Final = 1 << 39  # more than the seconds from year 1 to 9999: a row's place holds its key's number and slot
_WAITING: Final = 1 << 15  # the most counters waiting to be added up: 2,184 results of 15 counters, 16,384 of 2
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


def _slot_of(place: int) -> int:
    return place % _SPAN


def _held(columns: Mapping[Any, list[Decimal | None]], row: int) -> dict[Any, Decimal]:
    return {name: held for name, column in columns.items() if (held := column[row]) is not None}


class UsageTally:
    """Adds up results of one kind as they arrive, grouped by any of that kind's group-by fields.

    It keeps one running total per group, never the results themselves, so a listing of any
    length can be tallied one document at a time. The kind is given, or taken from the first result
    (images when nothing was counted); a result of another kind raises `ValueError`.

    Tallied per bucket, each group's buckets are told apart by their start in whole seconds (as the API
    gives them), and `GroupTotals.bucket_start` is that second in UTC.
    """

    # The running totals are kept in columns. A group (a group and bucket, per bucket) is a row, numbered in
    # the order first counted; `_index` finds it at its place: its key's number times `_SPAN` plus its
    # bucket's slot. A row's counters are `_width` consecutive entries of `_counts`: per bucket (many rows)
    # machine integers until a sum outgrows 64 bits, then Python ints; otherwise (few rows) Python ints. The
    # rest only where the kind and row need it: missing-field counts (a byte per field and row, once a
    # field is missing, widened as needed), money (costs: a column of exact sums per currency, and per
    # quantity unit when asked) and levels (vector stores: a dict per row of the level at each bucket).

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
        self._key_of = _getter(self.by)
        self._numbers: dict[GroupKey, int] = {}
        self._keys: list[GroupKey] = []
        # Every bucket seen, empty ones included, by the slot its results are counted in (0 when buckets are not
        # kept apart): a group absent from a bucket held a level of 0 then.
        self._buckets: dict[int, set[int | None]] = {}
        self._set_kind(KINDS[kind or "images"], given=kind is not None)

    def _set_kind(self, kind: ResultKind, given: bool = True) -> None:
        """Counting results of `kind` (not yet `given`: images until the first result): empty columns."""
        refused = [field for field in self.by if field not in kind.group_by]
        if refused and given:
            raise ValueError(
                f"{kind.name} results cannot be grouped by {refused[0]!r}: choose from {', '.join(kind.group_by)}"
            )
        self.kind = kind.name if given else None
        self._model = kind.model
        counters = COUNTERS[kind.name]
        self._counters_of = _getter(counters)
        self._width = len(counters)
        self._level_names: tuple[str, ...] = LEVELS.get(kind.name, ())
        # Every field a result may lack, in the order their absence is counted.
        self._fields: tuple[str, ...] = (*counters, *self._level_names, *(("amount",) if kind.name == "costs" else ()))
        self._index: dict[int, int] = {}
        self._rows_at_0: dict[GroupKey, int] = {}  # levels and money
        self._waiting_at_0: dict[GroupKey, list[int | None]] = {}  # counters, until added up
        self._counts: _Numbers = array("q") if self.per_bucket else []
        self._waiting: defaultdict[int, list[int | None]] = defaultdict(list)
        self._waited = 0
        self._missing: _Numbers | None = None
        # The fields a row lacks, by index in `_fields`, in the order first lacked: only where not field order.
        self._missing_order: dict[int, list[int]] = {}
        self._amounts: dict[str, list[Decimal | None]] = {}
        self._quantities: dict[str | None, list[Decimal | None]] = {}
        self._levels: list[dict[int | None, int]] = []

    def add(self, source: UsageSource) -> None:
        """Count every result of a page, a listing, a bucket, or an iterable of any of these or of results.

        Raises `ValueError` when tallying per bucket and a bucket's start is beyond the calendar.
        """
        for start, _, results in _walk(source):
            self.add_results(results, start)

    add_page = add_bucket = add

    def add_result(self, result: ApiModel, bucket_start: datetime | None = None) -> None:
        """Count one result; `bucket_start` tells buckets apart when tallying per bucket, and for levels."""
        self.add_results((result,), None if bucket_start is None else bucket_time(bucket_start))

    def add_results(self, results: Iterable[ApiModel], start: int | None = None, *, bucket: int | None = None) -> None:
        """Count results that share one bucket (or one period of a time axis) starting at `start`, in Unix
        seconds; `None` for results without a time. Every other way to count comes here.

        `bucket` is the start of the bucket that holds them when `start` is a period's (a level is measured
        per bucket; default: `start`). No results at all still notes the bucket: it held a level of 0.
        Raises `ValueError` when tallying per bucket and `start` is beyond the calendar.
        """
        slot = _slot(start) if self.per_bucket else 0
        measured = start if bucket is None else bucket
        self._buckets.setdefault(slot, set()).add(measured)
        pending = iter(results)
        if self.kind is None:
            first = next(pending, None)
            if first is None:
                return
            self._set_kind(_kind_of(first))
            pending = chain((first,), pending)
        model, key_of, counters_of = self._model, self._key_of, self._counters_of
        if not self._width:  # levels or money (no kind has counters too), added result by result
            rows = self._rows_at_0 if slot == 0 else {}  # each key's row at this slot, found once
            for result in pending:
                if type(result) is not model:
                    self._check(result)
                key = key_of(result)
                row = rows.get(key)
                if row is None:
                    row = rows[key] = self._row(key, slot)
                if self._level_names:
                    self._add_levels(row, result, measured)
                else:
                    self._add_money(row, result)
            return
        # Tally batching: a result's counters join its row's list, and each field of a row is added up with one
        # `sum` (in C) every `_WAITING` counters, not one Python addition per counter: 11-13% of `summarize`'s
        # own work, 3.6-4.5% of the command (docs/benchmarks.md). Each key's list is found once per slot (at
        # slot 0, until added up): finding it by row for every result added a tenth to the tally's work.
        lists = self._waiting_at_0 if slot == 0 else {}
        waiting, waited, batch = self._waiting, self._waited, _WAITING // self._width
        for result in pending:
            if type(result) is not model:
                self._check(result)
            key = key_of(result)
            held = lists.get(key)
            if held is None:
                held = lists[key] = waiting[self._row(key, slot)]
            held.extend(counters_of(result))
            waited += 1
            if waited >= batch:
                self._settle()
                lists.clear()  # they were added up
                waited = 0
        self._waited = waited

    def _check(self, result: ApiModel) -> None:
        if _kind_of(result).name != self.kind:
            raise ValueError(
                f"this tally counts {self.kind} results, not {_kind_of(result).name}: "
                "use UsageSummary or totals_per_kind for several kinds"
            )

    def _row(self, key: GroupKey, slot: int) -> int:
        """The row of a group at a slot, made if new."""
        number = self._numbers.get(key)
        if number is None:
            number = self._numbers[key] = len(self._keys)
            self._keys.append(key)
        place = number * _SPAN + slot
        row = self._index.get(place)
        if row is not None:
            return row
        row = self._index[place] = len(self._index)
        self._counts.extend([0] * self._width)
        if self._missing is not None:
            self._missing.extend([0] * len(self._fields))
        if self._amounts or self._quantities:
            for column in chain(self._amounts.values(), self._quantities.values()):
                column.append(None)
        if self._level_names:
            self._levels.extend({} for _ in self._level_names)
        return row

    def _settle(self) -> None:
        """Add up the counters waiting, and count the fields they lack (`None`) in the order first lacked."""
        width, counts = self._width, self._counts
        for row, values in self._waiting.items():
            sums: list[int] = cast("list[int]", values)  # one result with every counter: as it is
            if len(values) > width or None in values:  # a loop: list comprehensions here cost 0.5% of `summarize`
                sums = []
                lacked: list[tuple[int, int, int]] = []  # where first lacked, the field, how many times
                for field in range(width):
                    column = values[field::width]
                    if None in column:
                        lacked.append((column.index(None), field, column.count(None)))
                    sums.append(sum(filter(None, column)))
                if lacked:
                    self._lacks(row, [(field, times) for _, field, times in sorted(lacked)])
            at = row * width
            for field, value in enumerate(sums, at):
                try:
                    counts[field] += value
                except OverflowError:  # a sum beyond 64 bits: from here on the counters are Python ints
                    counts = self._counts = cast("array[int]", counts).tolist()
                    counts[field] += value
        self._waiting.clear()
        self._waiting_at_0.clear()
        self._waited = 0

    def _lacks(self, row: int, lacked: Iterable[tuple[int, int]]) -> None:
        """Count, for each `(field, results)`, `results` results of `row` without a value for `_fields[field]`."""
        size = len(self._fields)
        missing = self._missing
        if missing is None:
            missing = self._missing = array("B", bytes(size * len(self._index)))
        at = row * size
        order = self._missing_order.get(row)
        for field, results in lacked:
            if not missing[at + field]:
                if order is not None:
                    order.append(field)
                elif any(missing[at + field + 1 : at + size]):
                    order = self._missing_order[row] = [*(index for index in range(size) if missing[at + index]), field]
            try:
                missing[at + field] += results
            except OverflowError:  # a byte a count until one needs more: then 32 bits, then Python ints
                held = missing[at + field] + results
                wide = isinstance(missing, array) and missing.typecode == "B" and held < 1 << 32
                missing = self._missing = array("I", missing) if wide else list(missing)
                missing[at + field] = held

    def _add_levels(self, row: int, result: ApiModel, bucket: int | None) -> None:
        for index, name in enumerate(self._level_names):
            value = getattr(result, name)
            if value is None:
                self._lacks(row, [(self._width + index, 1)])
            else:
                by_bucket = self._levels[row * len(self._level_names) + index]
                by_bucket[bucket] = by_bucket.get(bucket, 0) + value

    def _add_money(self, row: int, result: ApiModel) -> None:
        quantity = getattr(result, "quantity", None)
        if self.quantities and quantity is not None:
            self._add_exact(self._quantities, getattr(result, "quantity_unit", None), row, quantity)
        amount = getattr(result, "amount", None)
        if amount is None or amount.value is None or amount.currency is None:
            self._lacks(row, [(len(self._fields) - 1, 1)])
        else:
            self._add_exact(self._amounts, amount.currency, row, amount.value)

    def _add_exact(self, columns: dict[Any, list[Decimal | None]], name: object, row: int, value: int | float) -> None:
        column = columns.get(name)
        if column is None:  # the first of this currency or unit
            column = columns[name] = [None] * len(self._index)
        held = column[row]  # compared with None: a sum of 0.00 keeps its places, as the text of the money does
        column[row] = _MONEY.add(_ZERO if held is None else held, exact_decimal(value))

    @property
    def total(self) -> Totals:
        """The totals over everything counted so far."""
        self._settle()
        buckets = {bucket for seen in self._buckets.values() for bucket in seen}
        width, names = self._width, self._level_names
        levels: dict[str, Level] = {}
        for index, name in enumerate(names):  # at every bucket seen, summed over the rows
            merged = reduce(_add_into, self._levels[index :: len(names)], dict.fromkeys(buckets, 0))
            levels[name] = Level(MappingProxyType(merged))
        return Totals(
            *(sum(self._counts[field::width]) for field in range(width)),
            kind=self.kind or "images",
            amounts={
                currency: reduce(_MONEY.add, (amount for amount in column if amount is not None), _ZERO)
                for currency, column in self._amounts.items()
            },
            levels=levels,
            missing=self._missing_total(),
        )

    def _missing_total(self) -> dict[str, int]:
        """Each field's missing count over all rows, in the order of first appearance row after row."""
        missing = self._missing
        if missing is None:
            return {}
        size = len(self._fields)
        sums = {self._fields[index]: total for index in range(size) if (total := sum(missing[index::size]))}
        order: dict[str, None] = {}
        rows = iter(range(len(self._index)))
        while len(order) < len(sums):
            order.update(dict.fromkeys(self._row_missing(next(rows))))
        return {name: sums[name] for name in order}

    def _row_levels(self, place: int) -> dict[str, Level]:
        """A row's levels, 0 at each bucket of its slot (its group's or period's, empty ones too) where it had none."""
        names, buckets = self._level_names, self._buckets.get(_slot_of(place), ())
        first = self._index[place] * len(names)
        held = self._levels[first : first + len(names)]  # this row's, without copying the rows after it
        return {
            name: Level(MappingProxyType({bucket: at.get(bucket, 0) for bucket in {*buckets, *at}}))
            for name, at in zip(names, held, strict=True)
        }

    def _rank(self, place: int) -> tuple[Any, ...]:
        """Largest first: each counter in field order, levels at their peak, then money in each currency in name
        order (0 where the row has none of it): one currency is never added to another."""
        row = self._index[place]
        at = row * self._width
        rank = (*self._counts[at : at + self._width],)
        if self._level_names:
            rank += tuple(level.peak or 0 for level in self._row_levels(place).values())
        if self._amounts:
            rank += tuple(column[row] or _ZERO for _, column in sorted(self._amounts.items()))
        return rank

    def _group(self, place: int) -> GroupTotals:
        row = self._index[place]
        at = row * self._width
        start = _slot_start(_slot_of(place))
        totals = _fill(
            None,
            self.kind or "images",
            dict(zip(self._fields, self._counts[at : at + self._width], strict=False)),
            dict(sorted(_held(self._amounts, row).items())) if self._amounts else {},
            self._row_levels(place) if self._level_names else {},
            self._row_missing(row),
        )
        moment = None if start is None else utc_datetime(start)
        quantities = MappingProxyType(_held(self._quantities, row) if self._quantities else {})
        return GroupTotals(self._keys[place // _SPAN], moment, totals, quantities)

    def _row_missing(self, row: int) -> dict[str, int]:
        missing = self._missing
        if missing is None:
            return {}
        size = len(self._fields)
        at = row * size
        order = self._missing_order.get(row) or [index for index in range(size) if missing[at + index]]
        return {self._fields[index]: missing[at + index] for index in order}

    def groups(self) -> list[GroupTotals]:
        """One entry per group, largest first (by the kind's counters in field order, then levels at their
        peak, then money: by the amount in the first currency in name order, then in the next, never adding
        one currency to another), then by bucket start."""
        return list(self.iter_groups())

    def iter_groups(self, *, by_time: bool = False) -> Iterator[GroupTotals]:
        """The entries of `groups()`, in the same order, each built only when it is reached: for
        tallies of very many groups (per bucket), where the whole list would not fit in memory.

        `by_time=True` gives them by bucket start instead (groups counted without a bucket first), largest
        first within a bucket, sorting one bucket's groups at a time: a series per bucket in time order.
        """
        self._settle()
        runs: Iterable[tuple[object, Iterable[int]]] = (
            groupby(sorted(self._index, key=_slot_of), _slot_of)  # sorted stays in counted order
            if by_time
            else [(None, sorted(self._index, key=lambda place: _slot_start(_slot_of(place)) or 0))]  # none: the epoch
        )
        for _, places in runs:  # each run sorted largest first on its own
            yield from map(self._group, sorted(places, key=self._rank, reverse=True))

    def group_keys(self) -> Iterator[GroupKey]:
        """The values of the grouping fields of each group, in the order first counted."""
        return (self._keys[place // _SPAN] for place in self._index)


class UsageSummary:
    """Tallies results of every kind it is given, one `UsageTally` per kind present.

    `by=None` groups each kind by all of its group-by fields; otherwise each kind is grouped by those
    fields of `by` that its endpoint accepts (see each tally's `by`).
    """

    def __init__(self, by: Sequence[GroupBy] | None = None, *, per_bucket: bool = False) -> None:
        self.by: tuple[GroupBy, ...] | None = None if by is None else _check_by(by)
        self.per_bucket = per_bucket
        self._tallies: dict[KindName, UsageTally] = {}

    def _tally(self, kind: KindName) -> UsageTally:
        if kind not in self._tallies:
            accepted = KINDS[kind].group_by
            by: Sequence[GroupBy] = accepted if self.by is None else [field for field in self.by if field in accepted]
            self._tallies[kind] = UsageTally(by, per_bucket=self.per_bucket, kind=kind)
        return self._tallies[kind]

    def add_result(self, result: ApiModel, bucket_start: datetime | None = None) -> None:
        """Count one result; `bucket_start` as for `UsageTally.add_result`."""
        self._tally(_kind_of(result).name).add_result(result, bucket_start)

    def add(self, source: UsageSource) -> None:
        """Count every result of a page, a listing, a bucket, or an iterable of any of these or of results.

        An empty bucket belongs to the kinds of the results given with it (in the same call), as a tally of
        one kind counts every bucket it is given: a level is 0 there. Given with no results, it says
        nothing of its kind and is left out."""
        empty: list[int | None] = []
        given: dict[KindName, UsageTally] = {}
        for start, _, results in _walk(source):
            for kind, some in groupby(results, _kind_of):  # a run of one kind at a time
                given[kind.name] = self._tally(kind.name)
                given[kind.name].add_results(some, start)
            if not results:
                empty.append(start)
        for tally in given.values():
            for start in empty:
                tally.add_results((), start)

    add_page = add_bucket = add

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
    for start, end, results in _walk(source):
        if not results:
            continue
        window = {
            "bucket_start": None if start is None else utc_datetime(start),
            "bucket_end": None if end is None else utc_datetime(end),
        }
        for result in results:
            record: dict[str, Any] = window.copy()
            for name in type(result).model_fields:
                value = getattr(result, name)
                if name != "amount":
                    record[name] = value
                    continue
                exact = None if value is None or value.value is None else exact_decimal(value.value)
                record.update({"amount.value": exact, "amount.currency": None if value is None else value.currency})
            records.append(record)
    return records
