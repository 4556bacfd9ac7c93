"""What JSON text can hold, as checks and pydantic-core schemas: the rules every model's values follow.

A value is accepted only if `to_json` can write it and `from_json` read it back unchanged. JSON
input already satisfies most of this because its parser produced it; values from Python are
checked here.
"""

import math
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, Final, cast

import pydantic_core
from pydantic_core import PydanticCustomError, PydanticKnownError, core_schema
from typing_extensions import LiteralString

MAX_JSON_DEPTH: Final = 200
"""How many arrays and objects may enclose a value, the document itself included.

This is the limit of pydantic's JSON parser, and `from_dict` holds unknown values to the same, counting
from the document it validates: an unknown field of a result on its own may nest 199 levels, one of a
result in a page 195 (page, ``data``, bucket, ``results`` and result enclose it). So every entry point
accepts the same documents, and whatever is accepted is written by `to_json` and read back.
"""

DEPTH: Final = ContextVar("openapiopenai_depth", default=1)
"""How many arrays and objects enclose the model being validated from Python, itself included."""


MAX_INT_DIGITS: Final = 4300
"""How many digits an integer may have: the most that pydantic's JSON parser reads, and the most
Python itself converts to text. Older pydantic-core releases (2.33, pydantic 2.11's) read one
digit fewer after a minus sign; negative integers from Python are then held to that too, so that
every door accepts the same integers."""


def _parser_reads(text: bytes) -> bool:
    try:
        pydantic_core.from_json(text)
    except ValueError:
        return False
    return True


_POSITIVE_BOUND: Final = 10**MAX_INT_DIGITS
_NEGATIVE_DIGITS: Final = MAX_INT_DIGITS if _parser_reads(b"-" + b"9" * MAX_INT_DIGITS) else MAX_INT_DIGITS - 1
_NEGATIVE_BOUND: Final = -(10**_NEGATIVE_DIGITS)

_MESSAGES: Final[dict[str, LiteralString]] = {
    # The library's own error types. Each name differs from every one of pydantic-core's.
    "json_too_deep": "Input nests arrays and objects more than {limit} levels deep",
    "int_digits": "Input should be an integer of at most {limit} digits",
    "json_key": "Object keys should be strings, not {kind}",
    "json_value": "Input should be a JSON value (null, boolean, number, string, array or object), not {kind}",
    "lone_surrogate": "Input should be Unicode text, not a lone surrogate ({code}), which JSON text cannot hold",
    "object_mismatch": "Input should be {expected}, not '{actual}': a different kind of object",
}


def library_error(error_type: LiteralString, **context: Any) -> PydanticCustomError:
    """One of the library's own errors, with its message."""
    return PydanticCustomError(error_type, _MESSAGES[error_type], context)


def unicode_text(text: str) -> str:
    """Refuse a string JSON text cannot hold: one with a lone surrogate."""
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise library_error("lone_surrogate", code=f"U+{ord(text[error.start]):04X}") from None
    return text


def json_integer(number: int) -> int:
    """Refuse an integer that the JSON parser could not read back."""
    if _NEGATIVE_BOUND < number < _POSITIVE_BOUND:
        return number
    raise library_error("int_digits", limit=MAX_INT_DIGITS if number > 0 else _NEGATIVE_DIGITS)


def json_value(value: Any) -> Any:
    """A copy of an unknown field's value from Python, if it is JSON that can be written back unchanged.

    Copied so that a model never shares a list or dict with its caller. Iterative rather than
    recursive, so hostile nesting cannot exhaust Python's stack.
    """
    limit = MAX_JSON_DEPTH - DEPTH.get()
    holder: list[Any] = [None]
    # (value, container to store its copy in, key or index there, depth)
    pending: list[tuple[Any, Any, Any, int]] = [(value, holder, 0, 0)]
    while pending:
        item, parent, key, depth = pending.pop()
        if item is None or isinstance(item, bool):
            pass
        elif isinstance(item, str):
            unicode_text(item)
        elif isinstance(item, int):
            json_integer(item)
        elif isinstance(item, float):
            if not math.isfinite(item):
                # JSON has no NaN or Infinity; writing one back as null would alter the document.
                raise PydanticKnownError("finite_number")
        elif not isinstance(item, (list, dict)):
            raise library_error("json_value", kind=type(item).__name__)
        elif depth >= limit and item:
            # At the limit a value is inside as many arrays and objects as the parser reads: an empty array
            # or object may sit there, as in JSON text, but nothing inside one.
            raise library_error("json_too_deep", limit=limit)
        elif isinstance(item, dict):
            members = cast("dict[object, object]", item)
            copied: dict[str, Any] = {}
            for name, member in members.items():
                if not isinstance(name, str):
                    raise library_error("json_key", kind=type(name).__name__)
                copied[unicode_text(name)] = None
                pending.append((member, copied, name, depth + 1))
            item = copied
        else:
            elements = cast("list[object]", item)
            item = [None] * len(elements)
            pending.extend((element, item, index, depth + 1) for index, element in enumerate(elements))
        parent[key] = item
    return holder[0]


