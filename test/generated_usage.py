"""Listings of generated results as JSON Lines, and cells as `summarize --format csv` writes them.

For tests that read what the command writes against totals computed from the JSON text itself.
"""

from __future__ import annotations

import json
import random
from decimal import MAX_PREC, Context, Decimal
from pathlib import Path
from typing import Any


def write_listing(
    buckets: list[dict[str, Any]], path: Path, per_page: int, shuffle: random.Random | None = None
) -> list[dict[str, Any]]:
    """Write the buckets as the pages of one listing, one per line (in a shuffled order if asked); the
    buckets as read back from that text with `json.loads`, numbers exactly as written."""
    lines = []
    for first in range(0, len(buckets), per_page):
        more = first + per_page < len(buckets)
        page = {"object": "page", "data": buckets[first : first + per_page], "has_more": more}
        page["next_page"] = f"page_{first}" if more else None
        lines.append(json.dumps(page))
    if shuffle is not None:
        shuffle.shuffle(lines)
    path.write_text("\n".join(lines) + "\n")
    parsed = [json.loads(line, parse_float=Decimal) for line in lines]
    return [bucket for page in parsed for bucket in page["data"]]


def csv_cell(value: Any) -> str:
    """A value as `summarize --format csv` writes it."""
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return exact(value)
    text = str(value)
    if text == "" or any(special in text for special in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def exact(value: Decimal) -> str:
    """A decimal with every digit, without trailing zeros (`1.50` is written `1.5`) or an exponent."""
    return format(value.normalize(Context(prec=MAX_PREC)), "f")
