"""The command line starts fast: `--version`, `--help` and a missing command import neither pydantic nor the models."""

from __future__ import annotations

import subprocess
import sys

import pytest

from openapiopenai.cli import parser

# Runs the command line as the console script does, then names the modules it imported.
_WRAPPER = """
import sys
from openapiopenai.cli import main
status = main(sys.argv[1:])
heavy = sorted(name for name in sys.modules if name.split(".")[0] in ("pydantic", "pydantic_core")
               or name.startswith(("openapiopenai.models", "openapiopenai.documents", "openapiopenai.usage",
                                   "openapiopenai.fetch", "openapiopenai.cli.")))
print("status", status, "heavy", heavy, file=sys.stderr)
"""


def _heavy_modules(*arguments: str) -> str:
    process = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *arguments], capture_output=True, text=True, check=False, timeout=60
    )
    return process.stderr.splitlines()[-1]


@pytest.mark.parametrize("arguments", [["--version"], ["--help"], ["-h"], []])
def test_version_and_help_import_no_pydantic(arguments: list[str]) -> None:
    assert _heavy_modules(*arguments).endswith("heavy []")


def test_a_command_does_import_them() -> None:
    # The check above would see them: running a command loads the models.
    assert "'pydantic'" in _heavy_modules("validate", "--sample")
    assert "'pydantic'" in _heavy_modules("summarize", "--help")


def test_a_command_imports_no_other_command() -> None:
    summarize = _heavy_modules("summarize", "--sample")
    assert "'openapiopenai.cli.summarize'" in summarize
    assert "openapiopenai.fetch" not in summarize
    assert "openapiopenai.cli.validate" not in summarize
    assert "'openapiopenai.fetch'" in _heavy_modules("fetch", "--help")


@pytest.mark.parametrize("load", [False, None, "summarize", "validate", "fetch", "nope"])
def test_the_quick_help_is_the_full_help(load: bool | str | None) -> None:
    assert parser(load=load).format_help() == parser().format_help()


def test_reading_small_documents_leaves_the_large_page_scanner_unloaded() -> None:
    """The JSON scanner that finds a large page's buckets (and the `json` module with it) is loaded on first use.

    (Whether `json` itself is loaded depends on the versions of Python and pydantic, which may load it first.)
    """
    code = (
        "import sys; from openapiopenai.cli import main; main(['summarize', '--sample', '--kind', 'images']);"
        "print('openapiopenai._split' in sys.modules)"
    )
    process = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert process.stdout.splitlines()[-1] == "False"


def test_importing_the_package_defers_the_models() -> None:
    code = "import sys, openapiopenai; before = 'pydantic' in sys.modules; openapiopenai.UsageImagesResult; print(before, 'pydantic' in sys.modules)"
    process = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert process.stdout.split() == ["False", "True"]


def test_the_help_of_fetch_points_to_fetch_names() -> None:
    assert "'fetch names' gets the names of projects, users and keys" in " ".join(parser().format_help().split())
