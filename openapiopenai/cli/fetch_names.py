"""`openapiopenai fetch names`: the names of the organization's projects, users and API keys, as JSON Lines.

The four listings (`openapiopenai.fetch_names`) are written one page per line, each page validated
and then written and flushed to disk before the next request, like a usage fetch: the file is always
a run of whole pages (and, after a crash, one torn last line that `--resume` cuts off). Beside a
names file, `FILE.fetch.json` says that a names fetch is under way until it is complete; `--resume`
reads the pages already in the file again (no request for them) and goes on after the last.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import sys
from typing import Any, Final

from openapiopenai.cli._common import PROG, Commands
from openapiopenai.cli.fetch import (
    STATE_SUFFIX,
    _admin_key,  # pyright: ignore[reportPrivateUsage]
    _count_of_retries,  # pyright: ignore[reportPrivateUsage]
    _Failed,  # pyright: ignore[reportPrivateUsage]
    _seconds,  # pyright: ignore[reportPrivateUsage]
    _sync_directory,  # pyright: ignore[reportPrivateUsage]
    _UsageError,  # pyright: ignore[reportPrivateUsage]
    _write_atomically,  # pyright: ignore[reportPrivateUsage]
)
from openapiopenai.fetch import ADMIN_KEY_VARIABLE, DEFAULT_BASE_URL, FetchError, Retry
from openapiopenai.fetch_names import HeldPageError, NamesClient, iter_names_pages

_STATE: Final[dict[str, Any]] = {"version": 1, "listing": "names"}
_NAME: Final = f"{PROG} fetch names"


def add_parser(commands: Commands) -> None:
    """Add `fetch names`: a command of its own, reached as `fetch names` (see `openapiopenai.cli`)."""
    parser = commands.add_parser(
        "fetch",
        prog=_NAME,
        allow_abbrev=False,  # as for fetch: `--admin-key VALUE` must never be taken for `--admin-key-file VALUE`
        help="get every page of a usage or costs listing, or the names of ids, from the API",
        description="Get the names of the organization's projects (archived ones included), users, each project's"
        " API keys and the admin API keys into a JSON Lines file, one page per line as the API sent it, for"
        " --names of summarize. The admin key is read from the environment variable"
        f" {ADMIN_KEY_VARIABLE} or from --admin-key-file, never from the command line.",
        epilog="Exit status: 0 every name was fetched, 1 not all could be (the message says how far it got; with"
        " -o FILE, run the same command with --resume to continue), 2 bad usage, 130 interrupted.",
    )
    parser.add_argument("what", choices=["names"], metavar="names", help="the names of ids")
    parser.add_argument(
        "-o", "--output", default="-", metavar="FILE", help="the file to write, '-' for standard output (default)"
    )
    parser.add_argument("--resume", action="store_true", help="continue a names fetch to FILE that stopped early")
    parser.add_argument(
        "--admin-key-file", metavar="FILE", help=f"read the admin key from this file instead of {ADMIN_KEY_VARIABLE}"
    )
    # Caught so that a key typed on the command line is refused without being repeated.
    parser.add_argument("--admin-key", "--api-key", dest="key_argument", help=argparse.SUPPRESS)
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=60.0,
        metavar="SECONDS",
        help="how long to wait for the server to connect (at most 10 s) and for each part of its answer; default: 60",
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


def run(args: argparse.Namespace) -> int:
    """Fetch the names; the exit status says whether all of them were written."""
    try:
        if args.key_argument is not None:
            raise _UsageError(
                "the admin key is never taken from the command line, where other users can see it:"
                f" set {ADMIN_KEY_VARIABLE}, or give --admin-key-file FILE"
            )
        if args.resume and args.output == "-":
            raise _UsageError("--resume needs -o FILE: standard output cannot be continued")
        client = NamesClient(
            _admin_key(args.admin_key_file),
            base_url=args.base_url,
            connect_timeout=min(10.0, args.timeout),
            read_timeout=args.timeout,
            retry=Retry(retries=args.retries),
        )
    except (_UsageError, ValueError) as error:
        print(f"{_NAME}: error: {error}", file=sys.stderr)
        return 2
    except _Failed as error:
        print(f"{_NAME}: {error}", file=sys.stderr)
        return 1
    return _Run(args.output, args.resume, client).run()


class _Complete(Exception):
    """--resume of a names file whose fetch finished: nothing to do (a scheduler repeats the command)."""


class _Run:
    def __init__(self, output: str, resume: bool, client: NamesClient) -> None:
        self.output = output
        self.resume = resume
        self.client = client
        self.to_file = output != "-"
        self.state_path = output + STATE_SUFFIX
        self.state = {**_STATE, "base_url": client.base_url}
        self.fd = -1
        self.length = 0
        self.pages = 0
        self.fetched = 0
        self.retries = 0
        self.progress = sys.stderr.isatty()
        client.on_retry = self._retried

    def run(self) -> int:
        try:
            held = self._open() if self.to_file else []
            for fetched in iter_names_pages(self.client, held):
                if fetched.fetched:
                    self._write(fetched.page.to_json().encode() + b"\n")
                    self.fetched += 1
                self.pages += 1
                self._show_progress()
        except _UsageError as error:
            print(f"{_NAME}: error: {error}", file=sys.stderr)
            return 2
        except _Complete:
            print(
                f"{_NAME}: {self.output} already holds every name (it is complete): remove it to fetch them again",
                file=sys.stderr,
            )
            return 0
        except _Failed as error:
            self._end_progress()
            print(f"{_NAME}: {error}", file=sys.stderr)
            return 1
        except HeldPageError as error:
            self._end_progress()
            print(f"{_NAME}: {self.output}:{error.line}: {error.problem}: not resuming over it", file=sys.stderr)
            return 1
        except FetchError as error:
            self._end_progress()
            print(f"{_NAME}: {error}; {self._saved()}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            self._end_progress()
            print(f"{_NAME}: interrupted; {self._saved()}", file=sys.stderr)
            return 130
        finally:
            if self.fd >= 0:
                os.close(self.fd)
        self._end_progress()
        if self.to_file:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.state_path)
            _sync_directory(self.state_path)
            if self.resume and not self.fetched:
                print(f"{_NAME}: {self.output} already holds every name", file=sys.stderr)
        return 0

    def _saved(self) -> str:
        pages = f"{self.pages} page{'' if self.pages == 1 else 's'}"
        if not self.to_file:
            return f"the output holds {pages} and is incomplete"
        return f"{self.output} holds {pages} and is incomplete: run the same command with --resume to continue"

    def _open(self) -> list[bytes]:
        """Open the file to write; with --resume, the whole pages it holds (a torn last line is cut off)."""
        if os.path.exists(self.output) and not os.path.isfile(self.output):
            raise _UsageError(f"{self.output} is not a regular file: give -o FILE, or -o - for standard output")
        if self.resume and not os.path.lexists(self.state_path) and os.path.lexists(self.output):
            raise _Complete
        if self.resume and os.path.lexists(self.state_path):
            self._check_state()
        elif os.path.lexists(self.output) or os.path.lexists(self.state_path):
            which = self.output if os.path.lexists(self.output) else self.state_path
            raise _UsageError(f"{which} exists: give --resume to continue that names fetch, or another -o FILE")
        else:
            _write_atomically(self.state_path, json.dumps(self.state, indent=2).encode() + b"\n")
        try:
            self.fd = os.open(self.output, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
        except OSError as error:
            raise _Failed(f"cannot open {self.output}: {error.strerror}") from None
        with os.fdopen(os.dup(self.fd), "rb") as stream:
            lines = [line for line in stream if line.endswith(b"\n")]
        self.length = sum(map(len, lines))
        if self.length != os.fstat(self.fd).st_size:
            os.ftruncate(self.fd, self.length)
            os.fsync(self.fd)
        os.lseek(self.fd, self.length, os.SEEK_SET)
        return lines

    def _check_state(self) -> None:
        try:
            with open(self.state_path, "rb") as stream:
                saved = json.loads(stream.read())
        except FileNotFoundError:
            raise _Failed(
                f"nothing to resume: {self.state_path} is missing (the names fetch is complete, or was not"
                " started by fetch names -o FILE)"
            ) from None
        except (OSError, ValueError) as error:
            raise _Failed(f"cannot read {self.state_path}: {getattr(error, 'strerror', None) or error}") from None
        if saved != self.state:
            raise _UsageError(f"--resume: {self.output} was not started by a names fetch from {self.client.base_url}")

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
            # A full disk or an interruption part-way: leave the file as it was before this page.
            with contextlib.suppress(OSError):
                os.ftruncate(self.fd, self.length)
                os.lseek(self.fd, self.length, os.SEEK_SET)
            if isinstance(error, OSError):
                reason = error.strerror or errno.errorcode.get(error.errno or 0, str(error))
                raise _Failed(f"cannot write {self.output}: {reason}; {self._saved()}") from None
            raise
        self.length += len(line)

    def _retried(self, problem: str, wait: float) -> None:
        self.retries += 1
        self._show_progress(f"{problem}, retrying in {wait:.1f} s")

    def _show_progress(self, note: str = "") -> None:
        if self.progress:
            line = f"names: {self.pages} page{'' if self.pages == 1 else 's'}, {self.retries} retried"
            sys.stderr.write(f"\r{line}{'; ' + note if note else ''}\x1b[K")
            sys.stderr.flush()

    def _end_progress(self) -> None:
        if self.progress:
            sys.stderr.write("\n")
            sys.stderr.flush()
            self.progress = False
