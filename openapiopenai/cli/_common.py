"""What the commands share: reading their input, reporting problems, and parsing times."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta, timezone
from typing import IO, Final, TypeAlias

from openapiopenai.documents import Loaded, Outcome, Rejected, place, read_path, read_sample, read_stream
from openapiopenai.listing import ListingCheck, ListingReport
from openapiopenai.models import UsageImagesResult, UsageTimeBucket

PROG: Final = "openapiopenai"
SAMPLE: Final = "two pages of daily images usage, 2024-11-01 to 2024-11-14"

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"  # pyright: ignore[reportPrivateUsage]
"""What `add_parser(commands)` of each command module receives: the top parser's subparsers."""


def add_input(parser: argparse.ArgumentParser) -> None:
    """The input arguments every reading command takes: FILEs or `--sample`."""
    parser.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="a JSON or JSON Lines file of usage documents, a directory of them, or '-' for standard input"
        " (the default when it is not a terminal)",
    )
    parser.add_argument(
        "--sample",
        action="store_true",
        help=f"read the built-in sample instead: {SAMPLE}",
    )
    parser.set_defaults(usage=parser.error)


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


def outcomes(files: Sequence[str] | None) -> Iterator[Outcome]:
    """Every document of the files, in order ('-' is standard input); `None` reads the built-in sample."""
    if files is None:
        yield from read_sample()
        return
    for file in files:
        if file != "-":
            yield from read_path(file)
        elif sys.stdin is None:
            yield from read_path(os.devnull, "<stdin>")
        else:
            yield from read_stream(sys.stdin.buffer, "<stdin>")


def report(outcome: Rejected, stream: IO[str]) -> None:
    """One line per problem: `FILE[:LINE]: error: [PATH: ]MESSAGE`."""
    for error in outcome.errors:
        print(f"{place(outcome)}: error: {error}", file=stream)


KIND: Final = "images"
"""The kind of result every listing holds (one listing per kind)."""

Counted: TypeAlias = "tuple[str, UsageTimeBucket[UsageImagesResult] | UsageImagesResult]"


def register(outcome: Loaded, check: ListingCheck) -> Iterator[Counted]:
    """Note a document's pages and buckets in the listing check.

    Yields what there is to count, with its path in the document: each bucket inside the period
    asked for, and each result given on its own (outside any bucket, so with no time).
    """
    where = place(outcome)
    document = outcome.document
    items = list(enumerate(document)) if isinstance(document, list) else [(None, document)]
    for index, item in items:
        path = "" if index is None else str(index)
        if isinstance(item, UsageImagesResult):
            yield path, item
        elif isinstance(item, UsageTimeBucket):
            if check.add_bucket(item, where, KIND, path):
                yield path, item
        else:
            prefix = f"{path}." if path else ""
            for number, (bucket, inside) in enumerate(
                zip(item.data, check.add_page(item, where, KIND, path), strict=True)
            ):
                if inside:
                    yield f"{prefix}data.{number}", bucket


def loose_results(count: int) -> str:
    """Results given on their own, in words."""
    return f"{count} result{'' if count == 1 else 's'} outside any bucket"


_WHEN: Final = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?)?", re.IGNORECASE
)
_SECONDS: Final = re.compile(r"-?\d+")
_FRACTION: Final = re.compile(r"\.\d+")
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=timezone.utc)
_FIRST: Final = (datetime(1, 1, 1, tzinfo=timezone.utc) - _EPOCH) // timedelta(seconds=1)
_LAST: Final = (datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc) - _EPOCH) // timedelta(seconds=1)


def parse_when(text: str) -> int:
    """A point in time given on the command line, as Unix seconds.

    Accepts an ISO 8601 date (`2024-11-01`, midnight UTC), date and time (`2024-11-01T12:00`,
    `2024-11-01T12:00:00Z`; UTC unless it carries an offset such as `+02:00`, which is converted),
    or Unix seconds (`1730419200`). Anything else is an `argparse.ArgumentTypeError`.
    """
    text = text.strip()
    if _SECONDS.fullmatch(text):
        seconds = int(text) if len(text) <= 20 else None
        if seconds is not None and _FIRST <= seconds <= _LAST:
            return seconds
        raise argparse.ArgumentTypeError(f"{text} is out of range for a date (years 1 to 9999)")
    if _WHEN.fullmatch(text):
        # Whole seconds are what bucket times hold; and Python 3.10 reads fractions of 3 or 6 digits only.
        iso = _FRACTION.sub("", text.upper()).replace("Z", "+00:00")
        try:
            when = datetime.fromisoformat(iso)
        except ValueError as error:
            raise argparse.ArgumentTypeError(f"{text!r} is not a valid date or time: {error}") from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        return (when - _EPOCH) // timedelta(seconds=1)
    raise argparse.ArgumentTypeError(
        f"{text!r} is not a time: give an ISO date (2024-11-01), an ISO date and time"
        " (2024-11-01T12:00:00Z, UTC unless it has an offset such as +02:00) or Unix seconds (1730419200)"
    )


def describe_listing(listing: ListingReport, loose: int) -> str:
    """What was counted: `images: 2024-11-01 to 2024-11-15 UTC, 14 buckets of 1 day, 2 pages, 139 results`."""
    counted = listing.describe() if listing.buckets or listing.pages or not loose else ""
    if loose:
        counted = f"{counted}, and {loose_results(loose)}" if counted else loose_results(loose)
    return f"{listing.kind}: {counted}"
