"""`openapiopenai summarize`: the totals of each kind of result, grouped, over one checked listing per kind."""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from decimal import MAX_PREC, ROUND_HALF_UP, Context, Decimal
from typing import Final, cast, get_args

from openapiopenai.cli import COMMANDS
from openapiopenai.cli._common import (
    PROG,
    Commands,
    Listings,
    add_input,
    add_kind,
    add_names,
    add_partial,
    add_period,
    input_files,
    names_of,
    note,
    use_each,
    verdict,
)
from openapiopenai.cli._output import choice
from openapiopenai.documents import DocumentError, Loaded, kind_of
from openapiopenai.listing import Every, ListingCheck, ListingReport, iter_periods, next_period, period_start, utc_text
from openapiopenai.models import KINDS, GroupBy, KindName, UsageResult, UsageTimeBucket
from openapiopenai.usage import ALL_GROUP_BY_FIELDS, COUNTERS, LEVELS, Totals, UsageTally, bucket_time, utc_datetime

# Column names the table shortens (csv and json keep the field names).
SHORT_HEADERS: Final = {
    "num_model_requests": "requests",
    "num_requests": "calls",
    "num_sessions": "sessions",
    "input_cached_tokens": "cached",
    "input_audio_tokens": "audio_in",
    "output_audio_tokens": "audio_out",
}
# The counters a kind's table shows when it has too many to fit (csv and json have every counter): the
# headline ones, without their breakdowns by modality and caching.
TABLE_COUNTERS: Final[dict[KindName, tuple[str, ...]]] = {
    "completions": (
        "input_tokens",
        "input_cached_tokens",
        "output_tokens",
        "input_audio_tokens",
        "output_audio_tokens",
        "num_model_requests",
    ),
}
_EVERY: Final[dict[str, Every]] = {every: every for every in get_args(Every)}
TIME_COLUMNS: Final[dict[Every, str]] = {"bucket": "bucket_start", "day": "day", "week": "week_start", "month": "month"}


def add_parser(commands: Commands) -> None:
    """Add the `summarize` command."""
    parser = commands.add_parser(
        "summarize",
        help=COMMANDS["summarize"],
        description="Total each kind of result read in a table of its own, its counters (costs: the amount per "
        "currency) as columns, grouped, largest first, over the buckets of that kind checked as one listing: "
        "overlapping buckets are an error, and an incomplete listing prints no totals unless --partial.",
        epilog="Exit status: 0 complete totals (or totals labelled partial with --partial), 1 bad data or an "
        "incomplete listing, 2 bad usage.",
    )
    add_input(parser)
    add_kind(parser)
    parser.add_argument(
        "--by",
        type=_group_by,
        metavar="FIELD[,FIELD...]",
        help=f"group by these fields ({', '.join(ALL_GROUP_BY_FIELDS)}; each kind uses those its endpoint "
        "accepts), or 'none' for one overall row; default: every field that has a value somewhere in the input",
    )
    parser.add_argument(
        "--every",
        type=choice("time axis", _EVERY),
        metavar="{bucket,day,week,month}",
        help="add a time axis: each bucket as it came, or UTC calendar days, weeks (from Monday) or months; "
        "rows are sorted by time, and periods without usage are kept as zero rows",
    )
    parser.add_argument(
        "--per-bucket", dest="every", action="store_const", const="bucket", help="the same as --every bucket"
    )
    add_period(parser)
    add_partial(parser, "its totals are printed, labelled partial (exit status 0)")
    formats = {name: name for name in ("table", "csv", "json")}
    parser.add_argument(
        "--format", type=choice("format", formats), default="table", metavar="{table,csv,json}", help="default: table"
    )
    add_names(parser)
    parser.set_defaults(run=run, refused="no totals printed")


def _group_by(text: str) -> tuple[GroupBy, ...]:
    names = [name.strip() for name in text.split(",")]
    if names == ["none"]:
        return ()
    for name in names:
        if name not in _FIELDS:
            raise argparse.ArgumentTypeError(
                f"unknown field {name!r}: choose from {', '.join(ALL_GROUP_BY_FIELDS)}, or none for one overall row"
            )
    return tuple(dict.fromkeys(_FIELDS[name] for name in names))


_FIELDS: dict[str, GroupBy] = {field: field for field in ALL_GROUP_BY_FIELDS}


