"""What the commands share: reading their input, reporting problems, and parsing times."""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timezone
from typing import IO, Final, TypeAlias

from openapiopenai.cli import PROG as PROG  # the command modules take it from here too
from openapiopenai.cli._output import choice
from openapiopenai.cli._progress import Progress, input_size
from openapiopenai.documents import (
    FETCH_STATE_SUFFIX,
    MAX_DOCUMENT_BYTES,
    DocumentError,
    Loaded,
    Outcome,
    Rejected,
    UsageDocument,
    contents,
    counted,
    kind_of,
    place,
    read_path,
    read_sample,
    read_stream,
    unfinished_fetches,
)
from openapiopenai.listing import ListingCheck, ListingReport, count_of
from openapiopenai.models import KIND_NAMES, KINDS, ApiModel, KindName, UsageResponse, UsageResult, UsageTimeBucket
from openapiopenai.names import SAMPLE_NAMES, NamesFileError, read_names, read_sample_names
from openapiopenai.usage import bucket_time, utc_datetime

SAMPLE: Final = "one organization's daily completions, images and costs, 2024-11-01 to 2024-11-14"

# What `add_parser(commands)` of each command module receives: the top parser's subparsers.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"  # pyright: ignore[reportPrivateUsage]


def add_input(parser: argparse.ArgumentParser) -> None:
    """The input arguments every reading command takes: FILEs or `--sample`."""
    parser.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="a JSON or JSON Lines file of usage documents, a directory of them, or '-' for standard input"
        " (the default when it is not a terminal)",
    )
    parser.add_argument("--sample", action="store_true", help=f"read the built-in sample instead: {SAMPLE}")
    parser.add_argument(
        "--max-document-size",
        dest="max_bytes",
        type=parse_size,
        default=MAX_DOCUMENT_BYTES,
        metavar="SIZE",
        help="refuse a document (or a line of JSON Lines) larger than this, unread: bytes, or with K, M or G"
        f" for KiB, MiB or GiB; default: {MAX_DOCUMENT_BYTES // 1024**2}M (parsing takes several times a"
        " document's size in memory)",
    )
    parser.set_defaults(usage=parser.error)


def add_period(parser: argparse.ArgumentParser) -> None:
    """--since and --until: count only the buckets of a period."""
    parser.add_argument(
        "--since",
        type=parse_when,
        metavar="WHEN",
        help="count only buckets that start at or after this time: an ISO date (2024-11-01, midnight UTC), "
        "an ISO date and time (UTC unless it has an offset), or Unix seconds",
    )
    parser.add_argument(
        "--until",
        type=parse_when,
        metavar="WHEN",
        help="count only buckets that end at or before this time (exclusive, like the API's end_time: "
        "--until 2024-12-01 stops at the end of November); same forms as --since",
    )


def add_names(parser: argparse.ArgumentParser) -> None:
    """The --names option: a names file (`fetch names` writes one), to show a name beside each id."""
    parser.add_argument(
        "--names",
        metavar="FILE|sample",
        help="show the name of each project, user and API key beside its id, from this file as"
        f" '{PROG} fetch names' writes it; '{SAMPLE_NAMES}' for the built-in sample's names (./{SAMPLE_NAMES}"
        " for a file of that name); an id with no name stays an id",
    )


def names_of(args: argparse.Namespace) -> dict[str, str]:
    """The names given with --names, by id: empty without it. A file that cannot be read, or that holds
    anything but pages of names, ends the command (status 1) with one line on standard error."""
    path: str | None = getattr(args, "names", None)
    if path is None:
        return {}
    try:
        return read_sample_names() if path == SAMPLE_NAMES else read_names(path)
    except NamesFileError as error:
        where = error.path if error.line is None else f"{error.path}:{error.line}"
        say(f"error: {error.problem}", prefix=f"{where}: ")
        raise SystemExit(1) from None


_SIZE: Final = re.compile(r"(\d+)\s*(?:([KMG])(?:I?B)?|B)?", re.IGNORECASE)


