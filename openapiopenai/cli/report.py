"""`openapiopenai report`: usage and spend over time as one self-contained HTML file."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from typing import Final, cast, get_args

from openapiopenai.cli import COMMANDS
from openapiopenai.cli._common import PROG, Commands, add_input, add_names, parse_when
from openapiopenai.cli.summarize import read
from openapiopenai.models import KindName
from openapiopenai.report import KindCounted, Period, SpendBy, render_report

EVERY: Final[tuple[Period, ...]] = get_args(Period)
SPEND_BY: Final = {"project": "project_id", "line_item": "line_item"}


def add_parser(commands: Commands) -> None:
    """Add the `report` command."""
    parser = commands.add_parser(
        "report",
        help=COMMANDS["report"],
        description="Write one HTML file that shows what was counted, spend per period (stacked by project or "
        "by line item), the top line items and projects, and each kind's usage per period stacked by model, "
        "each chart with the table of its numbers. The file needs no network to open: styles and charts "
        "are inline. The figures are summarize's for the same input and options, and the listing is "
        "checked the same way: an incomplete one is refused unless --partial.",
        epilog="Exit status: 0 report written (labelled partial with --partial), 1 bad data or an incomplete "
        "listing, 2 bad usage.",
    )
    add_input(parser)
    parser.add_argument(
        "-o",
        "--output",
        default="report.html",
        metavar="FILE",
        help="where to write the report, '-' for standard output; default: report.html",
    )
    parser.add_argument(
        "--every",
        type=_every,
        default="day",
        metavar="{day,week,month}",
        help="the bars of the charts: UTC calendar days, weeks (from Monday) or months; default: day",
    )
    parser.add_argument(
        "--spend-by",
        type=_spend_by,
        default="project",
        metavar="{project,line_item}",
        help="what the bars of spend per period are stacked by; default: project",
    )
    parser.add_argument(
        "--since",
        type=parse_when,
        metavar="WHEN",
        help="count only buckets that start at or after this time (as for summarize)",
    )
    parser.add_argument(
        "--until",
        type=parse_when,
        metavar="WHEN",
        help="count only buckets that end at or before this time, exclusive (as for summarize)",
    )
    parser.add_argument(
        "--partial",
        action="store_true",
        help="write the report of an incomplete listing too, every chart and table of that kind labelled partial",
    )
    add_names(parser)
    # Read and checked as by summarize, with every field grouped and each kind's own tally.
    parser.set_defaults(run=run, by=None, kind=None, refused="no report written")


_EVERY: Final[dict[str, Period]] = {every: every for every in EVERY}


def _every(text: str) -> Period:
    if text not in _EVERY:
        raise argparse.ArgumentTypeError(f"unknown time axis {text!r}: choose from {', '.join(EVERY)}")
    return _EVERY[text]


def _spend_by(text: str) -> SpendBy:
    chosen = SPEND_BY.get(text)
    if chosen == "project_id":
        return "project_id"
    if chosen == "line_item":
        return "line_item"
    raise argparse.ArgumentTypeError(f"unknown choice {text!r}: choose from {', '.join(SPEND_BY)}")


def run(args: argparse.Namespace) -> int:
    """Write the report; write nothing and return 1 if a document could not be used or the listing is not whole."""
    reading = read(args)
    if isinstance(reading, int):
        return reading
    reports = reading.checked(args)
    if isinstance(reports, int):
        return reports
    kinds = [KindCounted(listing, reading.tallies.get(cast("KindName", listing.kind))) for listing in reports]
    page = render_report(kinds, args.every, spend_by=args.spend_by, names=reading.names)
    output: str = args.output
    if output == "-":
        sys.stdout.write(page)
        return 0
    _write(output, page)
    print(f"{PROG}: wrote {output} ({len(page.encode()):,} bytes)", file=sys.stderr)
    return 0


def _write(path: str, text: str) -> None:
    """Write the whole file or none of it: a report cut short by a full disk must not look finished."""
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=folder)
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)  # as a file made by open(), not mkstemp's private 0600
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
