"""Progress while reading: on a terminal (a pseudo-terminal here) and nowhere else."""

from __future__ import annotations

import io
import json
import os
import pty
import sys
from pathlib import Path

import pytest

from openapiopenai.cli import _progress, main

SAMPLE = Path(__file__).parent.parent / "openapiopenai" / "data"


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """The built-in sample's images pages as JSON Lines, one page per line."""
    pages = [json.loads(path.read_bytes()) for path in sorted(SAMPLE.glob("images-*.json"))]
    path = tmp_path / "export.jsonl"
    path.write_text("".join(json.dumps(page) + "\n" for page in pages))
    return path


@pytest.fixture
def at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Show progress from the start and at every step, so that a small input shows it too."""
    monkeypatch.setattr(_progress, "AFTER", 0.0)
    monkeypatch.setattr(_progress, "EVERY", 0.0)


def _on_terminal(arguments: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """Run the command with standard error on a pseudo-terminal; the status and what the terminal got."""
    controller, terminal = pty.openpty()
    with open(terminal, "w", encoding="utf-8") as stderr:
        monkeypatch.setattr(sys, "stderr", stderr)
        status = main(arguments)
        monkeypatch.undo()
    received = b""
    os.set_blocking(controller, False)
    try:
        while chunk := os.read(controller, 65536):
            received += chunk
    except (BlockingIOError, OSError):
        pass
    os.close(controller)
    return status, received.decode()


@pytest.mark.usefixtures("at_once")
def test_progress_is_shown_on_a_terminal_and_erased(
    export: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, shown = _on_terminal(["summarize", str(export), "--format", "csv"], monkeypatch)
    assert status == 0
    size = export.stat().st_size / 1e6
    assert f"\ropenapiopenai: read {size:,.1f} MB of {size:,.1f} MB (100%), 2 documents, " in shown
    assert "MB/s\x1b[K" in shown
    # Erased before the next line of standard error, which starts at the left margin.
    before, _, after = shown.rpartition("\r\x1b[K")
    assert "openapiopenai: read" in before
    assert after.startswith("openapiopenai: counted images: 2024-11-01 to 2024-11-15 UTC")
    assert "openapiopenai: read" not in capsys.readouterr().out


@pytest.mark.usefixtures("at_once")
def test_progress_counts_documents_of_standard_input(export: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(export.read_bytes())))
    status, shown = _on_terminal(["validate", "-"], monkeypatch)
    assert status == 0
    assert ", 2 documents, " in shown
    assert " of " not in shown  # the size of standard input is not known


@pytest.mark.usefixtures("at_once")
def test_no_progress_when_standard_error_is_not_a_terminal(export: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summarize", str(export), "--format", "csv"]) == 0
    err = capsys.readouterr().err
    assert "\r" not in err
    assert err.startswith("openapiopenai: counted images:")


def test_a_small_input_shows_no_progress(export: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Read well within the first second: nothing is drawn (if the machine is slower than that, a
    # line appears and is erased, so this looks only at what remains visible after erasing).
    status, shown = _on_terminal(["summarize", str(export), "--format", "csv"], monkeypatch)
    assert status == 0
    assert shown.rpartition("\r\x1b[K")[2].startswith("openapiopenai: counted images:")