def parse_size(text: str) -> int:
    """A size given on the command line: bytes, or a number with K, M or G (KiB, MiB, GiB)."""
    found = _SIZE.fullmatch(text.strip())
    if not found or int(found[1]) < 1:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a size: give bytes (1000000) or a number with K, M or G (64M)"
        )
    unit = {"K": 1024, "M": 1024**2, "G": 1024**3}.get((found[2] or "").upper(), 1)
    return int(found[1]) * unit


def input_files(args: argparse.Namespace) -> list[str] | None:
    """The files to read, `None` for the built-in sample; a usage error when there is nothing to read."""
    files: list[str] = args.files
    if args.sample:
        if files:
            args.usage("give FILEs or --sample, not both")
        return None
    if files:
        return files
    if sys.stdin is not None and sys.stdin.isatty():
        args.usage("no input: give FILEs, '-' for standard input, or --sample for the built-in sample")
    return ["-"]


def outcomes(files: Sequence[str] | None, max_bytes: int = MAX_DOCUMENT_BYTES) -> Iterator[Outcome]:
    """Every document of the files in order, a large page in parts ('-' is standard input; `None`: the built-in
    sample), with progress on standard error if it is a terminal."""
    global progress
    if files is None:
        yield from read_sample()
        return
    progress = Progress(sys.stderr, input_size(files))
    # The cyclic garbage collector is off while the documents are read and counted: they and the totals
    # hold no reference cycles, so it would find nothing, yet it walks each page being built, over and
    # over: 7-13% of a command's work on an export (docs/benchmarks.md). Rejected documents (exceptions
    # and their tracebacks) do hold cycles: collected every `COLLECT_EVERY` of them.
    collecting = gc.isenabled()
    gc.disable()
    rejected = 0
    try:
        for file in files:
            if file != "-":
                for export in unfinished_fetches(file):  # none unless a directory
                    note(
                        f"{os.path.join(file, export)}: a fetch into it has not finished ({export}{FETCH_STATE_SUFFIX}"
                        " is beside it, and is not read): the export is incomplete; fetch ... --resume completes it"
                    )
                reading = read_path(file, max_bytes=max_bytes, on_read=progress.read, split_pages=True)
            elif sys.stdin is None:
                reading = read_path(os.devnull, "<stdin>", max_bytes=max_bytes)
            else:
                stdin = counted(sys.stdin.buffer, progress.read)
                reading = read_stream(stdin, "<stdin>", max_bytes=max_bytes, split_pages=True)
            for outcome in reading:
                if not isinstance(outcome, Loaded):
                    rejected += 1
                    if rejected % COLLECT_EVERY == 0:
                        gc.collect()
                if not isinstance(outcome, Loaded) or outcome.part is None or outcome.part.last:
                    progress.document()
                yield outcome
    finally:
        progress.clear()
        if collecting:
            gc.enable()


progress = Progress(sys.stderr, None)  # of the input being read: `clear()` it before writing to the terminal


def use_each(
    files: Sequence[str] | None,
    max_bytes: int,
    use: Callable[[Loaded], list[DocumentError]],
    stream: IO[str] | None = None,
) -> int:
    """Read every document, give each one read (each part of a page read in parts) to `use`, and report each
    that could not be read or used, with the problems `use` found in it (a page read in parts: when its last
    part is read, all of them together), on `stream` (default: standard error). Returns how many documents
    could not be used."""
    rejected = 0
    held: list[DocumentError] = []  # the problems of a page read in parts, reported with its last part
    for outcome in outcomes(files, max_bytes):
        if isinstance(outcome, Loaded):
            held += use(outcome)
            if not held or (outcome.part is not None and not outcome.part.last):
                continue
            outcome = Rejected(outcome.source, outcome.line, tuple(held))
        held = []  # said below; or, for a page found invalid after some of its parts, left for its own errors
        for error in outcome.errors:  # one line per problem: FILE[:LINE]: error: [PATH: ]MESSAGE
            say(f"error: {error}", stream, prefix=f"{place(outcome)}: ")
        rejected += 1
    return rejected


