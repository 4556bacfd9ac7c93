"""Costs as FOCUS 1.2 rows: the FinOps Open Cost and Usage Specification, the column format FinOps tools load.

`FocusExport` gathers costs results in a `UsageTally` kept per bucket and per group of every costs group-by
field, with each group's quantity per unit: the same rows `summarize --every bucket` prints. Each row (one
costs result) becomes one FOCUS row, its money the exact decimal the API sent. See docs/focus.md for where
every column comes from.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from types import MappingProxyType
from typing import IO, Any, Final, TypeAlias, cast

from openapiopenai.models import KINDS, ApiModel, CostsResult, UsageResponse, UsageTimeBucket
from openapiopenai.usage import GroupBy, UsageListing, UsageTally, bucket_time, utc_datetime

__all__ = [
    "COLUMNS",
    "CONSTANTS",
    "DECIMAL_COLUMNS",
    "FOCUS_VERSION",
    "TIME_COLUMNS",
    "FocusError",
    "FocusExport",
    "FocusValue",
    "InexactValue",
    "ParquetUnavailable",
    "billing_period",
    "csv_cell",
    "decimal_text",
    "focus_unit",
    "parquet_modules",
    "time_text",
    "write_csv",
    "write_parquet",
]

FOCUS_VERSION: Final = "1.2"

COLUMNS: Final = (
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "CommitmentDiscountStatus",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ContractedCost",
    "EffectiveCost",
    "InvoiceId",
    "InvoiceIssuerName",
    "ListCost",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "ServiceCategory",
    "ServiceName",
    "ServiceSubcategory",
    "SubAccountId",
    "SubAccountName",
)
"""The columns of every row, in the alphabetical order the FOCUS specification lists them."""

DECIMAL_COLUMNS: Final = frozenset(
    {"BilledCost", "ConsumedQuantity", "ContractedCost", "EffectiveCost", "ListCost", "PricingQuantity"}
)
"""The columns that hold exact decimals (money and quantities)."""

TIME_COLUMNS: Final = frozenset({"BillingPeriodEnd", "BillingPeriodStart", "ChargePeriodEnd", "ChargePeriodStart"})
"""The columns that hold UTC times."""

CONSTANTS: Final[Mapping[str, str | None]] = MappingProxyType(
    {
        "ChargeCategory": "Usage",
        "ChargeClass": None,  # null: the API reports charges, never corrections of an earlier billing period
        "ChargeFrequency": "Usage-Based",
        # null: the API reports no commitment discounts (FOCUS's ConsumedQuantity rules read this column)
        "CommitmentDiscountStatus": None,
        "InvoiceId": None,  # null: the Costs API does not say which invoice a cost is on
        "InvoiceIssuerName": "OpenAI",
        "ProviderName": "OpenAI",
        "PublisherName": "OpenAI",
        "ServiceCategory": "AI and Machine Learning",
        "ServiceName": "OpenAI API",
        "ServiceSubcategory": "Generative AI",
    }
)
"""The columns whose value is the same in every row (`None`: null in every row)."""

RESOURCE_TYPE: Final = "API Key"
"""`ResourceType` of a row whose resource is an API key (the only resource costs name)."""

FocusValue: TypeAlias = str | Decimal | datetime | None
"""A cell: text, an exact decimal, a UTC time, or null."""

_GROUP_BY: Final[tuple[GroupBy, ...]] = KINDS["costs"].group_by
_BY_NAMES: Final = f"{', '.join(_GROUP_BY[:-1])} and {_GROUP_BY[-1]}"


class FocusError(ValueError):
    """Costs that cannot be written as FOCUS rows; `problems` lists each as (path, message)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{path}: {message}" if path else message for path, message in problems))


def billing_period(moment: datetime) -> tuple[datetime, datetime]:
    """The calendar month (UTC) holding `moment`: its start, and the start of the next month (exclusive)."""
    start = moment.astimezone(timezone.utc).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following


