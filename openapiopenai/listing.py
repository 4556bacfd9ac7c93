"""One listing out of many pages: buckets in time order, none twice, no holes, nothing left to fetch.

A listing is what one request to a usage endpoint returns over all its pages: buckets of time that
follow each other without gaps. Pages saved to files come back in any order, sometimes twice,
sometimes with one missing; `ListingCheck` takes buckets in whatever order they are read, keeps only
their times and where they came from, and at the end says what period they cover and whether they
are one whole listing. `combine_pages` does the same for pages held in memory.

Times are Unix seconds throughout, as in the API; `utc_text` writes one for people.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, MutableSequence, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from itertools import compress
from typing import Generic, Literal, TypeAlias

from openapiopenai.models import ResultT, UsageResponse, UsageTimeBucket

Every = Literal["bucket", "day", "week", "month"]  # each bucket as it came, or UTC days, weeks (from Monday), months

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_SECOND = timedelta(seconds=1)
_DAY = 86_400


def utc_text(seconds: int) -> str:
    """A time as ISO 8601 in UTC, `2024-11-01T00:00:00Z` (the Unix seconds themselves if no date can hold them)."""
    try:
        return (_EPOCH + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")
    except OverflowError:
        return str(seconds)


def period_start(seconds: int, every: Literal["day", "week", "month"]) -> int:
    """The start of the UTC calendar day, week (Monday) or month holding a time.

    Raises `ValueError` for a time outside the years 1 to 9999.
    """
    day = _date(seconds - seconds % _DAY)
    if every == "week":
        day -= timedelta(days=day.weekday())
    elif every == "month":
        day = day.replace(day=1)
    return (day - _EPOCH) // _SECOND


def next_period(start: int, every: Literal["day", "week", "month"]) -> int:
    """The start of the period after the one starting at `start` (a value of `period_start`)."""
    if every != "month":
        return start + (_DAY if every == "day" else 7 * _DAY)
    day = _date(start)
    following = day.replace(year=day.year + 1, month=1) if day.month == 12 else day.replace(month=day.month + 1)
    return (following - _EPOCH) // _SECOND


def _date(seconds: int) -> datetime:
    try:
        return _EPOCH + timedelta(seconds=seconds)
    except OverflowError:
        raise ValueError(f"{seconds} is out of range for a date (years 1 to 9999)") from None


@dataclass(frozen=True, slots=True)
class BucketPlace:
    """A bucket's time window and where it was read: `where` names the document that held it (a file name,
    `file:line`, or `page 2`), `path` its place inside that document (`data.3`; empty for a bucket given on
    its own)."""

    start: int
    end: int
    where: str
    path: str

    def __str__(self) -> str:
        return f"{self.where} ({self.path})" if self.path else self.where


@dataclass(frozen=True)
class Repeated:
    """The same bucket (same kind, same start) read twice; or a run of `count` such buckets, one after another,
    read from the same two documents (two exports of overlapping periods), `last` the run's last bucket in both
    places (`None` for a single bucket)."""

    first: BucketPlace
    second: BucketPlace
    last: tuple[BucketPlace, BucketPlace] | None = None
    count: int = 1

    def __str__(self) -> str:
        if self.last is None:
            return f"the bucket starting {utc_text(self.first.start)} is in {self.first} and again in {self.second}"
        first, second = self.last
        return (
            f"the {self.count} buckets from {utc_text(self.first.start)} to {utc_text(first.end)} are in"
            f" {self.first.where} ({_paths(self.first, first)}) and again in {self.second.where}"
            f" ({_paths(self.second, second)})"
        )


def _paths(first: BucketPlace, last: BucketPlace) -> str:
    return f"{first.path} to {last.path}" if first.path or last.path else "given on their own"


def _extends(run: Repeated, first: BucketPlace, second: BucketPlace) -> bool:
    """Whether a repeated bucket continues a run: the next bucket in time, from the same two documents."""
    end = (run.last or (run.first, run.second))[0].end
    return first.where == run.first.where and second.where == run.second.where and first.start == end


@dataclass(frozen=True)
class Overlapping:
    """Two buckets with different starts whose time windows overlap: pieces of two different listings."""

    first: BucketPlace
    second: BucketPlace

    def __str__(self) -> str:
        return f"{_bucket(self.second)} overlaps {_bucket(self.first)}"


def _bucket(place: BucketPlace) -> str:
    return f"the bucket {utc_text(place.start)} to {utc_text(place.end)} in {place}"


@dataclass(frozen=True)
class Backwards:
    """A bucket that ends at or before its start."""

    bucket: BucketPlace

    def __str__(self) -> str:
        place = self.bucket
        return f"the bucket in {place} ends ({utc_text(place.end)}) at or before its start ({utc_text(place.start)})"


@dataclass(frozen=True)
class Cut:
    """A bucket that a boundary of the period asked for falls inside: it cannot be split."""

    bucket: BucketPlace
    at: int

    def __str__(self) -> str:
        boundary = f"{utc_text(self.at)}, a boundary of the period asked for"
        return f"{_bucket(self.bucket)} contains {boundary}, and cannot be split"


@dataclass(frozen=True)
class Missing:
    """A hole: no bucket covers this range, which lies between buckets or inside the period asked for; `before`
    is the bucket that ends where the hole starts, `after` the one that starts where it ends, if any."""

    start: int
    end: int
    before: BucketPlace | None
    after: BucketPlace | None

    def __str__(self) -> str:
        text = f"no buckets from {utc_text(self.start)} to {utc_text(self.end)}"
        if self.before is not None and self.after is not None:
            return f"{text}, between {self.before} and {self.after}: a page is missing"
        if self.before is not None:
            return f"{text}, after {self.before}: the period asked for goes on past the data"
        if self.after is not None:
            return f"{text}, before {self.after}: the period asked for starts before the data"
        return f"{text}: the period asked for holds no buckets"


@dataclass(frozen=True)
class Outside:
    """A period open at one end (only `since`, or only `until`) that none of the kind's buckets lies in; `nearest`
    is the latest bucket (when the period starts after the data) or the earliest (when it ends before it)."""

    since: int | None
    until: int | None
    nearest: BucketPlace

    def __str__(self) -> str:
        place = self.nearest
        if self.until is None:
            return f"no buckets from {utc_text(self.since or 0)} on: the data ends at {utc_text(place.end)}, in {place}"
        return f"no buckets before {utc_text(self.until)}: the data starts at {utc_text(place.start)}, in {place}"


@dataclass(frozen=True)
class Unfinished:
    """The page that holds the latest bucket says `has_more: true`: pages after it (after the end of the latest
    bucket, if any) were not read."""

    where: str
    next_page: str | None
    after: int | None

    def __str__(self) -> str:
        after = f" after {utc_text(self.after)}" if self.after is not None else ""
        cursor = "null" if self.next_page is None else f'"{self.next_page}"'
        return f"{self.where} says has_more: true: the pages{after} were not read (next_page: {cursor})"


# Why the buckets cannot be one listing (counting them would count something twice or in part), and why a
# listing is incomplete (counting it would leave something out).
Problem: TypeAlias = Repeated | Overlapping | Backwards | Cut
Gap: TypeAlias = Missing | Outside | Unfinished


@dataclass(frozen=True)
class ListingReport:
    """What the buckets of one kind cover, and whether they are one whole listing: from `start`, the start of
    the earliest bucket or of the period asked for (`None` with no buckets), to `end`, the end of the latest
    bucket or of the period (exclusive); `widths` holds the distinct bucket widths in seconds, smallest first."""

    kind: str
    start: int | None
    end: int | None
    buckets: int
    pages: int
    results: int
    widths: tuple[int, ...]
    problems: tuple[Problem, ...]
    gaps: tuple[Gap, ...]

    @property
    def complete(self) -> bool:
        """True when nothing is missing: no hole, and no page left to fetch."""
        return not self.gaps

    def describe(self) -> str:
        """The period and what covers it: `2024-11-01 to 2024-11-15 UTC, 14 buckets of 1 day, 2 pages`."""
        parts = [count_of(self.buckets, "bucket") + (f" of {_widths(self.widths)}" if self.widths else "")]
        if self.pages:
            parts.append(count_of(self.pages, "page"))
        parts.append(count_of(self.results, "result"))
        if self.start is None or self.end is None:
            return ", ".join(parts)
        return f"{moment_text(self.start)} to {moment_text(self.end)} UTC, {', '.join(parts)}"


def moment_text(seconds: int) -> str:
    """`2024-11-01` at midnight, else `2024-11-01 12:00:00`: a time in UTC, shorter than `utc_text`."""
    text = utc_text(seconds)
    return text[:10] if text.endswith("T00:00:00Z") else text.removesuffix("Z").replace("T", " ")


def _widths(widths: tuple[int, ...]) -> str:
    if len(widths) == 1:
        return duration_text(widths[0])
    return f"{duration_text(widths[0])} to {duration_text(widths[-1])}"


def duration_text(seconds: int) -> str:
    """`1 day`, `6 hours`: in the largest unit that divides it."""
    for unit, size in (("day", _DAY), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            return count_of(seconds // size, unit)
    return count_of(seconds, "second")


def count_of(number: int, noun: str) -> str:
    """`1 bucket`, `2 buckets`."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


