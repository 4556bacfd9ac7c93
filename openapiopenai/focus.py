"""Costs as FOCUS 1.2 rows (the FinOps Open Cost and Usage Specification): one row per costs result, its money
the exact decimal the API sent. docs/focus.md says where every column comes from."""

from __future__ import annotations

import functools
import importlib
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from types import MappingProxyType
from typing import IO, Any, Final, TypeAlias, cast

from openapiopenai.models import KINDS, CostsResult, UsageResponse, UsageTimeBucket
from openapiopenai.usage import GroupBy, UsageListing, UsageTally, bucket_time, utc_datetime

FOCUS_VERSION: Final = "1.2"

_COSTS: Final = ("BilledCost", "ContractedCost", "EffectiveCost", "ListCost")  # all the one amount the API bills
_QUANTITIES: Final = ("ConsumedQuantity", "PricingQuantity")
_UNITS: Final = ("ConsumedUnit", "PricingUnit")
# The columns of exact decimals (money and quantities) and of UTC times.
DECIMAL_COLUMNS: Final = frozenset(_COSTS + _QUANTITIES)
TIME_COLUMNS: Final = frozenset({"BillingPeriodEnd", "BillingPeriodStart", "ChargePeriodEnd", "ChargePeriodStart"})

CONSTANTS: Final[Mapping[str, str | None]] = MappingProxyType(
    {
        "ChargeCategory": "Usage",
        "ChargeClass": None,  # the API reports charges, never corrections of an earlier billing period
        "ChargeFrequency": "Usage-Based",
        "CommitmentDiscountStatus": None,  # no commitment discounts; FOCUS's ConsumedQuantity rules read it
        "InvoiceId": None,  # the Costs API does not say which invoice a cost is on
        "InvoiceIssuerName": "OpenAI",
        "ProviderName": "OpenAI",
        "PublisherName": "OpenAI",
        "ServiceCategory": "AI and Machine Learning",
        "ServiceName": "OpenAI API",
        "ServiceSubcategory": "Generative AI",
    }
)
"""The columns whose value is the same in every row (`None`: null in every row)."""

_OF_EACH_ROW: Final = {
    *("BillingAccountId", "BillingAccountName", "BillingCurrency", "ChargeDescription"),
    *("ResourceId", "ResourceName", "ResourceType", "SubAccountId", "SubAccountName"),
}
COLUMNS: Final = tuple(sorted(DECIMAL_COLUMNS | TIME_COLUMNS | CONSTANTS.keys() | {*_UNITS, *_OF_EACH_ROW}))
"""The columns of every row, in the alphabetical order the FOCUS specification lists them."""

FocusValue: TypeAlias = str | Decimal | datetime | None
"""A cell: text, an exact decimal, a UTC time, or null."""

_GROUP_BY: Final[tuple[GroupBy, ...]] = KINDS["costs"].group_by


