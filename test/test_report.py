"""`openapiopenai report`: the figures of every chart and table equal `summarize`'s for the same input and options,
for every kind; the page is one file that fetches nothing; data cannot inject markup; an incomplete listing is
refused or labelled partial."""

from __future__ import annotations

import json
import random
import re
import shlex
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from openapiopenai.cli import main
from openapiopenai.listing import ListingReport
from openapiopenai.models import KIND_NAMES, KINDS, CostsResult, CostsResultAmount, KindName
from openapiopenai.report import CHARTS, MAX_SERIES, KindCounted, render_report
from openapiopenai.usage import UsageTally, utc_datetime

from generated_usage import exact, write_listing
from model_helpers import generated_result
from report_html import Figure, Report, read_report

DAY = 86_400
FIRST = 1_730_419_200  # 2024-11-01, a Friday
DAYS = 45  # into December: two months, eight weeks
MODELS = tuple(f"model-{number:02}" for number in range(14))  # more than a chart has colours
TIME_COLUMNS = {"day": "day", "week": "week_start", "month": "month"}


def _export(kind: KindName, folder: Path, days: int = DAYS, seed: str = "") -> Path:
    """A listing of daily buckets, some empty, its pages out of order; the field the charts stack by drawn
    from more values than a chart has colours (and sometimes null, empty or absent, as generated)."""
    rng = random.Random(f"report:{kind}:{seed}")
    stack = "model" if "model" in KINDS[kind].group_by else "project_id"
    buckets = []
    for index in range(days):
        results = []
        if rng.random() > 0.1:
            for _ in range(rng.randrange(1, 12)):
                result = generated_result(kind, rng, lambda rng: rng.randrange(10**9))
                if rng.random() < 0.7:
                    result[stack] = rng.choice(MODELS)
                if kind == "costs" and rng.random() < 0.7:
                    result["line_item"] = rng.choice(MODELS)
                results.append(result)
        buckets.append(
            {
                "object": "bucket",
                "start_time": FIRST + index * DAY,
                "end_time": FIRST + (index + 1) * DAY,
                "results": results,
            }
        )
    path = folder / f"{kind}.jsonl"
    write_listing(buckets, path, 7, shuffle=rng)
    return path


def _report(capsys: pytest.CaptureFixture[str], *args: str) -> Report:
    status = main(["report", *args, "-o", "-"])
    out, err = capsys.readouterr()
    assert status == 0, err
    return read_report(out)


def _summarize(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, Any]]:
    status = main(["summarize", *args, "--format", "json"])
    out, err = capsys.readouterr()
    assert status == 0, err
    rows: list[dict[str, Any]] = json.loads(out, parse_float=Decimal)
    return rows


def _label(value: Any) -> str:
    """A group's value as the report names it."""
    if value is None:
        return "(none)"
    return str(value) or '""'


def _text(value: int | Decimal) -> str:
    return exact(value) if isinstance(value, Decimal) else str(value)


def _check_chart(
    figure: Figure, expected: dict[tuple[str, str], int | Decimal], totals: dict[str, int | Decimal]
) -> None:
    """Each named series per period equals summarize's row for that group; other is the rest of the period's
    total; the total column equals summarize's total of the period."""
    table = figure.table
    labels = table.header[1:-1] if len(table.header) > 2 else []
    assert figure.series == len(figure.legend) <= MAX_SERIES
    assert figure.bars == len(table.rows) == len(totals) == figure.groups
    assert [period for period, _ in table.rows] == list(totals)
    for period, cells in table.rows:
        *values, total = cells
        assert total == _text(totals[period]), (figure.name, period)
        named = [label for label in labels if not label.startswith("other (")]
        for label, value in zip(labels, values, strict=True):
            if label in named:
                assert value == _text(expected.get((period, label), 0)), (figure.name, period, label)
            else:
                rest = totals[period] - sum((expected.get((period, name), 0) for name in named), start=0)
                assert value == _text(rest), (figure.name, period, label)


def _by_period(rows: list[dict[str, Any]], time: str, field: str | None, column: str) -> dict[tuple[str, str], Any]:
    found: dict[tuple[str, str], Any] = {}
    for row in rows:
        key = (row[time], _label(row[field]) if field else "all")
        found[key] = found.get(key, 0) + row.get(column, 0)
    return found


USAGE_KINDS = [kind for kind in KIND_NAMES if kind != "costs"]