def checked_from_python(check: Callable[[Any], Any], schema: dict[str, Any]) -> dict[str, Any]:
    """`schema`, plus `check` for values from Python; JSON input is already checked by its parser."""
    checked = core_schema.no_info_after_validator_function(check, cast("core_schema.CoreSchema", schema))
    return {"type": "json-or-python", "json_schema": schema, "python_schema": checked}


def _any_json(_schema: Any, _handler: Any) -> dict[str, Any]:
    return {}


def _extra_value_schema() -> core_schema.CoreSchema:
    """An unknown field's value: JSON that can be written back unchanged.

    From JSON, the parser has produced the value, so it is JSON already, except that it reads NaN,
    Infinity and numbers too large for a double (1e400) as non-finite floats. That is the only
    thing left to refuse, and pydantic-core does it alone, running no Python code per value.
    """
    ref = "openapiopenai.json_value"
    nested = core_schema.definition_reference_schema(ref)
    # Chosen by the value's Python type (`type` is called without a Python frame), so no choice fails:
    # in a union tried in order, each choice a value fails makes an error holding the value, which for
    # an object or an array means converting it whole (docs/benchmarks.md).
    by_type: dict[Any, core_schema.CoreSchema] = {
        str: core_schema.str_schema(strict=True),
        int: core_schema.int_schema(strict=True),
        bool: core_schema.bool_schema(strict=True),
        type(None): core_schema.none_schema(),
        float: core_schema.float_schema(strict=True, allow_inf_nan=False),
        dict: core_schema.dict_schema(core_schema.str_schema(), nested, strict=True),
        list: core_schema.list_schema(nested, strict=True),
    }
    checked = core_schema.json_or_python_schema(
        # Only a non-finite number can fail, so the error says that, at the unknown field. The outermost
        # choice is written out rather than referred to: one step less per value.
        json_schema=core_schema.custom_error_schema(
            core_schema.tagged_union_schema(by_type, discriminator=type), custom_error_type="finite_number"
        ),
        python_schema=core_schema.no_info_after_validator_function(json_value, core_schema.any_schema()),
        metadata={"pydantic_js_functions": [_any_json]},
    )
    return core_schema.definitions_schema(checked, [core_schema.tagged_union_schema(by_type, type, ref=ref)])


EXTRA_VALUE_SCHEMA: Final = _extra_value_schema()

EXTRA_KEY_SCHEMA: Final = checked_from_python(unicode_text, {"type": "str"})
"""An unknown field's name: any text JSON can hold."""


def same_json(first: object, second: object) -> bool:
    """Equality that tells JSON types apart: Python finds `1 == 1.0 == True`, JSON text does not."""
    if type(first) is not type(second):
        return False
    if isinstance(first, dict):
        a, b = cast("dict[str, object]", first), cast("dict[str, object]", second)
        return a.keys() == b.keys() and all(same_json(value, b[key]) for key, value in a.items())
    if isinstance(first, list):
        a_items, b_items = cast("list[object]", first), cast("list[object]", second)
        return len(a_items) == len(b_items) and all(map(same_json, a_items, b_items))
    if isinstance(first, float) and isinstance(second, float):
        # -0.0 == 0.0 in Python, but they are written differently.
        return first == second and math.copysign(1.0, first) == math.copysign(1.0, second)
    return first == second


def unwritable(value: Any) -> tuple[tuple[str | int, ...], str] | None:
    """Where a document (as `to_dict` gives it) holds a value JSON cannot write, and why; else `None`."""
    pending: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while pending:
        item, where = pending.pop()
        if isinstance(item, dict):
            members = cast("dict[str, object]", item)
            pending.extend((member, (*where, name)) for name, member in members.items())
        elif isinstance(item, list):
            elements = cast("list[object]", item)
            pending.extend((element, (*where, index)) for index, element in enumerate(elements))
        elif isinstance(item, float) and not math.isfinite(item):
            return where, f"{item} is not a finite number"
        elif isinstance(item, (str, int)) and not isinstance(item, bool):
            try:
                unicode_text(item) if isinstance(item, str) else json_integer(item)
            except PydanticCustomError as error:
                return where, error.message()
    return None
