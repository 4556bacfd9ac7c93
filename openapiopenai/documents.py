"""Reading usage documents from files and streams, one document at a time.

A file holds either one JSON document (a page, a bucket, a single result, or a JSON array of
those) or JSON Lines (one document per line). Each document is recognised by its `object` field
and parsed and validated in one pass. Problems come back as data (where, path, message), never as
exceptions, so a caller can report them and go on with the next document.
"""

from __future__ import annotations

import functools
import io
import itertools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import IO, TYPE_CHECKING, Annotated, Any, Final, TypeAlias

from pydantic import Discriminator, TypeAdapter, ValidationError

from openapiopenai.listing import count_of
from openapiopenai.models import KIND_BY_OBJECT, ApiModel, KindName, UsageResponse, UsageResult, UsageTimeBucket
from openapiopenai.models._base import JsonReader, focus_on_wrong_objects

if TYPE_CHECKING:
    from openapiopenai._split import Split

# One usage document: a page, a bucket or a single result, of any kind of the Usage and Costs API.
UsageDocument: TypeAlias = UsageResponse[UsageResult] | UsageTimeBucket[UsageResult] | UsageResult

_TAGS: Final = frozenset({"page", "bucket", *KIND_BY_OBJECT})
_EXPECTED_KINDS: Final = (
    "'page', 'bucket' or the object of a usage or costs result ('organization.usage.images.result', ...)"
)
_BOM: Final = b"\xef\xbb\xbf"
# JSON's own whitespace, matched in place rather than by copying a line or document to strip it.
_WHITESPACE: Final = re.compile(rb"[ \t\r\n]*")
_NOT_WHITESPACE: Final = re.compile(rb"[^ \t\r\n]")

_TaggedDocument: TypeAlias = Annotated[UsageDocument, Discriminator("object")]


@functools.cache
def _adapter(is_array: bool) -> TypeAdapter[Any]:
    """Reads a document (or an array of them) through each model's own schema, for its errors: made on
    first use, as a valid input never needs it."""
    return TypeAdapter[Any](list[_TaggedDocument] if is_array else _TaggedDocument)


@functools.cache
def _reader(is_array: bool) -> JsonReader[Any]:
    """Reads valid documents as `from_json` does, without the Python call per model that the adapters make."""
    return JsonReader(list[_TaggedDocument] if is_array else _TaggedDocument, "document")


