"""`openapiopenai fetch`: every page of a usage or costs listing into a JSON Lines export.

The export is written so that it is always either a run of whole pages or, after a crash, a run of
whole pages and one torn last line that `--resume` cuts off: each page is one line, written and
flushed to disk (fsync) before the next request. Beside an export to a file, `FILE.fetch.json`
holds the query (never the key) until the listing is complete; `--resume` reads it, refuses a
different query, and continues from the cursor in the export's last page. `--resume` is also the
one command a scheduler repeats: it starts an export that is not there, continues one that stopped,
says a complete one is up to date, and extends a complete one to a later `--end`. One process at a
time writes an export: it holds a lock on the file for the whole run.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import math
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from typing import Any, Final, cast

from pydantic import ValidationError

from openapiopenai.cli._common import PROG, Commands, parse_size, parse_when
from openapiopenai.fetch import (
    ADMIN_KEY_VARIABLE,
    BUCKET_WIDTHS,
    DEFAULT_BASE_URL,
    ENDPOINTS,
    MAX_RESPONSE_BYTES,
    WIDTH_SECONDS,
    Client,
    FetchError,
    Query,
    Retry,
    iter_query_pages,
    mask_key,
    printable,
)
from openapiopenai.models import UsageResponse

if sys.platform != "win32":
    import fcntl

STATE_SUFFIX: Final = ".fetch.json"
_STATE_VERSION: Final = 1
RECENT: Final = 3600
"""Buckets that ended less than this many seconds ago may still change on the API's side."""
SAID_WAIT: Final = 5.0
"""A wait before a retry this long or longer is said on standard error, terminal or not."""
MANY_REQUESTS: Final = 100
"""A listing that takes this many requests or more is announced before the first."""
_KEY_ASSIGNMENT: Final = re.compile(r"(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)")

# Each array filter's option: `project_ids` is `--project-id`, given once per value.
_FILTER_OPTIONS: Final = {
    name: name.removesuffix("s").replace("_", "-") for endpoint in ENDPOINTS.values() for name in endpoint.filters
}
_FLAG_OPTIONS: Final = {name: name.replace("_", "-") for endpoint in ENDPOINTS.values() for name in endpoint.flags}