@pytest.mark.parametrize("every", ["day", "week", "month"])
@pytest.mark.parametrize("kind", USAGE_KINDS)
def test_usage_charts_equal_summarize(
    kind: KindName, every: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _export(kind, tmp_path)
    report = _report(capsys, str(path), "--every", every)
    stack = "model" if "model" in KINDS[kind].group_by else "project_id"
    time = TIME_COLUMNS[every]
    by_stack = _summarize(capsys, str(path), "--every", every, "--by", stack)
    overall = _summarize(capsys, str(path), "--every", every, "--by", "none")
    for chart in CHARTS[kind]:
        column = f"{chart.counter}_latest" if chart.level else chart.counter
        figure = report.figures[f"{kind}-{chart.counter}"]
        totals = {row[time]: row[column] for row in overall}
        _check_chart(figure, _by_period(by_stack, time, stack, column), totals)
        assert len(figure.legend) == MAX_SERIES  # fourteen models and more: nine, and other
        assert figure.legend[-1].startswith("other (")
        if not chart.level:
            grand = _summarize(capsys, str(path), "--by", "none")[0][chart.counter]
            assert figure.table.footer[0][1][-1] == str(grand)
    # A group keeps its place, so its colour, in every chart of the kind.
    legends = [report.figures[f"{kind}-{chart.counter}"].legend for chart in CHARTS[kind]]
    assert all(legend == legends[0] for legend in legends)


@pytest.mark.parametrize("every", ["day", "week", "month"])
@pytest.mark.parametrize("spend_by", ["project", "line_item"])
def test_spend_equals_summarize(spend_by: str, every: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _export("costs", tmp_path)
    report = _report(capsys, str(path), "--every", every, "--spend-by", spend_by)
    field = "project_id" if spend_by == "project" else "line_item"
    time = TIME_COLUMNS[every]
    grand = _summarize(capsys, str(path), "--by", "none")[0]
    currencies = sorted(column.removeprefix("amount_") for column in grand if column.startswith("amount_"))
    assert currencies == ["eur", "usd"]
    assert report.cards == {currency: exact(grand[f"amount_{currency}"]) for currency in currencies}
    by_field = _summarize(capsys, str(path), "--every", every, "--by", field)
    overall = _summarize(capsys, str(path), "--every", every, "--by", "none")
    for currency in currencies:
        column = f"amount_{currency}"
        figure = report.figures[f"spend-{currency}"]
        assert figure.title.startswith(f"Spend per {every} by {'project' if spend_by == 'project' else 'line item'}")
        _check_chart(figure, _by_period(by_field, time, field, column), {row[time]: row[column] for row in overall})
        assert figure.table.footer[0][1][-1] == exact(grand[column])


@pytest.mark.parametrize("field", ["line_item", "project_id"])
def test_top_lists_equal_summarize_with_their_shares(
    field: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _export("costs", tmp_path)
    report = _report(capsys, str(path))
    rows = _summarize(capsys, str(path), "--by", field)
    for currency in ("eur", "usd"):
        column = f"amount_{currency}"
        amounts = {_label(row[field]): row[column] for row in rows if row[column]}
        table = report.figures[f"top-{field.replace('_', '-')}-{currency}"].table
        whole = sum(amounts.values(), start=Decimal(0))
        assert table.footer == [("total", [exact(whole), "100%", ""])]
        shown = [(label, cells[0]) for label, cells in table.rows]
        assert len(shown) == MAX_SERIES
        assert all(value != "0" for _, value in shown)
        named = shown[:-1]
        assert [value for _, value in named] == sorted((value for _, value in named), key=Decimal, reverse=True)
        for label, value in named:
            assert value == exact(amounts[label])
        assert shown[-1][0] == f"other ({len(amounts) - len(named)} {field.replace('_id', '').replace('_', ' ')}s)"
        assert Decimal(shown[-1][1]) == whole - sum((amounts[label] for label, _ in named), start=Decimal(0))
        share = (amounts[named[0][0]] / whole * 100).quantize(Decimal("0.1"))
        assert table.rows[0][1][1] == f"{share}%"


def test_the_sample_report_counts_what_summarize_counts(capsys: pytest.CaptureFixture[str]) -> None:
    report = _report(capsys, "--sample")
    assert report.cards == {"usd": "301.751184325"}  # shown as 301.75
    assert "301.75" in report.text
    counted = report.counted[0]
    assert counted.rows == [
        ("completions", ["2024-11-01 to 2024-11-15", "1 day", "14", "2", "42", "yes"]),
        ("images", ["2024-11-01 to 2024-11-15", "1 day", "14", "2", "139", "yes"]),
        ("costs", ["2024-11-01 to 2024-11-15", "1 day", "14", "2", "251", "yes"]),
    ]
    assert list(report.figures) == [
        "spend-usd",
        "top-line-item-usd",
        "top-project-id-usd",
        "completions-input_tokens",
        "completions-output_tokens",
        "completions-num_model_requests",
        "images-images",
        "images-num_model_requests",
    ]
    assert report.figures["completions-input_tokens"].table.footer[0][1][-1] == "106816283"
    assert report.figures["images-images"].table.footer[0][1][-1] == "4930"
    assert "(partial)" not in report.text


def test_the_page_fetches_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["report", "--sample", "-o", "-"])
    page = capsys.readouterr().out
    assert status == 0
    assert page.startswith("<!DOCTYPE html>")
    assert "default-src 'none'" in page  # the browser refuses any fetch, whatever the page holds
    for fetching in ("<script", "<link", "<img", "@import", "url(", "http://", "https://", "<iframe"):
        assert fetching not in page.lower(), fetching


def test_writes_the_file_it_is_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.html"
    assert main(["report", "--sample", "-o", str(target)]) == 0
    assert capsys.readouterr().err == f"openapiopenai: wrote {target} ({target.stat().st_size:,} bytes)\n"
    assert read_report(target.read_text(encoding="utf-8")).cards == {"usd": "301.751184325"}
    assert [path.name for path in tmp_path.iterdir()] == ["out.html"]


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>&amp;'


def test_text_from_the_data_cannot_inject_markup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    results = [
        {
            "object": "organization.costs.result",
            "amount": {"value": 1.5, "currency": "usd"},
            "line_item": HOSTILE,
            "project_id": HOSTILE,
        },
    ]
    bucket = {"object": "bucket", "start_time": FIRST, "end_time": FIRST + DAY, "results": results}
    path = tmp_path / "costs.json"
    write_listing([bucket], path, 1)
    status = main(["report", str(path), "-o", "-"])
    page = capsys.readouterr().out
    assert status == 0
    assert "<script" not in page
    assert "<img" not in page
    assert HOSTILE not in page
    report = read_report(page)
    assert report.figures["spend-usd"].legend == [HOSTILE]  # shown as the text it is
    assert report.figures["top-line-item-usd"].table.rows[0][0] == HOSTILE


def test_names_are_shown_beside_ids() -> None:
    tally = UsageTally(KINDS["costs"].group_by, per_bucket=True, kind="costs")
    for value, project in ((2, "proj_1"), (1, "proj_2")):
        amount = CostsResultAmount(value=value, currency="usd")
        tally.add_result(
            CostsResult(object="organization.costs.result", amount=amount, project_id=project), utc_datetime(FIRST)
        )
    listing = ListingReport("costs", FIRST, FIRST + DAY, 1, 1, 2, (DAY,), (), ())
    page = render_report([KindCounted(listing, tally)], "day", names={"proj_1": "Research <lab>", "proj_9": "unused"})
    report = read_report(page)
    assert report.figures["spend-usd"].legend == ["Research <lab> (proj_1)", "proj_2"]
    assert [label for label, _ in report.figures["top-project-id-usd"].table.rows] == legend_of(report)
    assert "Research &lt;lab&gt; (proj_1)" in page


@pytest.mark.parametrize("per_bucket", [True, False], ids=["per-day-drawn-per-week", "not-per-bucket"])
def test_a_tally_not_counted_per_period_is_refused(per_bucket: bool) -> None:
    tally = UsageTally(KINDS["costs"].group_by, per_bucket=per_bucket, kind="costs")
    amount = CostsResultAmount(value=1, currency="usd")
    tally.add_result(CostsResult(object="organization.costs.result", amount=amount), utc_datetime(FIRST))  # a Friday
    listing = ListingReport("costs", FIRST, FIRST + DAY, 1, 1, 1, (DAY,), (), ())
    with pytest.raises(ValueError, match="the tally of costs is not counted per week of its listing"):
        render_report([KindCounted(listing, tally)], "week")


def legend_of(report: Report) -> list[str]:
    return report.figures["spend-usd"].legend


def test_an_incomplete_listing_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _export("images", tmp_path, days=10)
    lines = path.read_text().splitlines()
    path.write_text("\n".join(line for line in lines if '"has_more": false' not in line) + "\n")  # the last page lost
    target = tmp_path / "r.html"
    assert main(["report", str(path), "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert "the listing is incomplete (--partial accepts that)" in err
    assert not target.exists()


def test_with_partial_every_chart_and_table_of_that_kind_says_partial(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    images = _export("images", tmp_path, days=10)
    lines = images.read_text().splitlines()
    images.write_text("\n".join(line for line in lines if '"has_more": false' not in line) + "\n")
    costs = _export("costs", tmp_path, days=10)
    report = _report(capsys, str(images), str(costs), "--partial")
    assert "Partial: the listing of images is incomplete" in report.text
    assert report.counted[0].rows[0][1][-1].startswith("no, partial")
    for name, figure in report.figures.items():
        partial = name.startswith("images-")
        assert ("(partial)" in figure.title) is partial, name
        assert ("(partial)" in figure.table.caption) is partial, name


def test_bad_input_is_refused_one_line_per_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"object": "page", "data": [{"object": "bucket", "start_time": "x"}], "has_more": false}')
    target = tmp_path / "r.html"
    assert main(["report", str(path), "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert all(line.startswith(f"{path}: error: ") for line in err.splitlines()[:-1])
    assert err.splitlines()[-1] == "openapiopenai: no report written: 1 document could not be used"
    assert not target.exists()


def test_a_year_of_daily_buckets_stays_small(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = [_export(kind, tmp_path, days=366, seed="year") for kind in ("completions", "images", "costs")]
    status = main(["report", *map(str, paths), "-o", "-"])
    page = capsys.readouterr().out
    assert status == 0
    assert len(page.encode()) < 4 * 1024**2
    assert read_report(page).figures["spend-usd"].bars == 366


DOCS = Path(__file__).resolve().parent.parent / "docs" / "report.md"
CLI_DATA = Path(__file__).resolve().parent / "data" / "cli"


def _doc_commands() -> list[tuple[str, str]]:
    text = DOCS.read_text(encoding="utf-8")
    blocks = re.findall(r"^```console\n\$ (.*?)\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)
    return [(command, shown) for command, shown in blocks]


def test_the_docs_show_two_commands() -> None:
    assert [command.split()[:2] for command, _ in _doc_commands()] == [["openapiopenai", "report"]] * 2


@pytest.mark.parametrize(("command", "shown"), _doc_commands(), ids=[command for command, _ in _doc_commands()])
def test_the_docs_show_what_the_command_prints(
    command: str, shown: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(CLI_DATA / "incomplete.json", tmp_path)
    monkeypatch.chdir(tmp_path)
    main(shlex.split(command)[1:])
    out, err = capsys.readouterr()
    assert err + out == shown


def test_since_and_until_count_what_summarize_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _export("images", tmp_path)
    window = ["--since", "2024-11-04", "--until", "2024-12-02", "--every", "week"]
    report = _report(capsys, str(path), *window)
    by_model = _summarize(capsys, str(path), *window, "--by", "model")
    overall = _summarize(capsys, str(path), *window, "--by", "none")
    figure = report.figures["images-images"]
    _check_chart(
        figure,
        _by_period(by_model, "week_start", "model", "images"),
        {row["week_start"]: row["images"] for row in overall},
    )
    assert [period for period, _ in figure.table.rows] == ["2024-11-04", "2024-11-11", "2024-11-18", "2024-11-25"]
    assert report.counted[0].rows[0][1][:3] == ["2024-11-04 to 2024-12-02", "1 day", "28"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--every", "bucket"], "argument --every: unknown time axis 'bucket'", id="every-bucket"),
        pytest.param(["--spend-by", "team"], "argument --spend-by: unknown choice 'team'", id="spend-by"),
        pytest.param(
            ["--since", "2024-11-05", "--until", "2024-11-01"],
            "--until (2024-11-01T00:00:00Z) must be later",
            id="window",
        ),
        pytest.param(["--sample", "x.json"], "give FILEs or --sample, not both", id="sample-and-files"),
    ],
)
def test_bad_usage_is_refused_with_status_2(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    arguments = args if args[0] == "--sample" else ["--sample", *args]
    assert main(["report", *arguments, "-o", "-"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err


def _ticks(page: str, chart: str) -> list[str]:
    """The y axis labels of a chart, bottom up."""
    figure = page.split(f'data-chart="{chart}"', 1)[1].split("</figure>", 1)[0]
    return re.findall(r'<text class="tick" x="\d+" y="[\d.]+" text-anchor="end">([^<]*)</text>', figure)


def test_axes_have_round_ticks_with_thousands_separators(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--sample", "-o", "-"]) == 0
    page = capsys.readouterr().out
    assert _ticks(page, "completions-input_tokens") == ["0", "2,500,000", "5,000,000", "7,500,000", "10,000,000"]
    assert _ticks(page, "spend-usd") == ["0", "10", "20", "30"]
    results = [{"object": "organization.costs.result", "amount": {"value": 1.37, "currency": "usd"}}]
    write_listing(
        [{"object": "bucket", "start_time": FIRST, "end_time": FIRST + DAY, "results": results}], tmp_path / "c.json", 1
    )
    assert main(["report", str(tmp_path / "c.json"), "-o", "-"]) == 0
    assert _ticks(capsys.readouterr().out, "spend-usd") == ["0.00", "0.50", "1.00", "1.50"]
