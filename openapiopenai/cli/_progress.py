"""Progress on standard error while a large input is read: bytes and documents so far, and the rate.

Shown only when standard error is a terminal, from the first second of reading on (a small input is
done before then and shows nothing), redrawn at most four times a second on one line, and erased
before anything else is written and when reading ends.
"""

from __future__ import annotations

import math
import os
import shutil
import time
from collections.abc import Sequence
from typing import IO, Final

from openapiopenai.cli import PROG

AFTER: Final = 1.0  # seconds of reading before progress is first shown
EVERY: Final = 0.25  # seconds between redraws


class Progress:
    """Counts what is read, and shows it on `stream` if that is a terminal."""

    def __init__(self, stream: IO[str], total: int | None) -> None:
        self.stream = stream
        self.total = total  # the bytes to read, when known (regular files only)
        self.started = time.monotonic()
        self.due = self.started + AFTER if _is_terminal(stream) else math.inf  # not shown at all elsewhere
        self.bytes = 0
        self.documents = 0
        self.shown = False

    def read(self, count: int) -> None:
        """Note `count` more bytes read."""
        self.bytes += count
        self._tick()

    def document(self) -> None:
        """Note one more document read."""
        self.documents += 1
        self._tick()

    def _tick(self) -> None:
        now = time.monotonic()
        if now < self.due:
            return
        self.due = now + EVERY
        elapsed = max(now - self.started, 1e-9)
        text = f"{PROG}: read {_megabytes(self.bytes)}"
        if self.total:
            text += f" of {_megabytes(self.total)} ({min(self.bytes / self.total, 1):.0%})"
        documents = "document" if self.documents == 1 else "documents"
        text += f", {self.documents:,} {documents}, {_megabytes(self.bytes / elapsed)}/s"
        width = shutil.get_terminal_size().columns
        self.stream.write("\r" + text[: max(width - 1, 10)] + "\x1b[K")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        """Erase the progress line, so that other output starts on a clean line."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def _megabytes(count: float) -> str:
    return f"{count / 1e6:,.1f} MB"


def input_size(files: Sequence[str] | None) -> int | None:
    """The total size of the files, if every one is a regular file; else `None` (standard input, a directory)."""
    try:
        if files and all(file != "-" and os.path.isfile(file) for file in files):
            return sum(map(os.path.getsize, files))
    except OSError:  # gone since
        pass
    return None