def run(args: argparse.Namespace) -> int:
    """Total the documents; print no totals and return 1 if any could not be used or the listing is not whole."""
    checked = read(args)
    if isinstance(checked, int):
        return checked
    reading, reports = checked
    if args.format != "table" and len(reports) > 1:
        args.usage(
            f"the input holds {', '.join(listing.kind for listing in reports)}: --format {args.format}"
            " writes one table; choose one with --kind"
        )
    return reading.write(args, reports)


def read(args: argparse.Namespace) -> tuple[Reading, list[ListingReport]] | int:
    """Read and count every document as the arguments ask (`by`, `every`, `kind`, `since`, `until`), and check
    the listing of each kind; the exit status instead, having said why, if the totals cannot be given."""
    files = input_files(args)
    since: int | None = args.since
    until: int | None = args.until
    if since is not None and until is not None and since >= until:
        args.usage(f"--until ({utc_text(until)}) must be later than --since ({utc_text(since)})")
    reading = Reading(args.by, args.every, Listings(ListingCheck(since, until), args.kind), names_of(args))
    rejected = use_each(files, args.max_bytes, reading.count)
    timed = args.every is not None or since is not None or until is not None
    reports = verdict(reading.listings, rejected, args.refused, partial=args.partial, timed=timed)
    if reports is None:
        return 1
    if len(reports) == 1 and reports[0].kind in KINDS:  # buckets of no known kind are that kind's: a level of 0
        for start, end in reading.listings.check.spans(None):
            reading.tally(cast("KindName", reports[0].kind)).add_results(
                [], _period(start, end, args.every), bucket=start
            )
    return reading, reports


