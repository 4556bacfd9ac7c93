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
    add_partial,
    input_files,
    say,
    use_each,
    verdict,
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
    add_partial(parser, "exit status 0 when every document is valid and the buckets are one listing")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check every document and then the listing of each kind; the exit status is 1 if anything is wrong."""
    listings = Listings(ListingCheck(), args.kind)

    def use(outcome: Loaded) -> list[DocumentError]:
        part = outcome.part
        if part is None or part.last:  # a page read in parts is said once, whole
            text = describe(outcome.document) if part is None else part.describe()
            say(f"ok: {text}", sys.stdout, prefix=f"{place(outcome)}: ")
        list(listings.register(outcome))  # noted in the listing; nothing to count
        return []

    rejected = use_each(input_files(args), args.max_bytes, use, sys.stdout)
    if rejected:  # the listing is checked once every document is valid
        return 1
    checked = verdict(
        listings, 0, "not accepted", partial=args.partial, stream=sys.stdout, prefix="listing: ", states=True
    )
    return 1 if checked is None else 0
