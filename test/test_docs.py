"""Every Python example in the README and docs/ runs, and prints exactly the output shown under it."""

import contextlib
import io
import re
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

import openapiopenai.models
from openapiopenai import CostsResultAmount

from docs_examples import DOCUMENTS, examples
from openapi_spec import NAMES_MODEL_SCHEMAS, RESULT_MODELS


@contextlib.contextmanager
def module_for(document: Path) -> Iterator[types.ModuleType]:
    """A real, registered module to run an example in, as a script would."""
    module = types.ModuleType(f"docs_{document.stem}")
    sys.modules[module.__name__] = module
    try:
        yield module
    finally:
        del sys.modules[module.__name__]


@pytest.mark.parametrize("document", DOCUMENTS, ids=[d.name for d in DOCUMENTS])
def test_examples_run_and_print_what_they_show(document: Path) -> None:
    # Each example on its own, in a module of its own: a reader may copy any one of them alone.
    for example in examples(document):
        with module_for(document) as module:
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                exec(compile(example.code, example.name, "exec"), module.__dict__)
        if example.output is not None:
            assert printed.getvalue() == example.output, example.name


MODEL_PAGES = sorted(
    page
    for page in (Path(__file__).resolve().parent.parent / "docs").glob("*.md")
    if isinstance(getattr(openapiopenai.models, page.stem, None), type)
)


def test_every_model_has_a_page() -> None:
    names = {page.stem for page in MODEL_PAGES}
    assert names >= {model.__name__ for model in (*RESULT_MODELS, CostsResultAmount, *NAMES_MODEL_SCHEMAS)}


@pytest.mark.parametrize("page", MODEL_PAGES, ids=[page.stem for page in MODEL_PAGES])
def test_the_model_page_shows_examples_with_output(page: Path) -> None:
    found = examples(page)
    assert found
    assert all(example.output for example in found)


@pytest.mark.parametrize("page", MODEL_PAGES, ids=[page.stem for page in MODEL_PAGES])
def test_properties_table_matches_the_model(page: Path) -> None:
    model = getattr(openapiopenai.models, page.stem)
    text = page.read_text(encoding="utf-8")
    rows = [line.split(" | ") for line in text.splitlines() if line.startswith("**")]
    assert [row[0].strip("*") for row in rows] == list(model.model_fields)
    for name, _type, description, notes in rows:
        field = model.model_fields[name.strip("*")]
        assert (field.description or "") == description.strip()
        assert notes.strip() == ("" if field.is_required() else "[optional]")


def test_readme_shows_what_the_main_command_prints() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    after_command = readme.split("<!-- main-command -->", 1)[1]
    shown = re.search(r"```text\n(.*?)```", after_command, re.DOTALL)
    assert shown
    command = re.search(r"<!-- main-command -->\n```console\n\$ (.*)\n", readme)
    assert command
    assert command[1].endswith(".venv/bin/openapiopenai summarize --sample")
    ran = subprocess.run(
        [sys.executable, "-m", "openapiopenai", "summarize", "--sample"], capture_output=True, text=True, check=True
    )
    assert (ran.stdout, ran.stderr) == (shown[1], "")
