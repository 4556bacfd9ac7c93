"""`openapiopenai.focus` and `openapiopenai focus`: costs as FOCUS 1.2 rows, checked column by column against
the costs JSON they come from."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa  # the test extra installs it
import pyarrow.parquet as pq
import pytest

from openapiopenai import UsageResponse, UsageResult
from openapiopenai.cli.focus import SAMPLE_ORGANIZATION_ID, SAMPLE_ORGANIZATION_NAME
from openapiopenai.focus import (
    COLUMNS,
    DECIMAL_COLUMNS,
    TIME_COLUMNS,
    FocusError,
    FocusExport,
    FocusValue,
    InexactValue,
    billing_period,
    csv_cell,
    focus_unit,
    write_parquet,
)
from openapiopenai.listing import combine_pages
from openapiopenai.usage import UsageTally

from focus_exports import API_KEYS, DAY, bucket, cost, generated_export, page, seconds

SAMPLE = resources.files("openapiopenai") / "data"
NAMES = {"proj_q4TzL8wX": "Main app", "key_AbCdEf012345": "batch jobs"}


def utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


def sample_results() -> list[tuple[dict[str, Any], int, int]]:
    """Every costs result of the sample, as read from its JSON with exact decimals, with its bucket's times."""
    found = []
    for number in (1, 2):
        text = (SAMPLE / f"costs-page-{number}.json").read_text()
        for each in json.loads(text, parse_float=Decimal)["data"]:
            found += [(result, each["start_time"], each["end_time"]) for result in each["results"]]
    return found


def export_of(lines: list[str], names: dict[str, str] | None = None) -> FocusExport:
    export = FocusExport("org-Test", "Test Org", names)
    for line in lines:
        export.add(UsageResponse[UsageResult].from_json(line))
    return export


def sample_export(names: dict[str, str] | None = None) -> FocusExport:
    return export_of([(SAMPLE / f"costs-page-{number}.json").read_text() for number in (1, 2)], names)


def sample_export_of_the_sample() -> FocusExport:
    """The sample's rows as `focus --sample` makes them: the sample's own organization, no names."""
    export = FocusExport(SAMPLE_ORGANIZATION_ID, SAMPLE_ORGANIZATION_NAME)
    for number in (1, 2):
        export.add(UsageResponse[UsageResult].from_json((SAMPLE / f"costs-page-{number}.json").read_text()))
    return export


def key(row: dict[str, FocusValue]) -> tuple[Any, ...]:
    return (row["ChargePeriodStart"], row["SubAccountId"], row["ChargeDescription"], row["ResourceId"])


def result_key(result: dict[str, Any], start: int) -> tuple[Any, ...]:
    return (utc(start), result.get("project_id"), result.get("line_item"), result.get("api_key_id"))


def exact(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value)