_DATA_SIZES: Final = {
    unit.lower(): unit for unit in ("B", "KB", "MB", "GB", "TB", "PB", "KiB", "MiB", "GiB", "TiB", "PiB")
}
"""Data sizes in bytes as FOCUS spells them, by their lower-case spelling (the API writes units in lower case)."""
_SEPARATORS: Final = re.compile(r"([-/\s]+)")


def focus_unit(unit: str) -> str:
    """A `quantity_unit` of the API in FOCUS's unit format: `tokens` is `Tokens`, `gib-hours` is `GiB-Hours`.

    Each word is capitalised (`1000 tokens` is `1000 Tokens`) and data sizes take their standard spelling;
    the separators (`-`, `/`, spaces) are kept."""
    words = _SEPARATORS.split(unit.strip())
    return "".join(
        word if _SEPARATORS.fullmatch(word) else _DATA_SIZES.get(word.lower(), word[:1].upper() + word[1:])
        for word in words
    )


@dataclass(frozen=True)
class _Checked:
    """What a bucket adds: its costs results, and the problems that keep any of them from a FOCUS row."""

    results: list[CostsResult]
    problems: list[tuple[str, str]]


class FocusExport:
    """Costs results of one organization, gathered bucket by bucket, written out as FOCUS 1.2 rows.

    `account_id` and `account_name` are the organization's (the API does not return them): FOCUS's billing
    account. `names` maps project and API key ids to their names, for `SubAccountName` and `ResourceName`.

    Memory holds one running total per row (the tally's), and the end of each bucket: never the results.
    """

    def __init__(self, account_id: str, account_name: str, names: Mapping[str, str] | None = None) -> None:
        if not account_id.strip() or not account_name.strip():
            raise ValueError("the billing account needs an id and a name (the organization's)")
        self.account_id = account_id
        self.account_name = account_name
        self.names: Mapping[str, str] = MappingProxyType(dict(names or {}))
        self.tally = UsageTally(_GROUP_BY, per_bucket=True, kind="costs", quantities=True)
        self._ends: dict[int, int] = {}
        self._rows = 0

    def holds(self, bucket_start: int) -> bool:
        """Whether a bucket starting at this time (Unix seconds) was added."""
        return bucket_start in self._ends

    def add_bucket(self, bucket: UsageTimeBucket[Any]) -> None:
        """Add the costs results of one bucket (results of other kinds are left out).

        Raises `FocusError`, adding nothing, if any of them cannot be a FOCUS row (no amount, no quantity or
        unit, two results of one group) or the bucket's start was added already; its `problems` say where in
        the bucket.
        """
        checked = self._checked(bucket)
        if checked.problems:
            raise FocusError(checked.problems)
        self._ends[bucket.start_time] = bucket.end_time
        if checked.results:
            self.tally.add_results(checked.results, bucket.start_time)
            self._rows += len(checked.results)

    def add(self, source: UsageResponse[Any] | UsageListing[Any] | Iterable[UsageTimeBucket[Any]]) -> None:
        """Add every bucket of a page, a combined listing, or buckets."""
        buckets: Iterable[UsageTimeBucket[Any]]
        if isinstance(source, UsageResponse):
            buckets = cast("UsageResponse[Any]", source).data  # type: ignore[redundant-cast]
        elif isinstance(source, UsageListing):
            buckets = cast("UsageListing[Any]", source).buckets  # type: ignore[redundant-cast]
        else:
            buckets = source
        for bucket in buckets:
            self.add_bucket(bucket)

    def _checked(self, bucket: UsageTimeBucket[Any]) -> _Checked:
        problems: list[tuple[str, str]] = []
        if self.holds(bucket.start_time):
            problems.append(("start_time", "a bucket with this start was added already: each bucket once"))
        for field in ("start_time", "end_time"):
            try:
                utc_datetime(getattr(bucket, field))
            except ValueError as error:
                problems.append((field, str(error)))
        results: list[CostsResult] = []
        first: dict[tuple[Any, ...], int] = {}
        for index, result in enumerate(cast("list[ApiModel]", bucket.results)):
            if not isinstance(result, CostsResult):
                continue
            path = f"results.{index}"
            results.append(result)
            amount = result.amount
            if amount is None or amount.value is None or amount.currency is None:
                problems.append((path, "a cost without an amount and currency cannot be a FOCUS row"))
            if result.quantity is None:
                why = (
                    "this cost of a line_item has none"
                    if result.line_item is not None  # grouped by line item already: the hint would mislead
                    else "the API gives it only in costs grouped by line_item (fetch costs with --group-by line_item)"
                )
                problems.append((path, f"no quantity: FOCUS needs PricingQuantity for usage, and {why}"))
            elif result.quantity_unit is None:
                problems.append((path, "a quantity without a unit (quantity_unit is null): FOCUS needs PricingUnit"))
            key = tuple(getattr(result, field) for field in _GROUP_BY)
            seen = first.setdefault(key, index)
            if seen != index:
                problems.append(
                    (path, f"the same {_BY_NAMES} as results.{seen}: one bucket holds one result of each group")
                )
        return _Checked(results, problems)

    @property
    def rows(self) -> int:
        """How many FOCUS rows there are."""
        return self._rows

    def iter_rows(self) -> Iterator[dict[str, FocusValue]]:
        """The FOCUS rows, in time order (by bucket, largest cost first within one), each built as it is reached:
        a dict of every column of `COLUMNS`, in that order."""
        names = self.names
        by = self.tally.by
        project_at, line_item_at, key_at = (by.index(field) for field in ("project_id", "line_item", "api_key_id"))
        units: dict[str, str] = {}
        last: datetime | None = None
        end = period_start = period_end = None
        for group in self.tally.iter_groups(by_time=True):
            start = group.bucket_start
            assert start is not None  # tallied per bucket
            ((currency, amount),) = group.totals.amounts.items()  # one result per row, checked when added
            ((unit, quantity),) = group.quantities.items()
            if start != last:  # the rows of a bucket come together
                end = utc_datetime(self._ends[bucket_time(start)])
                period_start, period_end = billing_period(start)
                last = start
            pricing_unit = units.get(cast("str", unit))
            if pricing_unit is None:
                pricing_unit = units[cast("str", unit)] = focus_unit(cast("str", unit))
            project = cast("str | None", group.values[project_at])
            api_key = cast("str | None", group.values[key_at])
            yield {
                "BilledCost": amount,
                "BillingAccountId": self.account_id,
                "BillingAccountName": self.account_name,
                "BillingCurrency": currency.upper(),
                "BillingPeriodEnd": period_end,
                "BillingPeriodStart": period_start,
                "ChargeCategory": CONSTANTS["ChargeCategory"],
                "ChargeClass": CONSTANTS["ChargeClass"],
                "ChargeDescription": cast("str | None", group.values[line_item_at]),
                "ChargeFrequency": CONSTANTS["ChargeFrequency"],
                "ChargePeriodEnd": end,
                "ChargePeriodStart": start,
                "CommitmentDiscountStatus": CONSTANTS["CommitmentDiscountStatus"],
                "ConsumedQuantity": quantity,
                "ConsumedUnit": pricing_unit,
                "ContractedCost": amount,
                "EffectiveCost": amount,
                "InvoiceId": CONSTANTS["InvoiceId"],
                "InvoiceIssuerName": CONSTANTS["InvoiceIssuerName"],
                "ListCost": amount,
                "PricingQuantity": quantity,
                "PricingUnit": pricing_unit,
                "ProviderName": CONSTANTS["ProviderName"],
                "PublisherName": CONSTANTS["PublisherName"],
                "ResourceId": api_key,
                # FOCUS: null when the resource has no display name, and never a copy of a generated id.
                "ResourceName": None if api_key is None else names.get(api_key),
                "ResourceType": None if api_key is None else RESOURCE_TYPE,
                "ServiceCategory": CONSTANTS["ServiceCategory"],
                "ServiceName": CONSTANTS["ServiceName"],
                "ServiceSubcategory": CONSTANTS["ServiceSubcategory"],
                "SubAccountId": project,
                # FOCUS: never null when SubAccountId is not; a project without a known name is named by its id.
                "SubAccountName": None if project is None else names.get(project, project),
            }


