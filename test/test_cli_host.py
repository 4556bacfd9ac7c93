"""The command line leaves the host process as it found it: the garbage collector's state, exit hooks."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from openapiopenai.cli import main
from openapiopenai.cli._common import outcomes
from openapiopenai.documents import Loaded

DATA = Path(__file__).parent / "data" / "cli"
PAGE = str(DATA / "page.json")


@pytest.fixture
def frozen() -> Iterator[list[list[int]]]:
    """Objects the caller froze out of the collector's sight, and keeps (beside any that something else in
    the test process froze before)."""
    kept = [[number] for number in range(10_000)]
    gc.freeze()
    try:
        yield kept
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("collecting", [True, False], ids=["collector on", "collector off"])
@pytest.mark.parametrize("args", [["validate", PAGE], ["summarize", PAGE, "--by", "model"], ["validate", "--sample"]])
def test_a_command_leaves_the_collector_as_the_caller_had_it(
    args: list[str], collecting: bool, frozen: list[list[int]], capsys: pytest.CaptureFixture[str]
) -> None:
    if not collecting:
        gc.disable()
    try:
        assert main(args) == 0
        assert gc.isenabled() is collecting
        # Frozen objects leave the count only when they are freed or unfrozen: these are kept.
        assert gc.get_freeze_count() >= len(frozen)
    finally:
        gc.enable()
    assert capsys.readouterr().err == ""


def test_the_collector_is_off_only_while_documents_are_read() -> None:
    assert gc.isenabled()
    seen = [(isinstance(outcome, Loaded), gc.isenabled()) for outcome in outcomes([PAGE, PAGE])]
    assert seen == [(True, False), (True, False)]
    assert gc.isenabled()


def test_a_command_stopped_early_turns_the_collector_back_on() -> None:
    reading = outcomes([PAGE, PAGE])
    next(reading)
    assert not gc.isenabled()
    reading.close()
    assert gc.isenabled()


_WITH_AN_EXIT_HOOK = """
import atexit, logging, sys
atexit.register(print, "exit hook ran", file=sys.stderr)
logging.basicConfig(filename=sys.argv.pop(1), level=logging.INFO)
logging.info("logged before the command")
from openapiopenai.cli import run
run()
"""


@pytest.mark.parametrize(
    ("args", "status"), [(["validate", PAGE], 0), (["validate", "missing.json"], 1), (["--version"], 0), (["nope"], 2)]
)
def test_the_command_runs_the_exit_hooks_of_its_process(args: list[str], status: int, tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    done = subprocess.run(
        [sys.executable, "-c", _WITH_AN_EXIT_HOOK, str(log), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
        timeout=60,
    )
    assert done.returncode == status
    assert done.stderr.endswith("exit hook ran\n")
    assert log.read_text(encoding="utf-8") == "INFO:root:logged before the command\n"


_INTERRUPTED_WITH_A_BROKEN_OBJECT = """
import sys
import openapiopenai.cli


class HalfMade:
    def __del__(self) -> None:
        raise AttributeError("'HalfMade' object has no attribute 'fp'")


left = HalfMade()  # as an interrupt inside http.client can leave one, finalized at exit
openapiopenai.cli.main = lambda: int(sys.argv[1])
openapiopenai.cli.run()
"""


@pytest.mark.parametrize("status", [130, 0])
def test_an_interrupted_command_ends_its_process_quietly(status: int) -> None:
    """After Ctrl-C (status 130) an object the interrupt left half-made says nothing as the process ends;
    otherwise such a failure is shown, as Python shows it."""
    done = subprocess.run(
        [sys.executable, "-c", _INTERRUPTED_WITH_A_BROKEN_OBJECT, str(status)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == status
    assert ("Exception ignored" in done.stderr) is (status != 130)
