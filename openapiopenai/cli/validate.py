"""`openapiopenai validate`: say for each document whether it is valid and what it holds, then check the listing."""

from __future__ import annotations

import argparse
import sys

from openapiopenai.cli._common import (
    KIND,
    Commands,
    add_input,
    describe_listing,
    input_files,
    outcomes,
    register,
    report,
)
from openapiopenai.documents import Loaded, describe, place
from openapiopenai.listing import ListingCheck
from openapiopenai.models import UsageImagesResult


def add_parser(commands: Commands) -> None:
    """Add the `validate` command."""
    parser = commands.add_parser(
        "validate",
        help="say for each document whether it is valid, and what it holds; then check the listing",
        description="Say for each document whether it is valid and what it holds, or list every error with its "
        "path. Then, when every document is valid, check their buckets as one listing: the period they cover, "
        "and whether any bucket is there twice, any is missing, or the last page says has_more.",
        epilog="Exit status: 0 every document valid and the listing whole, 1 an invalid document or a listing "
        "that is not whole, 2 bad usage.",
    )
    add_input(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check every document and then the listing; the exit status is 1 if anything is wrong."""
    check = ListingCheck()
    valid = rejected = loose = 0
    for outcome in outcomes(input_files(args)):
        if isinstance(outcome, Loaded):
            print(f"{place(outcome)}: ok: {describe(outcome.document)}")
            valid += 1
            loose += sum(isinstance(item, UsageImagesResult) for _, item in register(outcome, check))
        else:
            report(outcome, sys.stdout)
            rejected += 1
    if rejected or not valid:
        return 1
    listing = check.report(KIND)
    counted = describe_listing(listing, loose)
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
    return 1 if listing.problems or listing.gaps else 0
