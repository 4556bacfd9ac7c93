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
    if filename not in _BY_FILE:
        _BY_FILE[filename] = {}
        try:
            tree = ast.parse("".join(linecache.getlines(filename)), filename)
        except (SyntaxError, ValueError):
            tree = ast.Module(body=[], type_ignores=[])
        _collect(tree.body, "", _BY_FILE[filename])
    return _BY_FILE[filename].get(cls.__qualname__, {})


def _collect(body: list[ast.stmt], prefix: str, found: dict[str, dict[str, str]]) -> None:
    for statement in body:
        if isinstance(statement, ast.ClassDef):
            name = prefix + statement.name
            found[name] = {
                field.target.id: inspect.cleandoc(text.value.value)
                for field, text in itertools.pairwise(statement.body)
                if isinstance(field, ast.AnnAssign)
                and isinstance(field.target, ast.Name)
                and isinstance(text, ast.Expr)
                and isinstance(text.value, ast.Constant)
                and isinstance(text.value.value, str)
            }
            _collect(statement.body, name + ".", found)
