"""`openapiopenai summarize`: totals of images and model requests, grouped, over one checked listing."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Final, get_args

from openapiopenai.cli._common import (
    KIND,
    PROG,
    Commands,
    add_input,
    describe_listing,
    input_files,
    loose_results,
    outcomes,
    parse_when,
    register,
    report,
)
from openapiopenai.documents import DocumentError, Loaded, Rejected
from openapiopenai.listing import Every, ListingCheck, iter_periods, next_period, period_start, utc_text
from openapiopenai.models import UsageImagesResult
from openapiopenai.usage import GROUP_BY_FIELDS, GroupBy, Totals, UsageTally, utc_datetime

FORMATS: Final = ("table", "csv", "json")
EVERY: Final[tuple[Every, ...]] = get_args(Every)
COUNTERS: Final = ("images", "num_model_requests")
SHORT_HEADERS: Final = {"num_model_requests": "requests"}
"""Column names the table shortens (csv and json keep the field names)."""
TIME_COLUMNS: Final[dict[Every, str]] = {"bucket": "bucket_start", "day": "day", "week": "week_start", "month": "month"}


def add_parser(commands: Commands) -> None:
    """Add the `summarize` command."""
    parser = commands.add_parser(
        "summarize",
        help="total images and model requests, grouped, over one checked listing",
        description="Total images and num_model_requests, grouped, largest first. The buckets of all the input "
        "are checked as one listing, in any order: a bucket read twice, or overlapping buckets, are an error; "
        "a hole between buckets or a last page that says has_more makes the listing incomplete, and then no "
        "totals are printed unless --partial asks for them.",
        epilog="Exit status: 0 complete totals (or totals labelled partial with --partial), 1 bad data or an "
        "incomplete listing, 2 bad usage.",
    )
    add_input(parser)
    parser.add_argument(
        "--by",
        type=_group_by,
        metavar="FIELD[,FIELD...]",
        help=f"group by these fields ({', '.join(GROUP_BY_FIELDS)}), or 'none' for one overall row; "
        "default: every field that has a value somewhere in the input",
    )
    parser.add_argument(
        "--every",
        type=_every,
        metavar="{bucket,day,week,month}",
        help="add a time axis: each bucket as it came, or UTC calendar days, weeks (from Monday) or months; "
        "rows are sorted by time, and periods without usage are kept as zero rows",
    )
    parser.add_argument(
        "--per-bucket", dest="every", action="store_const", const="bucket", help="the same as --every bucket"
    )
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
    parser.add_argument(
        "--partial",
        action="store_true",
        help="print the totals of an incomplete listing too, labelled partial on standard error (exit status 0)",
    )
    parser.add_argument(
        "--format", type=_output_format, default="table", metavar="{table,csv,json}", help="default: table"
    )
    parser.set_defaults(run=run)


def _group_by(text: str) -> tuple[GroupBy, ...]:
    names = [name.strip() for name in text.split(",")]
    if names == ["none"]:
        return ()
    for name in names:
        if name not in _FIELDS:
            raise argparse.ArgumentTypeError(
                f"unknown field {name!r}: choose from {', '.join(GROUP_BY_FIELDS)}, or none for one overall row"
            )
    return tuple(dict.fromkeys(_FIELDS[name] for name in names))


_FIELDS: dict[str, GroupBy] = {field: field for field in GROUP_BY_FIELDS}
_EVERY: dict[str, Every] = {every: every for every in EVERY}


def _every(text: str) -> Every:
    if text not in _EVERY:
        raise argparse.ArgumentTypeError(f"unknown time axis {text!r}: choose from {', '.join(EVERY)}")
    return _EVERY[text]


def _output_format(text: str) -> str:
    if text not in FORMATS:
        raise argparse.ArgumentTypeError(f"unknown format {text!r}: choose from {', '.join(FORMATS)}")
    return text


def run(args: argparse.Namespace) -> int:
    """Total the documents; print no totals and return 1 if any could not be used or the listing is not whole."""
    files = input_files(args)
    since: int | None = args.since
    until: int | None = args.until
    if since is not None and until is not None and since >= until:
        args.usage(f"--until ({utc_text(until)}) must be later than --since ({utc_text(since)})")
    chosen: tuple[GroupBy, ...] | None = args.by
    every: Every | None = args.every
    # Grouping by every field and showing only those with a value gives the same groups as
    # grouping by those fields alone, without reading the input twice.
    tally = UsageTally(GROUP_BY_FIELDS if chosen is None else chosen, per_bucket=every is not None)
    check = ListingCheck(since, until)
    bucket_starts: set[int] = set()  # for zero rows of empty buckets with --every bucket
    loose = 0
    rejected = 0
    for outcome in outcomes(files):
        if isinstance(outcome, Loaded):
            errors: list[DocumentError] = []
            for path, item in register(outcome, check):
                if isinstance(item, UsageImagesResult):
                    loose += 1
                    tally.add_result(item)
                    continue
                prefix = f"{path}." if path else ""
                try:
                    at = _period(item.start_time, item.end_time, every)
                except ValueError as error:
                    # Valid JSON integers can lie far outside the years a datetime can hold.
                    errors.append(DocumentError(f"{prefix}start_time", str(error)))
                    continue
                if every == "bucket":
                    bucket_starts.add(item.start_time)
                for result in item.results:
                    tally.add_result(result, at)
            if errors:
                outcome = Rejected(outcome.source, outcome.line, tuple(errors))
        if isinstance(outcome, Rejected):
            report(outcome, sys.stderr)
            rejected += 1
    if rejected:
        # Totals of only the usable part would look complete: print none.
        documents = "document" if rejected == 1 else "documents"
        return _refuse(f"{rejected} {documents} could not be used")

    listing = check.report(KIND)
    if loose and (every is not None or since is not None or until is not None):
        print(
            f"{PROG}: error: {loose_results(loose)}: with no time they cannot be placed in a period"
            " (--every, --since, --until need buckets)",
            file=sys.stderr,
        )
        return _refuse("results have no time")
    for problem in listing.problems:
        print(f"{PROG}: error: {problem}", file=sys.stderr)
    if listing.problems:
        return _refuse("these buckets cannot be counted as one listing")
    if not listing.complete:
        label = "note: partial totals" if args.partial else "error: the listing is incomplete"
        for gap in listing.gaps:
            print(f"{PROG}: {label}: {gap}", file=sys.stderr)
        if not args.partial:
            return _refuse("the listing is incomplete (--partial prints them anyway)")

    counted = describe_listing(listing, loose) + ("" if listing.complete else " (partial: the listing is incomplete)")

    groups = tally.groups()
    if chosen is None:
        shown = [index for index in range(len(GROUP_BY_FIELDS)) if any(g.values[index] is not None for g in groups)]
        fields = [GROUP_BY_FIELDS[index] for index in shown]
    else:
        shown, fields = list(range(len(tally.by))), list(tally.by)
        for index, field in enumerate(fields):
            if groups and all(group.values[index] is None for group in groups):
                print(
                    f"{PROG}: note: {field} is empty in every result: was the export requested with group_by={field}?",
                    file=sys.stderr,
                )
    rows: list[list[_Cell]] = [
        [
            *([group.bucket_start] if every else []),
            *(group.values[index] for index in shown),
            group.totals.images,
            group.totals.num_model_requests,
        ]
        for group in groups
    ]
    if every is not None:
        rows = _time_rows(rows, every, listing.start, listing.end, bucket_starts, len(fields))
    elif not fields:
        rows = [[tally.total.images, tally.total.num_model_requests]]  # one overall row, even for no results
    header = [*([TIME_COLUMNS[every]] if every else []), *fields, *COUNTERS]

    if args.format == "table":
        print(counted)
        print(_table(header, rows, tally.total, every))
    else:
        print(f"{PROG}: counted {counted}", file=sys.stderr)
        sys.stderr.flush()
        if args.format == "csv":
            lines = [header, *([_csv(cell, every) for cell in row] for row in rows)]
            sys.stdout.write("".join(",".join(line) + "\n" for line in lines))
        else:
            records = [dict(zip(header, [_json(cell, every) for cell in row], strict=True)) for row in rows]
            print(json.dumps(records, indent=2))
    return 0


def _refuse(why: str) -> int:
    print(f"{PROG}: no totals printed: {why}", file=sys.stderr)
    return 1


def _period(start: int, end: int, every: Every | None) -> datetime | None:
    """Where a bucket's results are counted on the time axis; `ValueError` if it has no place there."""
    if every is None:
        return None
    if every == "bucket":
        return utc_datetime(start)
    first = period_start(start, every)
    following = next_period(first, every)
    if end > following:
        raise ValueError(
            f"the bucket {utc_text(start)} to {utc_text(end)} crosses into the next {every}"
            f" at {utc_text(following)}: with --every {every} each bucket must fit in one {every}"
        )
    return utc_datetime(first)


