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
_WINDOW: Final = 1 << 20  # how many bytes of the text are decoded at a time (more when one value is longer)


@dataclass(frozen=True)
class Run:
    """Consecutive buckets of a page: the bytes from the first one's `{` to the last one's `}`, and the `object`
    of each result in them."""

    start: int
    end: int
    buckets: int
    results: int
    objects: frozenset[str]


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
        if runs and runs[-1].end - runs[-1].start < other:
            last = runs.pop()
            run = Run(
                last.start, run.end, last.buckets + run.buckets, last.results + run.results, last.objects | run.objects
            )
        runs.append(run)
    return Split(split.head, split.tail, tuple(runs))


class _Walk:
    """A cursor over the text, decoded a window at a time. The window is decoded as Latin-1, a character per
    byte, so that its positions are the text's byte offsets: JSON's syntax is ASCII, and only the keys and the
    results' `object` names are looked at, which a known kind spells in ASCII (the parts are validated as UTF-8)."""

    def __init__(self, text: bytes | bytearray) -> None:
        self.view = memoryview(text)
        self.load(0, _WINDOW)

    def load(self, offset: int, size: int) -> None:
        """Decode about `size` bytes of the text from a byte offset, and put the cursor there."""
        end = min(offset + size, len(self.view))
        self.window = str(self.view[offset:end], "latin-1")
        self.start, self.index, self.complete = offset, 0, end == len(self.view)

    def offset(self) -> int:
        return self.start + self.index

    def peek(self) -> str:
        """The character at the cursor, after whitespace; empty at the end of the text."""
        while True:
            self.index = _WHITESPACE.match(self.window, self.index).end()  # type: ignore[union-attr]
            if self.index < len(self.window) or self.complete:
                return self.window[self.index : self.index + 1]
            self.load(self.offset(), _WINDOW)

    def take(self, expected: str) -> str:
        """The character at the cursor, after whitespace, stepping past it: one of `expected`, or irregular."""
        char = self.peek()
        if not char or char not in expected:
            raise _Irregular
        self.index += 1
        return char

    def value(self) -> Any:
        """The JSON value at the cursor, stepping past it (a larger window if it goes on past this one)."""
        self.peek()
        size = _WINDOW
        while True:
            try:
                value, end = _DECODER.raw_decode(self.window, self.index)
                if end < len(self.window) or self.complete:  # a number at the window's very end may go on
                    self.index = end
                    return value
            except (ValueError, RecursionError):  # broken, too deep, a huge integer, or cut off by the window
                pass
            if self.complete:
                raise _Irregular
            size = size * 2 if self.index == 0 else _WINDOW
            self.load(self.offset(), size)

    def page(self, run_bytes: int) -> Split:
        self.take("{")
        keys: set[str] = set()
        found: tuple[int, int, tuple[Run, ...]] | None = None
        while self.peek() == '"':
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
                if found is None or self.peek():  # no buckets, or more after the page
                    raise _Irregular
                return Split(*found)
        raise _Irregular

    def buckets(self, run_bytes: int) -> tuple[int, int, tuple[Run, ...]]:
        self.take("[")
        head = start = self.offset()
        runs: list[Run] = []
        buckets = results = 0
        objects: set[str] = set()
        while self.peek() == "{":
            if not buckets:
                start = self.offset()
            bucket = self.value()
            try:
                found = [result["object"] for result in bucket["results"]]
                objects.update(found)
            except (KeyError, TypeError):  # no results, or results that are not objects, or an unhashable name
                raise _Irregular from None
            buckets += 1
            results += len(found)
            end = self.offset()
            separator = self.take(",]")
            if separator == "]" or end - start >= run_bytes:
                runs.append(Run(start, end, buckets, results, frozenset(objects)))
                buckets = results = 0
                objects = set()
            if separator == "]":
                return head, self.offset() - 1, tuple(runs)
        raise _Irregular
