"""`openapiopenai summarize`: totals of images and model requests, grouped."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import datetime
from typing import Final

from openapiopenai.cli._common import PROG, Commands, add_files, outcomes, report
from openapiopenai.documents import Loaded, Rejected, add_to_tally, place
from openapiopenai.models import UsageResponse
from openapiopenai.usage import GROUP_BY_FIELDS, GroupBy, Totals, UsageTally

FORMATS: Final = ("table", "csv", "json")


def add_parser(commands: Commands) -> None:
    """Add the `summarize` command."""
    parser = commands.add_parser(
        "summarize",
        help="total images and model requests, grouped",
        description="Total images and num_model_requests, grouped, largest first.",
    )
    add_files(parser)
    parser.add_argument(
        "--by",
        type=_group_by,
        metavar="FIELD[,FIELD...]",
        help=f"group by these fields ({', '.join(GROUP_BY_FIELDS)}), or 'none' for one overall row; "
        "default: every field that has a value somewhere in the input",
    )
    parser.add_argument(
        "--per-bucket", action="store_true", help="also group by bucket, adding its start as a bucket_start column"
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


def _output_format(text: str) -> str:
    if text not in FORMATS:
        raise argparse.ArgumentTypeError(f"unknown format {text!r}: choose from {', '.join(FORMATS)}")
    return text


def run(args: argparse.Namespace) -> int:
    """Total the documents, or print no totals and return 1 if any could not be used."""
    chosen: tuple[GroupBy, ...] | None = args.by
    per_bucket: bool = args.per_bucket
    # Grouping by every field and showing only those with a value gives the same groups as
    # grouping by those fields alone, without reading the input twice.
    tally = UsageTally(GROUP_BY_FIELDS if chosen is None else chosen, per_bucket=per_bucket)
    unfinished: tuple[str, str | None] | None = None  # where the last page was read, and its next_page
    rejected = 0
    for outcome in outcomes(args.files):
        if isinstance(outcome, Loaded):
            errors = add_to_tally(tally, outcome.document)
            if errors:
                outcome = Rejected(outcome.source, outcome.line, errors)
            else:
                for document in outcome.document if isinstance(outcome.document, list) else [outcome.document]:
                    if isinstance(document, UsageResponse):
                        unfinished = (place(outcome), document.next_page) if document.has_more else None
        if isinstance(outcome, Rejected):
            report(outcome, sys.stderr)
            rejected += 1
    if rejected:
        # Totals of only the usable part would look complete: print none.
        documents = "document" if rejected == 1 else "documents"
        print(f"{PROG}: no totals printed: {rejected} {documents} could not be used", file=sys.stderr)
        return 1

    groups = tally.groups()
    if chosen is None:
        shown = [index for index in range(len(GROUP_BY_FIELDS)) if any(g.values[index] is not None for g in groups)]
        fields = [GROUP_BY_FIELDS[index] for index in shown]
    else:
        shown, fields = list(range(len(tally.by))), list(tally.by)
    header = (["bucket_start"] if per_bucket else []) + fields + ["images", "num_model_requests"]
    rows: list[list[_Cell]] = [
        ([group.bucket_start] if per_bucket else [])
        + [group.values[index] for index in shown]
        + [group.totals.images, group.totals.num_model_requests]
        for group in groups
    ]
    if not fields and not per_bucket:
        rows = [[tally.total.images, tally.total.num_model_requests]]  # one overall row, even for no results

    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([_text(cell) for cell in row] for row in rows)
    elif args.format == "json":
        records = [
            dict(zip(header, [_text(cell) if isinstance(cell, datetime) else cell for cell in row], strict=True))
            for row in rows
        ]
        print(json.dumps(records, indent=2))
    else:
        print(_table(header, rows, tally.total))
    sys.stdout.flush()
    if unfinished is not None:
        where, next_page = unfinished
        print(
            f"{PROG}: note: the listing is incomplete: the last page ({where}) has has_more: true, "
            f"next_page: {json.dumps(next_page)}; these totals leave out the pages after it",
            file=sys.stderr,
        )
    return 0


_Cell = str | int | datetime | None


def _text(cell: _Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.isoformat().replace("+00:00", "Z")
    return str(cell)


def _table(header: list[str], rows: list[list[_Cell]], total: Totals) -> str:
    """Columns aligned for a terminal, text to the left and numbers to the right, then a total line."""
    if len(header) == 2:
        # Without a grouping column the one row is the total itself.
        header, rows = ["", *header], []
    total_row: list[_Cell] = ["total", *[None] * (len(header) - 3), total.images, total.num_model_requests]
    lines = [header, *([_text(cell) for cell in row] for row in [*rows, total_row])]
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    numbers_from = len(header) - 2
    return "\n".join(
        "  ".join(
            cell.rjust(width) if column >= numbers_from else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in lines
    )