@dataclass
class _Kind:
    """The buckets of one kind so far, as columns of machine integers rather than an object per bucket (a long
    listing has hundreds of thousands of buckets); times beyond 64 bits, which only hostile input has, turn the
    time columns into lists."""

    starts: MutableSequence[int] = field(default_factory=lambda: array("q"))
    ends: MutableSequence[int] = field(default_factory=lambda: array("q"))
    pages: MutableSequence[int] = field(default_factory=lambda: array("q"))  # -1: not on a page
    inside: bytearray = field(default_factory=bytearray)
    wheres: list[str] = field(default_factory=list[str])
    paths: list[str] = field(default_factory=list[str])
    results: int = 0

    def add(self, other: _Kind) -> None:
        size = len(self.starts)
        try:
            self.starts.extend(other.starts)
            self.ends.extend(other.ends)
        except OverflowError:  # beyond 64 bits
            self.starts, self.ends = [*self.starts[:size], *other.starts], [*self.ends[:size], *other.ends]
        self.pages.extend(other.pages)
        self.inside += other.inside
        self.wheres += other.wheres
        self.paths += other.paths
        self.results += other.results

    def place(self, index: int) -> BucketPlace:
        return BucketPlace(self.starts[index], self.ends[index], self.wheres[index], self.paths[index])

    def latest(self, indices: Iterable[int]) -> int | None:
        """Of the buckets that end after they start, the one that ends last (of two, the later in `indices`)."""
        starts, ends, latest = self.starts, self.ends, None
        for index in indices:
            if ends[index] > starts[index] and (latest is None or ends[index] >= ends[latest]):
                latest = index
        return latest


