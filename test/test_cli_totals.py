"""`summarize --format csv` against totals computed here, independently, from the JSON itself.

A few thousand generated results per kind, in a listing of daily buckets written as JSON Lines. The
reference reads them with `json.loads` (numbers with a fraction as `Decimal`, exactly as written),
not with the models, and adds them up in plain dicts: the command's csv must match it byte for byte.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from openapiopenai import documents
from openapiopenai.cli import main
from openapiopenai.models import KIND_NAMES, KINDS, KindName
from openapiopenai.usage import COUNTERS, LEVELS

from generated_usage import csv_cell, write_listing
from model_helpers import generated_result

DAY = 86_400
FIRST = 1_730_419_200  # 2024-11-01
BUCKETS = 120
BUCKETS_PER_PAGE = 7


def _export(kind: KindName, folder: Path) -> tuple[Path, list[dict[str, Any]]]:
    rng = random.Random(f"totals:{kind}")
    buckets = [
        {
            "object": "bucket",
            "start_time": FIRST + index * DAY,
            "end_time": FIRST + (index + 1) * DAY,
            "results": [generated_result(kind, rng) for _ in range(rng.randrange(1, 50))],
        }
        for index in range(BUCKETS)
    ]
    path = folder / f"{kind}.jsonl"
    # The reference reads the text, not the dicts it was written from: numbers exactly as written.
    return path, write_listing(buckets, path, BUCKETS_PER_PAGE)


def _reference(kind: KindName, buckets: list[dict[str, Any]], *, daily: bool) -> str:
    """The csv of the totals by every group-by field of the kind (and by day), computed from plain dicts."""
    by = KINDS[kind].group_by
    counters = COUNTERS[kind]
    levels = LEVELS.get(kind, ())
    counts: dict[tuple[Any, ...], list[int]] = {}
    level_sums: dict[tuple[Any, ...], dict[int, int]] = {}
    money: dict[tuple[Any, ...], dict[str, Decimal]] = {}
    currencies: set[str] = set()
    seen: list[int] = []
    for bucket in buckets:
        seen.append(bucket["start_time"])
        for result in bucket["results"]:
            key = (bucket["start_time"] if daily else None, *(result.get(field) for field in by))
            sums = counts.setdefault(key, [0] * len(counters))
            by_bucket = level_sums.setdefault(key, {})
            amounts = money.setdefault(key, {})
            for index, name in enumerate(counters):
                sums[index] += result.get(name) or 0
            for name in levels:
                if name in result:
                    by_bucket[bucket["start_time"]] = by_bucket.get(bucket["start_time"], 0) + result[name]
            amount = result.get("amount") or {}
            if "value" in amount and "currency" in amount:
                value = amount["value"]
                currency = amount["currency"]
                currencies.add(currency)
                amounts[currency] = amounts.get(currency, Decimal(0)) + Decimal(value)
    order = sorted(currencies)
    rows: list[tuple[tuple[Any, ...], list[Any]]] = []
    for key, sums in counts.items():
        over = [key[0]] if daily else seen
        values = [level_sums[key].get(start, 0) for start in over]
        level_cells = [values[-1], max(values)] if levels else []
        amount_cells = [money[key].get(currency, Decimal(0)) for currency in order]
        rows.append((key, [*sums, *level_cells, *amount_cells]))
    # Largest first (counters in field order, then the level's peak, then money), then by time.
    rows.sort(key=lambda row: _rank(row[1], counters, levels, order), reverse=True)
    if daily:
        rows.sort(key=lambda row: row[0][0])
    header = [*(["day"] if daily else []), *by, *counters]
    header += [f"{name}_{which}" for name in levels for which in ("latest", "peak")]
    header += [f"amount_{currency}" for currency in order] or (["amount"] if kind == "costs" else [])
    lines = [",".join(header)]
    for key, cells in rows:
        day = [_day(key[0])] if daily else []
        money_cells = cells if order or kind != "costs" else [*cells, Decimal(0)]
        lines.append(",".join([*day, *(csv_cell(value) for value in (*key[1:], *money_cells))]))
    return "".join(line + "\n" for line in lines)


def _rank(cells: list[Any], counters: tuple[str, ...], levels: tuple[str, ...], order: list[str]) -> tuple[Any, ...]:
    peaks = [cells[len(counters) + 1]] if levels else []
    money = cells[len(counters) + 2 * len(levels) :]  # one cell per currency, in name order: never added up
    return (*cells[: len(counters)], *peaks, *money)


def _day(start: int) -> str:
    return datetime.fromtimestamp(start, timezone.utc).date().isoformat()


def _one_page(path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The export's buckets as one pretty-printed page, which the command reads a run of buckets at a time."""
    data = [bucket for line in path.read_text().splitlines() for bucket in json.loads(line)["data"]]
    page = path.with_suffix(".json")
    page.write_text(json.dumps({"object": "page", "data": data, "has_more": False, "next_page": None}, indent=2))
    monkeypatch.setattr(documents, "SPLIT_BYTES", 1024)
    monkeypatch.setattr(documents, "_RUN_BYTES", 16 * 1024)
    parts = list(documents.read_path(page, split_pages=True))
    assert len(parts) > 10
    assert all(isinstance(part, documents.Loaded) and part.part for part in parts)
    return page


@pytest.mark.parametrize("layout", ["json-lines", "one-page-in-parts"])
@pytest.mark.parametrize("daily", [False, True], ids=["overall", "every-day"])
@pytest.mark.parametrize("kind", KIND_NAMES)
def test_csv_totals_match_a_reference_computed_from_the_json(
    kind: KindName,
    daily: bool,
    layout: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, buckets = _export(kind, tmp_path)
    assert sum(len(bucket["results"]) for bucket in buckets) > 2000
    if layout == "one-page-in-parts":
        path = _one_page(path, monkeypatch)
    every = ["--every", "day"] if daily else []
    status = main(["summarize", str(path), "--by", ",".join(KINDS[kind].group_by), *every, "--format", "csv"])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert out == _reference(kind, buckets, daily=daily)