@dataclass(frozen=True)
class DocumentError:
    """One problem with a document: where in it (`data.1.results.0.images`, empty for all of it) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


@dataclass(frozen=True)
class Part:
    """Where the buckets of one outcome lie in a large page read a run of buckets at a time: the part's
    `number` (from 0) and whether it is the `last`, the index of its first bucket in the whole page's `data`
    (`first_bucket`), and what the whole page holds (the `kinds` of result, `buckets`, `results`)."""

    number: int
    first_bucket: int
    last: bool
    kinds: frozenset[KindName]
    buckets: int
    results: int

    def describe(self) -> str:
        """What the whole page holds, in words: `a page of 7 buckets, 70 results`."""
        return _page_text(self.buckets, self.results)


@dataclass(frozen=True)
class Loaded:
    """A valid document, and where it was read from: the `source` file's name as given (or `<stdin>`), and the
    `line` of a JSON Lines input, or where a document starts among several in a row (else `None`). For a large
    page read in parts (`split_pages`), `part` says which part this is: each holds the page's other fields and
    a run of its buckets."""

    source: str
    line: int | None
    document: UsageDocument | list[UsageDocument]
    part: Part | None = None


@dataclass(frozen=True)
class Rejected:
    """A document (or a whole file) that could not be read, and every problem found in it."""

    source: str
    line: int | None
    errors: tuple[DocumentError, ...]


Outcome: TypeAlias = Loaded | Rejected
_OnRead: TypeAlias = Callable[[int], None]  # called with the size of each chunk read (progress)


def place(outcome: Outcome) -> str:
    """Where a document came from: `file`, or `file:line` for JSON Lines."""
    return outcome.source if outcome.line is None else f"{outcome.source}:{outcome.line}"


# The default size cap: the most bytes read as one document, or as one line of JSON Lines. Parsing needs several
# times a document's size in memory, and running out of memory inside the JSON parser aborts the interpreter
# rather than raising an error: a larger document is refused unread.
MAX_DOCUMENT_BYTES: Final = 64 * 1024 * 1024


def read_path(
    path: str | os.PathLike[str],
    source: str | None = None,
    *,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    on_read: _OnRead | None = None,
    split_pages: bool = False,
) -> Iterator[Outcome]:
    """The documents of one file, or of a directory's files (docs/reading.md), in order; `source` names it in
    outcomes (default: the path). `on_read`, if given, is called with the size of each chunk read (progress)."""
    name = os.fspath(path) if source is None else source
    read = functools.partial(read_path, max_bytes=max_bytes, on_read=on_read, split_pages=split_pages)
    if os.path.isdir(path):
        try:
            files = sorted(entry.name for entry in os.scandir(path) if _is_document_file(entry))
        except OSError as error:
            yield _unreadable(name, error)
            return
        if not files:
            yield _refused(name, None, "no *.json or *.jsonl files in this directory")
        for entry in files:
            yield from read(os.path.join(path, entry), os.path.join(name, entry))
        return
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed below, after the last document
    except OSError as error:
        yield _unreadable(name, error)
        return
    with stream:
        reading = stream if on_read is None else counted(stream, on_read)
        yield from read_stream(reading, name, max_bytes=max_bytes, split_pages=split_pages)


def counted(stream: IO[bytes], on_read: _OnRead) -> IO[bytes]:
    """The same bytes as `stream`, calling `on_read` with the size of each chunk read from it."""
    # One read of what is there, never a wait for a whole chunk: a line on a pipe is answered as it comes.
    more = stream.read1 if isinstance(stream, io.BufferedReader) else stream.read
    return io.BufferedReader(_Chain(b"", more, on_read=on_read), _CHUNK)


_CHUNK: Final = 1 << 16


# The files a directory given as input is read for; but not the file beside an export that holds its query until
# `openapiopenai fetch` has the whole listing, which is not a usage document (see `unfinished_fetches`).
DIRECTORY_SUFFIXES: Final = (".json", ".jsonl")
FETCH_STATE_SUFFIX: Final = ".fetch.json"


def _is_document_file(entry: os.DirEntry[str]) -> bool:
    name = entry.name
    return name.endswith(DIRECTORY_SUFFIXES) and not name.endswith(FETCH_STATE_SUFFIX) and not entry.is_dir()


def unfinished_fetches(path: str) -> list[str]:
    """The exports in a directory whose fetch has not finished, as their names in it (the state file beside
    each, `NAME.fetch.json`, is there until the listing is complete), in name order."""
    try:
        names = sorted(entry.name for entry in os.scandir(path) if entry.name.endswith(FETCH_STATE_SUFFIX))
    except OSError:
        return []  # reading the directory reports it
    return [name.removesuffix(FETCH_STATE_SUFFIX) for name in names]


def read_stream(
    stream: IO[bytes], source: str, *, max_bytes: int = MAX_DOCUMENT_BYTES, split_pages: bool = False
) -> Iterator[Outcome]:
    """The documents of one binary stream, in order: the formats, the size cap and the reading of large pages
    in parts are those of docs/reading.md and docs/cli.md#input.

    The first non-blank line decides the format: a complete JSON value on its own, followed by another
    non-blank line, makes JSON Lines, read a line at a time; so does a broken first line followed by a
    complete JSON object, unless the whole input is one document. Nothing is read twice, and JSON Lines are
    never held whole. Documents written one after another are held together, so count together against
    the cap. A failure to read ends the stream with a `Rejected` outcome.
    """
    try:
        yield from _read(stream, source, max_bytes, split_pages)
    except OSError as error:
        yield _unreadable(source, error)


def _refused(source: str, line: int | None, message: str) -> Rejected:
    """The outcome of a whole document (or input) refused for one reason."""
    return Rejected(source, line, (DocumentError("", message),))


def _unreadable(source: str, error: OSError) -> Rejected:
    return _refused(source, None, f"cannot read: {error.strerror or error}")


def _too_large(source: str, line: int | None, max_bytes: int) -> Rejected:
    what = "document" if line is None else "line"
    return _refused(source, line, f"the {what} is larger than {max_bytes:,} bytes, the most read as one document")


_SKIP_CHUNK: Final = 1024 * 1024


def _lines(stream: IO[bytes], max_bytes: int) -> Iterator[bytes | None]:
    """The stream's lines, each with its line ending; `None` for a line of more than `max_bytes` bytes.

    Never holds much more than `max_bytes` bytes of one line: the rest of a long line is skipped. A long
    line is read into one buffer, never joined from pieces (which would hold it twice).
    """
    limit = max_bytes + 2
    while raw := stream.readline(min(limit, _SKIP_CHUNK)):
        if len(raw) == _SKIP_CHUNK < limit and not raw.endswith(b"\n"):
            raw = io.BufferedReader(_Chain(raw, stream.readline, line=True), _CHUNK).read(limit)
        if raw.endswith(b"\n") or len(raw) <= max_bytes + 1:
            yield raw if len(raw) <= max_bytes or len(raw.rstrip(b"\r\n")) <= max_bytes else None
            continue
        while (rest := stream.readline(_SKIP_CHUNK)) and not rest.endswith(b"\n"):
            pass
        yield None


def _read(stream: IO[bytes], source: str, max_bytes: int, split_pages: bool) -> Iterator[Outcome]:
    head: list[bytes] = []  # the first non-blank line, and the blank lines around it
    size = 0
    first: tuple[int, bytes] | None = None
    lines = enumerate(_lines(stream, max_bytes), start=1)
    for number, raw in lines:
        if number == 1 and raw is not None:
            raw = raw.removeprefix(_BOM)  # RFC 8259 lets a reader skip it
            if _is_utf16(raw):
                yield _refused(source, None, _UTF16)
                return
        if raw is None or (first is not None and not _is_blank(raw)):
            break  # a second non-blank line (or one too long): JSON Lines if the first one stood alone
        head.append(raw)
        size += len(raw)
        if first is None and not _is_blank(raw):
            first = (number, raw)
        elif size > max_bytes + (len(first[1]) if first else 0):
            # Blank lines alone beyond the cap: no document, however read, can be this large.
            yield _too_large(source, None, max_bytes)
            return
    else:
        if first is None:
            yield _refused(source, None, "no JSON document: the input is empty")
            return
        document = head[0] if len(head) == 1 else b"".join(head)
        head.clear()  # the text is held once, not twice
        if len(document) > max_bytes and len(document.strip(b" \t\r\n")) > max_bytes:  # stripped only if it matters
            yield _too_large(source, None, max_bytes)
        else:
            yield from _documents(document, source, None, split_pages)
        return
    if first is None:
        yield _too_large(source, None, max_bytes)
        return
    first_outcome, complete = _parse(_line(first[1]), source, first[0])
    if complete:
        yield first_outcome
        for line, raw_line in itertools.chain([(number, raw)], lines):
            if raw_line is None:
                yield _too_large(source, line, max_bytes)
            elif not _is_blank(raw_line):
                yield from _documents(raw_line, source, line, split_pages)
        return
    maybe_lines = raw is not None and raw.lstrip(b" \t").startswith(b"{") and _parse(_line(raw), source, number)[1]
    # One document over many lines (or JSON Lines with a broken first line): the rest is needed anyway.
    if raw is None or size + len(raw) > max_bytes:
        yield _too_large(source, None, max_bytes)
        return
    # The lines read so far and the rest of the stream, read into one buffer: the text is held once.
    start = b"".join([*head, raw])
    head.clear()
    del raw
    whole = io.BufferedReader(_Chain(start, stream.read), _CHUNK).read(max_bytes + 1)
    del start
    if len(whole) > max_bytes:
        yield _too_large(source, None, max_bytes)
    elif maybe_lines and not _parse(whole, source, None)[1]:
        for line, raw_line in enumerate(whole.splitlines(), start=1):
            if not _is_blank(raw_line):
                yield _parse(raw_line, source, line)[0]
    else:
        yield from _documents(whole, source, None, split_pages)


_UTF16: Final = "the input is UTF-16 text, and JSON must be UTF-8: convert it first (iconv -f UTF-16 -t UTF-8)"


def _is_utf16(raw: bytes) -> bool:
    # A byte order mark of UTF-16, or text whose first character has a zero byte (JSON text never holds one).
    return raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(raw) >= 2 and (raw[0] == 0) != (raw[1] == 0))


class _Chain(io.RawIOBase):
    """Bytes already read, then what `more` reads (to the end of the line with `line`), a chunk at a time:
    read through a `BufferedReader` into one buffer, with no copy of the whole."""

    def __init__(
        self, start: bytes, more: Callable[[int], bytes], line: bool = False, on_read: _OnRead | None = None
    ) -> None:
        self.start = memoryview(start)
        self.more = more
        self.line = line
        self.ended = False  # the line's end was read: the next line is not
        self.on_read = on_read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data: memoryview | bytes
        if self.start:
            data, self.start = self.start[: len(buffer)], self.start[len(buffer) :]
        elif self.ended:
            return 0
        else:
            data = self.more(min(len(buffer), _SKIP_CHUNK))
            self.ended = self.line and data.endswith(b"\n")
            if data and self.on_read is not None:
                self.on_read(len(data))
        buffer[: len(data)] = data
        return len(data)


# With `split_pages`, the size from which a page is read a run of buckets at a time, and about how many bytes of
# buckets each part holds.
SPLIT_BYTES: Final = 4 * 1024 * 1024
_RUN_BYTES: Final = 256 * 1024


def _documents(text: bytes, source: str, line: int | None, split_pages: bool) -> Iterator[Outcome]:
    """The outcomes of a line of JSON Lines (`line`), or of a whole input: one document, or several written one
    after another (`cat page-*.json`), each named by its first line. With `split_pages`, a large page's parts."""
    if split_pages and len(text) >= SPLIT_BYTES:
        from openapiopenai._split import split_page  # only for large pages: other runs start without it

        split = split_page(text, _RUN_BYTES)
        if split is not None:
            yield from _parts(text, split, source, line)
            return
    outcome, _ = _parse(_whole(text, line), source, line)
    if line is not None or not _trailing(outcome):
        yield outcome
        return
    number, counted = 1, 0
    for start, end in _values(text):
        number += text.count(b"\n", counted, start)
        counted = start
        yield _parse(text[start:end], source, number)[0]


