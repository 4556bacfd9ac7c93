"""The project's metadata agrees with itself."""

import configparser
import importlib.metadata
import re
import sys
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


def test_the_version_is_written_once_in_the_package() -> None:
    assert 'dynamic = ["version"]' in pyproject()
    assert 'version = { attr = "openapiopenai.__version__" }' in pyproject()
    assert re.search(r"^version\s*=\s*\"", pyproject(), re.MULTILINE) is None
    name = re.search(r'^name = "([^"]+)"', pyproject(), re.MULTILINE)
    assert name
    assert importlib.metadata.version(name[1]) == openapiopenai.__version__


def test_the_licence_file_is_the_one_the_metadata_names() -> None:
    assert 'license = "MIT"' in pyproject()
    assert 'license-files = ["LICENSE"]' in pyproject()
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License\n\nCopyright (c) 2026 The openapiopenai authors\n")


def test_the_source_distribution_carries_the_tests_and_what_they_read() -> None:
    manifest = (ROOT / "MANIFEST.in").read_text(encoding="utf-8").splitlines()
    for line in ("include LICENSE README.md tox.ini", "graft docs", "graft test", "graft benchmarks"):
        assert line in manifest


def test_the_benchmarks_spec_is_inside_the_repository() -> None:
    from benchmarks.run import DEFAULT_SPEC

    assert DEFAULT_SPEC.is_file()
    assert ROOT in DEFAULT_SPEC.resolve().parents


def test_py_typed_is_shipped() -> None:
    assert (ROOT / "openapiopenai" / "py.typed").is_file()
    assert '"py.typed"' in pyproject()


def test_readme_has_exactly_two_commands_for_a_fresh_machine() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.findall(r"<!-- ([\w-]+) -->\n```console\n\$ ", readme) == ["main-command", "test-command"]


def test_importing_the_main_module_does_not_run_the_command_line() -> None:
    import openapiopenai.__main__ as main_module

    assert callable(main_module.run)


def test_the_package_exports_the_result_type_parameter() -> None:
    from openapiopenai.models import ResultT

    assert openapiopenai.ResultT is ResultT
    assert "ResultT" in openapiopenai.__all__


def test_the_package_names_are_the_models_names() -> None:
    """One list: `openapiopenai.models.__all__` is what the package exports, lists and shows."""
    import openapiopenai.models

    assert openapiopenai.__all__ == [*openapiopenai.models.__all__, "__version__"]
    for name in openapiopenai.models.__all__:
        assert getattr(openapiopenai, name) is getattr(openapiopenai.models, name), name
    assert set(openapiopenai.__all__) <= set(dir(openapiopenai))
    star: dict[str, object] = {}
    exec("from openapiopenai import *", star)
    assert {name for name in star if name != "__builtins__"} == set(openapiopenai.__all__)


@pytest.mark.parametrize("name", ["imagess", "models_", "_base", "totals"])
def test_the_package_has_no_other_names(name: str) -> None:
    with pytest.raises(AttributeError, match=f"has no attribute {name!r}"):
        getattr(openapiopenai, name)


def test_the_command_line_benchmark_measures_each_command_s_own_peak_memory() -> None:
    from benchmarks.cli import measure

    held = bytearray(256 * 2**20)
    held[::4096] = b"x" * len(held[::4096])  # touched, so that this process really holds it
    run = measure([sys.executable, "-c", "pass"], None)
    assert 0 < run.peak_bytes < 64 * 2**20
    with pytest.raises(RuntimeError, match=r"exited with 3:\nboom"):
        measure([sys.executable, "-c", "import sys; print('boom', file=sys.stderr); sys.exit(3)"], None)