@dataclass
class _Page:
    where: str
    has_more: bool
    next_page: str | None
    kinds: set[str | None] = field(default_factory=set[str | None])  # of its buckets
    inside: set[str | None] = field(default_factory=set[str | None])  # of its buckets in the period

    def counts_in(self, kind: str, kinds: set[str | None]) -> bool:
        """Whether the page is one of a kind's listing (`kinds`: the kind, and `None` for the buckets of no known
        kind if they are taken in): a page without buckets has no kind of its own, and belongs to every listing."""
        return not self.kinds or kind in self.inside or (None in self.inside & kinds and kind not in self.kinds)


class ListingCheck:
    """Collects buckets in any order, per kind of result, and checks them as one listing each.

    `since` and `until` (Unix seconds, `until` exclusive) limit the period: a bucket outside it is
    left out (`add_bucket` returns False), and a bucket a boundary falls inside is a `Cut` problem.
    The period asked for must then be covered from `since` to `until`.
    """

    def __init__(self, since: int | None = None, until: int | None = None) -> None:
        self.since, self.until = since, until
        self._kinds: dict[str | None, _Kind] = {}
        self._pages: list[_Page] = []

    def add_page(self, page: UsageResponse[ResultT], where: str, kind: str, path: str = "") -> list[bool]:
        """Note a page and each of its buckets; the list says which buckets lie in the period."""
        number = self.start_page(page.has_more, page.next_page, where)
        paths = [f"{path}{'.' if path else ''}data.{index}" for index in range(len(page.data))]
        return self.add_buckets(page.data, where, kind, paths, page=number)

    def start_page(self, has_more: bool, next_page: str | None, where: str) -> int:
        """Note a page; its buckets follow with `page=` the number returned."""
        self._pages.append(_Page(where, has_more, next_page))
        return len(self._pages) - 1

    def add_bucket(
        self, bucket: UsageTimeBucket[ResultT], where: str, kind: str | None, path: str = "", *, page: int | None = None
    ) -> bool:
        """Note one bucket; True when it lies in the period and its results should be counted.

        `kind` `None` is a bucket whose kind cannot be told (it holds no results, nor does its
        document): `report(kind, include_unknown=True)` counts it in that kind's listing.
        """
        return self.add_buckets([bucket], where, kind, [path], page=page)[0]

    def add_buckets(
        self,
        buckets: Sequence[UsageTimeBucket[ResultT]],
        where: str,
        kind: str | None,
        paths: Sequence[str],
        *,
        page: int | None = None,
        results: Sequence[int] | None = None,
    ) -> list[bool]:
        """Note buckets of one document, as `add_bucket` notes each, in one step; which lie in the period.
        `results` is how many of each bucket's results are of this kind (default: all of them)."""
        count = len(buckets)
        if len(paths) != count:
            raise ValueError(f"{count} buckets and {len(paths)} paths")
        if not buckets:
            return []  # a page without buckets has no kind of its own: it belongs to every listing
        starts = [bucket.start_time for bucket in buckets]
        ends = [bucket.end_time for bucket in buckets]
        since, until = self.since, self.until
        inside = [True] * count
        if since is not None or until is not None:
            pairs = zip(starts, ends, strict=True)
            inside = [(since is None or s >= since) and (until is None or e <= until) for s, e in pairs]
        if page is not None:
            self._pages[page].kinds.add(kind)
            if any(inside):
                self._pages[page].inside.add(kind)
        numbers = array("q", [-1 if page is None else page]) * count
        counts = [len(bucket.results) for bucket in buckets] if results is None else results
        added = _Kind(
            starts, ends, numbers, bytearray(inside), [where] * count, list(paths), sum(compress(counts, inside))
        )
        self._kinds.setdefault(kind, _Kind()).add(added)
        return inside

    @property
    def pages(self) -> int:
        """How many pages were noted so far; the last one is numbered one less."""
        return len(self._pages)

    @property
    def kinds(self) -> list[str]:
        """The kinds seen so far, in the order first seen (not counting buckets of no known kind)."""
        return [kind for kind in self._kinds if kind is not None]

    def spans(self, kind: str | None) -> list[tuple[int, int]]:
        """The start and end of each bucket of a kind (`None`: of no known kind) that lies in the period."""
        state = self._kinds.get(kind, _Kind())
        return list(compress(zip(state.starts, state.ends, strict=True), state.inside))

    def unknown(self) -> list[str]:
        """Where the buckets of no known kind were read, each place once."""
        return list(dict.fromkeys(self._kinds[None].wheres)) if None in self._kinds else []

    def report(self, kind: str, *, include_unknown: bool = False) -> ListingReport:
        """The period, problems and gaps of one kind's buckets (and of those of no known kind, if asked)."""
        state = self._kinds.get(kind, _Kind())
        if include_unknown and None in self._kinds:
            merged = _Kind()
            for part in (state, self._kinds[None]):
                merged.add(part)
            state = merged
        starts, ends, since, until = state.starts, state.ends, self.since, self.until
        # By start, then end: two stable sorts, with no key tuple per bucket.
        order = sorted(range(len(starts)), key=ends.__getitem__)
        order.sort(key=starts.__getitem__)
        problems: list[Problem] = []
        for index in order:
            if ends[index] <= starts[index]:
                problems.append(Backwards(state.place(index)))
            elif not state.inside[index]:
                cut = (at for at in (since, until) if at is not None and starts[index] < at < ends[index])
                problems.extend(Cut(state.place(index), at) for at in cut)
        # The buckets inside the period, in time order.
        kept = [index for index in order if state.inside[index] and ends[index] > starts[index]]
        gaps: list[Gap] = []
        last: int | None = None
        for index in kept:
            if last is not None and starts[index] == starts[last]:
                earlier, later = state.place(last), state.place(index)
                run = problems[-1] if problems else None
                if isinstance(run, Repeated) and _extends(run, earlier, later):
                    problems[-1] = Repeated(run.first, run.second, (earlier, later), run.count + 1)
                else:
                    problems.append(Repeated(earlier, later))
            elif last is not None and starts[index] < ends[last]:
                problems.append(Overlapping(state.place(last), state.place(index)))
            else:
                if last is not None and starts[index] > ends[last]:
                    gaps.append(Missing(ends[last], starts[index], state.place(last), state.place(index)))
                last = index
        previous = None if last is None else state.place(last)
        first = state.place(kept[0]) if kept else None
        start = since if since is not None else first.start if first else None
        end = until if until is not None else previous.end if previous else None
        stop = first.start if first else until
        if since is not None and stop is not None and (first is None or stop > since):
            gaps.insert(0, Missing(since, stop, None, first))
        if until is not None and previous is not None and previous.end < until:
            gaps.append(Missing(previous.end, until, previous, None))
        latest = state.latest(order)  # over every bucket, inside the period or not
        if latest is not None and first is None and not gaps and not problems and (since is None) != (until is None):
            nearest = latest if until is None else next(i for i in order if ends[i] > starts[i])
            gaps.append(Outside(since, until, state.place(nearest)))
        kinds: set[str | None] = {kind, None} if include_unknown else {kind}
        covered = until is not None and previous is not None and previous.end >= until
        waiting = None if covered else self._waiting(state, latest, kinds, empty=True)
        if waiting is not None and (latest is None or not self._ended_by_empty_page(kind)):
            gaps.append(Unfinished(waiting.where, waiting.next_page, None if latest is None else ends[latest]))
        pages = sum(page.counts_in(kind, kinds) for page in self._pages)
        widths = tuple(sorted({ends[index] - starts[index] for index in kept}))
        return ListingReport(kind, start, end, len(kept), pages, state.results, widths, tuple(problems), tuple(gaps))

    def _waiting(self, state: _Kind, latest: int | None, kinds: set[str | None], *, empty: bool) -> _Page | None:
        """The page a listing waits on: the one holding its latest bucket, if it says `has_more: true`; with no
        bucket that counts as latest, any page of its `kinds` (or, with `empty`, without buckets) that says so."""
        if latest is None:
            return next(
                (page for page in self._pages if page.has_more and (page.kinds & kinds or (empty and not page.kinds))),
                None,
            )
        number = state.pages[latest]
        return self._pages[number] if number >= 0 and self._pages[number].has_more else None

    def _ended_by_empty_page(self, kind: str) -> bool:
        """Whether a page without buckets that says `has_more: false` ends this kind's listing.

        The API may end a listing with such a page after one that said `has_more: true`. A page without
        buckets has no time, so it can follow only the latest page of a listing: it ends this one when no
        other kind read has a listing still waiting for more pages (which one it ended could not be told).
        """
        if not any(not page.kinds and not page.has_more for page in self._pages):
            return False
        others = ((other, state) for other, state in self._kinds.items() if other not in (None, kind))
        return not any(
            self._waiting(state, state.latest(range(len(state.ends))), {other}, empty=False) for other, state in others
        )