def add_parser(commands: Commands) -> None:
    """Add the `fetch` command."""
    kinds = ", ".join(ENDPOINTS)
    parser = commands.add_parser(
        "fetch",
        # No abbreviations: `--admin-key VALUE` must never be taken for `--admin-key-file VALUE`.
        allow_abbrev=False,
        help="get every page of a usage or costs listing from the API; 'fetch names' gets the names of projects,"
        " users and keys",
        description="Get every page of one usage or costs listing from the API into a JSON Lines export, "
        "one page per line, ready for summarize. The admin key is read from the environment variable "
        f"{ADMIN_KEY_VARIABLE} or from --admin-key-file, never from the command line.",
        epilog="Exit status: 0 the whole listing was fetched (or, with --resume, the export was already up to "
        "date), 1 it could not be (the message says how far it got; with -o FILE, run the same command with "
        "--resume to continue), 2 bad usage, 130 interrupted.",
    )
    parser.add_argument(
        "kind", metavar="KIND", choices=list(ENDPOINTS), help=f"one of: {kinds} (and see: {PROG} fetch names --help)"
    )
    parser.add_argument("--start", required=True, type=parse_when, metavar="WHEN", help="start of the range, inclusive")
    parser.add_argument(
        "--end", type=parse_when, metavar="WHEN", help="end of the range, exclusive (default: now, as the API says)"
    )
    parser.add_argument("--bucket-width", choices=BUCKET_WIDTHS, default="1d", help="default: 1d (costs: 1d only)")
    parser.add_argument(
        "--group-by", metavar="FIELD[,FIELD...]", default="", help="group each bucket's usage by these fields"
    )
    for name, option in _FILTER_OPTIONS.items():
        parser.add_argument(
            f"--{option}",
            dest=f"filter_{name}",
            action="append",
            metavar="VALUE",
            help=f"only this {option.replace('-', ' ')} (repeat for more; the API's {name})",
        )
    for name, option in _FLAG_OPTIONS.items():
        parser.add_argument(
            f"--{option}", dest=f"flag_{name}", choices=("true", "false"), help=f"filter by {name} (completions)"
        )
    parser.add_argument(
        "-o", "--output", default="-", metavar="FILE", help="the export to write, '-' for standard output (default)"
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="start FILE if it is not there, continue it if it stopped early, extend it to a later --end if it"
        " is complete; say 'up to date' if there is nothing to add (the command for a scheduler to repeat)",
    )
    parser.add_argument(
        "--admin-key-file",
        metavar="FILE",
        help=f"read the admin key from this file instead of {ADMIN_KEY_VARIABLE}",
    )
    # Caught so that a key typed on the command line is refused without being repeated.
    parser.add_argument("--admin-key", "--api-key", dest="key_argument", help=argparse.SUPPRESS)
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=60.0,
        metavar="SECONDS",
        help="how long to wait for the server to connect (at most 10 s) and for each whole answer; default: 60",
    )
    parser.add_argument(
        "--max-response-size",
        type=parse_size,
        default=MAX_RESPONSE_BYTES,
        metavar="SIZE",
        help="refuse an answer larger than this, unread: bytes, or with K, M or G for KiB, MiB or GiB;"
        f" default: {MAX_RESPONSE_BYTES // 1024**2}M (the same as a document's cap)",
    )
    parser.add_argument(
        "--retries",
        type=_count_of_retries,
        default=Retry().retries,
        metavar="N",
        help=f"retry a failed request up to N times, waiting longer each time; default: {Retry().retries}",
    )
    parser.add_argument(
        "--base-url",
        default=DEFAULT_BASE_URL,
        help=f"default: {DEFAULT_BASE_URL}; plain http only to a loopback address",
    )
    parser.set_defaults(run=run)


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not 0 < seconds < math.inf:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return seconds


def _count_of_retries(text: str) -> int:
    if not text.isdigit() or int(text) > 100:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of retries from 0 to 100")
    return int(text)


class _UsageError(Exception):
    pass


class _Failed(Exception):
    pass


def run(args: argparse.Namespace) -> int:
    """Fetch the listing; the exit status says whether all of it was written."""
    key = os.environ.get(ADMIN_KEY_VARIABLE, "")
    try:
        if args.key_argument is not None:
            raise _UsageError(
                f"the admin key is never taken from the command line, where other users can see it:"
                f" set {ADMIN_KEY_VARIABLE}, or give --admin-key-file FILE"
            )
        key = _admin_key(args.admin_key_file)
        _refuse_key_in_arguments(args, key)
        query = _query(args)
        now = int(time.time())
        if query.start_time >= now:
            raise _UsageError(
                f"the range starts in the future ({_when(query.start_time)}): there is nothing to list yet"
            )
        client = Client(
            key,
            base_url=args.base_url,
            connect_timeout=min(10.0, args.timeout),
            read_timeout=args.timeout,
            max_response_bytes=args.max_response_size,
            retry=Retry(retries=args.retries),
            sleep=time.sleep,
        )
        if args.resume and args.output == "-":
            raise _UsageError("--resume needs -o FILE: standard output cannot be continued")
    except (_UsageError, ValueError) as error:
        _say(f"error: {error}", key)
        return 2
    except _Failed as error:
        _say(str(error), key)
        return 1
    return _Run(args, query, client).run()


def _say(message: str, key: str = "") -> None:
    """One line on standard error: the key masked (any part of it), control characters escaped."""
    text = mask_key(message, key) if key else message
    print(f"{PROG} fetch: {printable(text)}", file=sys.stderr)


def _refuse_key_in_arguments(args: argparse.Namespace, key: str) -> None:
    """A usage error, quoting nothing, if any value on the command line holds the key or its start."""
    for name, value in vars(args).items():
        values: list[object] = cast("list[object]", value) if isinstance(value, list) else [value]
        for text in values:
            if name != "admin_key_file" and isinstance(text, str) and mask_key(text, key) != text:
                raise _UsageError(
                    "a value on the command line holds the admin key (or its start), where other users can see"
                    " it: the key is read only from the environment or --admin-key-file; change the key if"
                    " others can read your command lines"
                )


