"""Field descriptions from attribute docstrings, read once per source file.

A string right under an annotated class attribute documents that field. pydantic can read these
itself (`use_attribute_docstrings`), but before Python 3.13 it finds each class's source by walking
the frames of the import in progress and asking `inspect` which module each belongs to: about half
of the time it takes to define the models. Here each source file is parsed once, for all its classes.
"""

import ast
import inspect
import itertools
import linecache
import sys
from typing import Final

_BY_FILE: Final[dict[str, dict[str, dict[str, str]]]] = {}
"""For each file read: each class's qualified name, and its fields' docstrings."""


def attribute_docstrings(cls: type) -> dict[str, str]:
    """The docstrings of the fields `cls` declares itself; empty when its source cannot be read."""
    module = sys.modules.get(cls.__module__)
    filename = getattr(module, "__file__", None)
    if not isinstance(filename, str):
        return {}
    classes = _BY_FILE.get(filename)
    if classes is None:
        classes = _BY_FILE[filename] = _read(filename)
    return classes.get(cls.__qualname__, {})


def _read(filename: str) -> dict[str, dict[str, str]]:
    source = "".join(linecache.getlines(filename))
    try:
        tree = ast.parse(source, filename)
    except (SyntaxError, ValueError):
        return {}
    found: dict[str, dict[str, str]] = {}
    _collect(tree.body, "", found)
    return found


def _collect(body: list[ast.stmt], prefix: str, found: dict[str, dict[str, str]]) -> None:
    for statement in body:
        if isinstance(statement, ast.ClassDef):
            name = prefix + statement.name
            found[name] = _fields_documented(statement.body)
            _collect(statement.body, name + ".", found)


def _fields_documented(body: list[ast.stmt]) -> dict[str, str]:
    documented: dict[str, str] = {}
    for statement, following in itertools.pairwise(body):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            documented[statement.target.id] = inspect.cleandoc(following.value.value)
    return documented