class _Blank:
    """The group cells of a zero row: no group at all, as opposed to a group whose value is null."""

    def __repr__(self) -> str:
        return "BLANK"


BLANK: Final = _Blank()
_Cell = str | int | datetime | None | _Blank


def _time_rows(
    rows: list[list[_Cell]], every: Every, start: int | None, end: int | None, bucket_starts: set[int], fields: int
) -> list[list[_Cell]]:
    """Rows sorted by time, largest first within a period, with a zero row for each period without usage."""
    if every == "bucket":
        periods = sorted(bucket_starts)
    elif start is None or end is None:
        periods = []
    else:
        periods = list(iter_periods(start, end, every))
    present = {row[0] for row in rows}
    for period in periods:
        moment = utc_datetime(period)
        if moment not in present:
            rows.append([moment, *[BLANK] * fields, 0, 0])
    rows.sort(key=lambda row: (-_int(row[-2]), -_int(row[-1])))
    rows.sort(key=lambda row: row[0] if isinstance(row[0], datetime) else datetime.min)
    return rows


def _int(cell: _Cell) -> int:
    return cell if isinstance(cell, int) else 0


def _time(moment: datetime, every: Every | None) -> str:
    if every == "day" or every == "week":
        return moment.date().isoformat()
    if every == "month":
        return moment.strftime("%Y-%m")
    return moment.isoformat().replace("+00:00", "Z")


