"""`openapiopenai validate`: say for each document whether it is valid, and what it holds."""

from __future__ import annotations

import argparse
import sys

from openapiopenai.cli._common import Commands, add_files, outcomes, report
from openapiopenai.documents import Loaded, describe, place


def add_parser(commands: Commands) -> None:
    """Add the `validate` command."""
    parser = commands.add_parser(
        "validate",
        help="say for each document whether it is valid, and what it holds",
        description="Say for each document whether it is valid and what it holds, or list every error with its path.",
    )
    add_files(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check every document; the exit status is 1 if any is invalid."""
    status = 0
    for outcome in outcomes(args.files):
        if isinstance(outcome, Loaded):
            print(f"{place(outcome)}: ok: {describe(outcome.document)}")
        else:
            report(outcome, sys.stdout)
            status = 1
    return status
