"""`openapiopenai focus`: costs as FOCUS 1.2 rows, in CSV or Parquet, over one checked listing."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from collections.abc import Generator
from typing import IO, Final, cast

from openapiopenai.cli import COMMANDS
from openapiopenai.cli._common import (
    PROG,
    Commands,
    add_input,
    add_names,
    describe_listing,
    input_files,
    kinds_in,
    names_of,
    register,
    use_each,
)
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
from openapiopenai.models import KindName, UsageResult, UsageTimeBucket

FORMATS: Final = ("csv", "parquet")
SAMPLE_ORGANIZATION_ID: Final = "org-SampleQ4TzL8wX7KcHm3Ye"
SAMPLE_ORGANIZATION_NAME: Final = "Sample Organization"
"""The made-up organization of the built-in sample, the billing account of `focus --sample`."""


def add_parser(commands: Commands) -> None:
    """Add the `focus` command."""
    parser = commands.add_parser(
        "focus",
        help=COMMANDS["focus"],
        description=f"Write each costs result read as one FOCUS {FOCUS_VERSION} row (the FinOps Open Cost and "
        "Usage Specification), its money the exact decimal the API sent. The buckets are checked as one listing, "
        "as summarize checks them; results of other kinds are skipped. The organization's id and name, which "
        "the API does not return, are FOCUS's billing account.",
        epilog="Exit status: 0 every row written (or, with --partial, the rows of an incomplete listing), 1 bad "
        "data, no costs or an incomplete listing, 2 bad usage.",
    )
    add_input(parser)
    parser.add_argument("-o", "--output", metavar="OUT", help="write to this file (default: standard output)")
    parser.add_argument("--format", type=_output_format, default="csv", metavar="{csv,parquet}", help="default: csv")
    parser.add_argument(
        "--organization-id",
        metavar="ID",
        help="the organization's id (org-...): BillingAccountId; required, except with --sample",
    )
    parser.add_argument(
        "--organization-name",
        metavar="NAME",
        help="the organization's name: BillingAccountName; required, except with --sample",
    )
    parser.add_argument(
        "--partial",
        action="store_true",
        help="write the rows of an incomplete listing too, labelled partial on standard error (exit status 0)",
    )
    add_names(parser)
    parser.set_defaults(run=run)


def _output_format(text: str) -> str:
    if text not in FORMATS:
        raise argparse.ArgumentTypeError(f"unknown format {text!r}: choose from {', '.join(FORMATS)}")
    return text


def _refuse(why: str) -> int:
    print(f"{PROG}: no FOCUS rows written: {why}", file=sys.stderr)
    return 1


def run(args: argparse.Namespace) -> int:
    """Read, check and write; write nothing and return 1 if any costs cannot be used or the listing is not whole."""
    files = input_files(args)
    account_id: str | None = args.organization_id
    account_name: str | None = args.organization_name
    if files is None:
        account_id = SAMPLE_ORGANIZATION_ID if account_id is None else account_id
        account_name = SAMPLE_ORGANIZATION_NAME if account_name is None else account_name
    missing = [
        option
        for option, value in (("--organization-id", account_id), ("--organization-name", account_name))
        if value is None or not value.strip()
    ]
    if missing:
        args.usage(f"{' and '.join(missing)} required: the Costs API does not return the organization's id and name")
    if args.format == "parquet":
        if args.output is None and sys.stdout.isatty():
            args.usage("Parquet is binary: give -o FILE, or redirect standard output")
        try:
            parquet_modules()
        except ParquetUnavailable as error:
            print(f"{PROG}: error: {error}", file=sys.stderr)
            return 1
    export = FocusExport(cast("str", account_id), cast("str", account_name), names_of(args))
    check = ListingCheck()
    skipped: set[KindName] = set()
    loose = 0

    def use(outcome: Loaded) -> list[DocumentError]:
        nonlocal loose, skipped
        skipped |= kinds_in(outcome.document) - {"costs"}
        errors: list[DocumentError] = []
        for path, item, _ in register(outcome, check, "costs"):
            if not isinstance(item, UsageTimeBucket):
                loose += 1
                continue
            bucket = cast("UsageTimeBucket[UsageResult]", item)
            if export.holds(bucket.start_time):
                continue  # read twice: the listing check names both places
            try:
                export.add_bucket(bucket)
            except FocusError as error:
                prefix = f"{path}." if path else ""
                errors += [DocumentError(f"{prefix}{where}", problem) for where, problem in error.problems]
        return errors

    rejected = use_each(files, args.max_bytes, use)
    if skipped:
        print(f"{PROG}: note: skipped the results of other kinds: {', '.join(sorted(skipped))}", file=sys.stderr)
    if rejected:
        return _refuse(f"{rejected} document{'' if rejected == 1 else 's'} could not be used")
    if loose:
        print(
            f"{PROG}: error: {loose} costs result{'' if loose == 1 else 's'} outside any bucket: with no time"
            " they have no charge period",
            file=sys.stderr,
        )
        return _refuse("results have no time")
    listing = check.report("costs", include_unknown=True)
    for problem in listing.problems:
        print(f"{PROG}: error: {problem}", file=sys.stderr)
    if listing.problems:
        return _refuse("these buckets cannot be counted as one listing")
    if not export.rows:
        return _refuse("the input holds no costs results")
    label = "note: partial rows" if args.partial else "error: the listing is incomplete"
    for gap in listing.gaps:
        print(f"{PROG}: {label}: {gap}", file=sys.stderr)
    if not listing.complete and not args.partial:
        return _refuse("the listing is incomplete (--partial writes its rows anyway)")
    counted = describe_listing(listing, 0)
    if not listing.complete:
        counted += " (partial: the listing is incomplete)"
    print(f"{PROG}: counted {counted}", file=sys.stderr)
    sys.stderr.flush()

    def writer(stream: IO[str] | IO[bytes]) -> int:
        if args.format == "csv":
            return write_csv(export.iter_rows(), cast("IO[str]", stream))
        return write_parquet(export.iter_rows(), cast("IO[bytes]", stream))

    try:
        if args.output is None:
            writer(sys.stdout if args.format == "csv" else sys.stdout.buffer)
        else:
            with _replacing(args.output, binary=args.format == "parquet") as stream:
                writer(stream)
    except InexactValue as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return _refuse("a value cannot be written exactly")
    return 0


@contextlib.contextmanager
def _replacing(path: str, *, binary: bool) -> Generator[IO[str] | IO[bytes]]:
    """A new file written beside `path` that replaces it only once whole: a failed run leaves no half file."""
    folder = os.path.dirname(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".focus-", suffix=".part")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as `open` would have made it
        with open(
            descriptor, "wb" if binary else "w", encoding=None if binary else "utf-8", newline=None if binary else ""
        ) as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
