"""The command line: `openapiopenai COMMAND ...`, one module per command in this package.

Each command module has `add_parser(commands)`, which adds its subparser and sets `run` on it:
a function from the parsed arguments to the exit status.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Final

from openapiopenai.cli._common import PROG

COMMANDS: Final = ("summarize", "validate", "fetch")
"""The commands, in the order `--help` lists them: each is the module `openapiopenai.cli.<name>`."""


def main(argv: list[str] | None = None) -> int:
    """Run the command line; the return value is the exit status."""
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit:
        # Usage errors (status 2) and --help (status 0): returned, so callers in Python get a status too.
        return exit.code if isinstance(exit.code, int) else 2
    try:
        status: int = args.run(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep the interpreter from
        # complaining when it flushes standard output on the way out.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        return 130
    return status


def parser() -> argparse.ArgumentParser:
    """The whole command line's parser, with every command's subparser."""
    top = argparse.ArgumentParser(
        prog=PROG,
        description="Check and total OpenAI organization usage exports of the images endpoint.",
        epilog="With no FILE, a built-in sample is read. '-' reads standard input.",
    )
    commands = top.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"{__name__}.{name}").add_parser(commands)
    return top
