"""`openapiopenai fetch names`: the names of the organization's projects, users and API keys, as JSON Lines.

The four listings (`openapiopenai.fetch_names`) are written one page per line, each page validated
and then written and flushed to disk before the next request, like a usage fetch: the file is always
a run of whole pages (and, after a crash, one torn last line that `--resume` cuts off). Beside a
names file, `FILE.fetch.json` says that a names fetch is under way until it is complete; `--resume`
reads the pages already in the file again (no request for them) and goes on after the last. The
file is written the way `fetch` writes an export (`openapiopenai.cli._export`), under its lock.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any, Final

from openapiopenai.cli._common import PROG, Commands
from openapiopenai.cli._export import Export, Failed, UsageError, add_key_options, add_server_options, checked_key
from openapiopenai.fetch import ADMIN_KEY_VARIABLE, Retry, printable
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
    add_key_options(parser, "each part of its answer")
    add_server_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Fetch the names; the exit status says whether all of them were written."""
    try:
        client = NamesClient(
            checked_key(args),
            base_url=args.base_url,
            connect_timeout=min(10.0, args.timeout),
            read_timeout=args.timeout,
            retry=Retry(retries=args.retries),
            sleep=time.sleep,
        )
    except (UsageError, ValueError) as error:
        print(f"{_NAME}: error: {error}", file=sys.stderr)
        return 2
    except Failed as error:
        print(f"{_NAME}: {error}", file=sys.stderr)
        return 1
    return _Run(args.output, args.resume, client).run()


class _Run:
    def __init__(self, output: str, resume: bool, client: NamesClient) -> None:
        self.output = output
        self.resume = resume
        self.client = client
        # The names listing's messages say which key it needs (sk-admin-...): its errors come masked already.
        self.export = Export(output, _NAME, "names", client, clean=printable)
        self.state = {**_STATE, "base_url": client.base_url}
        self.fetched = 0

    def run(self) -> int:
        return self.export.run(self._run)

    def _run(self) -> None:
        export = self.export
        export.check_regular()
        if export.to_file and self.resume and self._complete():
            return
        held = self._open() if export.to_file else []
        try:
            for fetched in iter_names_pages(self.client, held):
                if fetched.fetched:
                    export.write(fetched.page.to_json().encode() + b"\n")
                    self.fetched += 1
                else:
                    export.pages += 1
                export.show_progress()
        except HeldPageError as error:
            raise Failed(f"{self.output}:{error.line}: {error.problem}: not resuming over it") from None
        export.end_progress()
        if export.to_file:
            export.finish()
            if self.resume and not self.fetched:
                export.say(f"{self.output} already holds every name")

    def _complete(self) -> bool:
        """--resume of a names file whose fetch finished: nothing to do (a scheduler repeats the command)."""
        if os.path.lexists(self.export.state_path) or not os.path.lexists(self.output):
            return False
        self.export.say(f"{self.output} already holds every name (it is complete): remove it to fetch them again")
        return True

    def _open(self) -> list[bytes]:
        """Open and lock the file to write; with --resume, the whole pages it holds (a torn last line is cut off)."""
        export = self.export
        exists = "give --resume to continue that names fetch, or another -o FILE"
        if self.resume and os.path.lexists(export.state_path):
            self._check_state()
            export.open(new=False, exists=exists)
        elif os.path.lexists(export.state_path) and not os.path.lexists(self.output):
            raise UsageError(f"{export.state_path} exists: {exists}")
        else:
            export.open(new=True, exists=exists)
            export.save_state(self.state)
        lines = [line for line in export.lines() if line.endswith(b"\n")]
        export.keep(sum(map(len, lines)))
        return lines

    def _check_state(self) -> None:
        saved = self.export.read_state()
        if saved != self.state:
            raise UsageError(f"--resume: {self.output} was not started by a names fetch from {self.client.base_url}")
