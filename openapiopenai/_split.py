"""Where a large page's buckets lie in its text, found without building the page.

A page of many buckets takes several times its size in memory once parsed, most of it in models.
Read a run of buckets at a time instead, it takes little more than its text: `split_page` walks the
page's top-level keys and the elements of its `data` array with the standard library's JSON
scanner (in C; the Python objects it builds are dropped straight away, one bucket at a time) over
a window of the text decoded at a time, and gives the byte ranges of runs of buckets. Each run,
put back between the page's text before and after its buckets, is a page of its own to validate.

Anything out of the ordinary (not one JSON object, a key twice, no `data` array, text after the
page, a bucket whose results name no kind) gives `None`: such a text is read whole, as before.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Final

_DECODER: Final = json.JSONDecoder()
_WHITESPACE: Final = re.compile(r"[ \t\n\r]*")
_WINDOW: Final = 1 << 20
"""How many bytes of the text are decoded at a time (more when one value is longer)."""


@dataclass(frozen=True)
class Run:
    """Consecutive buckets of a page: the bytes from the first one's `{` to the last one's `}`."""

    start: int
    end: int
    buckets: int
    results: int
    objects: frozenset[str]
    """The `object` of each result in these buckets."""


@dataclass(frozen=True)
class Split:
    """A page's text cut around its buckets: `text[:head]` ends with the `[` of `data`, `text[tail:]` starts
    with its `]`, and the runs of buckets lie in between."""

    head: int
    tail: int
    runs: tuple[Run, ...]


class _Irregular(Exception):
    """The text is not a page to read in runs of buckets."""


def split_page(text: bytes | bytearray, run_bytes: int) -> Split | None:
    """The page's buckets in runs of about `run_bytes` bytes each, or `None` if it is to be read whole.

    The ranges are exact wherever the text is JSON; whether it is a valid page is left to
    validating each run as a page.
    """
    try:
        split = _Walk(text).page(run_bytes)
    except _Irregular:
        return None
    # Every part repeats the page's other fields: adjacent runs are joined until each holds at least as many
    # bytes of buckets as of them.
    other = split.head + len(text) - split.tail
    runs: list[Run] = []
    for run in split.runs:
        if runs and (last := runs[-1]).end - last.start < other:
            objects = last.objects | run.objects
            runs[-1] = Run(last.start, run.end, last.buckets + run.buckets, last.results + run.results, objects)
        else:
            runs.append(run)
    return Split(split.head, split.tail, tuple(runs))


class _Walk:
    """A cursor over the text, decoded a window at a time."""

    def __init__(self, text: bytes | bytearray) -> None:
        self.text = text
        self.view = memoryview(text)
        self.window = ""
        self.start = 0  # the byte offset of the window's first character
        self.index = 0  # the cursor, in the window
        self.complete = False  # the window reaches the end of the text
        self.ascii = True
        self.mark = (0, 0)  # a window position and its byte offset, to map the next one from
        self.load(0, _WINDOW)

    def load(self, offset: int, size: int) -> None:
        """Decode the text from a byte offset, about `size` bytes of it, and put the cursor there."""
        text = self.text
        end = min(offset + size, len(text))
        while end < len(text) and text[end] & 0xC0 == 0x80:  # not inside a character's bytes
            end -= 1
        try:
            self.window = str(self.view[offset:end], "utf-8")
        except UnicodeDecodeError:
            raise _Irregular from None
        self.start, self.index, self.complete = offset, 0, end == len(text)
        self.ascii = self.window.isascii()
        self.mark = (0, offset)

    def offset(self) -> int:
        """The cursor's byte offset in the text."""
        if self.ascii:
            return self.start + self.index
        index, offset = self.mark
        if self.index < index:
            index, offset = 0, self.start
        offset += len(self.window[index : self.index].encode())
        self.mark = (self.index, offset)
        return offset

    def skip_whitespace(self) -> None:
        while True:
            self.index = _WHITESPACE.match(self.window, self.index).end()  # type: ignore[union-attr]
            if self.index < len(self.window) or self.complete:
                return
            self.load(self.offset(), _WINDOW)

    def peek(self) -> str:
        """The character at the cursor, after whitespace; empty at the end of the text."""
        self.skip_whitespace()
        return self.window[self.index : self.index + 1]

    def take(self, expected: str) -> str:
        """The character at the cursor, after whitespace, stepping past it: one of `expected`, or irregular."""
        char = self.peek()
        if not char or char not in expected:
            raise _Irregular
        self.index += 1
        return char

    def value(self) -> Any:
        """The JSON value at the cursor, stepping past it (a larger window if it goes on past this one)."""
        self.skip_whitespace()
        size = _WINDOW
        while True:
            try:
                value, end = _DECODER.raw_decode(self.window, self.index)
            except (ValueError, RecursionError):  # broken, too deep, a huge integer, or cut off by the window
                pass
            else:
                # A number at the very end of the window may go on past it.
                if end < len(self.window) or self.complete:
                    self.index = end
                    return value
            if self.complete:
                raise _Irregular
            size = size * 2 if self.index == 0 else _WINDOW
            self.load(self.offset(), size)

    def page(self, run_bytes: int) -> Split:
        self.take("{")
        keys: set[str] = set()
        found: tuple[int, int, tuple[Run, ...]] | None = None
        while True:
            if self.peek() != '"':
                raise _Irregular
            key = self.value()
            if key in keys:
                raise _Irregular  # which one counts is for the whole page's reading to say
            keys.add(key)
            self.take(":")
            if key == "data":
                found = self.buckets(run_bytes)
            elif self.value() != "page" and key == "object":  # another kind of document
                raise _Irregular
            if self.take(",}") == "}":
                break
        if found is None or self.peek():  # no buckets, or more after the page
            raise _Irregular
        return Split(*found)

    def buckets(self, run_bytes: int) -> tuple[int, int, tuple[Run, ...]]:
        self.take("[")
        head = self.offset()
        runs: list[Run] = []
        start = end = head
        buckets = results = 0
        objects: set[str] = set()
        while True:
            if self.peek() != "{":
                raise _Irregular
            if not buckets:
                start = self.offset()
            bucket = self.value()
            end = self.offset()
            try:
                found = [result["object"] for result in bucket["results"]]
            except (KeyError, TypeError):
                raise _Irregular from None
            if not all(isinstance(name, str) for name in found):
                raise _Irregular
            objects.update(found)
            buckets += 1
            results += len(found)
            separator = self.take(",]")
            if separator == "]" or end - start >= run_bytes:
                runs.append(Run(start, end, buckets, results, frozenset(objects)))
                buckets = results = 0
                objects = set()
            if separator == "]":
                return head, self.offset() - 1, tuple(runs)