def decimal_text(value: Decimal) -> str:
    """An exact decimal as FOCUS readers take it: every digit, no exponent, and always a decimal point
    (`13.0`, not `13`, which CSV readers would take for an integer column)."""
    text = format(value, "f")
    return text if "." in text else f"{text}.0"


def time_text(moment: datetime) -> str:
    """A UTC time in FOCUS's date/time format: `2024-11-01T00:00:00Z`."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def csv_cell(value: FocusValue) -> str:
    """A cell as CSV text; null is an empty field."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, datetime):
        return time_text(value)
    return value


def write_csv(rows: Iterable[Mapping[str, FocusValue]], stream: IO[str]) -> int:
    """Write a header and the rows as CSV, each row as it comes; the number of rows written."""
    import csv  # only for this format

    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    written = 0
    times: dict[datetime, str] = {}  # the rows of a bucket share its times: each written once
    for row in rows:
        cells: list[str] = []
        for column in COLUMNS:
            value = row[column]
            if type(value) is str:
                cells.append(value)
            elif isinstance(value, datetime):
                text = times.get(value)
                if text is None:
                    text = times[value] = time_text(value)
                    if len(times) > 4096:
                        times.clear()
                cells.append(text)
            else:
                cells.append(csv_cell(value))
        writer.writerow(cells)
        written += 1
    return written


