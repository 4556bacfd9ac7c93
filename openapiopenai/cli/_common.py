"""What the commands share: reading their input, reporting problems, and parsing times."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta, timezone
from typing import IO, Final, TypeAlias

from openapiopenai.documents import Outcome, Rejected, place, read_path, read_sample, read_stream

PROG: Final = "openapiopenai"
SAMPLE_NOTE: Final = (
    "no FILE given, reading the built-in sample (two pages of daily images usage, 2024-11-01 to 2024-11-14)"
)

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"  # pyright: ignore[reportPrivateUsage]
"""What `add_parser(commands)` of each command module receives: the top parser's subparsers."""


def add_files(parser: argparse.ArgumentParser) -> None:
    """The FILE arguments every reading command takes."""
    parser.add_argument("files", nargs="*", metavar="FILE", help="a JSON or JSON Lines file of usage documents")


def outcomes(files: Sequence[str]) -> Iterator[Outcome]:
    """Every document of the files, in order; '-' is standard input."""
    if not files:
        print(f"{PROG}: {SAMPLE_NOTE}", file=sys.stderr)
        yield from read_sample()
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
