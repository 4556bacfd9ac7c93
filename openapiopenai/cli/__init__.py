"""The command line: `openapiopenai COMMAND ...`, one module per command in this package.

Each command module has `add_parser(commands)`, which adds its subparser and sets `run` on it:
a function from the parsed arguments to the exit status.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
from typing import Final

from openapiopenai import __version__
from openapiopenai.cli._common import PROG

COMMANDS: Final = ("summarize", "validate", "fetch")
"""The commands, in the order `--help` lists them: each is the module `openapiopenai.cli.<name>`."""


def main(argv: list[str] | None = None) -> int:
    """Run the command line; the return value is the exit status."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            # Text the output's encoding cannot hold (a cp1252 or ASCII terminal) is written as escapes.
            stream.reconfigure(errors="backslashreplace")
    try:
        args = parser().parse_args(argv)
        status: int = args.run(args)
        sys.stdout.flush()
    except SystemExit as exit:
        # Usage errors (status 2) and --help or --version (status 0): returned, so callers in Python get a status too.
        return exit.code if isinstance(exit.code, int) else 2
    except OSError as error:
        # Writing failed: the reader closed the pipe (`| head`) or the disk is full. Say so once,
        # and keep the interpreter from failing again when it flushes standard output on the way out.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        reason = "the reader closed the pipe" if isinstance(error, BrokenPipeError) else error.strerror or error
        print(f"{PROG}: error: cannot write the output: {reason}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return status


def parser() -> argparse.ArgumentParser:
    """The whole command line's parser, with every command's subparser."""
    top = argparse.ArgumentParser(
        prog=PROG,
        description="Check and total OpenAI organization usage exports of the images endpoint.",
        epilog="Input: FILEs, directories of *.json and *.jsonl files, '-' for standard input (the default when it "
        "is not a terminal), or --sample for the built-in sample. Exit status: 0 complete totals or a valid "
        "listing, 1 bad data or an incomplete listing, 2 bad usage.",
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = top.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"{__name__}.{name}").add_parser(commands)
    return top