class IncompleteListingError(ValueError):
    """The pages do not make a whole listing: the last page in time says `has_more` (`next_page` is the cursor to
    fetch next), or one is missing (`next_page` is `None`)."""

    def __init__(self, next_page: str | None, reason: str | None = None) -> None:
        reason = reason or f"the last page has has_more=true; fetch the next page (page={next_page!r})"
        super().__init__(f"the listing is incomplete: {reason}")
        self.next_page = next_page


@dataclass(frozen=True)
class UsageListing(Generic[ResultT]):
    """The buckets of a whole paginated listing, in time order, from how many `pages`; `complete` is false when
    a page is missing or the last page in time says `has_more: true`, and `next_page` is then its cursor to
    resume from (else `None`); `report` says the period covered and any gaps."""

    buckets: list[UsageTimeBucket[ResultT]]
    pages: int
    complete: bool
    next_page: str | None
    report: ListingReport | None = None


_KIND = "results"


def combine_pages(pages: Iterable[UsageResponse[ResultT]], *, allow_incomplete: bool = False) -> UsageListing[ResultT]:
    """Combine the pages of one listing, given in any order, into one run of buckets in time order.

    Raises `ValueError` for pages that cannot be one listing: none at all, a bucket that appears
    twice (a page given twice), buckets that overlap, or a bucket that ends before it starts.
    Raises `IncompleteListingError` when a page is missing between two others, or the last page in
    time says there is more, unless `allow_incomplete` is true (then check `listing.complete`).
    Page numbers in messages count from 1 in the order given.
    """
    check = ListingCheck()
    held: list[UsageTimeBucket[ResultT]] = []
    for number, page in enumerate(pages, start=1):
        check.add_page(page, f"page {number}", _KIND)
        held += page.data
    if not check.pages:
        raise ValueError("no pages to combine")
    report = check.report(_KIND)
    if report.problems:
        raise ValueError(f"these pages are not one listing: {report.problems[0]}")
    next_page = next((gap.next_page for gap in report.gaps if isinstance(gap, Unfinished)), None)
    if report.gaps and not allow_incomplete:
        gap = report.gaps[0]
        raise IncompleteListingError(next_page, None if isinstance(gap, Unfinished) else str(gap))
    held.sort(key=lambda bucket: (bucket.start_time, bucket.end_time))
    return UsageListing(held, check.pages, report.complete, next_page, report)


def iter_periods(start: int, end: int, every: Literal["day", "week", "month"]) -> Iterator[int]:
    """The starts of the calendar periods that meet the range from `start` to `end` (exclusive)."""
    current = period_start(start, every)
    while current < end:
        yield current
        current = next_period(current, every)
