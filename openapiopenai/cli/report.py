"""`openapiopenai report`: usage and spend over time as one self-contained HTML file."""

from __future__ import annotations

import argparse
import sys
from typing import Final, cast, get_args

from openapiopenai.cli import COMMANDS
from openapiopenai.cli._common import PROG, Commands, add_input, add_names, add_partial, add_period
from openapiopenai.cli._output import add_output, choice, replacing
from openapiopenai.cli.summarize import read
from openapiopenai.models import KindName
from openapiopenai.report import KindCounted, Period, SpendBy, render_report

EVERY: Final[dict[str, Period]] = {every: every for every in get_args(Period)}
SPEND_BY: Final[dict[str, SpendBy]] = {"project": "project_id", "line_item": "line_item"}


def add_parser(commands: Commands) -> None:
    """Add the `report` command."""
    parser = commands.add_parser(
        "report",
        help=COMMANDS["report"],
        description="Write one HTML file, which needs no network to open, of what was counted, spend and each "
        "kind's usage per period, every chart beside the table of its numbers: summarize's figures, its listing "
        "checked the same way (an incomplete one is refused unless --partial).",
        epilog="Exit status: 0 report written (labelled partial with --partial), 1 bad data or an incomplete "
        "listing, 2 bad usage.",
    )
    add_input(parser)
    add_output(parser, "report.html")
    parser.add_argument(
        "--every",
        type=choice("time axis", EVERY),
        default="day",
        metavar="{day,week,month}",
        help="the bars of the charts: UTC calendar days, weeks (from Monday) or months; default: day",
    )
    parser.add_argument(
        "--spend-by",
        type=choice("choice", SPEND_BY),
        default="project",
        metavar="{project,line_item}",
        help="what the bars of spend per period are stacked by; default: project",
    )
    add_period(parser)
    add_partial(parser, "its report is written, every chart and table of that kind labelled partial")
    add_names(parser)
    # Read and checked as by summarize, with every field grouped and each kind's own tally.
    parser.set_defaults(run=run, by=None, kind=None, refused="no report written")


def run(args: argparse.Namespace) -> int:
    """Write the report; write nothing and return 1 if a document could not be used or the listing is not whole."""
    checked = read(args)
    if isinstance(checked, int):
        return checked
    reading, reports = checked
    kinds = [KindCounted(listing, reading.tallies.get(cast("KindName", listing.kind))) for listing in reports]
    page = render_report(kinds, args.every, spend_by=args.spend_by, names=reading.names)
    with replacing(args.output) as stream:
        stream.write(page)
    if args.output != "-":
        print(f"{PROG}: wrote {args.output} ({len(page.encode()):,} bytes)", file=sys.stderr)
    return 0
