"""Generated costs exports for the FOCUS tests: daily buckets over several months, currencies and group-bys.

Each export is the JSON Lines text of one listing, as `fetch` writes it, and the results as read back from
that text with exact decimals, to check what `focus` writes against.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

DAY = 86400
LINE_ITEMS = (
    ("gpt-4o-2024-08-06, input", "tokens"),
    ("gpt-4o-2024-08-06, output", "tokens"),
    ("gpt-4o-mini-2024-07-18, cached input", "tokens"),
    ("dall-e-3, 1024x1024", "images"),
    ("tts-1", "characters"),
    ("whisper-1", "seconds"),
    ("file search storage", "gb-days"),
)
PROJECTS = ("proj_q4TzL8wX", "proj_7KcHm3Ye", "proj_Archived01")
API_KEYS = ("key_AbCdEf012345", "key_GhIjKl678901")


def seconds(text: str) -> int:
    """Unix seconds of an ISO date or date and time, UTC."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int((moment - datetime(1970, 1, 1, tzinfo=timezone.utc)) / timedelta(seconds=1))


def cost(value: str, currency: str = "usd", **fields: Any) -> str:
    """One costs result as JSON text, its amount written exactly as `value`."""
    result = {"object": "organization.costs.result", "amount": {"value": "VALUE", "currency": currency}}
    result.update(fields)
    return json.dumps(result).replace('"VALUE"', value)


def bucket(start: int, results: list[str], width: int = DAY) -> str:
    return (
        f'{{"object": "bucket", "start_time": {start}, "end_time": {start + width}, "results": [{", ".join(results)}]}}'
    )


def page(buckets: list[str], has_more: bool = False, next_page: str | None = None) -> str:
    return (
        f'{{"object": "page", "data": [{", ".join(buckets)}], "has_more": {json.dumps(has_more)},'
        f' "next_page": {json.dumps(next_page)}}}'
    )


def generated_export(
    first_day: str, days: int, currencies: tuple[str, ...], group_by: tuple[str, ...], seed: int, per_page: int = 7
) -> tuple[str, list[tuple[dict[str, Any], int, int]]]:
    """A listing of `days` daily costs buckets from `first_day`, grouped by `group_by` (always with line_item,
    which gives the quantity), in JSON Lines; and each result as read back, exactly, with its bucket's start
    and end. Each result is in one of `currencies`, chosen per project (an organization bills in one)."""
    rng = random.Random(seed)
    start = seconds(first_day)
    buckets: list[str] = []
    for day in range(days):
        results: list[str] = []
        projects = PROJECTS if "project_id" in group_by else (None,)
        keys = API_KEYS if "api_key_id" in group_by else (None,)
        for index, project in enumerate(projects):
            for key in keys:
                for line_item, unit in LINE_ITEMS:
                    if rng.random() < 0.3:
                        continue  # not used that day
                    quantity: Any = rng.randrange(1, 5_000_000) if unit == "tokens" else rng.randrange(1, 900)
                    if unit == "gb-days":
                        quantity = round(rng.random() * 40, rng.randrange(1, 9))
                    digits = rng.randrange(0, 11)
                    value = f"{rng.randrange(0, 10**8) / 10**digits:.{digits}f}" if digits else str(rng.randrange(50))
                    fields: dict[str, Any] = {"line_item": line_item, "quantity": quantity, "quantity_unit": unit}
                    fields["project_id"] = project
                    fields["api_key_id"] = key
                    results.append(cost(value, currencies[index % len(currencies)], **fields))
        buckets.append(bucket(start + day * DAY, results))
    lines = []
    for first in range(0, len(buckets), per_page):
        more = first + per_page < len(buckets)
        lines.append(page(buckets[first : first + per_page], more, f"page_{first + per_page}" if more else None))
    text = "\n".join(lines) + "\n"
    read: list[tuple[dict[str, Any], int, int]] = []
    for line in lines:
        for each in json.loads(line, parse_float=Decimal)["data"]:
            read += [(result, each["start_time"], each["end_time"]) for result in each["results"]]
    return text, read
