"""Ctrl-C while the command line reads: exit status 130 and no traceback."""

import io
import sys

import pytest

from openapiopenai.cli import main


class _Interrupted(io.BytesIO):
    def readline(self, size: int | None = -1) -> bytes:
        raise KeyboardInterrupt

    def read(self, size: int | None = -1) -> bytes:
        raise KeyboardInterrupt

    def __iter__(self) -> "_Interrupted":
        raise KeyboardInterrupt


class _Stdin:
    buffer = _Interrupted()


@pytest.mark.parametrize("command", ["summarize", "validate"])
def test_ctrl_c_while_reading_exits_with_status_130(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin())
    assert main([command, "-"]) == 130
    assert "Traceback" not in capsys.readouterr().err