def _csv(cell: _Cell, every: Every | None) -> str:
    """A CSV field: null is an empty field, and an empty string is `""`, so the two stay apart."""
    if cell is None or isinstance(cell, _Blank):
        return ""
    if isinstance(cell, datetime):
        return _time(cell, every)
    text = str(cell)
    if text == "" or any(special in text for special in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _json(cell: _Cell, every: Every | None) -> str | int | None:
    if isinstance(cell, datetime):
        return _time(cell, every)
    return None if isinstance(cell, _Blank) else cell


NULL_CELL: Final = "(none)"
"""How the table shows a field that is null or absent; an empty string shows as `""`."""


def _text(cell: _Cell, every: Every | None) -> str:
    if cell is None:
        return NULL_CELL
    if isinstance(cell, _Blank):
        return ""
    if isinstance(cell, datetime):
        return _time(cell, every)
    if isinstance(cell, int):
        return f"{cell:,}"
    return cell or '""'


def _table(header: list[str], rows: Sequence[list[_Cell]], total: Totals, every: Every | None) -> str:
    """Columns aligned for a terminal, text to the left and numbers to the right, then a total line."""
    header = [SHORT_HEADERS.get(name, name) for name in header]
    if len(header) == 2:
        # Without a grouping column the one row is the total itself.
        header, rows = ["", *header], []
    total_row: list[_Cell] = ["total", *[BLANK] * (len(header) - 3), total.images, total.num_model_requests]
    lines = [header, *([_text(cell, every) for cell in row] for row in [*rows, total_row])]
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    numbers_from = len(header) - 2
    if sys.stdout.isatty():
        _fit(widths, header, numbers_from, fixed=1 if every else 0)
    ellipsis = "…" if _can_write("…") else "~"
    return "\n".join(
        "  ".join(
            cell.rjust(width)
            if column >= numbers_from
            else (cell if len(cell) <= width else cell[: width - 1] + ellipsis).ljust(width)
            for column, (cell, width) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in lines
    )


def _fit(widths: list[int], header: list[str], numbers_from: int, fixed: int) -> None:
    """Narrow the widest text columns until the table fits the terminal (numbers and times are never cut)."""
    room = shutil.get_terminal_size().columns
    narrowable = range(fixed, numbers_from)
    while sum(widths) + 2 * (len(widths) - 1) > room:
        candidates = [column for column in narrowable if widths[column] > max(len(header[column]), 6)]
        if not candidates:
            return
        widest = max(candidates, key=lambda column: widths[column])
        widths[widest] -= 1


def _can_write(text: str) -> bool:
    try:
        text.encode(sys.stdout.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True