class Reading:
    """The running totals of each kind read, the listing check, and what the totals will need to say."""

    def __init__(
        self, chosen: tuple[GroupBy, ...] | None, every: Every | None, listings: Listings, names: dict[str, str]
    ) -> None:
        self.chosen: tuple[GroupBy, ...] | None = chosen
        self.every: Every | None = every
        self.listings = listings
        self.names = names
        self.tallies: dict[KindName, UsageTally] = {}

    def tally(self, kind: KindName) -> UsageTally:
        if kind not in self.tallies:
            fields = KINDS[kind].group_by
            by: Sequence[GroupBy] = (
                fields if self.chosen is None else [field for field in self.chosen if field in fields]
            )
            self.tallies[kind] = UsageTally(by, per_bucket=self.every is not None, kind=kind)
        return self.tallies[kind]

    def count(self, outcome: Loaded) -> list[DocumentError]:
        """Count a document; the problems that keep it from being counted."""
        errors: list[DocumentError] = []
        loose: dict[KindName, list[UsageResult]] = {}
        every = self.every
        for path, item, found in self.listings.register(outcome):
            if not isinstance(item, UsageTimeBucket):
                loose.setdefault(kind_of(item), []).append(cast("UsageResult", item))
                continue
            bucket = cast("UsageTimeBucket[UsageResult]", item)
            try:
                start = _period(bucket.start_time, bucket.end_time, every)
            except ValueError as error:
                # Valid JSON integers can lie far outside the years a datetime can hold.
                errors.append(DocumentError(f"{path}.start_time" if path else "start_time", str(error)))
                continue
            results = bucket.results
            for named, count in found.items():
                if named is None:  # empty, of no known kind: counted once its kind is known (`checked`)
                    continue
                some = results if count == len(results) else [one for one in results if kind_of(one) == named]
                self.tally(named).add_results(some, start, bucket=bucket.start_time if LEVELS.get(named) else None)
        for kind, results in loose.items():  # results given on their own: no time, counted together
            self.tally(kind).add_results(results, None)
        return errors

    def write(self, args: argparse.Namespace, reports: list[ListingReport]) -> int:
        table = args.format == "table"
        tables: list[str] = []
        for listing in reports:
            counted = self.listings.counted(listing)
            header, rows, total = self._rows(listing, table=table)
            if table:
                tables.append(f"{counted}\n{_table(header, list(rows), total, self.every)}" if header else counted)
            else:
                print(f"{PROG}: counted {counted}", file=sys.stderr)
                sys.stderr.flush()
                _write(header, rows, self.every, args.format)
        if tables:
            print("\n\n".join(tables))
        return 0

    def _notes(self, kind: KindName, tally: UsageTally, overall: Totals, results: int) -> None:
        """Say on standard error what the totals of a kind cannot show."""
        if self.chosen is not None:
            refused = " or ".join(field for field in self.chosen if field not in tally.by)
            if refused:
                note(f"{kind} results cannot be grouped by {refused}: their table leaves it out")
            keys = list(tally.group_keys())
            for index, field in enumerate(tally.by):
                if keys and all(values[index] is None for values in keys):
                    note(f"{field} is empty in every {kind} result: was the export requested with group_by={field}?")
        missing = overall.missing
        everywhere = [name for name, count in missing.items() if count >= results]
        somewhere = [f"{name} ({count} of {results})" for name, count in missing.items() if count < results]
        if everywhere:
            note(f"{kind}: no result has {', '.join(everywhere)}: those totals read 0")
        if somewhere:
            note(f"{kind}: some results lack {', '.join(somewhere)}: those totals count the others only")

    def _rows(
        self, listing: ListingReport, *, table: bool
    ) -> tuple[list[str], Iterable[list[_Cell]], list[int | Decimal]]:
        """The header, the data rows (each built as it is reached) and the total row of one kind's table, having
        said what its totals cannot show."""
        if listing.kind not in KINDS:
            return [], [], []  # a listing of no kind holds no results at all: nothing to count
        every, kind = self.every, cast("KindName", listing.kind)
        tally = self.tally(kind)
        total = tally.total  # built anew on every read; the groups are built one at a time
        self._notes(kind, tally, total, listing.results + self.listings.loose.get(kind, 0))
        keys = None if self.chosen is not None else list(tally.group_keys())  # with --by, every field asked for
        shown = [index for index in range(len(tally.by)) if keys is None or any(row[index] is not None for row in keys)]
        fields = [tally.by[index] for index in shown]
        columns = _columns(kind, total)
        if table:
            # The table leaves out counters that are zero in every row, but for the first and last, and those
            # it has no room for (csv and json keep every one).
            fits, optional = TABLE_COUNTERS.get(kind), COUNTERS[kind][1:-1]
            columns = {
                name: value
                for name, value in columns.items()
                if not (name in optional and value(total) == 0) and (fits is None or name in fits)
            }
        values = list(columns.values())
        totals = [value(total) for value in values]
        rows: Iterable[list[_Cell]] = [[*totals]]  # without a time axis or groups: one row, even for no results
        if every is not None or fields:
            periods: Iterator[int] = iter(())
            if every == "bucket":
                spans = self.listings.check.spans
                periods = iter(sorted({start for named in (kind, None) for start, _ in spans(named)}))
            elif every is not None and listing.start is not None and listing.end is not None:
                periods = iter_periods(listing.start, listing.end, every)
            zero = [*[BLANK] * len(shown), *(Decimal(0) if isinstance(number, Decimal) else 0 for number in totals)]
            rows = _group_rows(tally, every is not None, periods, shown, values, zero)
        header = [*([TIME_COLUMNS[every]] if every else []), *fields, *columns]
        if self.names:
            header, rows = _with_names(header, rows, self.names)
        return header, rows, totals


# With --names, the column added right after each id column: the id's name, blank when it has none.
NAME_COLUMNS: Final = {"project_id": "project_name", "user_id": "user_name", "api_key_id": "api_key_name"}


def _with_names(
    header: list[str], rows: Iterable[list[_Cell]], names: dict[str, str]
) -> tuple[list[str], Iterator[list[_Cell]]]:
    """The header and rows with a name column after each id column; the id columns stay as they are."""
    ids = [index for index, name in enumerate(header) if name in NAME_COLUMNS]
    named_header = [added for name in header for added in (name, NAME_COLUMNS.get(name)) if added is not None]

    def named(row: list[_Cell]) -> list[_Cell]:
        for index in reversed(ids):  # from the last, so that the places of the others stay
            cell = row[index]
            row.insert(index + 1, names.get(cell, BLANK) if isinstance(cell, str) else BLANK)
        return row

    return named_header, map(named, rows)


_Value = Callable[[Totals], "int | Decimal"]