def _query(args: argparse.Namespace) -> Query:
    endpoint = ENDPOINTS[args.kind]
    group_by = [name.strip() for name in args.group_by.split(",") if name.strip()]
    filters: dict[str, list[str] | bool] = {}
    for name, option in _FILTER_OPTIONS.items():
        values: list[str] | None = getattr(args, f"filter_{name}")
        if values is not None:
            if name not in endpoint.filters:
                raise _UsageError(f"{args.kind} has no --{option} filter")
            filters[name] = values
    for name, option in _FLAG_OPTIONS.items():
        flag: str | None = getattr(args, f"flag_{name}")
        if flag is not None:
            if name not in endpoint.flags:
                raise _UsageError(f"{args.kind} has no --{option} filter")
            filters[name] = flag == "true"
    return Query.build(
        args.kind, args.start, args.end, bucket_width=args.bucket_width, group_by=group_by, filters=filters
    )


def _admin_key(path: str | None) -> str:
    if path is None:
        key = os.environ.get(ADMIN_KEY_VARIABLE, "")
        if not key:
            raise _UsageError(f"no admin key: set {ADMIN_KEY_VARIABLE}, or give --admin-key-file FILE")
        return key
    if not os.path.exists(path) and (path.startswith("sk-") or _holds_start_of(path, os.environ)):
        raise _UsageError("--admin-key-file takes the name of a file that holds the key, not the key itself")
    try:
        with open(path, "rb") as stream:
            mode = os.fstat(stream.fileno()).st_mode
            text = stream.read(64 * 1024).decode("utf-8-sig")  # a byte order mark is not part of the key
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise _Failed(f"cannot read the admin key file {path}: {reason}") from None
    if sys.platform != "win32" and mode & 0o044:
        _say(f"warning: other users can read the admin key file {path} (mode {mode & 0o777:o}): chmod 600 {path}")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise _UsageError(f"the admin key file {path} is empty")
    if len(lines) > 1:
        raise _UsageError(f"the admin key file {path} has {len(lines)} lines: give a file with the key alone")
    key = lines[0]
    assignment = _KEY_ASSIGNMENT.fullmatch(key)
    if assignment is not None:
        if assignment[1] != ADMIN_KEY_VARIABLE:
            raise _UsageError(
                f"the admin key file {path} sets {assignment[1]}: give a file with the key alone, or"
                f" {ADMIN_KEY_VARIABLE}=KEY"
            )
        key = assignment[2].strip()
        if len(key) >= 2 and key[0] == key[-1] and key[0] in "'\"":
            key = key[1:-1]
    return key


def _holds_start_of(text: str, environment: Any) -> bool:
    key = environment.get(ADMIN_KEY_VARIABLE, "")
    return bool(key) and mask_key(text, key) != text


def _when(moment: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))


@dataclass
class _Held:
    """What an export already holds: its length in whole pages, and where the listing goes on."""

    pages: int = 0
    buckets: int = 0
    first_start: int | None = None
    last_start: int | None = None
    last_end: int | None = None
    next_page: str | None = None
    complete: bool = False
    widest: int = 0
    """The width of the widest bucket held."""
    full: bool = False
    """Whether a bucket held is as wide as the query's bucket width (only those the range cuts are narrower)."""
    grouped: tuple[str, ...] = ()
    """The group-by fields that have a value in some result, in the endpoint's order."""


