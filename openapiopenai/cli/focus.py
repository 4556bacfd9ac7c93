"""`openapiopenai focus`: costs as FOCUS 1.2 rows, in CSV or Parquet, over one checked listing."""

from __future__ import annotations

import argparse
import sys
from typing import Final, cast

from openapiopenai.cli import COMMANDS
from openapiopenai.cli._common import (
    PROG,
    Commands,
    Listings,
    add_input,
    add_names,
    add_partial,
    input_files,
    names_of,
    note,
    refuse,
    use_each,
    verdict,
)
from openapiopenai.cli._output import add_output, choice, replacing
from openapiopenai.documents import DocumentError, Loaded
from openapiopenai.focus import (
    FOCUS_VERSION,
    FocusError,
    FocusExport,
    InexactValue,
    ParquetUnavailable,
    parquet_modules,
    write_csv,
    write_parquet,
)
from openapiopenai.listing import ListingCheck
from openapiopenai.models import UsageResult, UsageTimeBucket

SAMPLE_ORGANIZATION_ID: Final = "org-SampleQ4TzL8wX7KcHm3Ye"
SAMPLE_ORGANIZATION_NAME: Final = "Sample Organization"
"""The made-up organization of the built-in sample, the billing account of `focus --sample`."""


def add_parser(commands: Commands) -> None:
    """Add the `focus` command."""
    parser = commands.add_parser(
        "focus",
        help=COMMANDS["focus"],
        description=f"Write each costs result read as one FOCUS {FOCUS_VERSION} row, its money the exact decimal the "
        "API sent, over one listing checked as by summarize. The organization is FOCUS's billing account.",
        epilog="Exit status: 0 every row written (or, with --partial, the rows of an incomplete listing), 1 bad "
        "data, no costs or an incomplete listing, 2 bad usage.",
    )
    add_input(parser)
    add_output(parser)
    formats = {"csv": "csv", "parquet": "parquet"}
    parser.add_argument(
        "--format", type=choice("format", formats), default="csv", metavar="{csv,parquet}", help="default: csv"
    )
    for field, column in (("id", "BillingAccountId"), ("name", "BillingAccountName")):
        text = f"the organization's {field}: {column}; required, except with --sample"
        parser.add_argument(f"--organization-{field}", metavar=field.upper(), help=text)
    add_partial(parser, "its rows are written, labelled partial on standard error (exit status 0)")
    add_names(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Read, check and write; write nothing and return 1 if any costs cannot be used or the listing is not whole."""
    files = input_files(args)
    account_id: str | None = args.organization_id
    account_name: str | None = args.organization_name
    if files is None:  # the sample's made-up organization, unless another is given
        account_id = SAMPLE_ORGANIZATION_ID if account_id is None else account_id
        account_name = SAMPLE_ORGANIZATION_NAME if account_name is None else account_name
    given = (("--organization-id", account_id), ("--organization-name", account_name))
    missing = [option for option, value in given if not (value or "").strip()]
    if missing:
        args.usage(f"{' and '.join(missing)} required: the Costs API does not return the organization's id and name")
    binary = args.format == "parquet"
    if binary:
        if args.output == "-" and sys.stdout.isatty():
            args.usage("Parquet is binary: give -o FILE, or redirect standard output")
        try:
            parquet_modules()
        except ParquetUnavailable as error:
            print(f"{PROG}: error: {error}", file=sys.stderr)
            return 1
    export = FocusExport(cast("str", account_id), cast("str", account_name), names_of(args))
    listings = Listings(ListingCheck(), "costs")

    def use(outcome: Loaded) -> list[DocumentError]:
        errors: list[DocumentError] = []
        for path, item, _ in listings.register(outcome):
            # A result outside any bucket is refused by `verdict`; a bucket read twice, named by the listing check.
            if not isinstance(item, UsageTimeBucket) or export.holds(item.start_time):
                continue
            try:
                export.add_bucket(cast("UsageTimeBucket[UsageResult]", item))
            except FocusError as error:
                prefix = f"{path}." if path else ""
                errors += [DocumentError(f"{prefix}{where}", problem) for where, problem in error.problems]
        return errors

    rejected = use_each(files, args.max_bytes, use)
    skipped = listings.present - {"costs"}
    if skipped:
        note(f"skipped the results of other kinds: {', '.join(sorted(skipped))}")
    refused = "no FOCUS rows written"
    reports = verdict(listings, rejected, refused, partial=args.partial, timed=True)
    if reports is None:
        return 1
    if not export.rows:
        return refuse(refused, "the input holds no costs results")
    print(f"{PROG}: counted {listings.counted(reports[0])}", file=sys.stderr)
    sys.stderr.flush()
    try:
        with replacing(args.output, binary=binary) as stream:
            (write_parquet if binary else write_csv)(export.iter_rows(), stream)
    except InexactValue as error:
        return refuse(refused, "a value cannot be written exactly", error)
    return 0
