"""`summarize --every bucket` against rows computed here, independently, from the JSON itself.

Every kind: hourly buckets, some without results (zero rows), pages read out of time order, counters
summing beyond 64 bits, counters and levels left out, money in several currencies. The reference reads
the text with `json.loads` (fractions as `Decimal`, exactly as written) and adds up plain dicts; csv must
match it byte for byte, json value for value, and the table row for row.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from openapiopenai.cli import main
from openapiopenai.models import KIND_NAMES, KINDS, KindName
from openapiopenai.usage import COUNTERS, LEVELS

from generated_usage import csv_cell, exact, write_listing
from model_helpers import generated_result

HOUR = 3_600
FIRST = 1_730_419_200  # 2024-11-01
BUCKETS = 60
BUCKETS_PER_PAGE = 5
BIG = (2**63 - 7, 2**70 + 1)  # two of the first in one row no longer fit in 64 bits; the second never does


def _counter(rng: random.Random) -> int:
    return rng.choice(BIG) if rng.random() < 0.1 else rng.randrange(10**6)


def _export(kind: KindName, folder: Path) -> tuple[Path, list[dict[str, Any]]]:
    """A listing of hourly buckets, its pages written out of time order; the buckets as the file holds them."""
    rng = random.Random(f"every:{kind}")
    buckets = [
        {
            "object": "bucket",
            "start_time": FIRST + index * HOUR,
            "end_time": FIRST + (index + 1) * HOUR,
            "results": []
            if rng.random() < 0.15
            else [generated_result(kind, rng, _counter) for _ in range(rng.randrange(1, 30))],
        }
        for index in range(BUCKETS)
    ]
    path = folder / f"{kind}.jsonl"
    return path, write_listing(buckets, path, BUCKETS_PER_PAGE, shuffle=rng)


class _Reference:
    """The rows of `--every bucket` by every group-by field of a kind, from the buckets in reading order."""

    def __init__(self, kind: KindName, buckets: list[dict[str, Any]]) -> None:
        by = KINDS[kind].group_by
        counters, levels = COUNTERS[kind], LEVELS.get(kind, ())
        # Each (bucket, group) in the order first read: its counters, level, money and missing fields.
        groups: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.results = 0
        for bucket in buckets:
            for result in bucket["results"]:
                self.results += 1
                key = (bucket["start_time"], *(result.get(field) for field in by))
                group = groups.setdefault(key, {"counts": [0] * len(counters), "level": 0, "money": {}, "missing": {}})
                missing = group["missing"]
                for index, name in enumerate(counters):
                    if name in result:
                        group["counts"][index] += result[name]
                    else:
                        missing[name] = missing.get(name, 0) + 1
                for name in levels:
                    if name in result:
                        group["level"] += result[name]
                    else:
                        missing[name] = missing.get(name, 0) + 1
                if kind == "costs":
                    amount = result.get("amount") or {}
                    if "value" in amount and "currency" in amount:
                        money = group["money"]
                        money[amount["currency"]] = money.get(amount["currency"], Decimal(0)) + Decimal(amount["value"])
                    else:
                        missing["amount"] = missing.get("amount", 0) + 1
        currencies = sorted({currency for group in groups.values() for currency in group["money"]})
        self.header = ["bucket_start", *by, *counters]
        self.header += [f"{name}_{which}" for name in levels for which in ("latest", "peak")]
        self.header += [f"amount_{currency}" for currency in currencies] or (["amount"] if kind == "costs" else [])
        money_columns = len(self.header) - 1 - len(by) - len(counters) - 2 * len(levels)
        rows: list[list[Any]] = []
        ranks: list[tuple[Any, ...]] = []
        for key, group in groups.items():
            money = [group["money"].get(currency, Decimal(0)) for currency in currencies] or [
                Decimal(0)
            ] * money_columns
            rows.append([*key, *group["counts"], *[group["level"]] * 2 * len(levels), *money])
            # Largest first: counters in field order, then the level's peak, then money currency by currency.
            ranks.append((*group["counts"], *[group["level"]] * len(levels), *money))
        rank = {id(row): value for row, value in zip(rows, ranks, strict=True)}
        rows.sort(key=lambda row: rank[id(row)], reverse=True)  # stable: ties stay in reading order
        empty = sorted({bucket["start_time"] for bucket in buckets} - {row[0] for row in rows})
        numbers = len(counters) + 2 * len(levels)
        rows += [[start, *[None] * len(by), *[0] * numbers, *[Decimal(0)] * money_columns] for start in empty]
        rows.sort(key=lambda row: row[0])  # by time, each bucket's rows as they were
        self.rows = rows
        # Missing fields over all groups, in the order first missed, group after group.
        self.missing: dict[str, int] = {}
        for group in groups.values():
            for name, count in group["missing"].items():
                self.missing[name] = self.missing.get(name, 0) + count

    def csv(self) -> str:
        lines = [",".join(self.header)]
        lines += [",".join([_time(row[0]), *(csv_cell(value) for value in row[1:])]) for row in self.rows]
        return "".join(line + "\n" for line in lines)

    def note(self, kind: KindName) -> str:
        """The note on standard error about the fields some results lack."""
        some = [f"{name} ({count} of {self.results})" for name, count in self.missing.items()]
        return f"{kind}: some results lack {', '.join(some)}: those totals count the others only"


def _time(start: int) -> str:
    return datetime.fromtimestamp(start, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _run(path: Path, kind: KindName, output: str, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    by = ",".join(KINDS[kind].group_by)
    status = main(["summarize", str(path), "--by", by, "--every", "bucket", "--format", output])
    out, err = capsys.readouterr()
    assert status == 0, err
    return out, err


@pytest.fixture(params=KIND_NAMES)
def export(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[KindName, Path, _Reference]:
    kind: KindName = request.param
    path, buckets = _export(kind, tmp_path)
    reference = _Reference(kind, buckets)
    assert reference.results > 500
    return kind, path, reference


def test_csv_rows_match_a_reference(
    export: tuple[KindName, Path, _Reference], capsys: pytest.CaptureFixture[str]
) -> None:
    kind, path, reference = export
    out, err = _run(path, kind, "csv", capsys)
    assert out == reference.csv()
    # Sums beyond 64 bits stay exact (costs have only money), and some buckets are zero rows.
    assert kind == "costs" or any(value >= 2**63 for row in reference.rows for value in row[1:] if type(value) is int)
    assert any(row[-1] == 0 for row in reference.rows)
    if reference.missing:  # some kinds have no optional field
        assert reference.note(kind) in err


def test_json_rows_match_a_reference(
    export: tuple[KindName, Path, _Reference], capsys: pytest.CaptureFixture[str]
) -> None:
    kind, path, reference = export
    out, _ = _run(path, kind, "json", capsys)
    objects = json.loads(out, parse_float=Decimal)
    assert [list(row) for row in objects] == [reference.header] * len(reference.rows)
    expected = [[_time(row[0]), *row[1:]] for row in reference.rows]
    assert [list(row.values()) for row in objects] == expected
    # Money as the exact number: the text of each amount, not only its value.
    if kind == "costs":
        amounts = [exact(value) for row in reference.rows for value in row if isinstance(value, Decimal)]
        assert all(f": {amount}" in out for amount in amounts)


def test_table_rows_match_a_reference(
    export: tuple[KindName, Path, _Reference], capsys: pytest.CaptureFixture[str]
) -> None:
    kind, path, reference = export
    out, _ = _run(path, kind, "table", capsys)
    lines = out.splitlines()[2:-1]  # after what was counted and the header, before the total
    assert len(lines) == len(reference.rows)
    # Each line starts with its bucket and ends with the last column: money to the cent, counts with commas.
    for line, row in zip(lines, reference.rows, strict=True):
        last = row[-1]
        shown = (
            f"{last.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}" if isinstance(last, Decimal) else f"{last:,}"
        )
        assert line.startswith(_time(row[0]))
        assert line.endswith(f"  {shown}")