def _parts(text: bytes, split: Split, source: str, line: int | None) -> Iterator[Outcome]:
    """A page a run of buckets at a time, each run validated as a page of its own (the page's text with only
    those buckets in its `data`); the whole page's outcome instead if any part is not a valid page."""
    objects = frozenset[str]().union(*(run.objects for run in split.runs))
    if not objects <= KIND_BY_OBJECT.keys():  # a result of no known kind: the page is invalid
        yield _parse(_whole(text, line), source, line)[0]
        return
    kinds: frozenset[KindName] = frozenset(KIND_BY_OBJECT[name].name for name in objects)
    buckets = sum(run.buckets for run in split.runs)
    results = sum(run.results for run in split.runs)
    head, tail, view = text[: split.head], text[split.tail :], memoryview(text)
    first = 0
    for number, run in enumerate(split.runs):
        found = {KIND_BY_OBJECT[name].model for name in run.objects}
        try:
            page: UsageDocument | None = _reader(False).read(b"".join((head, view[run.start : run.end], tail)))
        except ValidationError:
            page = None
        if not (isinstance(page, UsageResponse) and contents(page)[1:] == (run.buckets, run.results, found)):
            del page
            outcome = _parse(_whole(text, line), source, line)[0]
            if number and isinstance(outcome, Loaded):
                # Read whole, the page is valid: its parts should have been too, and some were given already.
                outcome = _refused(source, line, _PARTS_DISAGREE)
            yield outcome
            return
        last = number == len(split.runs) - 1
        yield Loaded(source, line, page, Part(number, first, last, kinds, buckets, results))
        first += run.buckets


