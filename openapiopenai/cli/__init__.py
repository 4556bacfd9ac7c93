"""The command line: `openapiopenai COMMAND ...`, one module per command in this package.

Each command module has `add_parser(commands)`, which adds its subparser and sets `run` on it:
a function from the parsed arguments to the exit status. The command modules (and with them
pydantic and the models) are imported only to run a command: `--version` and `--help` answer
from this module alone.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import re
import sys
from typing import Final, NoReturn

from openapiopenai import __version__

PROG: Final = "openapiopenai"

# The commands in the order `--help` lists them, with their one-line help: each is `openapiopenai.cli.<name>`.
COMMANDS: Final = {
    "summarize": "total each kind of usage and costs, grouped, over one checked listing per kind",
    "validate": "say for each document whether it is valid, and what it holds; then check the listing",
    "fetch": "get every page of a usage or costs listing from the API; 'fetch names' gets the names of projects, users and keys",
    "report": "write usage and spend over time as one self-contained HTML file of charts and tables",
    "focus": "write costs as FOCUS 1.2 rows (CSV or Parquet), the format FinOps tools load",
}


def main(argv: list[str] | None = None) -> int:
    """Run the command line; the return value is the exit status."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            # Text the output's encoding cannot hold (a cp1252 or ASCII terminal) is written as escapes.
            stream.reconfigure(errors="backslashreplace")
    try:
        arguments = sys.argv[1:] if argv is None else argv
        args = parser(load=_command_named(arguments)).parse_args(arguments)
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


def run() -> NoReturn:
    """The `openapiopenai` command and `python -m openapiopenai`: `main`, then exit with its status."""
    status = main()
    if status == 130:
        # Ctrl-C can land inside the standard library's HTTP and socket code and leave a half-made object
        # whose finalizer fails as the interpreter exits ("Exception ignored in: <socket.SocketIO ...>").
        # The command has said it was interrupted and what it kept: the process, which is ours, ends quietly.
        sys.unraisablehook = lambda unraisable: None
    sys.exit(status)


def _command_named(arguments: list[str]) -> str | None:
    """The command the arguments name before any `--help` or `--version`: only its own parser is needed."""
    for index, argument in enumerate(arguments):
        if argument in ("-h", "--help", "--version") or argument.startswith("--v"):
            return None
        if not argument.startswith("-"):
            # `fetch names` is a command of its own, with its own options (the module `fetch_names`).
            return FETCH_NAMES if arguments[index : index + 2] == ["fetch", "names"] else argument
    return None


_KEY_LIKE: Final = re.compile(r"sk-[A-Za-z0-9_-]+")


class _Parser(argparse.ArgumentParser):
    """A parser whose usage errors never repeat an admin key typed where it does not belong (as KIND, or as the
    value of a mistyped option): anything shaped like an OpenAI key, or holding the start of the one in the
    environment, is replaced."""

    def error(self, message: str) -> NoReturn:
        key = os.environ.get("OPENAI_ADMIN_KEY", "")
        if key:
            from openapiopenai.fetch import mask_key

            message = mask_key(message, key)
        super().error(_KEY_LIKE.sub("[admin key]", message))


FETCH_NAMES: Final = "fetch_names"


def parser(*, load: bool | str | None = True) -> argparse.ArgumentParser:
    """The whole command line's parser, with every command's subparser.

    With `load` a command's name, only that command is imported (and its subparser complete), the others
    only listed; with `False` or `None`, none is: enough for `--help`, `--version` and a missing command,
    and much faster to start.
    """
    top = _Parser(
        prog=PROG,
        description="Check, total and fetch OpenAI organization usage and costs exports.",
        epilog="Input: FILEs, directories of *.json and *.jsonl files, '-' for standard input (the default when it "
        "is not a terminal), or --sample for the built-in sample. Exit status: 0 complete totals or a valid "
        "listing, 1 bad data or an incomplete listing, 2 bad usage.",
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = top.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for name, summary in COMMANDS.items():
        module = FETCH_NAMES if load == FETCH_NAMES and name == "fetch" else name
        if load is True or load == module:
            importlib.import_module(f"{__name__}.{module}").add_parser(commands)
        else:
            commands.add_parser(name, help=summary, add_help=False)
    return top