class FocusError(ValueError):
    """Costs that cannot be written as FOCUS rows; `problems` lists each as (path, message)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{path}: {message}" if path else message for path, message in problems))


def billing_period(moment: datetime) -> tuple[datetime, datetime]:
    """The calendar month (UTC) holding `moment`: its start, and the start of the next month (exclusive)."""
    start = moment.astimezone(timezone.utc).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return start, (start + timedelta(days=32)).replace(day=1)


# Data sizes as FOCUS spells them, by their lower-case spelling (the API writes units in lower case).
_DATA_SIZES: Final = {
    unit.lower(): unit for unit in ("B", "KB", "MB", "GB", "TB", "PB", "KiB", "MiB", "GiB", "TiB", "PiB")
}
_SEPARATORS: Final = re.compile(r"([-/\s]+)")


@functools.lru_cache(maxsize=256)
def focus_unit(unit: str) -> str:
    """A `quantity_unit` in FOCUS's unit format: each word capitalised and data sizes spelt as FOCUS does
    (`gib-hours` is `GiB-Hours`), the separators kept."""
    words = _SEPARATORS.split(unit.strip())
    return "".join(
        word if _SEPARATORS.fullmatch(word) else _DATA_SIZES.get(word.lower(), word[:1].upper() + word[1:])
        for word in words
    )


class FocusExport:
    """Costs results of one organization (FOCUS's billing account), gathered bucket by bucket as FOCUS rows;
    `names` maps project and API key ids to `SubAccountName` and `ResourceName`. Memory holds the tally's one
    running total per row and the end of each bucket, never the results."""

    def __init__(self, account_id: str, account_name: str, names: Mapping[str, str] | None = None) -> None:
        if not account_id.strip() or not account_name.strip():
            raise ValueError("the billing account needs an id and a name (the organization's)")
        self.account_id = account_id
        self.account_name = account_name
        self.names: Mapping[str, str] = MappingProxyType(dict(names or {}))
        self.tally = UsageTally(_GROUP_BY, per_bucket=True, kind="costs", quantities=True)
        self.rows = 0
        self._ends: dict[int, int] = {}

    def holds(self, bucket_start: int) -> bool:
        return bucket_start in self._ends

    def add(self, source: UsageResponse[Any] | UsageListing[Any] | Iterable[UsageTimeBucket[Any]]) -> None:
        """Add every bucket of a page, a combined listing, or buckets."""
        if isinstance(source, UsageResponse | UsageListing):
            source = source.data if isinstance(source, UsageResponse) else source.buckets
        for bucket in source:
            self.add_bucket(bucket)

    def add_bucket(self, bucket: UsageTimeBucket[Any]) -> None:
        """Add the costs results of one bucket (other kinds are left out); else `FocusError`, adding nothing,
        its `problems` saying where in the bucket."""
        problems: list[tuple[str, str]] = []
        if self.holds(bucket.start_time):
            problems.append(("start_time", "a bucket with this start was added already: each bucket once"))
        for field in ("start_time", "end_time"):
            try:
                utc_datetime(getattr(bucket, field))
            except ValueError as error:
                problems.append((field, str(error)))
        costs = [(index, item) for index, item in enumerate(bucket.results) if isinstance(item, CostsResult)]
        first: dict[tuple[Any, ...], int] = {}
        for index, result in costs:
            path = f"results.{index}"
            if result.amount is None or result.amount.value is None or result.amount.currency is None:
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
            seen = first.setdefault((result.project_id, result.line_item, result.api_key_id), index)
            if seen != index:
                group = "project_id, line_item and api_key_id"
                problems.append(
                    (path, f"the same {group} as results.{seen}: one bucket holds one result of each group")
                )
        if problems:
            raise FocusError(problems)
        self._ends[bucket.start_time] = bucket.end_time
        self.tally.add_results([result for _, result in costs], bucket.start_time)
        self.rows += len(costs)

    def iter_rows(self) -> Iterator[dict[str, FocusValue]]:
        """The rows as dicts of `COLUMNS`, in time order (largest cost first within a bucket), built as reached."""
        names = self.names
        account = {"BillingAccountId": self.account_id, "BillingAccountName": self.account_name}
        bucket: dict[str, FocusValue] = {**dict.fromkeys(COLUMNS), **CONSTANTS, **account}
        for group in self.tally.iter_groups(by_time=True):
            start = cast("datetime", group.bucket_start)  # tallied per bucket
            if start != bucket["ChargePeriodStart"]:  # the rows of a bucket come together, and share its times
                period_start, period_end = billing_period(start)
                end = utc_datetime(self._ends[bucket_time(start)])
                times = {"BillingPeriodEnd": period_end, "BillingPeriodStart": period_start, "ChargePeriodEnd": end}
                bucket = {**bucket, **times, "ChargePeriodStart": start}
            ((currency, amount),) = group.totals.amounts.items()  # one result per row, checked when added
            ((unit, quantity),) = group.quantities.items()
            project, line_item, api_key = cast("tuple[str | None, str | None, str | None]", group.values)  # _GROUP_BY
            yield {
                **bucket,
                **dict.fromkeys(_COSTS, amount),
                **dict.fromkeys(_QUANTITIES, quantity),
                **dict.fromkeys(_UNITS, focus_unit(cast("str", unit))),
                "BillingCurrency": currency.upper(),
                "ChargeDescription": line_item,
                "ResourceId": api_key,
                # FOCUS: null when the resource has no display name, and never a copy of a generated id.
                "ResourceName": None if api_key is None else names.get(api_key),
                "ResourceType": None if api_key is None else "API Key",
                "SubAccountId": project,
                # FOCUS: never null when SubAccountId is not; a project without a known name is named by its id.
                "SubAccountName": None if project is None else names.get(project, project),
            }


def csv_cell(value: FocusValue) -> str:
    """A cell as CSV text; a decimal has every digit and always a point (readers take `13` for an integer)."""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text if "." in text else f"{text}.0"
    if isinstance(value, datetime):
        return _time_text(value)
    return value or ""


@functools.lru_cache(maxsize=4096)  # the rows of a bucket share its times: formatting each once halves write_csv
def _time_text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_csv(rows: Iterable[Mapping[str, FocusValue]], stream: IO[str]) -> int:
    """Write a header and the rows as CSV, each row as it comes; the number of rows written."""
    import csv  # only for this format

    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    written = 0
    for row in rows:
        writer.writerow([csv_cell(row[column]) for column in COLUMNS])
        written += 1
    return written


PARQUET_BATCH: Final = 8192
"""Rows per Parquet row group: memory holds one batch, whatever the number of rows."""


class InexactValue(ValueError):
    """A value the output cannot hold exactly: refused, never rounded."""


class ParquetUnavailable(RuntimeError):
    """Parquet output asked for without pyarrow installed."""

    def __init__(self) -> None:
        super().__init__('Parquet output needs pyarrow: pip install "openapiopenai-usage[parquet]"')


def parquet_modules() -> tuple[Any, Any]:
    try:
        return importlib.import_module("pyarrow"), importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise ParquetUnavailable() from None


def write_parquet(rows: Iterable[Mapping[str, FocusValue]], sink: str | IO[bytes]) -> int:
    """Write the rows as Parquet, a row group at a time; the number of rows written. Money and quantities are
    decimal(38, 18): `InexactValue` for a value that needs more, never rounded."""
    pa, pq = parquet_modules()
    types = {name: pa.decimal128(38, 18) for name in DECIMAL_COLUMNS} | dict.fromkeys(
        TIME_COLUMNS, pa.timestamp("s", tz="UTC")
    )
    schema = pa.schema([pa.field(name, types.get(name, pa.string())) for name in COLUMNS])
    written = 0
    iterator = iter(rows)
    with pq.ParquetWriter(sink, schema) as writer:
        while batch := list(itertools.islice(iterator, PARQUET_BATCH)):
            try:
                table = pa.Table.from_pydict({name: [row[name] for row in batch] for name in COLUMNS}, schema=schema)
            except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
                raise InexactValue(
                    f"a value does not fit the Parquet decimal(38, 18) columns exactly: {error}"
                ) from None
            writer.write_table(table)
            written += len(batch)
    return written
