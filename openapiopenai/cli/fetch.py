"""`openapiopenai fetch`: every page of a usage or costs listing into a JSON Lines export (docs/fetch.md).

With `--resume`, the pages held are given to `iter_query_pages`, which goes on after them; a complete
export is first checked to hold the same query, which it keeps no record of (`_Held`).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Final

from pydantic import ValidationError

from openapiopenai.cli._common import PROG, Commands, parse_when
from openapiopenai.cli._export import STATE_SUFFIX as STATE_SUFFIX  # where tests and other commands find it
from openapiopenai.cli._export import Export, Failed, UsageError, add_fetch_parser
from openapiopenai.fetch import (
    BUCKET_WIDTHS,
    ENDPOINTS,
    Client,
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
    parser = add_fetch_parser(
        commands,
        "get every page of a usage or costs listing from the API; 'fetch names' gets the names of projects,"
        " users and keys",
        "Get every page of one usage or costs listing from the API into a JSON Lines export, one page per line,"
        " ready for summarize.",
        "the whole listing was fetched (or, with --resume, the export was already up to date)",
        "each whole answer",
        "extend it to a later --end if it is complete, say 'up to date' if there is nothing to add",
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
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Fetch the listing; the exit status says whether all of it was written."""
    return Export(args.output, f"{PROG} fetch", args.kind, "export", "bucket").run(_fetch, args)


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
    """What the pages an export holds show of it: the fields grouped by (of `fields`), where the last
    bucket ends, and whether the last page ends the listing."""

    fields: tuple[str, ...]
    grouped: set[str] = field(default_factory=set[str])
    last_end: int | None = None
    complete: bool = False

    def __call__(self, page: UsageResponse[Any]) -> None:
        for bucket in page.data:
            for result in bucket.results:
                self.grouped.update(name for name in self.fields if getattr(result, name, None) is not None)
        self.last_end = page.data[-1].end_time if page.data else self.last_end
        self.complete = not page.has_more


def _fetch(args: argparse.Namespace, export: Export, client: Client) -> None:
    query = _query(args)
    state = {"version": 1, "query": query.to_dict(), "base_url": client.base_url}
    page_model = UsageResponse[query.endpoint.model]  # type: ignore[name-defined]

    def read(lines: Iterator[bytes]) -> Iterator[UsageResponse[Any]]:
        for number, line in enumerate(lines, 1):
            try:
                page = page_model.from_json(line)
            except ValidationError:
                raise Failed(f"{export.output}:{number} is not a page of {query.kind}: not resuming over it") from None
            yield page

    # The pages held are read one at a time rather than kept (an export may be large), and checked as
    # fetched pages are: a complete export keeps no record of its query, so they show whether it is this one.
    held = _Held(query.endpoint.group_by)
    pages, finished = export.start(args.resume, state, lambda lines: iter_query_pages(client, query, read(lines)), held)
    if finished and not held.complete:
        raise Failed(
            f"{export.output} is incomplete and {export.state_path} is missing, so its query is unknown:"
            " not continuing it; fetch into another -o FILE"
        )
    if held.complete:
        export.finish()  # the last page may have been written, the state not yet removed
        if _up_to_date(export, query, held):
            return
        export.save_state(state)
    _warn(export, query if held.last_end is None else replace(query, start_time=held.last_end))
    export.write_all(pages)


def _up_to_date(export: Export, query: Query, held: _Held) -> bool:
    """Whether a complete export of this query's range, width and start needs nothing more."""
    if held.last_end is None:
        raise Failed(f"{export.output} holds no buckets: not extending it; fetch into another -o FILE")
    # The results show the fields grouped by (the API leaves the others null): filters leave no mark.
    extra = ", ".join(name for name in query.endpoint.group_by if name in held.grouped - set(query.group_by))
    if extra:
        asked = (
            f" too, not --group-by {','.join(query.group_by)}"
            if query.group_by
            else ", and the command has no --group-by"
        )
        raise UsageError(f"--resume: {export.output} is grouped by {extra}{asked}: give the same query to extend it")
    end = query.end_time if query.end_time is not None else int(time.time())
    if held.last_end == end or (query.end_time is None and end - held.last_end < RECENT):
        export.say(f"{export.output} is up to date: it holds the whole listing")
        return True
    return False


def _warn(export: Export, rest: Query) -> None:
    """Notes before fetching `rest`, the part of the listing not held: a range into the last hour, many requests."""
    now = int(time.time())
    if rest.end_time is None or rest.end_time > now - RECENT:
        export.say(
            "note: the range reaches into the last hour, whose buckets the API may still change: fetch that"
            " part again later for final figures"
        )
    requests = rest.planned_requests(now)
    if requests >= MANY_REQUESTS:
        export.say(
            f"note: this listing takes at least {requests:,} requests ({rest.limit:,}"
            f" buckets of {rest.bucket_width} a page); a wider --bucket-width takes fewer"
        )