# What each column holds, from the costs result (as read from the JSON, exactly) and its bucket's times.
EXPECTED: dict[str, Callable[[dict[str, Any], int, int], FocusValue]] = {
    "BilledCost": lambda result, _, __: exact(result["amount"]["value"]),
    "BillingAccountId": lambda *_: "org-Test",
    "BillingAccountName": lambda *_: "Test Org",
    "BillingCurrency": lambda result, _, __: result["amount"]["currency"].upper(),
    "BillingPeriodEnd": lambda _, start, __: utc(start).replace(
        year=utc(start).year + utc(start).month // 12, month=utc(start).month % 12 + 1, day=1, hour=0
    ),
    "BillingPeriodStart": lambda _, start, __: utc(start).replace(day=1, hour=0),
    "ChargeCategory": lambda *_: "Usage",
    "ChargeClass": lambda *_: None,
    "ChargeDescription": lambda result, _, __: result["line_item"],
    "ChargeFrequency": lambda *_: "Usage-Based",
    "ChargePeriodEnd": lambda _, __, end: utc(end),
    "ChargePeriodStart": lambda _, start, __: utc(start),
    "CommitmentDiscountStatus": lambda *_: None,
    "ConsumedQuantity": lambda result, _, __: exact(result["quantity"]),
    "ConsumedUnit": lambda result, _, __: result["quantity_unit"].capitalize(),
    "ContractedCost": lambda result, _, __: exact(result["amount"]["value"]),
    "EffectiveCost": lambda result, _, __: exact(result["amount"]["value"]),
    "InvoiceId": lambda *_: None,
    "InvoiceIssuerName": lambda *_: "OpenAI",
    "ListCost": lambda result, _, __: exact(result["amount"]["value"]),
    "PricingQuantity": lambda result, _, __: exact(result["quantity"]),
    "PricingUnit": lambda result, _, __: result["quantity_unit"].capitalize(),
    "ProviderName": lambda *_: "OpenAI",
    "PublisherName": lambda *_: "OpenAI",
    "ResourceId": lambda result, _, __: result.get("api_key_id"),
    "ResourceName": lambda result, _, __: NAMES.get(result.get("api_key_id") or ""),
    "ResourceType": lambda result, _, __: None if result.get("api_key_id") is None else "API Key",
    "ServiceCategory": lambda *_: "AI and Machine Learning",
    "ServiceName": lambda *_: "OpenAI API",
    "ServiceSubcategory": lambda *_: "Generative AI",
    "SubAccountId": lambda result, _, __: result.get("project_id"),
    "SubAccountName": lambda result, _, __: (
        None if result.get("project_id") is None else NAMES.get(result["project_id"], result["project_id"])
    ),
}


@pytest.mark.parametrize("source", ["page", "listing", "buckets"])
def test_a_page_a_combined_listing_and_buckets_add_the_same_rows(source: str) -> None:
    pages = [
        UsageResponse[UsageResult].from_json((SAMPLE / f"costs-page-{number}.json").read_text()) for number in (1, 2)
    ]
    export = FocusExport("org-Test", "Test Org")
    if source == "listing":
        export.add(combine_pages(pages))
    for each in pages if source != "listing" else []:
        export.add(each if source == "page" else list(each.data))
    assert list(export.iter_rows()) == list(sample_export().iter_rows())
    assert export.rows == 251


def test_every_column_has_an_expectation() -> None:
    assert list(EXPECTED) == list(COLUMNS)


