"""The project's metadata agrees with itself."""

import configparser
import re
from pathlib import Path

import pytest

import openapiopenai

ROOT = Path(__file__).resolve().parent.parent


def pyproject() -> str:
    return (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def lower_bound(requirement: str) -> str:
    found = re.search(rf'"{re.escape(requirement)}>=([\w.]+)"', pyproject())
    assert found, requirement
    return found[1]


@pytest.mark.parametrize("requirement", ["pydantic", "typing-extensions"])
def test_the_lowest_tox_run_pins_the_declared_lower_bounds(requirement: str) -> None:
    tox = configparser.ConfigParser()
    tox.read(ROOT / "tox.ini")
    pins = tox["testenv:lowest"]["deps"].split()
    assert f"{requirement}=={lower_bound(requirement)}" in pins


def test_the_package_version_matches_the_metadata() -> None:
    found = re.search(r'^version = "([^"]+)"', pyproject(), re.MULTILINE)
    assert found
    assert found[1] == openapiopenai.__version__


def test_py_typed_is_shipped() -> None:
    assert (ROOT / "openapiopenai" / "py.typed").is_file()
    assert '"py.typed"' in pyproject()


def test_readme_has_exactly_two_commands_for_a_fresh_machine() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.findall(r"<!-- ([\w-]+) -->\n```console\n\$ ", readme) == ["main-command", "test-command"]
