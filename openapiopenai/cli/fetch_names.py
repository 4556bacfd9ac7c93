"""`openapiopenai fetch names`: the names of the organization's projects, users and API keys, as JSON Lines.

Written the way `fetch` writes an export; `--resume` checks the pages held and goes on after the last.
"""

from __future__ import annotations

import argparse

from openapiopenai.cli._common import PROG, Commands
from openapiopenai.cli._export import Export, add_fetch_parser
from openapiopenai.fetch import Client
from openapiopenai.fetch_names import iter_names_pages


def add_parser(commands: Commands) -> None:
    """Add `fetch names`: a command of its own, reached as `fetch names` (see `openapiopenai.cli`)."""
    parser = add_fetch_parser(
        commands,
        "get every page of a usage or costs listing, or the names of ids, from the API",
        "Get the names of the organization's projects (archived ones included), users, each project's API keys"
        " and the admin API keys into a JSON Lines file, one page per line as the API sent it, for --names of"
        " summarize.",
        "every name was fetched",
        "each part of its answer",
        "say so if it is complete",
        prog=f"{PROG} fetch names",
    )
    parser.add_argument("what", choices=["names"], metavar="names", help="the names of ids")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Fetch the names; the exit status says whether all of them were written."""
    return Export(args.output, f"{PROG} fetch names", "names", "names fetch", "name").run(_fetch, args)


def _fetch(args: argparse.Namespace, export: Export, client: Client) -> None:
    state = {"version": 1, "listing": "names", "base_url": client.base_url}
    # The pages held are checked against the listings whether or not a fetch finished them.
    pages, _ = export.start(args.resume, state, lambda held: iter_names_pages(client, held), queried=False)
    export.write_all(pages)
    if export.held and export.pages == export.held:
        export.say(f"{export.output} already holds every name (it is complete): remove it to fetch them again")
