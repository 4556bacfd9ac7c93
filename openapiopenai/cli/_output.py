"""What the commands that write an output file share: an option that takes one of a few words, and an output
that replaces its file only once it is whole."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from collections.abc import Callable, Generator, Mapping
from typing import IO, Any, TypeVar

_T = TypeVar("_T")


def choice(what: str, choices: Mapping[str, _T]) -> Callable[[str], _T]:
    """An argparse type taking one of the words of `choices` (to its value), and naming them when refused."""

    def parse(text: str) -> _T:
        if text not in choices:
            raise argparse.ArgumentTypeError(f"unknown {what} {text!r}: choose from {', '.join(choices)}")
        return choices[text]

    return parse


def add_output(parser: argparse.ArgumentParser, default: str = "-") -> None:
    """The -o/--output option, for `replacing`."""
    parser.add_argument(
        "-o", "--output", default=default, metavar="OUT", help="'-' for standard output; default: %(default)s"
    )


@contextlib.contextmanager
def replacing(path: str, *, binary: bool = False) -> Generator[IO[Any]]:
    """Standard output for '-'; a device or a pipe itself; else a new file beside `path` that replaces it once
    whole, so that a run cut short leaves no half file. The new file's name is unpredictable and made only if it
    is not there, so that no link planted beside `path` is followed."""
    if path == "-":
        yield sys.stdout.buffer if binary else sys.stdout
        return
    if os.path.exists(path) and not os.path.isfile(path):  # a device or a pipe (/dev/null): written to, never replaced
        with open(path, "wb") if binary else open(path, "w", encoding="utf-8", newline="") as stream:
            yield stream
        return
    folder, name = os.path.split(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as `open` would have made it, not mkstemp's private 0600
        with open(descriptor, "wb") if binary else open(descriptor, "w", encoding="utf-8", newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())  # on disk before it takes the name: a crash leaves the old file or the new
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
