"""What summarize and validate make of what they read: how a listing ends, kinds asked for, fetch's files, levels."""

from __future__ import annotations

from test_cli import Ran, page_line, result, run

EMPTY_PAGE = '{"object": "page", "data": [], "has_more": false, "next_page": null}'


def test_an_empty_last_page_ends_the_listing() -> None:
    lines = f"{page_line(result(4, 3))}\n{page_line(result(1, 1), has_more=True, day=1)}\n{EMPTY_PAGE}\n"
    summary = run("summarize", "-", "--by", "none", stdin=lines.encode())
    assert summary == Ran(
        0,
        "images: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 3 pages, 2 results\n"
        "       images  requests\n"
        "total       5         4\n",
        "",
    )
    assert run("validate", "-", stdin=lines.encode()).stdout.splitlines()[-1] == (
        "listing: images: 2024-11-01 to 2024-11-03 UTC, 2 buckets of 1 day, 3 pages, 2 results: complete"
    )
