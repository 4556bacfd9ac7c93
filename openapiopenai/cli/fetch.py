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
import json
import os
import sys
import time
from dataclasses import dataclass, replace
from typing import Any, Final, cast

from pydantic import ValidationError

from openapiopenai.cli._common import PROG, Commands, parse_size, parse_when
from openapiopenai.cli._export import (
    STATE_SUFFIX as STATE_SUFFIX,  # where the tests and other commands have found it
)
from openapiopenai.cli._export import (
    Export,
    Failed,
    UsageError,
    add_key_options,
    add_server_options,
    checked_key,
    count,
)
from openapiopenai.fetch import (
    ADMIN_KEY_VARIABLE,
    BUCKET_WIDTHS,
    ENDPOINTS,
    MAX_RESPONSE_BYTES,
    WIDTH_SECONDS,
    Client,
    Query,
    Retry,
    iter_query_pages,
    mask_key,
    printable,
)
from openapiopenai.models import UsageResponse

_STATE_VERSION: Final = 1
RECENT: Final = 3600
"""Buckets that ended less than this many seconds ago may still change on the API's side."""
MANY_REQUESTS: Final = 100
"""A listing that takes this many requests or more is announced before the first."""

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
    add_key_options(parser, "each whole answer")
    parser.add_argument(
        "--max-response-size",
        type=parse_size,
        default=MAX_RESPONSE_BYTES,
        metavar="SIZE",
        help="refuse an answer larger than this, unread: bytes, or with K, M or G for KiB, MiB or GiB;"
        f" default: {MAX_RESPONSE_BYTES // 1024**2}M (the same as a document's cap)",
    )
    add_server_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Fetch the listing; the exit status says whether all of it was written."""
    key = os.environ.get(ADMIN_KEY_VARIABLE, "")
    try:
        key = checked_key(args)
        _refuse_key_in_arguments(args, key)
        query = _query(args)
        now = int(time.time())
        if query.start_time >= now:
            raise UsageError(
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
    except (UsageError, ValueError) as error:
        _say(f"error: {error}", key)
        return 2
    except Failed as error:
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
                raise UsageError(
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
                raise UsageError(f"{args.kind} has no --{option} filter")
            filters[name] = values
    for name, option in _FLAG_OPTIONS.items():
        flag: str | None = getattr(args, f"flag_{name}")
        if flag is not None:
            if name not in endpoint.flags:
                raise UsageError(f"{args.kind} has no --{option} filter")
            filters[name] = flag == "true"
    return Query.build(
        args.kind, args.start, args.end, bucket_width=args.bucket_width, group_by=group_by, filters=filters
    )


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
        self.export = Export(self.output, f"{PROG} fetch", query.kind, client)
        self.export.detail = lambda: f", {count(self.held.buckets, 'bucket')}"
        self.held = _Held()

    def run(self) -> int:
        return self.export.run(self._run)

    def _run(self) -> None:
        if self.export.to_file and not self._open():
            return
        self._warn_if_recent()
        self._fetch()
        self.export.end_progress()
        if self.export.to_file:
            self.export.finish()

    # The export file ---------------------------------------------------------------------------

    def _open(self) -> bool:
        """Open and lock the export, check what it holds; `False` when there is nothing to fetch."""
        export = self.export
        state = {"version": _STATE_VERSION, "query": self.query.to_dict(), "base_url": self.client.base_url}
        export.check_regular()
        exists = "give --resume to continue that export, or another -o FILE"
        if not self.args.resume:
            if os.path.lexists(export.state_path):
                raise UsageError(f"{export.state_path} exists: {exists}")
            export.open(new=True, exists=exists)
            export.save_state(state)
            return True
        export.open(new=False, exists=exists)
        saved = export.read_state()
        if saved is not None and saved != state:
            raise UsageError(f"--resume: {self.output} was started with another query: {_difference(saved, state)}")
        self._read_held()
        held = self.held
        if saved is not None or held.pages == 0:
            if saved is None:
                export.save_state(state)
            if not held.complete:
                return True
            export.finish()  # the last page was written, the state not yet removed
        elif not held.complete:
            raise Failed(
                f"{self.output} is incomplete and {export.state_path} is missing, so its query is unknown:"
                " not continuing it; fetch into another -o FILE"
            )
        return self._extend(state)

    def _extend(self, state: dict[str, Any]) -> bool:
        """A complete export: up to date, or to be extended to a later end with the same query."""
        held, query = self.held, self.query
        if held.first_start is None or held.last_end is None:
            raise Failed(f"{self.output} holds no buckets: not extending it; fetch into another -o FILE")
        problem = self._other_query()
        if problem:
            raise UsageError(f"--resume: {problem}: give the same query to extend it")
        if held.first_start != query.start_time:
            raise UsageError(
                f"--resume: {self.output} holds a listing from {_when(held.first_start)}, not from --start"
                f" {_when(query.start_time)}: give the same --start to extend it"
            )
        end = query.end_time if query.end_time is not None else int(time.time())
        if held.last_end > end:
            raise UsageError(
                f"--resume: {self.output} holds buckets up to {_when(held.last_end)}, past --end {_when(end)}"
            )
        if held.last_end == end or (query.end_time is None and end - held.last_end < RECENT):
            self.export.say(f"{self.output} is up to date: it holds the whole listing")
            return False
        self.export.save_state(state)
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

    def _read_held(self) -> None:
        """Check the pages already in the export; cut off a torn last line left by a crash."""
        page_model = UsageResponse[self.query.endpoint.result]  # type: ignore[name-defined]
        good = 0
        lines = self.export.lines()
        for number, line in enumerate(lines, 1):
            page: UsageResponse[Any] | None = None
            if line.endswith(b"\n"):
                with contextlib.suppress(ValidationError):
                    page = page_model.from_json(line)
            if page is None:
                if next(lines, None) is not None:
                    raise Failed(f"{self.output}:{number} is not a page of {self.query.kind}: not resuming over it")
                break
            self._held_page(page)
            good += len(line)
        self.export.keep(good)

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
        self.export.pages = held.pages
        held.buckets += len(page.data)
        if page.data:
            if held.first_start is None:
                held.first_start = page.data[0].start_time
            held.last_start = page.data[-1].start_time
            held.last_end = page.data[-1].end_time
        held.next_page = page.next_page if page.has_more else None
        held.complete = not page.has_more

    # Fetching ----------------------------------------------------------------------------------

    def _warn_if_recent(self) -> None:
        now = int(time.time())
        end = self.query.end_time
        if end is None or end > now - RECENT:
            self.export.say(
                "note: the range reaches into the last hour, whose buckets the API may still change: fetch that"
                " part again later for final figures"
            )
        requests = self.asked.planned_requests(now)
        if requests >= MANY_REQUESTS:
            self.export.say(
                f"note: this listing takes at least {requests:,} requests ({self.asked.limit:,}"
                f" buckets of {self.asked.bucket_width} a page); a wider --bucket-width takes fewer"
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
        self.export.show_progress()
        for page in pages:
            self.export.write(page.to_json().encode() + b"\n")
            self._held_page(page)
            self.export.show_progress()


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
