"""`summarize --every` on a terminal: a bar per row, in Unicode blocks, when the table fits; never otherwise."""

from __future__ import annotations

import pytest

from test_cli import run, run_on_a_terminal

BLOCKS = "█▏▎▍▌▋▊▉"


def test_each_row_of_a_table_with_a_time_axis_gets_a_bar_on_a_terminal() -> None:
    status, shown = run_on_a_terminal("summarize", "--sample", "--kind", "images", "--by", "none", "--every", "day")
    assert status == 0
    lines = shown.splitlines()
    assert lines[1:4] == [
        "day         images  requests",
        "2024-11-01     416       331  ██████████████▋",  # 416 of the largest 454: 14.66 of 16 characters
        "2024-11-02     154       119  █████▍",
    ]
    assert lines[-2] == "2024-11-14     454       346  ████████████████"
    assert lines[-1] == "total        4,930     3,778"  # the total gets none


def test_money_gets_bars_too() -> None:
    status, shown = run_on_a_terminal("summarize", "--sample", "--kind", "costs", "--by", "none", "--every", "week")
    assert status == 0
    assert shown.splitlines()[2:5] == [
        "2024-10-28   47.38  █████",  # 40.4 eighths of a character
        "2024-11-04  150.05  ████████████████",
        "2024-11-11  104.32  ███████████▏",  # 89.0 eighths
    ]


@pytest.mark.parametrize(
    ("args", "columns"),
    [
        pytest.param(["--every", "day", "--format", "csv"], 100, id="csv"),
        pytest.param(["--every", "day", "--format", "json"], 100, id="json"),
        pytest.param([], 100, id="no-time-axis"),
        pytest.param(["--every", "day"], 30, id="no-room"),
    ],
)
def test_no_bars_on_a_terminal(args: list[str], columns: int) -> None:
    status, shown = run_on_a_terminal(
        "summarize", "--sample", "--kind", "images", "--by", "none", *args, columns=columns
    )
    assert status == 0
    assert not any(block in shown for block in BLOCKS)


def test_no_bars_when_piped() -> None:
    ran = run("summarize", "--sample", "--kind", "images", "--every", "day")
    assert ran.status == 0
    assert not any(block in ran.stdout for block in BLOCKS)
