"""The report in a real browser: headless Chromium opens it with the network off and draws every chart.

Chromium is driven over its DevTools protocol on a pipe (`--remote-debugging-pipe`: JSON messages ended by a
NUL byte on file descriptors 3 and 4), with nothing to install beyond the browser. Skipped, saying so, when
no Chromium is found (Debian's `chromium` package; CI installs it). Screenshots are kept in pytest's
temporary directory, their paths printed in the test log.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import random
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from openapiopenai.cli import main
from openapiopenai.report import CHARTS

from generated_usage import write_listing
from model_helpers import generated_result
from report_html import read_report

BROWSER = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
# CI installs Chromium, so there a missing browser fails the tests instead of skipping them.
pytestmark = pytest.mark.skipif(
    BROWSER is None and not os.environ.get("CI"),
    reason="no Chromium found: install Debian's chromium package to run the browser tests",
)

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--proxy-server=127.0.0.1:9",  # were anything to go out, it would go nowhere
    "--remote-debugging-pipe",
)
TIMEOUT = 60.0


class Browser:
    """One headless Chromium with one page, its console errors and every request it made."""

    def __init__(self, profile: Path) -> None:
        assert BROWSER is not None
        to_browser, self._commands = os.pipe()
        self._answers, from_browser = os.pipe()
        # Out of the way of 3 and 4, where the child must find them.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_browser, from_browser)]
        for fd in (to_browser, from_browser):
            os.close(fd)

        def on_3_and_4() -> None:
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.process = subprocess.Popen(
            [BROWSER, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=on_3_and_4,
        )
        for fd in high:
            os.close(fd)
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []
        targets = self.call("Target.getTargets")["targetInfos"]
        page = next(target for target in targets if target["type"] == "page")
        self.session = self.call("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=True)
        self.call(
            "Network.emulateNetworkConditions",
            session=True,
            offline=True,
            latency=0,
            downloadThroughput=-1,
            uploadThroughput=-1,
        )

    def _send(self, message: dict[str, Any]) -> None:
        os.write(self._commands, json.dumps(message).encode() + b"\0")

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._answers], [], [], max(left, 0))
            if not ready:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._answers, 1 << 20)
            if not chunk:
                raise ConnectionError("Chromium closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        found: dict[str, Any] = json.loads(message)
        return found

    def call(self, method: str, *, session: bool = False, **params: Any) -> dict[str, Any]:
        self._next += 1
        number = self._next
        message: dict[str, Any] = {"id": number, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        self._send(message)
        deadline = time.monotonic() + TIMEOUT
        while True:
            answer = self._receive(deadline)
            if answer.get("id") == number:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result
            if "method" in answer:
                self.events.append(answer)

    def wait_for(self, method: str) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        for event in self.events:
            if event["method"] == method:
                return event
        while True:
            answer = self._receive(deadline)
            if "method" in answer:
                self.events.append(answer)
                if answer["method"] == method:
                    return answer

    def open(self, path: Path) -> None:
        self.events.clear()
        self.call(
            "Emulation.setDeviceMetricsOverride",
            session=True,
            width=1280,
            height=900,
            deviceScaleFactor=1,
            mobile=False,
        )
        self.call("Page.navigate", session=True, url=path.as_uri())
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        answer = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True)
        assert "exceptionDetails" not in answer, answer
        return answer["result"].get("value")

    def screenshot(self, target: Path) -> Path:
        """A picture of the whole page, at `target` or, where REPORT_SCREENSHOTS names a folder (CI's log lists
        it), at a file of that name there."""
        folder = os.environ.get("REPORT_SCREENSHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            target = Path(folder) / target.name
        metrics = self.call("Page.getLayoutMetrics", session=True)["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": metrics["width"], "height": metrics["height"], "scale": 1}
        shot = self.call("Page.captureScreenshot", session=True, format="png", clip=clip, captureBeyondViewport=True)
        target.write_bytes(base64.b64decode(shot["data"]))
        print(f"screenshot: {target}")
        return target

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and logged errors since the page was opened."""
        found: list[str] = []
        for event in self.events:
            params = event.get("params", {})
            if event["method"] == "Runtime.exceptionThrown":
                found.append(str(params["exceptionDetails"]))
            elif event["method"] == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(str(params.get("args")))
            elif event["method"] == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(params["entry"]["text"])
        return found

    def requests(self) -> list[str]:
        return [
            event["params"]["request"]["url"] for event in self.events if event["method"] == "Network.requestWillBeSent"
        ]

    def close(self) -> None:
        with contextlib.suppress(ConnectionError, TimeoutError, RuntimeError, OSError):
            self.call("Browser.close")
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._commands, self._answers):
            os.close(fd)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with tempfile.TemporaryDirectory(prefix="report-browser-") as profile:
        opened = Browser(Path(profile))
        try:
            yield opened
        finally:
            opened.close()


SHOWN = """(() => {
  const figures = [...document.querySelectorAll('figure.chart')].map((figure) => {
    const svg = figure.querySelector('svg');
    const box = svg.getBoundingClientRect();
    const foot = [...figure.querySelectorAll('tfoot td')].map((cell) => cell.innerText.trim());
    const last = [...figure.querySelectorAll('tbody tr:last-child td')].map((cell) => cell.innerText.trim());
    return {
      name: figure.dataset.chart,
      bars: Number(figure.dataset.bars),
      series: Number(figure.dataset.series),
      drawn: svg.querySelectorAll('g.bar').length,
      coloured: new Set([...svg.querySelectorAll('rect')].map((rect) => getComputedStyle(rect).fill)).size,
      legend: figure.querySelectorAll('.legend li').length,
      tooltips: svg.querySelectorAll('rect > title').length,
      rects: svg.querySelectorAll('rect').length,
      width: box.width, height: box.height,
      total: foot.length ? foot[foot.length - 1] : last[last.length - 1],
      title: figure.querySelector('h3').innerText,
    };
  });
  const cards = [...document.querySelectorAll('.card')].map((card) => card.querySelector('.card-value').innerText);
  return {figures, cards, background: getComputedStyle(document.body).backgroundColor};
})()"""