_PARTS_DISAGREE: Final = (
    "reading this page a run of buckets at a time gave other buckets than reading it whole:"
    " a fault of openapiopenai, not of the file"
)


def _trailing(outcome: Outcome) -> bool:
    return isinstance(outcome, Rejected) and any("trailing characters" in error.message for error in outcome.errors)


# A string (to its closing quote, or the end), a bracket, or a run of anything else that is not blank.
_TOKEN: Final = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]|[^ \t\r\n\[\]{}"]+', re.DOTALL)


def _values(text: bytes) -> Iterator[tuple[int, int]]:
    """Where each top-level JSON value of the text starts and ends, found by matching brackets."""
    depth = 0
    start: int | None = None
    for match in _TOKEN.finditer(text):
        if start is None:
            start = match.start()
        token = match.group()[:1]
        if token in (b"[", b"{"):
            depth += 1
        elif token in (b"]", b"}"):
            depth -= 1
        if depth <= 0:
            yield start, match.end()
            start, depth = None, 0
    if start is not None:
        yield start, len(text)


def _is_blank(raw: bytes) -> bool:
    return _WHITESPACE.fullmatch(raw) is not None


def _whole(text: bytes, line: int | None) -> bytes:
    # Made only when a page read in parts is read whole after all: a line's copy is as large as the page.
    return text if line is None else _line(text)


def _line(raw: bytes) -> bytes:
    # Without its line ending, a line's error positions read "line 1", as they should.
    return raw.rstrip(b"\r\n")


def _parse(text: bytes, source: str, line: int | None) -> tuple[Outcome, bool]:
    """The outcome for one document, and whether the text was one complete JSON value."""
    first = _NOT_WHITESPACE.search(text)
    is_array = first is not None and first.group() == b"["
    # `from_json`'s own reading decides; a document it refuses is read again by the adapter, whose
    # errors (through each model's own schema) the messages below are written for.
    try:
        document: UsageDocument | list[UsageDocument] = _reader(is_array).read(text)
    except ValidationError as refused:
        error = refused
        try:
            _adapter(is_array).validate_json(text)
        except ValidationError as described:
            error = described
        complete = not any(detail["type"] == "json_invalid" for detail in error.errors(include_url=False))
        return Rejected(source, line, _describe(error, text, is_array)), complete
    return Loaded(source, line, document), True


def _describe(error: ValidationError, text: bytes, is_array: bool) -> tuple[DocumentError, ...]:
    """Pydantic's errors as paths and messages a person can follow."""
    described: list[DocumentError] = []
    # The tag of the discriminated union sits in each location, right where the document starts.
    tag_at = 1 if is_array else 0
    for detail in focus_on_wrong_objects(error).errors(include_url=False):
        # A result's tag also sits right after its index in a bucket's results.
        loc = [
            part
            for index, part in enumerate(detail["loc"])
            if not (part in _TAGS and (index == tag_at or (index and isinstance(detail["loc"][index - 1], int))))
        ]
        message, kind = detail["msg"], detail["type"]
        if kind == "json_invalid":
            message = _json_problem(text, message)
        elif kind == "union_tag_invalid":
            tag, what = detail.get("ctx", {}).get("tag"), "result" if len(loc) > tag_at else "document"
            expected = "the object of a usage or costs result" if what == "result" else _EXPECTED_KINDS
            message = f"Input should be {expected}, not '{tag}': an unknown kind of {what}"
            loc.append("object")
        elif kind == "union_tag_not_found":
            loc.append("object")
            message = f"Field required: a usage document names its kind, {_EXPECTED_KINDS}"
        elif kind == "dict_type" and len(loc) == tag_at:
            message = "Input should be an object: a usage page, bucket or result"
            if not is_array:
                message += ", or an array of them"
        described.append(DocumentError(".".join(str(part) for part in loc), message))
    return tuple(described)


def _json_problem(text: bytes, message: str) -> str:
    """Say plainly when the bytes are not UTF-8 text at all: the parser's position is less helpful."""
    if text.startswith(_BOM):
        return "Invalid JSON: starts with a byte order mark, which JSON text must not have"
    try:
        text.decode("utf-8")
    except UnicodeDecodeError as error:
        return f"not UTF-8 text: byte 0x{text[error.start]:02x} at offset {error.start} is invalid"
    return message


# The built-in sample: one organization's export of 2024-11-01 to 2024-11-14, two pages each of daily
# completions usage, images usage and costs.
SAMPLE_FILES: Final = (
    "completions-usage-page-1.json",
    "completions-usage-page-2.json",
    "images-usage-page-1.json",
    "images-usage-page-2.json",
    "costs-page-1.json",
    "costs-page-2.json",
)


def read_sample() -> Iterator[Outcome]:
    """The documents of the built-in sample, in order, each named by its file name."""
    folder = resources.files("openapiopenai") / "data"
    for name in SAMPLE_FILES:
        with (folder / name).open("rb") as stream:
            yield from read_stream(stream, name)


def contents(document: UsageDocument | list[UsageDocument]) -> tuple[int, int, int, set[type[ApiModel]]]:
    """How many pages, buckets and results a document holds, and the types of its results."""
    pages = buckets = results = 0
    types: set[type[ApiModel]] = set()
    for item in document if isinstance(document, list) else [document]:
        if isinstance(item, (UsageResponse, UsageTimeBucket)):
            pages += isinstance(item, UsageResponse)
            held = item.data if isinstance(item, UsageResponse) else [item]
            buckets += len(held)
            for bucket in held:
                results += len(bucket.results)
                types.update(map(type, bucket.results))
        else:
            results += 1
            types.add(type(item))
    return pages, buckets, results, types


def describe(document: UsageDocument | list[UsageDocument]) -> str:
    """What a document holds, in words: `a page of 7 buckets, 70 results`."""
    pages, buckets, results, _ = contents(document)
    if isinstance(document, UsageResponse):
        return _page_text(buckets, results)
    if isinstance(document, UsageTimeBucket):
        return f"a bucket of {count_of(results, 'result')}"
    if not isinstance(document, list):
        kind = kind_of(document)
        return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} result"
    if not document:
        return "an empty array"
    counts = [count_of(pages, "page")] if pages else []
    if buckets or pages:
        counts.append(count_of(buckets, "bucket"))
    return f"an array of {', '.join([*counts, count_of(results, 'result')])}"


def kind_of(result: ApiModel) -> KindName:
    """The name of a result's kind (`images`, `completions`, `costs`, ...), from its `object`."""
    return KIND_BY_OBJECT[result.object].name  # type: ignore[attr-defined]


def _page_text(buckets: int, results: int) -> str:
    return f"a page of {count_of(buckets, 'bucket')}, {count_of(results, 'result')}"
