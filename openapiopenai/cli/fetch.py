"""`openapiopenai fetch`: every page of a usage or costs listing into a JSON Lines export (docs/fetch.md).

With `--resume`, the pages held are given to `iter_query_pages`, which goes on after them; a complete
export is first checked to hold the same query, which it keeps no record of (`_Held`).
"""

from __future__ import annotations

import argparse
import itertools
import time
from dataclasses import dataclass, field, replace
from typing import Any, Final

from pydantic import ValidationError

from openapiopenai.cli._common import PROG, Commands, parse_size, parse_when
from openapiopenai.cli._export import STATE_SUFFIX as STATE_SUFFIX  # where tests and other commands find it
from openapiopenai.cli._export import Export, Failed, UsageError, add_options, count
from openapiopenai.fetch import (
    ADMIN_KEY_VARIABLE,
    BUCKET_WIDTHS,
    ENDPOINTS,
    MAX_RESPONSE_BYTES,
    WIDTH_SECONDS,
    Query,
    iso_utc,
    iter_query_pages,
)
from openapiopenai.models import UsageResponse

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
        "kind",
        metavar="KIND",
        choices=list(ENDPOINTS),
        help=f"one of: {', '.join(ENDPOINTS)} (and see: {PROG} fetch names --help)",
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
    add_options(
        parser,
        "each whole answer",
        "extend it to a later --end if it is complete, say 'up to date' if there is nothing to add",
    )
    parser.add_argument(
        "--max-response-size",
        type=parse_size,
        default=MAX_RESPONSE_BYTES,
        metavar="SIZE",
        help="refuse an answer larger than this, unread: bytes, or with K, M or G for KiB, MiB or GiB;"
        f" default: {MAX_RESPONSE_BYTES // 1024**2}M (the same as a document's cap)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Fetch the listing; the exit status says whether all of it was written."""
    export = Export(args.output, f"{PROG} fetch", args.kind, "export")
    return export.run(lambda: _Run(args, export).run())


def _query(args: argparse.Namespace) -> Query:
    endpoint = ENDPOINTS[args.kind]
    group_by = [name.strip() for name in args.group_by.split(",") if name.strip()]
    filters: dict[str, list[str] | bool] = {}
    for name, option in [*_FILTER_OPTIONS.items(), *_FLAG_OPTIONS.items()]:
        value: list[str] | str | None = getattr(args, f"filter_{name}", None) or getattr(args, f"flag_{name}", None)
        if value is not None:
            if name not in endpoint.filters and name not in endpoint.flags:
                raise UsageError(f"{args.kind} has no --{option} filter")
            filters[name] = value == "true" if isinstance(value, str) else value
    try:
        query = Query.build(
            args.kind, args.start, args.end, bucket_width=args.bucket_width, group_by=group_by, filters=filters
        )
    except ValueError as error:
        raise UsageError(str(error)) from None
    if query.start_time >= time.time():
        raise UsageError(f"the range starts in the future ({iso_utc(query.start_time)}): there is nothing to list yet")
    return query


@dataclass
class _Held:
    """What an export already holds, for the checks of a complete export before it is extended."""

    buckets: int = 0
    first_start: int | None = None
    last_end: int | None = None
    complete: bool = False
    widest: int = 0
    """The width of the widest bucket held."""
    full: bool = False
    """Whether a bucket held is as wide as the query's bucket width (only those the range cuts are narrower)."""
    grouped: set[str] = field(default_factory=set[str])
    """The group-by fields that have a value in some result."""


class _Run:
    def __init__(self, args: argparse.Namespace, export: Export) -> None:
        self.args = args
        self.export = export
        self.output: str = args.output
        self.client = export.connect(args, max_response_bytes=args.max_response_size)
        self.query = _query(args)
        self.held = _Held()
        export.detail = lambda: f", {count(self.held.buckets, 'bucket')}"

    def run(self) -> None:
        export, held = self.export, self.held
        state = {"version": 1, "query": self.query.to_dict(), "base_url": self.client.base_url}
        lines: list[bytes] = []
        page_model = UsageResponse[self.query.endpoint.model]  # type: ignore[name-defined]
        if export.to_file:
            lines, finished = export.start(self.args.resume, state)
            for number, line in enumerate(lines, 1):
                try:
                    self._hold(page_model.from_json(line))
                except ValidationError:
                    raise Failed(
                        f"{self.output}:{number} is not a page of {self.query.kind}: not resuming over it"
                    ) from None
            if finished and not held.complete:
                raise Failed(
                    f"{self.output} is incomplete and {export.state_path} is missing, so its query is unknown:"
                    " not continuing it; fetch into another -o FILE"
                )
            if held.complete:
                export.finish()  # the last page may have been written, the state not yet removed
                if not self._extend(state):
                    return
        self._warn()
        export.show_progress()
        # The pages held are read again one at a time rather than kept: an export may be large.
        pages = iter_query_pages(self.client, self.query, (page_model.from_json(line) for line in lines))
        for page in itertools.islice(pages, len(lines), None):
            export.write(page.to_json().encode() + b"\n")
            self._hold(page)
            export.show_progress()
        if export.to_file:
            export.finish()

    def _hold(self, page: UsageResponse[Any]) -> None:
        held = self.held
        width = WIDTH_SECONDS[self.query.bucket_width]
        fields = self.query.endpoint.group_by
        for bucket in page.data:
            held.widest = max(held.widest, bucket.end_time - bucket.start_time)
            held.full = held.full or bucket.end_time - bucket.start_time == width
            for result in bucket.results:
                held.grouped.update(name for name in fields if getattr(result, name, None) is not None)
        held.buckets += len(page.data)
        if page.data:
            held.first_start = page.data[0].start_time if held.first_start is None else held.first_start
            held.last_end = page.data[-1].end_time
        held.complete = not page.has_more

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
                f"--resume: {self.output} holds a listing from {iso_utc(held.first_start)}, not from --start"
                f" {iso_utc(query.start_time)}: give the same --start to extend it"
            )
        end = query.end_time if query.end_time is not None else int(time.time())
        if held.last_end > end:
            raise UsageError(
                f"--resume: {self.output} holds buckets up to {iso_utc(held.last_end)}, past --end {iso_utc(end)}"
            )
        if held.last_end == end or (query.end_time is None and end - held.last_end < RECENT):
            self.export.say(f"{self.output} is up to date: it holds the whole listing")
            return False
        self.export.save_state(state)
        return True

    def _other_query(self) -> str | None:
        """How a complete export, which keeps no record of its query, shows that it was fetched with another."""
        held, query = self.held, self.query
        # Wider buckets than asked for, or many buckets and none as wide: another width. (Two buckets may
        # both be cut by the range; an extended export may hold more, but also the full ones between.)
        if held.widest > WIDTH_SECONDS[query.bucket_width] or (not held.full and held.buckets > 2):
            names = {60: "1 minute", 3600: "1 hour", 86_400: "1 day"}
            held_width = names.get(held.widest, f"{held.widest:,} seconds")
            return f"{self.output} holds buckets of {held_width}, not --bucket-width {query.bucket_width}"
        extra = ", ".join(
            name for name in query.endpoint.group_by if name in held.grouped and name not in query.group_by
        )
        if extra and query.group_by:
            return f"{self.output} is grouped by {extra} too, not --group-by {','.join(query.group_by)}"
        if extra:
            return f"{self.output} is grouped by {extra}, and the command has no --group-by"
        return None

    def _warn(self) -> None:
        now = int(time.time())
        if self.query.end_time is None or self.query.end_time > now - RECENT:
            self.export.say(
                "note: the range reaches into the last hour, whose buckets the API may still change: fetch that"
                " part again later for final figures"
            )
        rest = self.query if self.held.last_end is None else replace(self.query, start_time=self.held.last_end)
        requests = rest.planned_requests(now)
        if requests >= MANY_REQUESTS:
            self.export.say(
                f"note: this listing takes at least {requests:,} requests ({rest.limit:,}"
                f" buckets of {rest.bucket_width} a page); a wider --bucket-width takes fewer"
            )