COLLECT_EVERY: Final = 1000  # while the documents are read, collect garbage after this many rejected documents


# Where in its document, the bucket or result to count, and how many of its results of each kind it was noted
# under (a bucket of no known kind: `None`).
Counted: TypeAlias = "tuple[str, UsageTimeBucket[UsageResult] | ApiModel, dict[KindName | None, int]]"


@functools.lru_cache(maxsize=4096)  # every bucket of a page of pages (at most 1,440), not every one ever read
def _data_path(prefix: str, number: int) -> str:
    """The path of a page's bucket: one string for every page, as the listing check holds one per bucket read."""
    return f"{prefix}data.{number}"


_KIND_OF_MODEL: Final[dict[type[ApiModel], KindName]] = {kind.model: name for name, kind in KINDS.items()}


def _kind_counts(bucket: UsageTimeBucket[UsageResult]) -> dict[KindName | None, int]:
    """How many results of each kind a bucket holds (counted by type, in C, rather than one by one)."""
    results = bucket.results
    types = set(map(type, results))
    if len(types) == 1:  # usually: one kind
        return {_KIND_OF_MODEL[types.pop()]: len(results)}
    return {_KIND_OF_MODEL[model]: count for model, count in Counter(map(type, results)).items()}


def kinds_in(document: UsageDocument | list[UsageDocument]) -> set[KindName]:
    """The kinds of result a document holds (a page, a bucket, a result, or an array of them)."""
    return {_KIND_OF_MODEL[model] for model in contents(document)[3]}


def _only_kind(kinds: set[KindName]) -> KindName | None:
    return next(iter(kinds)) if len(kinds) == 1 else None


class Listings:
    """A reading command's listing check, with what it needs to say of the listings: the results read outside any
    bucket, and with `only` (--kind) the kinds of result read."""

    def __init__(self, check: ListingCheck, only: KindName | None) -> None:
        self.check = check
        self.only: KindName | None = only
        self.loose: dict[str, int] = {}
        self.present: set[KindName] = set()

    def register(self, outcome: Loaded) -> Iterator[Counted]:
        """Note a document's pages and buckets in the listing check of their kind (docs/cli.md, "One listing per
        kind"); yield, with its path, each bucket inside the period and each result given on its own. The parts of
        a page read in parts are noted as one page, with the paths of the whole page."""
        check, only, where = self.check, self.only, place(outcome)
        document, part = outcome.document, outcome.part
        if only is not None:
            self.present |= kinds_in(document)
        items = list(enumerate(document)) if isinstance(document, list) else [(None, document)]
        everywhere = _only_kind(kinds_in(document)) if isinstance(document, list) else None
        for index, item in items:
            path = "" if index is None else str(index)
            if isinstance(item, UsageResponse):
                counts = list(map(_kind_counts, item.data))
                kinds_here: set[KindName] = {kind for found in counts for kind in found if kind is not None}
                if part is not None:
                    kinds_here = set(part.kinds)  # the whole page's
                if only is not None and kinds_here and only not in kinds_here:
                    continue  # a page of other kinds
                if part is None or not part.number:
                    page: int | None = check.start_page(item.has_more, item.next_page, where)
                else:
                    page = check.pages - 1  # started by the page's first part
                first, prefix = 0 if part is None else part.first_bucket, f"{path}." if path else ""
                paths = [_data_path(prefix, number) for number in range(first, first + len(counts))]
                yield from self._note(item.data, counts, paths, where, _only_kind(kinds_here), page)
            elif isinstance(item, UsageTimeBucket):
                yield from self._note([item], [_kind_counts(item)], [path], where, everywhere, None)
            elif (kind := kind_of(item)) == only or only is None:
                self.loose[kind] = self.loose.get(kind, 0) + 1
                yield path, item, {kind: 1}

    def _note(
        self,
        buckets: Sequence[UsageTimeBucket[UsageResult]],
        counts: list[dict[KindName | None, int]],
        paths: list[str],
        where: str,
        default: KindName | None,
        page: int | None,
    ) -> Iterator[Counted]:
        """Note buckets in the listing of each kind they hold (an empty one: `default`), all of one kind in one
        step; yield each that lies in the period."""
        only = self.only
        together: dict[KindName | None, list[int]] = {}
        for index, found in enumerate(counts):
            if not found:
                found[default] = 0
            if only is not None and None not in found:
                found = counts[index] = {only: found[only]} if only in found else {}  # {}: a bucket of another kind
            for kind in found:
                together.setdefault(kind, []).append(index)
        inside = [False] * len(buckets)
        for kind, indices in together.items():
            noted = self.check.add_buckets(
                [buckets[index] for index in indices],
                where,
                kind,
                [paths[index] for index in indices],
                page=page,
                results=[counts[index][kind] for index in indices],
            )
            for index, kept in zip(indices, noted, strict=True):
                inside[index] = kept
        for bucket, path, found, kept in zip(buckets, paths, counts, inside, strict=True):
            if kept:
                yield path, bucket, found

    def describe(self, listing: ListingReport) -> str:
        """What was counted: `images: 2024-11-01 to 2024-11-15 UTC, 14 buckets of 1 day, 2 pages, 139 results`."""
        loose = self.loose.get(listing.kind, 0)
        counted = listing.describe() if listing.buckets or listing.pages or not loose else ""
        if loose:
            counted = f"{counted}, and {loose_results(loose)}" if counted else loose_results(loose)
        return f"{listing.kind}: {counted}"

    def counted(self, listing: ListingReport) -> str:
        """What was counted, labelled partial when the listing is incomplete."""
        partial = "" if listing.complete else " (partial: the listing is incomplete)"
        return f"{self.describe(listing)}{partial}"