PARQUET_EXTRA: Final = 'pip install "openapiopenai-usage[parquet]"'
"""How to get what Parquet output needs (pyarrow)."""

DECIMAL_PRECISION: Final = 38
DECIMAL_SCALE: Final = 18
"""The Parquet type of money and quantities: decimal(38, 18), 20 digits before the point and 18 after.
A value that needs more is refused, never rounded."""

PARQUET_BATCH: Final = 8192
"""Rows per Parquet row group: memory holds one batch, whatever the number of rows."""


class InexactValue(ValueError):
    """A value the output cannot hold exactly: refused, never rounded."""


class ParquetUnavailable(RuntimeError):
    """Parquet output asked for without pyarrow installed."""

    def __init__(self) -> None:
        super().__init__(f"Parquet output needs pyarrow: {PARQUET_EXTRA}")


def parquet_modules() -> tuple[Any, Any]:
    """`pyarrow` and `pyarrow.parquet`, or `ParquetUnavailable` when they cannot be imported."""
    try:
        return importlib.import_module("pyarrow"), importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise ParquetUnavailable() from None


def write_parquet(rows: Iterable[Mapping[str, FocusValue]], sink: str | IO[bytes]) -> int:
    """Write the rows as Parquet, a row group at a time: decimal money and quantities, UTC timestamps.

    Raises `ParquetUnavailable` without pyarrow, and `InexactValue` for a value the decimal columns cannot hold
    exactly. Returns the number of rows written.
    """
    pa, pq = parquet_modules()

    def column_type(name: str) -> Any:
        if name in DECIMAL_COLUMNS:
            return pa.decimal128(DECIMAL_PRECISION, DECIMAL_SCALE)
        if name in TIME_COLUMNS:
            return pa.timestamp("s", tz="UTC")
        return pa.string()

    schema = pa.schema([pa.field(name, column_type(name)) for name in COLUMNS])
    written = 0
    with pq.ParquetWriter(sink, schema) as writer:
        batch: list[Mapping[str, FocusValue]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == PARQUET_BATCH:
                writer.write_table(_table(pa, schema, batch))
                written += len(batch)
                batch = []
        if batch or not written:
            writer.write_table(_table(pa, schema, batch))
            written += len(batch)
    return written


def _table(pa: Any, schema: Any, rows: list[Mapping[str, FocusValue]]) -> Any:
    columns = {name: [row[name] for row in rows] for name in COLUMNS}
    try:
        return pa.Table.from_pydict(columns, schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise InexactValue(
            f"a value does not fit the Parquet decimal({DECIMAL_PRECISION}, {DECIMAL_SCALE}) columns exactly: {error}"
        ) from None