class _Run:
    def __init__(self, args: argparse.Namespace, query: Query, client: Client) -> None:
        self.args = args
        self.query = query
        self.asked = query
        """The query of the requests: when extending a complete export, the part after what it holds."""
        self.client = client
        self.output: str = args.output
        self.to_file = self.output != "-"
        self.state_path = self.output + STATE_SUFFIX
        self.held = _Held()
        self.retries = 0
        self.fd = -1
        self.length = 0
        self.progress = sys.stderr.isatty()
        client.on_retry = self._retried

    def run(self) -> int:
        try:
            try:
                if self.to_file and not self._open():
                    return 0
                self._warn_if_recent()
                self._fetch()
                self._end_progress()
                if self.to_file:
                    self._finish()
            finally:
                if self.fd >= 0:
                    os.close(self.fd)  # and with it the lock
        except _UsageError as error:
            self._say(f"error: {error}")
            return 2
        except _Failed as error:
            self._end_progress()
            self._say(str(error))
            return 1
        except FetchError as error:
            self._end_progress()
            self._say(f"{error}; {self._saved()}")
            return 1
        except RecursionError:
            self._end_progress()
            self._say(f"an answer was nested too deeply to read; {self._saved()}")
            return 1
        except KeyboardInterrupt:
            self._end_progress()
            self._say(f"interrupted; {self._saved()}")
            return 130
        return 0

    def _say(self, message: str) -> None:
        print(f"{PROG} fetch: {self.client.clean(message)}", file=sys.stderr)

    def _saved(self) -> str:
        pages = _count(self.held.pages, "page")
        if not self.to_file:
            return f"the output holds {pages} and is incomplete"
        return f"{self.output} holds {pages} and is incomplete: run the same command with --resume to continue"

    # The export file ---------------------------------------------------------------------------

    def _open(self) -> bool:
        """Open and lock the export, check what it holds; `False` when there is nothing to fetch."""
        state = {"version": _STATE_VERSION, "query": self.query.to_dict(), "base_url": self.client.base_url}
        if os.path.exists(self.output) and not os.path.isfile(self.output):
            # A device or a pipe can be neither checked nor cut back on resume.
            raise _UsageError(f"{self.output} is not a regular file: give -o FILE, or -o - for standard output")
        if not self.args.resume:
            if os.path.lexists(self.state_path):
                raise _UsageError(
                    f"{self.state_path} exists: give --resume to continue that export, or another -o FILE"
                )
            self._open_export(os.O_EXCL)
            _write_atomically(self.state_path, _state_bytes(state))
            return True
        self._open_export(0)
        saved = self._read_state()
        if saved is not None and saved != state:
            raise _UsageError(f"--resume: {self.output} was started with another query: {_difference(saved, state)}")
        self._read_held()
        held = self.held
        if saved is not None or held.pages == 0:
            if saved is None:
                _write_atomically(self.state_path, _state_bytes(state))
            if not held.complete:
                return True
            self._finish()  # the last page was written, the state not yet removed
        elif not held.complete:
            raise _Failed(
                f"{self.output} is incomplete and {self.state_path} is missing, so its query is unknown:"
                " not continuing it; fetch into another -o FILE"
            )
        return self._extend(state)

    def _open_export(self, exclusive: int) -> None:
        flags = os.O_RDWR | os.O_CREAT | exclusive | getattr(os, "O_BINARY", 0)
        try:
            self.fd = os.open(self.output, flags, 0o644)
        except FileExistsError:
            raise _UsageError(
                f"{self.output} exists: give --resume to continue that export, or another -o FILE"
            ) from None
        except OSError as error:
            raise _Failed(f"cannot open {self.output}: {error.strerror}") from None
        if sys.platform != "win32":
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise _Failed(
                    f"{self.output} is being written by another fetch (it holds the lock): this one changed nothing"
                ) from None

    def _extend(self, state: dict[str, Any]) -> bool:
        """A complete export: up to date, or to be extended to a later end with the same query."""
        held, query = self.held, self.query
        if held.first_start is None or held.last_end is None:
            raise _Failed(f"{self.output} holds no buckets: not extending it; fetch into another -o FILE")
        problem = self._other_query()
        if problem:
            raise _UsageError(f"--resume: {problem}: give the same query to extend it")
        if held.first_start != query.start_time:
            raise _UsageError(
                f"--resume: {self.output} holds a listing from {_when(held.first_start)}, not from --start"
                f" {_when(query.start_time)}: give the same --start to extend it"
            )
        end = query.end_time if query.end_time is not None else int(time.time())
        if held.last_end > end:
            raise _UsageError(
                f"--resume: {self.output} holds buckets up to {_when(held.last_end)}, past --end {_when(end)}"
            )
        if held.last_end == end or (query.end_time is None and end - held.last_end < RECENT):
            print(f"{PROG} fetch: {self.output} is up to date: it holds the whole listing", file=sys.stderr)
            return False
        _write_atomically(self.state_path, _state_bytes(state))
        self.asked = replace(query, start_time=held.last_end)
        return True

    def _other_query(self) -> str | None:
        """How a complete export, which keeps no record of its query, shows that it was fetched with another."""
        held, query = self.held, self.query
        width = WIDTH_SECONDS[query.bucket_width]
        # Wider buckets than asked for, or many buckets and none as wide: another width. (Two buckets may
        # both be cut by the range; an extended export may hold more, but also the full ones between.)
        if held.widest > width or (not held.full and held.buckets > 2):
            names = {60: "1 minute", 3600: "1 hour", 86_400: "1 day"}
            held_width = names.get(held.widest, f"{held.widest:,} seconds")
            return f"{self.output} holds buckets of {held_width}, not --bucket-width {query.bucket_width}"
        extra = [name for name in held.grouped if name not in query.group_by]
        if extra and query.group_by:
            return f"{self.output} is grouped by {', '.join(extra)} too, not --group-by {','.join(query.group_by)}"
        if extra:
            return f"{self.output} is grouped by {', '.join(extra)}, and the command has no --group-by"
        return None

    def _read_state(self) -> Any:
        """The saved state, or `None` when there is none."""
        try:
            with open(self.state_path, "rb") as stream:
                return json.loads(stream.read(1024 * 1024))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, RecursionError) as error:
            reason = getattr(error, "strerror", None) or "not a state file fetch writes"
            raise _Failed(f"cannot read {self.state_path}: {reason}") from None

    def _read_held(self) -> None:
        """Check the pages already in the export; cut off a torn last line left by a crash."""
        page_model = UsageResponse[self.query.endpoint.result]  # type: ignore[name-defined]
        good = 0
        with os.fdopen(os.dup(self.fd), "rb") as stream:
            for number, line in enumerate(stream, 1):
                page: UsageResponse[Any] | None = None
                if line.endswith(b"\n"):
                    with contextlib.suppress(ValidationError):
                        page = page_model.from_json(line)
                if page is None:
                    if stream.read(1):
                        raise _Failed(
                            f"{self.output}:{number} is not a page of {self.query.kind}: not resuming over it"
                        )
                    break
                self._held_page(page)
                good += len(line)
        if good != os.fstat(self.fd).st_size:
            os.ftruncate(self.fd, good)
            os.fsync(self.fd)
        self.length = good
        os.lseek(self.fd, good, os.SEEK_SET)

    def _held_page(self, page: UsageResponse[Any]) -> None:
        held = self.held
        width = WIDTH_SECONDS[self.query.bucket_width]
        for bucket in page.data:
            seconds = bucket.end_time - bucket.start_time
            held.widest = max(held.widest, seconds)
            held.full = held.full or seconds == width
        fields = ENDPOINTS[self.query.kind].group_by
        missing = [name for name in fields if name not in held.grouped]
        if missing:
            found = {
                name
                for bucket in page.data
                for result in bucket.results
                for name in missing
                if getattr(result, name, None) is not None
            }
            if found:
                held.grouped = tuple(name for name in fields if name in found or name in held.grouped)
        held.pages += 1
        held.buckets += len(page.data)
        if page.data:
            if held.first_start is None:
                held.first_start = page.data[0].start_time
            held.last_start = page.data[-1].start_time
            held.last_end = page.data[-1].end_time
        held.next_page = page.next_page if page.has_more else None
        held.complete = not page.has_more

    def _finish(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.state_path)
        _sync_directory(self.state_path)

    # Fetching ----------------------------------------------------------------------------------

    def _warn_if_recent(self) -> None:
        now = int(time.time())
        end = self.query.end_time
        if end is None or end > now - RECENT:
            print(
                f"{PROG} fetch: note: the range reaches into the last hour, whose buckets the API may still"
                " change: fetch that part again later for final figures",
                file=sys.stderr,
            )
        requests = self.asked.planned_requests(now)
        if requests >= MANY_REQUESTS:
            print(
                f"{PROG} fetch: note: this listing takes at least {requests:,} requests ({self.asked.limit:,}"
                f" buckets of {self.asked.bucket_width} a page); a wider --bucket-width takes fewer",
                file=sys.stderr,
            )

    def _fetch(self) -> None:
        held = self.held
        pages = iter_query_pages(
            self.client,
            self.asked,
            page=held.next_page,
            pages_before=held.pages,
            after=held.last_start,
            held_until=held.last_end,
        )
        self._show_progress()
        for page in pages:
            self._write(page.to_json().encode() + b"\n")
            self._held_page(page)
            self._show_progress()

    def _write(self, line: bytes) -> None:
        if not self.to_file:
            sys.stdout.buffer.write(line)
            sys.stdout.buffer.flush()
            return
        try:
            written = 0
            while written < len(line):
                written += os.write(self.fd, line[written:])
            os.fsync(self.fd)
        except BaseException as error:
            # A full disk or an interruption part-way: leave the export as it was before this page.
            with contextlib.suppress(OSError):
                os.ftruncate(self.fd, self.length)
                os.lseek(self.fd, self.length, os.SEEK_SET)
            if isinstance(error, OSError):
                reason = error.strerror or errno.errorcode.get(error.errno or 0, str(error))
                raise _Failed(f"cannot write {self.output}: {reason}; {self._saved()}") from None
            raise
        self.length += len(line)

    # Talk --------------------------------------------------------------------------------------

    def _retried(self, problem: str, wait: float) -> None:
        self.retries += 1
        self._show_progress(f"{problem}, retrying in {wait:.1f} s")
        if wait >= SAID_WAIT and not self.progress:
            # A scheduler's log shows why a run takes long: a long wait is never silent.
            page = f"page {self.held.pages + 1} of {self.query.kind}"
            self._say(f"{page}: {problem}; waiting {wait:.0f} s before trying again")

    def _show_progress(self, note: str = "") -> None:
        if self.progress:
            held = self.held
            line = (
                f"{self.query.kind}: {_count(held.pages, 'page')}, {_count(held.buckets, 'bucket')},"
                f" {self.retries} retried"
            )
            sys.stderr.write(f"\r{line}{'; ' + note if note else ''}\x1b[K")
            sys.stderr.flush()

    def _end_progress(self) -> None:
        if self.progress:
            sys.stderr.write("\n")
            sys.stderr.flush()
            self.progress = False


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _difference(saved: Any, wanted: dict[str, Any]) -> str:
    state = cast("dict[str, Any]", saved) if isinstance(saved, dict) else {}
    if state.get("version") != _STATE_VERSION:
        return "its state file is not one this version writes"
    old: dict[str, Any] = {"base_url": state.get("base_url"), **(state.get("query") or {})}
    new: dict[str, Any] = {"base_url": wanted["base_url"], **wanted["query"]}
    differences = [
        f"{name} {json.dumps(old.get(name))} (now {json.dumps(value)})"
        for name, value in new.items()
        if old.get(name) != value
    ]
    return "; ".join(differences) or "it differs"


def _state_bytes(state: dict[str, Any]) -> bytes:
    return json.dumps(state, indent=2).encode() + b"\n"


def _write_atomically(path: str, data: bytes) -> None:
    # A temporary file of an unpredictable name, created only if it is not there (no planted link is
    # followed), beside its target so that the rename stays on one file system.
    directory, name = os.path.split(os.path.abspath(path))
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise _Failed(f"cannot write {path}: {error.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise _Failed(f"cannot write {path}: {error.strerror}") from None
    _sync_directory(path)


def _sync_directory(path: str) -> None:
    # A rename or unlink is durable once the directory is; some systems cannot open a directory.
    with contextlib.suppress(OSError):
        fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