def verdict(
    listings: Listings,
    rejected: int,
    refused: str,
    *,
    partial: bool,
    timed: bool = False,
    stream: IO[str] | None = None,
    prefix: str = f"{PROG}: ",
    states: bool = False,
) -> list[ListingReport] | None:
    """The listing report of each kind read (in the order of `KINDS`), if every command's conditions for using
    them hold: no document `rejected`, the kinds told apart, the kind asked for (--kind) read, each kind's buckets
    one listing, whole (or `partial`), and when the figures are `timed`, no result outside any bucket. Otherwise
    `None`, having said (on `stream`, default standard error) each problem in one line and then what was
    `refused` and why. An incomplete listing's gaps are said either way; with `states`, first what each listing
    holds and whether it is complete."""

    found = _judged(listings, rejected, partial, timed, lambda text: say(text, stream, prefix), states)
    if isinstance(found, tuple):  # why, then each problem
        refuse(refused, *found, stream=stream, prefix=prefix)
        return None
    return found


def _judged(
    listings: Listings, rejected: int, partial: bool, timed: bool, say: Callable[[str], None], states: bool
) -> list[ListingReport] | tuple[str, ...]:
    if rejected:
        return (f"{count_of(rejected, 'document')} could not be used",)
    check, only = listings.check, listings.only
    seen = {*check.kinds, *listings.loose}
    kinds: list[str] = [only] if only is not None else [name for name in KIND_NAMES if name in seen]
    unknown = check.unknown()
    if len(kinds) > 1 and unknown:
        places = ", ".join(unknown[:3]) + (", ..." if len(unknown) > 3 else "")
        problem = (
            f"{places}: no results, so which listing the buckets belong to cannot be told"
            f" ({', '.join(kinds)} are read): give the kind with --kind"
        )
        return ("the buckets cannot be told apart by kind", problem)
    reports = [check.report(kind, include_unknown=True) for kind in kinds or ["no results"]]  # none read
    held = [name for name in KIND_NAMES if name in listings.present]
    if only is not None and not (reports[0].buckets or reports[0].results or listings.loose.get(only) or only in held):
        holds = f"it holds {', '.join(held)}" if held else "it holds no results at all"
        return (f"no {only} results", f"the input holds no {only} results: {holds}")
    for listing in reports if states else []:
        if listing.problems:
            state = ": not one listing"
        elif not listing.buckets and not listing.pages:
            state = ""  # results alone: no time, nothing to check
        else:
            state = ": complete" if listing.complete else ": incomplete"
        say(f"{listings.describe(listing)}{state}")
    loose = sum(listings.loose.values())
    if loose and timed:
        why = f"{loose_results(loose)}: without a bucket's time, a result cannot be placed in a period"
        return ("results have no time", why)

    def of(listing: ListingReport) -> str:
        return f"{listing.kind}: " if len(reports) > 1 else ""

    problems = [f"{of(listing)}{problem}" for listing in reports for problem in listing.problems]
    if problems:
        return ("these buckets cannot be counted as one listing", *problems)
    for listing in reports:
        for gap in listing.gaps:
            say(f"{'note' if partial else 'error'}: the listing is incomplete: {of(listing)}{gap}")
    if not partial and not all(listing.complete for listing in reports):
        return ("the listing is incomplete (--partial accepts that)",)
    return reports