def _shown(browser: Browser, path: Path) -> dict[str, Any]:
    browser.open(path)
    shown: dict[str, Any] = browser.evaluate(SHOWN)
    assert browser.errors() == []
    assert browser.requests() == [path.as_uri()]  # the page itself, and nothing else
    return shown


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def _check_drawn(shown: dict[str, Any], html: str) -> None:
    """Every chart of the page is drawn, with as many bars and series as its table has, and the totals it shows."""
    report = read_report(html)
    charts = {name: figure for name, figure in report.figures.items() if figure.kind == "chart"}
    assert [figure["name"] for figure in shown["figures"]] == list(charts)
    for figure in shown["figures"]:
        written = charts[figure["name"]]
        assert figure["width"] > 300, figure
        assert figure["height"] > 100, figure
        assert figure["drawn"] == figure["bars"] == len(written.table.rows) > 0, figure
        assert figure["legend"] == figure["series"] == len(written.legend), figure
        assert figure["tooltips"] == figure["rects"] > 0
        assert figure["coloured"] == figure["series"], figure  # one colour per series, other included


def test_the_sample_report_in_a_browser(browser: Browser, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "sample.html"
    assert main(["report", "--sample", "-o", str(path)]) == 0
    capsys.readouterr()
    shown = _shown(browser, path)
    html = path.read_text(encoding="utf-8")
    _check_drawn(shown, html)
    assert shown["cards"] == ["301.75 USD"]
    totals = {figure["name"]: figure["total"] for figure in shown["figures"]}
    assert totals["spend-usd"] == "301.75"
    assert totals["completions-input_tokens"] == "106,816,283"
    assert totals["completions-output_tokens"] == "22,242,601"
    assert totals["completions-num_model_requests"] == "101,651"
    assert totals["images-images"] == "4,930"
    assert totals["images-num_model_requests"] == "3,778"
    assert all(figure["bars"] == 14 for figure in shown["figures"])
    with capsys.disabled():
        browser.screenshot(tmp_path / "sample.png")


def test_the_dark_theme_and_print(browser: Browser, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "sample.html"
    assert main(["report", "--sample", "-o", str(path)]) == 0
    capsys.readouterr()
    browser.call(
        "Emulation.setEmulatedMedia", session=True, features=[{"name": "prefers-color-scheme", "value": "dark"}]
    )
    try:
        shown = _shown(browser, path)
        assert shown["background"] == "rgb(20, 23, 28)"
        with capsys.disabled():
            browser.screenshot(tmp_path / "sample-dark.png")
        pdf = base64.b64decode(browser.call("Page.printToPDF", session=True, printBackground=True)["data"])
        assert pdf.startswith(b"%PDF")
        browser.call("Emulation.setEmulatedMedia", session=True, media="print")
        assert browser.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
        assert browser.evaluate("getComputedStyle(document.querySelector('.chart .table-wrap')).maxHeight") == "none"
    finally:
        browser.call("Emulation.setEmulatedMedia", session=True, media="", features=[])


def _generated(kind: str, folder: Path, days: int, rng: random.Random) -> Path:
    buckets = [
        {
            "object": "bucket",
            "start_time": 1_730_419_200 + day * 86_400,
            "end_time": 1_730_419_200 + (day + 1) * 86_400,
            "results": [
                generated_result(kind, rng, lambda rng: rng.randrange(10**7)) for _ in range(rng.randrange(0, 8))
            ],  # type: ignore[arg-type]
        }
        for day in range(days)
    ]
    path = folder / f"{kind}.jsonl"
    write_listing(buckets, path, 10)
    return path


@pytest.mark.parametrize("every", ["day", "week", "month"])
def test_generated_exports_in_a_browser(
    every: str, browser: Browser, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(f"browser:{every}")
    kinds = [kind for kind in CHARTS if kind != "vector_stores" or every == "day"] + ["costs"]
    files = [str(_generated(kind, tmp_path, 90, rng)) for kind in kinds]
    path = tmp_path / f"generated-{every}.html"
    assert main(["report", *files, "--every", every, "-o", str(path)]) == 0
    capsys.readouterr()
    shown = _shown(browser, path)
    _check_drawn(shown, path.read_text(encoding="utf-8"))
    totals = {figure["name"]: figure["total"] for figure in shown["figures"]}
    for kind, file in zip(kinds, files, strict=True):
        assert main(["summarize", file, "--by", "none", "--format", "json"]) == 0
        (row,) = json.loads(capsys.readouterr().out, parse_float=Decimal)
        if kind == "costs":
            for column, value in row.items():
                currency = column.removeprefix("amount_")
                assert totals[f"spend-{currency}"] == _money(value)
                assert f"{_money(value)} {currency.upper()}" in shown["cards"]
            continue
        for chart in CHARTS[kind]:  # type: ignore[index]
            if not chart.level:
                assert totals[f"{kind}-{chart.counter}"] == f"{row[chart.counter]:,}", (kind, chart)
    with capsys.disabled():
        browser.screenshot(tmp_path / f"generated-{every}.png")