def test_the_mandatory_focus_columns_are_all_there() -> None:
    mandatory = {
        *("BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodStart"),
        *("BillingPeriodEnd", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargePeriodStart"),
        *("ChargePeriodEnd", "ContractedCost", "EffectiveCost", "InvoiceIssuerName", "ListCost", "PricingQuantity"),
        *("PricingUnit", "ProviderName", "PublisherName", "ServiceCategory", "ServiceName"),
    }
    assert mandatory <= set(COLUMNS)


class TestColumnByColumn:
    @pytest.mark.parametrize("column", COLUMNS)
    def test_the_sample(self, column: str) -> None:
        rows = {key(row): row for row in sample_export(NAMES).iter_rows()}
        results = sample_results()
        assert len(rows) == len(results) == 251
        for result, start, end in results:
            assert rows[result_key(result, start)][column] == EXPECTED[column](result, start, end), result

    @pytest.mark.parametrize("column", COLUMNS)
    def test_an_export_grouped_by_every_field_over_months_and_currencies(self, column: str) -> None:
        text, results = generated_export("2024-12-28", 40, ("usd", "eur", "jpy"), ("project_id", "api_key_id"), 7)
        export = export_of(text.splitlines(), NAMES)
        rows = {key(row): row for row in export.iter_rows()}
        assert len(rows) == len(results) == export.rows
        for result, start, end in results:
            expected = EXPECTED[column](result, start, end)
            if column in ("PricingUnit", "ConsumedUnit") and result["quantity_unit"] == "gb-days":
                expected = "GB-Days"
            assert rows[result_key(result, start)][column] == expected, result


class TestRowsInOrder:
    def test_by_bucket_then_largest_cost_first(self) -> None:
        rows = list(sample_export().iter_rows())
        assert [row["ChargePeriodStart"] for row in rows] == sorted(row["ChargePeriodStart"] for row in rows)
        first_day = [row["BilledCost"] for row in rows if row["ChargePeriodStart"] == rows[0]["ChargePeriodStart"]]
        assert first_day == sorted(first_day, reverse=True)  # type: ignore[type-var]


# Money: exactly the decimal the JSON number was written as.

FLOATS_ROUND_WRONG = [
    pytest.param("0.1", "0.1", id="0.1"),
    pytest.param("0.2", "0.2", id="0.2"),
    pytest.param("0.30000000000000004", "0.30000000000000004", id="0.1+0.2-as-a-float"),
    pytest.param("1e-7", "0.0000001", id="1e-7"),
    pytest.param("1.5E-9", "0.0000000015", id="1.5E-9"),
    pytest.param("0.0925206", "0.0925206", id="per-token-price"),
    pytest.param("3.14159265358979", "3.14159265358979", id="15-digits"),
    pytest.param("-0.01", "-0.01", id="a-credit"),
    pytest.param("0", "0.0", id="zero"),
    pytest.param("7", "7.0", id="an-integer"),
    pytest.param("123456789012345678901234567890", "123456789012345678901234567890.0", id="a-long-integer"),
    # More digits than a double holds: the model keeps the nearest double, written in full, never as 1.2e+16.
    pytest.param("12345678901234567.89", "12345678901234568.0", id="beyond-a-double"),
]
CURRENCIES = ["usd", "eur", "jpy", "gbp", "chf", "inr"]


@pytest.mark.parametrize("currency", CURRENCIES)
@pytest.mark.parametrize(("sent", "written"), FLOATS_ROUND_WRONG)
def test_money_is_written_as_the_exact_decimal(currency: str, sent: str, written: str) -> None:
    line = page(
        [bucket(seconds("2024-11-01"), [cost(sent, currency, line_item="x", quantity=1, quantity_unit="images")])]
    )
    (row,) = export_of([line]).iter_rows()
    assert row["BillingCurrency"] == currency.upper()
    for column in ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost"):
        assert csv_cell(row[column]) == written


def test_money_adds_up_in_the_output_as_it_did_in_the_input() -> None:
    items = [cost(value, line_item=f"item {value}", quantity=1, quantity_unit="requests") for value in ("0.1", "0.2")]
    rows = list(export_of([page([bucket(seconds("2024-11-01"), items)])]).iter_rows())
    written = [Decimal(csv_cell(row["BilledCost"])) for row in rows]
    assert sum(written) == Decimal("0.3")
    assert 0.1 + 0.2 != 0.3


@pytest.mark.parametrize(
    ("sent", "written"),
    [
        ("0", "0.0"),
        ("13", "13.0"),
        ("0.5", "0.5"),
        ("1e-3", "0.001"),
        ("98765432109876543210", "98765432109876543210.0"),
    ],
)
def test_quantities_are_decimals_with_a_point(sent: str, written: str) -> None:
    result = cost("1", line_item="x", quantity="Q", quantity_unit="tokens").replace('"Q"', sent)
    (row,) = export_of([page([bucket(seconds("2024-11-01"), [result])])]).iter_rows()
    assert csv_cell(row["PricingQuantity"]) == csv_cell(row["ConsumedQuantity"]) == written


# Times: the bucket's, and the calendar month holding it.


@pytest.mark.parametrize(
    ("moment", "start", "end"),
    [
        pytest.param("2024-01-31T00:00:00", "2024-01-01", "2024-02-01", id="last-day-of-january"),
        pytest.param("2024-02-29T00:00:00", "2024-02-01", "2024-03-01", id="leap-day"),
        pytest.param("2023-02-28T23:00:00", "2023-02-01", "2023-03-01", id="last-hour-of-a-short-february"),
        pytest.param("2024-03-01T00:00:00", "2024-03-01", "2024-04-01", id="first-second-of-a-month"),
        pytest.param("2024-12-31T23:59:59", "2024-12-01", "2025-01-01", id="last-second-of-the-year"),
        pytest.param("2025-01-01T00:00:00", "2025-01-01", "2025-02-01", id="first-second-of-the-year"),
    ],
)
def test_billing_period_is_the_utc_month(moment: str, start: str, end: str) -> None:
    assert billing_period(utc(seconds(moment))) == (utc(seconds(start)), utc(seconds(end)))


@pytest.mark.parametrize(
    ("width", "last"), [(DAY, "2024-12-31"), (3600, "2024-12-31T23:00:00"), (60, "2024-12-31T23:59")]
)
def test_the_last_bucket_of_a_month_is_billed_in_it(width: int, last: str) -> None:
    item = cost("1", line_item="x", quantity=1, quantity_unit="images")
    line = page([bucket(seconds(last), [item], width), bucket(seconds(last) + width, [item], width)])
    december, january = export_of([line]).iter_rows()
    assert december["ChargePeriodStart"] == utc(seconds(last))
    assert december["ChargePeriodEnd"] == utc(seconds("2025-01-01"))
    assert (december["BillingPeriodStart"], december["BillingPeriodEnd"]) == (
        utc(seconds("2024-12-01")),
        utc(seconds("2025-01-01")),
    )
    assert (january["BillingPeriodStart"], january["BillingPeriodEnd"]) == (
        utc(seconds("2025-01-01")),
        utc(seconds("2025-02-01")),
    )


def test_times_are_written_in_utc() -> None:
    assert csv_cell(utc(seconds("2024-11-01T06:30:00"))) == "2024-11-01T06:30:00Z"


# Units, names, and what cannot be a row.


@pytest.mark.parametrize(
    ("unit", "written"),
    [
        ("tokens", "Tokens"),
        ("images", "Images"),
        ("characters", "Characters"),
        ("seconds", "Seconds"),
        ("requests", "Requests"),
        ("1000 tokens", "1000 Tokens"),
        ("gb-days", "GB-Days"),
        ("gib-hours", "GiB-Hours"),
        ("Tokens", "Tokens"),
    ],
)
def test_units_in_focus_format(unit: str, written: str) -> None:
    assert focus_unit(unit) == written


class TestNames:
    def test_a_project_without_a_name_is_named_by_its_id(self) -> None:
        rows = list(sample_export({"proj_q4TzL8wX": "Main app"}).iter_rows())
        assert {(row["SubAccountId"], row["SubAccountName"]) for row in rows} == {
            ("proj_q4TzL8wX", "Main app"),
            ("proj_7KcHm3Ye", "proj_7KcHm3Ye"),
        }

    def test_an_api_key_without_a_name_has_none(self) -> None:
        results = [
            cost("1", line_item="x", quantity=1, quantity_unit="images", api_key_id=key_id) for key_id in API_KEYS
        ]
        rows = {row["ResourceId"]: row for row in export_of([page([bucket(0, results)])], NAMES).iter_rows()}
        assert {key_id: (row["ResourceName"], row["ResourceType"]) for key_id, row in rows.items()} == {
            "key_AbCdEf012345": ("batch jobs", "API Key"),
            "key_GhIjKl678901": (None, "API Key"),
        }

    def test_no_project_and_no_key_leave_both_columns_null(self) -> None:
        (row,) = export_of(
            [page([bucket(0, [cost("1", line_item="x", quantity=1, quantity_unit="images")])])], NAMES
        ).iter_rows()
        assert [row[column] for column in ("SubAccountId", "SubAccountName", "ResourceId", "ResourceName")] == [
            None
        ] * 4


@pytest.mark.parametrize(
    ("result", "path", "problem"),
    [
        pytest.param(
            '{"object": "organization.costs.result", "line_item": "x", "quantity": 1, "quantity_unit": "images"}',
            "results.0",
            "a cost without an amount and currency cannot be a FOCUS row",
            id="no-amount",
        ),
        pytest.param(
            cost("1", project_id="proj_a"),
            "results.0",
            "no quantity: FOCUS needs PricingQuantity for usage, and the API gives it only in costs grouped by "
            "line_item (fetch costs with --group-by line_item)",
            id="not-grouped-by-line-item",
        ),
        pytest.param(
            cost("1", line_item="gpt-4o, input"),
            "results.0",
            "no quantity: FOCUS needs PricingQuantity for usage, and this cost of a line_item has none",
            id="grouped-by-line-item-without-quantity",
        ),
        pytest.param(
            cost("1", line_item="x", quantity=3, quantity_unit=None),
            "results.0",
            "a quantity without a unit (quantity_unit is null): FOCUS needs PricingUnit",
            id="no-unit",
        ),
    ],
)
def test_a_cost_that_cannot_be_a_row_is_refused(result: str, path: str, problem: str) -> None:
    export = FocusExport("org-Test", "Test Org")
    with pytest.raises(FocusError) as raised:
        export.add(UsageResponse[UsageResult].from_json(page([bucket(0, [result])])))
    assert raised.value.problems == [(path, problem)]
    assert export.rows == 0


def test_two_results_of_one_group_in_one_bucket_are_refused() -> None:
    twice = [cost(value, line_item="x", quantity=1, quantity_unit="images") for value in ("1", "2")]
    with pytest.raises(FocusError) as raised:
        export_of([page([bucket(0, twice)])])
    assert raised.value.problems == [
        (
            "results.1",
            "the same project_id, line_item and api_key_id as results.0: one bucket holds one result of each group",
        )
    ]


def test_a_bucket_added_twice_is_refused() -> None:
    line = page([bucket(0, [cost("1", line_item="x", quantity=1, quantity_unit="images")])])
    export = export_of([line])
    with pytest.raises(FocusError) as raised:
        export.add(UsageResponse[UsageResult].from_json(line))
    assert raised.value.problems == [("start_time", "a bucket with this start was added already: each bucket once")]
    assert export.rows == 1


def test_the_billing_account_needs_an_id_and_a_name() -> None:
    with pytest.raises(ValueError, match="the billing account needs an id and a name"):
        FocusExport(" ", "Test Org")


# The tally's quantities, which the rows take.


def test_a_tally_sums_quantities_per_unit_only_when_asked() -> None:
    results = UsageResponse[UsageResult].from_json(
        page(
            [
                bucket(
                    0,
                    [
                        cost("1", line_item="a", quantity=0.1, quantity_unit="gb-days"),
                        cost("1", line_item="b", quantity=0.2, quantity_unit="gb-days"),
                        cost("1", line_item="c", quantity=5, quantity_unit="tokens"),
                        cost("1", line_item="d"),
                    ],
                )
            ]
        )
    )
    asked = UsageTally(kind="costs", quantities=True)
    asked.add(results)
    (group,) = asked.groups()
    assert dict(group.quantities) == {"gb-days": Decimal("0.3"), "tokens": Decimal(5)}
    plain = UsageTally(kind="costs")
    plain.add(results)
    assert dict(plain.groups()[0].quantities) == {}
    assert plain.groups()[0].totals == group.totals


# Parquet: decimal money and quantities, UTC timestamps.


def parquet_rows(source: str | Path | io.BytesIO) -> list[dict[str, Any]]:
    return pq.read_table(source).to_pylist()  # type: ignore[no-any-return]


def test_parquet_holds_the_same_rows_with_decimal_and_utc_types(tmp_path: Path) -> None:
    text, _ = generated_export("2024-11-25", 12, ("usd", "eur"), ("project_id",), 3)
    export = export_of(text.splitlines(), NAMES)
    assert write_parquet(export.iter_rows(), str(tmp_path / "focus.parquet")) == export.rows
    schema = pq.read_schema(tmp_path / "focus.parquet")
    assert schema.names == list(COLUMNS)
    for name in COLUMNS:
        kind = schema.field(name).type
        if name in DECIMAL_COLUMNS:
            assert pa.types.is_decimal(kind), name
        elif name in TIME_COLUMNS:
            assert pa.types.is_timestamp(kind), name
            assert kind.tz == "UTC", name
        else:
            assert pa.types.is_string(kind), name
    assert parquet_rows(tmp_path / "focus.parquet") == list(export.iter_rows())


@pytest.mark.parametrize("value", ["1e-19", "123456789012345678901"])
def test_parquet_refuses_a_value_its_decimals_cannot_hold(value: str) -> None:
    line = page([bucket(0, [cost(value, line_item="x", quantity=1, quantity_unit="images")])])
    with pytest.raises(InexactValue, match=r"decimal\(38, 18\)"):
        write_parquet(export_of([line]).iter_rows(), io.BytesIO())


# The command.

CLI_DATA = Path(__file__).parent / "data" / "cli"


def focus(
    *args: str, stdin: str = "", cwd: Path = CLI_DATA, block_pyarrow: bool = False
) -> subprocess.CompletedProcess[str]:
    """`openapiopenai focus ARGS` in a subprocess; with `block_pyarrow`, as if pyarrow were not installed."""
    code = "import sys; from openapiopenai.cli import main; sys.exit(main(sys.argv[1:]))"
    if block_pyarrow:
        code = "import sys; sys.modules['pyarrow'] = None; " + code
    environment = {**os.environ, "COLUMNS": "80"}
    environment.pop("PYTHONWARNINGS", None)
    return subprocess.run(
        [sys.executable, "-c", code, "focus", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        check=False,
    )


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


class TestCommand:
    def test_the_sample_without_options_uses_its_own_organization(self) -> None:
        done = focus("--sample")
        assert done.returncode == 0, done.stderr
        rows = read_csv(done.stdout)
        assert len(rows) == 251
        assert {(row["BillingAccountId"], row["BillingAccountName"]) for row in rows} == {
            (SAMPLE_ORGANIZATION_ID, SAMPLE_ORGANIZATION_NAME)
        }
        assert done.stderr == (
            "openapiopenai: note: skipped the results of other kinds: completions, images\n"
            "openapiopenai: counted costs: 2024-11-01 to 2024-11-15 UTC, 14 buckets of 1 day, 2 pages, 251 results\n"
        )

    def test_csv_cells_are_the_rows(self) -> None:
        done = focus("--sample", "--organization-id", "org-Test", "--organization-name", "Test Org")
        expected = [{column: csv_cell(row[column]) for column in COLUMNS} for row in sample_export().iter_rows()]
        assert read_csv(done.stdout) == expected
        assert done.stdout.splitlines()[0] == ",".join(COLUMNS)

    def test_files_in_any_order_and_standard_input(self, tmp_path: Path) -> None:
        text, results = generated_export("2025-01-20", 30, ("usd",), ("project_id",), 11)
        lines = text.splitlines()
        (tmp_path / "a.jsonl").write_text("\n".join(reversed(lines[1:])) + "\n")
        args = ("--organization-id", "org-Test", "--organization-name", "Test Org")
        from_files = focus("a.jsonl", "-", *args, stdin=lines[0] + "\n", cwd=tmp_path)
        assert from_files.returncode == 0, from_files.stderr
        assert len(read_csv(from_files.stdout)) == len(results)

    def test_parquet_to_a_file(self, tmp_path: Path) -> None:
        done = focus("--sample", "--format", "parquet", "-o", str(tmp_path / "out.parquet"))
        assert (done.returncode, done.stdout) == (0, "")
        assert parquet_rows(tmp_path / "out.parquet") == list(sample_export_of_the_sample().iter_rows())

    @pytest.mark.parametrize("output", [[], ["-o", "-"]])
    def test_parquet_to_standard_output(self, output: list[str], tmp_path: Path) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "openapiopenai", "focus", "--sample", "--format", "parquet", *output],
            capture_output=True,
            check=False,
            cwd=tmp_path,
        )
        assert done.returncode == 0, done.stderr
        assert parquet_rows(io.BytesIO(done.stdout)) == list(sample_export_of_the_sample().iter_rows())
        assert list(tmp_path.iterdir()) == []

    def test_csv_to_standard_output_with_a_dash(self, tmp_path: Path) -> None:
        assert focus("--sample", "-o", "-", cwd=tmp_path).stdout == focus("--sample").stdout
        assert list(tmp_path.iterdir()) == []

    def test_parquet_without_pyarrow_says_how_to_get_it(self, tmp_path: Path) -> None:
        done = focus("--sample", "--format", "parquet", "-o", str(tmp_path / "out.parquet"), block_pyarrow=True)
        assert (done.returncode, done.stdout) == (1, "")
        assert done.stderr == (
            'openapiopenai: error: Parquet output needs pyarrow: pip install "openapiopenai-usage[parquet]"\n'
        )
        assert not list(tmp_path.iterdir())

    def test_csv_without_pyarrow_works(self) -> None:
        done = focus("--sample", block_pyarrow=True)
        assert done.returncode == 0
        assert len(read_csv(done.stdout)) == 251

    @pytest.mark.parametrize(
        ("args", "missing"),
        [
            ((), "--organization-id and --organization-name"),
            (("--organization-id", "org-Test"), "--organization-name"),
            (("--organization-name", "Test Org"), "--organization-id"),
            (("--organization-id", "", "--organization-name", "Test Org"), "--organization-id"),
        ],
    )
    def test_the_organization_is_required(self, args: tuple[str, ...], missing: str) -> None:
        done = focus("autumn-1.json", *args)
        assert (done.returncode, done.stdout) == (2, "")
        assert done.stderr.splitlines()[-1] == (
            f"openapiopenai focus: error: {missing} required: the Costs API does not return the organization's id"
            " and name"
        )

    ORG = ("--organization-id", "org-Test", "--organization-name", "Test Org")

    def test_no_costs_is_an_error(self) -> None:
        done = focus("autumn-1.json", "autumn-2.json", "autumn-3.json", *self.ORG)
        assert (done.returncode, done.stdout) == (1, "")
        assert done.stderr == (
            "openapiopenai: note: skipped the results of other kinds: images\n"
            "openapiopenai: error: the input holds no costs results: it holds images\n"
            "openapiopenai: no FOCUS rows written: no costs results\n"
        )

    def listing(self, tmp_path: Path) -> list[str]:
        text, _ = generated_export("2024-11-01", 21, ("usd",), ("project_id",), 5)
        lines = text.splitlines()
        for number, line in enumerate(lines):
            (tmp_path / f"page-{number}.json").write_text(line)
        return lines

    def test_an_incomplete_listing_is_refused(self, tmp_path: Path) -> None:
        self.listing(tmp_path)
        done = focus("page-0.json", "page-2.json", *self.ORG, cwd=tmp_path)
        assert (done.returncode, done.stdout) == (1, "")
        assert done.stderr == (
            "openapiopenai: error: the listing is incomplete: no buckets from 2024-11-08T00:00:00Z to"
            " 2024-11-15T00:00:00Z, between page-0.json (data.6) and page-2.json (data.0): a page is missing\n"
            "openapiopenai: no FOCUS rows written: the listing is incomplete (--partial accepts that)\n"
        )

    def test_partial_writes_the_rows_of_an_incomplete_listing_labelled(self, tmp_path: Path) -> None:
        self.listing(tmp_path)
        done = focus("page-0.json", "page-2.json", "--partial", *self.ORG, cwd=tmp_path)
        assert done.returncode == 0
        assert {row["ChargePeriodStart"][:10] for row in read_csv(done.stdout)} == {
            f"2024-11-{day:02}" for day in (*range(1, 8), *range(15, 22))
        }
        assert done.stderr.splitlines() == [
            "openapiopenai: note: the listing is incomplete: no buckets from 2024-11-08T00:00:00Z to 2024-11-15T00:00:00Z,"
            " between page-0.json (data.6) and page-2.json (data.0): a page is missing",
            "openapiopenai: counted costs: 2024-11-01 to 2024-11-22 UTC, 14 buckets of 1 day, 2 pages,"
            f" {len(read_csv(done.stdout))} results (partial: the listing is incomplete)",
        ]

    def test_a_page_given_twice_is_refused(self, tmp_path: Path) -> None:
        self.listing(tmp_path)
        done = focus("page-0.json", "page-1.json", "page-1.json", "page-2.json", *self.ORG, cwd=tmp_path)
        assert (done.returncode, done.stdout) == (1, "")
        assert done.stderr.splitlines()[-1] == (
            "openapiopenai: no FOCUS rows written: these buckets cannot be counted as one listing"
        )

    def test_a_result_that_cannot_be_a_row_is_named_and_nothing_is_written(self, tmp_path: Path) -> None:
        (tmp_path / "costs.json").write_text(
            page([bucket(0, [cost("1", line_item="x", quantity=1, quantity_unit="images"), cost("2", project_id="p")])])
        )
        (tmp_path / "out.csv").write_text("kept\n")
        done = focus("costs.json", "-o", "out.csv", *self.ORG, cwd=tmp_path)
        assert (done.returncode, done.stdout) == (1, "")
        assert done.stderr == (
            "costs.json: error: data.0.results.1: no quantity: FOCUS needs PricingQuantity for usage, and the API"
            " gives it only in costs grouped by line_item (fetch costs with --group-by line_item)\n"
            "openapiopenai: no FOCUS rows written: 1 document could not be used\n"
        )
        assert (tmp_path / "out.csv").read_text() == "kept\n"
        assert sorted(path.name for path in tmp_path.iterdir()) == ["costs.json", "out.csv"]

    def test_a_result_outside_any_bucket_has_no_charge_period(self, tmp_path: Path) -> None:
        (tmp_path / "result.json").write_text(cost("1", line_item="x", quantity=1, quantity_unit="images"))
        done = focus("result.json", *self.ORG, cwd=tmp_path)
        assert (done.returncode, done.stdout) == (1, "")
        assert done.stderr == (
            "openapiopenai: error: 1 result outside any bucket: without a bucket's time, a result cannot be placed in a period\n"
            "openapiopenai: no FOCUS rows written: results have no time\n"
        )

    def test_a_value_parquet_cannot_hold_leaves_no_file(self, tmp_path: Path) -> None:
        (tmp_path / "costs.json").write_text(
            page([bucket(0, [cost("1e-30", line_item="x", quantity=1, quantity_unit="images")])])
        )
        done = focus("costs.json", "--format", "parquet", "-o", "out.parquet", *self.ORG, cwd=tmp_path)
        assert (done.returncode, done.stdout) == (1, "")
        assert done.stderr.splitlines()[-1] == "openapiopenai: no FOCUS rows written: a value cannot be written exactly"
        assert sorted(path.name for path in tmp_path.iterdir()) == ["costs.json"]

    def test_unknown_format_is_a_usage_error(self) -> None:
        done = focus("--sample", "--format", "xlsx")
        assert done.returncode == 2
        assert done.stderr.splitlines()[-1] == (
            "openapiopenai focus: error: argument --format: unknown format 'xlsx': choose from csv, parquet"
        )


def test_rows_come_one_at_a_time() -> None:
    rows: Iterator[dict[str, FocusValue]] = sample_export().iter_rows()
    assert next(rows)["ChargePeriodStart"] == utc(seconds("2024-11-01"))