def add_partial(parser: argparse.ArgumentParser, accepts: str) -> None:
    """The --partial option: what an incomplete listing is accepted for."""
    parser.add_argument("--partial", action="store_true", help=f"accept an incomplete listing: {accepts}")


def add_kind(parser: argparse.ArgumentParser) -> None:
    """The --kind option: read results of one kind only."""
    parser.add_argument(
        "--kind",
        type=choice("kind", {name: name for name in KIND_NAMES}),
        metavar="KIND",
        help=f"read only results of this kind ({', '.join(KIND_NAMES)}); buckets with no results are taken"
        " as this kind",
    )


def say(text: str, stream: IO[str] | None = None, prefix: str = f"{PROG}: ") -> None:
    """One line on `stream` (default: standard error), after erasing any progress line."""
    progress.clear()
    print(f"{prefix}{text}", file=sys.stderr if stream is None else stream)


def refuse(refused: str, why: str, *errors: object, stream: IO[str] | None = None, prefix: str = f"{PROG}: ") -> int:
    """Say each error, then what was not done and why; the exit status, 1."""
    for text in [*(f"error: {error}" for error in errors), f"{refused}: {why}"]:
        say(text, stream, prefix)
    return 1


def note(text: str) -> None:
    say(f"note: {text}")


def loose_results(count: int) -> str:
    """Results given on their own, in words."""
    return f"{count_of(count, 'result')} outside any bucket"


_WHEN: Final = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?)?", re.IGNORECASE
)
_SECONDS: Final = re.compile(r"-?\d+")
_FRACTION: Final = re.compile(r"\.\d+")


def parse_when(text: str) -> int:
    """A point in time given on the command line (the forms --since's help names), as Unix seconds."""
    text = text.strip()
    if _SECONDS.fullmatch(text):
        if len(text) <= 20:  # a longer one is out of range: not parsed
            with contextlib.suppress(ValueError):
                return bucket_time(utc_datetime(int(text)))
        raise argparse.ArgumentTypeError(f"{text} is out of range for a date (years 1 to 9999)")
    if _WHEN.fullmatch(text):
        # Whole seconds are what bucket times hold; and Python 3.10 reads fractions of 3 or 6 digits only.
        iso = _FRACTION.sub("", text.upper()).replace("Z", "+00:00")
        try:
            when = datetime.fromisoformat(iso)
        except ValueError as error:
            raise argparse.ArgumentTypeError(f"{text!r} is not a valid date or time: {error}") from None
        return bucket_time(when if when.tzinfo else when.replace(tzinfo=timezone.utc))
    raise argparse.ArgumentTypeError(
        f"{text!r} is not a time: give an ISO date (2024-11-01), an ISO date and time"
        " (2024-11-01T12:00:00Z, UTC unless it has an offset such as +02:00) or Unix seconds (1730419200)"
    )
