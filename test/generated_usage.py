"""Results of every kind made up from a seed, as the API writes them, and listings of them as JSON Lines.

For tests that read what the command writes against totals computed from the JSON text itself.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from decimal import MAX_PREC, Context, Decimal
from pathlib import Path
from typing import Any

from openapiopenai.models import KINDS, KindName
from openapiopenai.usage import COUNTERS, LEVELS

POOL = ("a", "b", "c", "d,e", 'say "hi"', "")
"""Group-by values, some of which csv must quote."""


def generated_result(kind: KindName, rng: random.Random, counter: Callable[[random.Random], int]) -> dict[str, Any]:
    """One result: an optional counter or level left out now and then, a group-by value, null or absent,
    money as decimal fractions in two currencies, now and then without its value or currency."""
    info = KINDS[kind]
    document: dict[str, Any] = {"object": info.object}
    for name, field in info.model.model_fields.items():
        if name == "object":
            continue
        if name in COUNTERS[kind] or name in LEVELS.get(kind, ()):
            if field.is_required() or rng.random() < 0.9:
                document[name] = counter(rng)
        elif name in info.group_by:
            roll = rng.random()
            if roll < 0.8:
                document[name] = rng.choice((True, False)) if name == "batch" else rng.choice(POOL)
            elif roll < 0.9:
                document[name] = None
        elif name == "amount" and rng.random() < 0.95:
            value = rng.choice((round(rng.random() * 10, rng.randrange(1, 15)), rng.randrange(5), 0.1, 0.2, 1e-7))
            amount: dict[str, Any] = {"value": value, "currency": rng.choice(("usd", "usd", "eur"))}
            if rng.random() < 0.03:
                del amount[rng.choice(("value", "currency"))]
            document["amount"] = amount
    return document


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
