"""Writing an export, the one way `fetch` and `fetch names` both use (docs/fetch.md, "The export"), and the
options they share."""

from __future__ import annotations

import argparse
import contextlib
import errno
import itertools
import json
import math
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Final, TypeVar, cast

from openapiopenai.cli._common import Commands, parse_size
from openapiopenai.cli._output import replacing
from openapiopenai.fetch import (
    ADMIN_KEY_VARIABLE,
    DEFAULT_BASE_URL,
    MAX_RESPONSE_BYTES,
    Client,
    FetchError,
    Retry,
    mask_key,
    printable,
)
from openapiopenai.listing import count_of
from openapiopenai.models import UsageResponse
from openapiopenai.names import NamesPage

if sys.platform != "win32":
    import fcntl

_Page = TypeVar("_Page", bound="UsageResponse[Any] | NamesPage")

STATE_SUFFIX: Final = ".fetch.json"
SAID_WAIT: Final = 5.0
"""A wait before a retry this long or longer is said on standard error, terminal or not."""
_KEY_ASSIGNMENT: Final = re.compile(r"(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)")


class UsageError(Exception):
    """Bad usage: exit status 2."""


class Failed(Exception):
    """The command could not do its work: exit status 1, and the message says why."""


class Export:
    """One export being written: to a file (locked, with its state beside it) or to standard output.

    `name` starts each message; `what` (`images`, `names`) starts the progress line, which counts the
    pages and the `unit`s in them; `fetch` names the fetch in the message about an existing file
    (`export`, `names fetch`).
    """

    def __init__(self, output: str, name: str, what: str, fetch: str, unit: str) -> None:
        self.output = output
        self.name = name
        self.what = what
        self.fetch = fetch
        self.key = os.environ.get(ADMIN_KEY_VARIABLE, "")
        self.to_file = output != "-"
        self.state_path = output + STATE_SUFFIX
        self.unit = unit
        self.fd = -1
        self.length = 0  # the bytes of whole pages in the file
        self.pages = 0  # the whole pages the export holds, written by this run or before
        self.held = 0  # the whole pages the export held when this run opened it
        self.items = self.retries = 0
        self.progress = sys.stderr.isatty()
        self.shown = False

    def run(self, fetch: Callable[[argparse.Namespace, Export, Client], object], args: argparse.Namespace) -> int:
        """Call `fetch` with the client `args` ask for, to write the export; say what went wrong, and return
        the exit status."""
        try:
            try:
                fetch(args, self, self._connect(args))
            finally:
                if self.fd >= 0:
                    os.close(self.fd)  # and with it the lock
                    self.fd = -1
            status, said = 0, ""
        except UsageError as error:
            status, said = 2, f"error: {error}"
        except Failed as error:
            status, said = 1, str(error)
        except FetchError as error:
            status, said = 1, f"{error}; {self.saved()}"
        except RecursionError:
            status, said = 1, f"an answer was nested too deeply to read; {self.saved()}"
        except KeyboardInterrupt:
            status, said = 130, f"interrupted; {self.saved()}"
        self.end_progress()
        if said:
            self.say(said)
        return status

    def say(self, message: str) -> None:
        """One line on standard error: the key masked (any part of it), control characters escaped."""
        print(f"{self.name}: {printable(mask_key(message, self.key))}", file=sys.stderr)

    def saved(self) -> str:
        pages = count_of(self.pages, "page")
        if not self.to_file:
            return f"the output holds {pages} and is incomplete"
        return f"{self.output} holds {pages} and is incomplete: run the same command with --resume to continue"

    def _connect(self, args: argparse.Namespace) -> Client:
        """The client the options ask for, its key never from the command line; `UsageError` otherwise."""
        if args.key_argument is not None:
            raise UsageError(
                "the admin key is never taken from the command line, where other users can see it:"
                f" set {ADMIN_KEY_VARIABLE}, or give --admin-key-file FILE"
            )
        if args.resume and args.output == "-":
            raise UsageError("--resume needs -o FILE: standard output cannot be continued")
        self.key = admin_key(args.admin_key_file)
        for name, value in vars(args).items():
            values = cast("list[object]", value) if isinstance(value, list) else [value]
            if name != "admin_key_file" and any(
                isinstance(text, str) and mask_key(text, self.key) != text for text in values
            ):
                raise UsageError(
                    "a value on the command line holds the admin key (or its start), where other users can see"
                    " it: the key is read only from the environment or --admin-key-file; change the key if"
                    " others can read your command lines"
                )
        try:
            return Client(
                self.key,
                base_url=args.base_url,
                connect_timeout=min(10.0, args.timeout),
                read_timeout=args.timeout,
                retry=Retry(retries=args.retries),
                sleep=time.sleep,  # looked up now, not when `Client` was defined
                on_retry=self.retried,
                max_response_bytes=args.max_response_size,
            )
        except ValueError as error:
            raise UsageError(str(error)) from None

    # The file ----------------------------------------------------------------------------------

    def start(
        self,
        resume: bool,
        state: dict[str, Any],
        pages_after: Callable[[Iterator[bytes]], Iterator[_Page]],
        hold: Callable[[_Page], object] = id,
        queried: bool = True,
    ) -> tuple[Iterator[_Page], bool]:
        """Open and lock the file, to write after the whole pages it holds (a torn last line is cut off).

        `pages_after` is given those pages, read again one at a time, and gives them back checked (`hold` is
        called with each), then the pages that follow: those are returned, with whether a fetch finished
        the pages held (no state beside them). A page held that is not the one expected there is, when they
        were finished and are `queried` (of a query a finished export keeps no record of), an export of another
        query (bad usage); else a damaged one.
        """
        finished = self._open(resume, state)
        pages = pages_after(self._held_lines())
        try:
            for page in itertools.islice(pages, self.held):
                hold(page)
                self.items += len(page.data)
        except FetchError as error:
            if finished and queried:
                raise UsageError(f"--resume: {self.output}: {error}: give the same query to extend it") from None
            raise Failed(f"{self.output}: {error}: not resuming over it") from None
        return pages, finished

    def _open(self, resume: bool, state: dict[str, Any]) -> bool:
        if not self.to_file:
            return False
        if os.path.exists(self.output) and not os.path.isfile(self.output):
            # A device or a pipe can be neither checked nor cut back on resume.
            raise UsageError(f"{self.output} is not a regular file: give -o FILE, or -o - for standard output")
        exists = f"give --resume to continue that {self.fetch}, or another -o FILE"
        if not resume and os.path.lexists(self.state_path):
            raise UsageError(f"{self.state_path} exists: {exists}")
        flags = os.O_RDWR | os.O_CREAT | (0 if resume else os.O_EXCL) | getattr(os, "O_BINARY", 0)
        try:
            self.fd = os.open(self.output, flags, 0o644)
        except FileExistsError:
            raise UsageError(f"{self.output} exists: {exists}") from None
        except OSError as error:
            raise Failed(f"cannot open {self.output}: {error.strerror}") from None
        if sys.platform != "win32":
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise Failed(
                    f"{self.output} is being written by another fetch (it holds the lock): this one changed nothing"
                ) from None
        saved = self.read_state() if resume else None
        if saved is not None and saved != state:
            raise UsageError(f"--resume: {self.output} was started with another query: {_difference(saved, state)}")
        with os.fdopen(os.dup(self.fd), "rb") as stream:
            for line in stream:  # counted, not kept: an export may be large
                if line.endswith(b"\n"):
                    self.length, self.pages = self.length + len(line), self.pages + 1
        self.held = self.pages
        if self.length != os.fstat(self.fd).st_size:
            os.ftruncate(self.fd, self.length)
            os.fsync(self.fd)
        os.lseek(self.fd, self.length, os.SEEK_SET)
        if saved is None and not self.held:
            self.save_state(state)
        return saved is None and bool(self.held)

    def _held_lines(self) -> Iterator[bytes]:
        if not self.held:
            return
        # Read through a file of its own, so that reading moves no offset the writes share.
        with open(self.output, "rb") as stream:
            if not os.path.samestat(os.fstat(stream.fileno()), os.fstat(self.fd)):
                raise Failed(f"{self.output} was replaced while this fetch held it: not resuming over it")
            yield from itertools.islice(stream, self.held)

    def write(self, line: bytes) -> None:
        """Write one page whole, and flush it to disk, or leave the export as it was."""
        if not self.to_file:
            sys.stdout.buffer.write(line)
            sys.stdout.buffer.flush()
        else:
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
                    raise Failed(f"cannot write {self.output}: {reason}; {self.saved()}") from None
                raise
            self.length += len(line)
        self.pages += 1

    def write_all(self, pages: Iterable[_Page]) -> None:
        """Write every page and, once they are all written, remove the state."""
        self.show_progress()
        for page in pages:
            self.write(page.to_json().encode() + b"\n")
            self.items += len(page.data)
            self.show_progress()
        self.end_progress()
        if self.to_file:
            self.finish()

    def save_state(self, state: dict[str, Any]) -> None:
        try:
            with replacing(self.state_path, binary=True) as stream:
                stream.write(json.dumps(state, indent=2).encode() + b"\n")
        except OSError as error:
            raise Failed(f"cannot write {self.state_path}: {error.strerror}") from None
        _sync_directory(self.state_path)

    def read_state(self) -> Any:
        """The saved state, or `None` when there is none."""
        try:
            with open(self.state_path, "rb") as stream:
                return json.loads(stream.read(1024 * 1024))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, RecursionError) as error:
            reason = getattr(error, "strerror", None) or "not a state file fetch writes"
            raise Failed(f"cannot read {self.state_path}: {reason}") from None

    def finish(self) -> None:
        """The listing is complete: remove the state."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.state_path)
        _sync_directory(self.state_path)

    # Talk --------------------------------------------------------------------------------------

    def retried(self, problem: str, wait: float) -> None:
        self.retries += 1
        self.show_progress(f"{problem}, retrying in {wait:.1f} s")
        if wait >= SAID_WAIT and not self.progress:
            # A scheduler's log shows why a run takes long: a long wait is never silent.
            self.say(f"page {self.pages + 1} of {self.what}: {problem}; waiting {wait:.0f} s before trying again")

    def show_progress(self, note: str = "") -> None:
        if self.progress:
            counts = f"{count_of(self.pages, 'page')}, {count_of(self.items, self.unit)}, {self.retries} retried"
            sys.stderr.write(f"\r{self.what}: {counts}{'; ' + note if note else ''}\x1b[K")
            sys.stderr.flush()
            self.shown = True

    def end_progress(self) -> None:
        if self.progress and self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()
        self.progress = False


def _difference(saved: Any, wanted: dict[str, Any]) -> str:
    """How a saved state differs from the one wanted, field by field (a query's fields among them)."""
    state = cast("dict[str, Any]", saved) if isinstance(saved, dict) else {}
    if state.get("version") != wanted["version"]:
        return "its state file is not one this version writes"
    old: dict[str, Any] = {**state, **(state.get("query") or {})}
    new: dict[str, Any] = {**wanted, **(wanted.get("query") or {})}
    differences = [
        f"{name} {json.dumps(old.get(name))} (now {json.dumps(value)})"
        for name, value in new.items()
        if name != "query" and old.get(name) != value
    ]
    return "; ".join(differences) or "it differs"


def _sync_directory(path: str) -> None:
    # A rename or unlink is durable once the directory is; some systems cannot open a directory.
    with contextlib.suppress(OSError):
        fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def add_fetch_parser(
    commands: Commands, help: str, description: str, done: str, waited_for: str, resume: str, **options: Any
) -> argparse.ArgumentParser:
    """A fetch command's parser, with `-o`, `--resume` (doing `resume`), the key, `--timeout` (for
    `waited_for`), `--retries` and `--base-url`; `done` is what exit status 0 says."""
    parser = commands.add_parser(
        "fetch",
        # No abbreviations: `--admin-key VALUE` must never be taken for `--admin-key-file VALUE`.
        allow_abbrev=False,
        help=help,
        description=f"{description} The admin key is read from the environment variable {ADMIN_KEY_VARIABLE}"
        " or from --admin-key-file, never from the command line.",
        epilog=f"Exit status: 0 {done}, 1 not all could be (the message says how far it got; with -o FILE, run the"
        " same command with --resume to continue), 2 bad usage, 130 interrupted.",
        **options,
    )
    parser.add_argument(
        "-o", "--output", default="-", metavar="FILE", help="the file to write, '-' for standard output (default)"
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help=f"start FILE if it is not there, continue it if it stopped early, {resume} (the command for a"
        " scheduler to repeat)",
    )
    parser.add_argument(
        "--admin-key-file", metavar="FILE", help=f"read the admin key from this file instead of {ADMIN_KEY_VARIABLE}"
    )
    # Caught so that a key typed on the command line is refused without being repeated.
    parser.add_argument("--admin-key", "--api-key", dest="key_argument", help=argparse.SUPPRESS)
    parser.add_argument(
        "--timeout",
        type=seconds,
        default=60.0,
        metavar="SECONDS",
        help=f"how long to wait for the server to connect (at most 10 s) and for {waited_for}; default: 60",
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
        type=count_of_retries,
        default=Retry().retries,
        metavar="N",
        help=f"retry a failed request up to N times, waiting longer each time; default: {Retry().retries}",
    )
    parser.add_argument(
        "--base-url",
        default=DEFAULT_BASE_URL,
        help=f"default: {DEFAULT_BASE_URL}; plain http only to a loopback address",
    )
    return parser


def seconds(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not 0 < number < math.inf:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return number


def count_of_retries(text: str) -> int:
    if not text.isdigit() or int(text) > 100:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of retries from 0 to 100")
    return int(text)


def admin_key(path: str | None) -> str:
    """The key from the environment, or from the file at `path`; `UsageError` when there is none."""
    environment_key = os.environ.get(ADMIN_KEY_VARIABLE, "")
    if path is None:
        if not environment_key:
            raise UsageError(f"no admin key: set {ADMIN_KEY_VARIABLE}, or give --admin-key-file FILE")
        return environment_key
    holds_key = path.startswith("sk-") or (environment_key and mask_key(path, environment_key) != path)
    if holds_key and not os.path.exists(path):
        raise UsageError("--admin-key-file takes the name of a file that holds the key, not the key itself")
    try:
        with open(path, "rb") as stream:
            mode = os.fstat(stream.fileno()).st_mode
            text = stream.read(64 * 1024).decode("utf-8-sig")  # a byte order mark is not part of the key
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise UsageError(f"cannot read the admin key file {path}: {reason}") from None
    if sys.platform != "win32" and mode & 0o044:
        print(
            f"openapiopenai fetch: warning: other users can read the admin key file {path} (mode {mode & 0o777:o}):"
            f" chmod 600 {path}",
            file=sys.stderr,
        )
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise UsageError(f"the admin key file {path} is empty")
    if len(lines) > 1:
        raise UsageError(f"the admin key file {path} has {len(lines)} lines: give a file with the key alone")
    assignment = _KEY_ASSIGNMENT.fullmatch(lines[0])
    if assignment is None:
        return lines[0]
    if assignment[1] != ADMIN_KEY_VARIABLE:
        raise UsageError(
            f"the admin key file {path} sets {assignment[1]}: give a file with the key alone, or {ADMIN_KEY_VARIABLE}=KEY"
        )
    key = assignment[2].strip()
    return key[1:-1] if len(key) >= 2 and key[0] == key[-1] and key[0] in "'\"" else key