def _columns(kind: KindName, total: Totals) -> dict[str, _Value]:
    """The numbers of a kind's rows by column name: its counters in field order, its levels (latest and peak),
    and for costs the amount per currency."""
    columns = {name: _counter(name) for name in COUNTERS[kind]}
    for name in LEVELS.get(kind, ()):
        columns[f"{name}_latest"] = _level(name, latest=True)
        columns[f"{name}_peak"] = _level(name, latest=False)
    if kind == "costs":
        columns |= {f"amount_{currency}": _amount(currency) for currency in total.amounts} or {"amount": _amount("")}
    return columns


def _counter(name: str) -> _Value:
    return lambda totals: totals.counts[name]


def _level(name: str, *, latest: bool) -> _Value:
    return lambda totals: (totals.levels[name].latest if latest else totals.levels[name].peak) or 0


def _amount(currency: str) -> _Value:
    return lambda totals: totals.amounts.get(currency, Decimal(0))


def _period(start: int, end: int, every: Every | None) -> int | None:
    """Where a bucket's results are counted on the time axis; `ValueError` if it has no place there."""
    if every is None:
        return None
    if every == "bucket":
        utc_datetime(start)  # a time a datetime can hold
        return start
    first = period_start(start, every)
    following = next_period(first, every)
    if end > following:
        raise ValueError(
            f"the bucket {utc_text(start)} to {utc_text(end)} crosses into the next {every}"
            f" at {utc_text(following)}: with --every {every} each bucket must fit in one {every}"
        )
    return first


class _Blank:
    """The group cells of a zero row: no group at all, as opposed to a group whose value is null."""


BLANK: Final = _Blank()
_Cell = str | bool | int | Decimal | datetime | None | _Blank


def _group_rows(
    tally: UsageTally,
    timed: bool,
    periods: Iterator[int],
    shown: list[int],
    values: list[_Value],
    zero: Sequence[_Cell],
) -> Iterator[list[_Cell]]:
    """The rows of the groups, largest first, each built as it is reached; when `timed`, in time order, each
    starting with its time, with the `zero` row for each of the `periods` without usage."""
    period = next(periods, None)
    last: datetime | None = None
    for group in tally.iter_groups(by_time=timed):
        moment = group.bucket_start
        if moment is not None and moment != last:
            at = bucket_time(moment)
            while period is not None and period <= at:
                if period < at:
                    yield [utc_datetime(period), *zero]
                period = next(periods, None)
            last = moment
        cells: list[_Cell] = [*(group.values[index] for index in shown), *(value(group.totals) for value in values)]
        yield [moment, *cells] if timed else cells
    while period is not None:
        yield [utc_datetime(period), *zero]
        period = next(periods, None)


def _plain(cell: _Cell, every: Every | None, *, table: bool = False) -> str | None:
    """A cell as csv and json write it (`None` for null), or as the `table` shows it."""
    if isinstance(cell, str):
        return (cell or '""') if table else cell
    if cell is None or isinstance(cell, _Blank):
        return (NULL_CELL if cell is None else "") if table else None
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, Decimal):
        if table:  # money, to the cent, half a cent rounded up as on an invoice (csv and json keep every digit)
            return f"{cell.quantize(_CENT, rounding=ROUND_HALF_UP, context=_WIDE):,}"
        return format(cell.normalize(_WIDE), "f")  # exact, without trailing zeros or an exponent
    if isinstance(cell, int):
        return f"{cell:,}" if table else str(cell)
    if every == "day" or every == "week":
        return cell.date().isoformat()
    return cell.strftime("%Y-%m") if every == "month" else cell.isoformat().replace("+00:00", "Z")


_QUOTED: Final = re.compile('[,"\r\n]').search
"""Whether a csv field needs quotes."""


def _write(header: list[str], rows: Iterable[list[_Cell]], every: Every | None, form: str) -> None:
    """CSV, with null as an empty field and an empty string as `""` so that the two stay apart; or JSON, an array
    of objects, money the exact decimal number it is. Each row is written as it comes."""
    write = sys.stdout.write
    if form == "csv":
        write(",".join(header) + "\n" if header else "")  # no results, no columns
        for row in rows:  # most cells are counts: nothing to quote
            write(",".join([str(cell) if type(cell) is int else _csv_field(_plain(cell, every)) for cell in row]))
            write("\n")
        return
    import json  # only for this format: the other runs start without it

    names = [f"    {json.dumps(name)}: " for name in header]
    first = True
    for row in rows:
        members: list[str] = []
        for name, cell in zip(names, row, strict=True):
            text = str(cell) if type(cell) is int else _plain(cell, every)
            if text is not None and not isinstance(cell, (bool, int, Decimal)):
                text = json.dumps(text)  # a string: quoted
            members.append(name + ("null" if text is None else text))
        write(("[\n" if first else ",\n") + "  {\n" + ",\n".join(members) + "\n  }")
        first = False
    write("[]\n" if first else "\n]\n")


