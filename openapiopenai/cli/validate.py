"""`openapiopenai validate`: say for each document whether it is valid and what it holds, then check the listing."""

from __future__ import annotations

import argparse
import sys

from openapiopenai.cli import COMMANDS
from openapiopenai.cli._common import (
    Commands,
    Listings,
    add_input,
    add_kind,
    clear_progress,
    input_files,
    use_each,
)
from openapiopenai.documents import DocumentError, Loaded, describe, place
from openapiopenai.listing import ListingCheck


def add_parser(commands: Commands) -> None:
    """Add the `validate` command."""
    parser = commands.add_parser(
        "validate",
        help=COMMANDS["validate"],
        description="Say for each document whether it is valid and what it holds, or list every error with its "
        "path. Then, when every document is valid, check their buckets as one listing: the period they cover, "
        "and whether any bucket is there twice, any is missing, or the last page says has_more.",
        epilog="Exit status: 0 every document valid and the listing whole (or only incomplete, with --partial), "
        "1 an invalid document or a listing that is not whole, 2 bad usage. An incomplete listing of valid "
        "documents is said so in the last line.",
    )
    add_input(parser)
    add_kind(parser)
    parser.add_argument(
        "--partial",
        action="store_true",
        help="accept an incomplete listing (a page missing, or the last page saying has_more): exit status 0 when "
        "every document is valid and the buckets are one listing, as summarize --partial prints its totals",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check every document and then the listing of each kind; the exit status is 1 if anything is wrong."""
    listings = Listings(ListingCheck(), args.kind)

    def use(outcome: Loaded) -> list[DocumentError]:
        part = outcome.part
        if part is None or part.last:  # a page read in parts is said once, whole
            clear_progress()
            print(f"{place(outcome)}: ok: {describe(outcome.document) if part is None else part.describe()}")
        for _ in listings.register(outcome):
            pass
        return []

    if use_each(input_files(args), args.max_bytes, use, sys.stdout):
        return 1
    reports, refused = listings.reports()
    if refused is not None:
        print(f"listing: error: {refused[0]}")
        return 1
    problems = gaps = False
    for listing in reports:
        counted = listings.describe(listing)
        if listing.problems:
            verdict = ": not one listing"
        elif not listing.buckets and not listing.pages:
            verdict = ""  # results alone: no time, nothing to check
        else:
            verdict = ": complete" if listing.complete else ": incomplete"
        print(f"listing: {counted}{verdict}")
        for problem in listing.problems:
            print(f"listing: error: {problem}")
        for gap in listing.gaps:
            print(f"listing: incomplete: {gap}")
        problems = problems or bool(listing.problems)
        gaps = gaps or bool(listing.gaps)
    if problems:
        return 1
    if gaps:
        # What failed is not a document: say so, as summarize does before printing partial totals.
        accepted = "accepted with --partial" if args.partial else "--partial accepts that"
        print(f"listing: every document is valid; the listing is incomplete ({accepted})")
        return 0 if args.partial else 1
    return 0