def _csv_field(text: str | None) -> str:
    if text is None:
        return ""
    return '"' + text.replace('"', '""') + '"' if text == "" or _QUOTED(text) else text


_CENT: Final = Decimal("0.01")
_WIDE: Final = Context(prec=MAX_PREC)  # however many digits a sum of money has
NULL_CELL: Final = "(none)"  # how the table shows a field that is null or absent; an empty string shows as `""`


def _table(header: list[str], rows: Sequence[list[_Cell]], total: Sequence[_Cell], every: Every | None) -> str:
    """Columns aligned for a terminal, text to the left and numbers to the right, headers shortened, then a
    total line."""
    header = [SHORT_HEADERS.get(name, name.removesuffix("_tokens").removeprefix("amount_")) for name in header]
    if len(header) == len(total):  # without a grouping column the one row is the total itself
        header, rows = ["", *header], []
    numbers_from = len(header) - len(total)
    total_row: list[_Cell] = ["total", *[BLANK] * (numbers_from - 1), *total]
    lines = [header, *([_plain(cell, every, table=True) or "" for cell in row] for row in [*rows, total_row])]
    widths = [max(map(len, column)) for column in zip(*lines, strict=True)]
    bars: list[str] = []
    if sys.stdout.isatty():
        _fit(widths, lines, numbers_from, fixed=1 if every else 0)
        room = shutil.get_terminal_size().columns - sum(widths) - 2 * len(widths)
        if every is not None and rows and room >= 4:
            bars = _bars([row[numbers_from] for row in rows], min(room, BAR_WIDTH))
    return "\n".join(
        "  ".join(
            [
                cell.rjust(width) if column >= numbers_from else _cut(cell, width).ljust(width)
                for column, (cell, width) in enumerate(zip(line, widths, strict=True))
            ]
            + (bars[number - 1 : number] if number else [])  # a bar for each data row
        ).rstrip()
        for number, line in enumerate(lines)
    )


BAR_WIDTH: Final = 16  # the most characters the bar of a row of a table with a time axis takes on a terminal
_EIGHTHS: Final = " ▏▎▍▌▋▊▉"


def _bars(cells: Sequence[_Cell], width: int) -> list[str]:
    """A bar per row in Unicode blocks, eighths of a character, for the first number of each (its main counter,
    or the amount); none where the terminal cannot show the blocks or there is nothing to draw."""
    values = [cell if isinstance(cell, (int, Decimal)) and not isinstance(cell, bool) else 0 for cell in cells]
    highest = max(values, default=0)
    if highest <= 0 or not _can_write("█▏"):
        return []
    eighths = (divmod(round(max(value, 0) * width * 8 / highest), 8) for value in values)
    return ["█" * full + _EIGHTHS[part].strip() for full, part in eighths]


def _fit(widths: list[int], lines: list[list[str]], numbers_from: int, fixed: int) -> None:
    """Narrow the widest text columns until the table fits the terminal: numbers and times are never cut, nor
    a column below its header, or so far that two of its values would show the same."""
    room = shutil.get_terminal_size().columns
    least = [_least_width({line[column] for line in lines[1:]}, len(lines[0][column])) for column in range(len(widths))]
    while sum(widths) + 2 * (len(widths) - 1) > room:
        candidates = [column for column in range(fixed, numbers_from) if widths[column] > least[column]]
        if not candidates:
            return
        widest = max(candidates, key=lambda column: widths[column])
        widths[widest] -= 1


def _least_width(cells: set[str], header: int) -> int:
    """The narrowest a text column can be cut with its values still told apart."""
    longest = max(map(len, cells), default=0)
    for width in range(max(header, 6), longest):
        if len({_cut(cell, width) for cell in cells}) == len(cells):
            return width
    return longest


def _cut(cell: str, width: int) -> str:
    return cell if len(cell) <= width else cell[: width - 1] + ("…" if _can_write("…") else "~")


def _can_write(text: str) -> bool:
    try:
        text.encode(sys.stdout.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True
