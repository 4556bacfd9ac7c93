"""The one base class every model shares: its configuration and the JSON/dict helpers."""

import math
import pprint
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Final, SupportsIndex, cast, overload

from pydantic import AfterValidator, BaseModel, ConfigDict, GetCoreSchemaHandler, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError, core_schema
from typing_extensions import LiteralString, Self

MAX_EXTRA_DEPTH: Final = 195
"""How deeply an unknown field's value may nest arrays and objects.

Pydantic's JSON parser reads no value inside more than 200 arrays and objects, and the deepest
unknown field of a page sits inside five (page, ``data``, bucket, ``results``, result). So whatever
``from_dict`` accepts, ``to_json`` can write and ``from_json`` can read back.
"""

MAX_INT_DIGITS: Final = 4299
"""How many digits an integer from Python may have: the most that every supported version of
pydantic's JSON parser reads back (4300 characters, the minus sign included in older versions),
within Python's own limit on converting integers to text."""

_INT_BOUND: Final = 10**MAX_INT_DIGITS

_ERRORS: Final[dict[str, tuple[LiteralString, LiteralString]]] = {
    # The library's own error types: (type, message template). Pydantic's own keep their names.
    "finite_number": ("finite_number", "Input should be a finite number, not {number}"),
    "json_too_deep": ("json_too_deep", "Input nests arrays and objects more than {limit} levels deep"),
    "int_digits": ("int_digits", "Input should be an integer of at most {limit} digits"),
    "json_key": ("json_key", "Object keys should be strings, not {kind}"),
    "json_value": (
        "json_value",
        "Input should be a JSON value (null, boolean, number, string, array or object), not {kind}",
    ),
    "lone_surrogate": (
        "lone_surrogate",
        "Input should be Unicode text, not a lone surrogate ({code}), which JSON text cannot hold",
    ),
    "object_mismatch": ("object_mismatch", "Input should be {expected}, not '{actual}': a different kind of object"),
}


def _error(error_type: str, **context: Any) -> PydanticCustomError:
    return PydanticCustomError(*_ERRORS[error_type], context)


def _unicode_text(text: str) -> str:
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise _error("lone_surrogate", code=f"U+{ord(text[error.start]):04X}") from None
    return text


def _json_integer(number: int) -> int:
    if -_INT_BOUND < number < _INT_BOUND:
        return number
    # Longer integers could be written out but neither read back nor printed.
    raise _error("int_digits", limit=MAX_INT_DIGITS)


def _checked_from_python(check: Callable[[Any], Any], schema: dict[str, Any]) -> dict[str, Any]:
    """`schema`, plus `check` for values from Python; JSON input is already checked by its parser.

    Only `from_dict`, assignment and `model_copy(update=...)` pay for `check`: the JSON path keeps
    pydantic's plain schema.
    """
    checked = core_schema.no_info_after_validator_function(check, cast("core_schema.CoreSchema", schema))
    return {"type": "json-or-python", "json_schema": schema, "python_schema": checked}


# Where a field's schema holds other schemas. Nested models are left alone: each ApiModel checks its
# own fields, and a plain pydantic model keeps its own rules.
_INNER_SCHEMAS: Final = ("schema", "items_schema", "keys_schema", "values_schema")
_LEAVES: Final = frozenset({"model", "definition-ref", "definitions", "dataclass", "json-or-python"})


def _writable(schema: dict[str, Any]) -> dict[str, Any]:
    """A field's schema, made to accept only values that JSON text can write and read back.

    Integers get at most `MAX_INT_DIGITS` digits and strings no lone surrogates (both checked on
    the Python path only, since the JSON parser cannot produce anything else); floats refuse NaN
    and infinity on both paths. Lists, dicts, tuples, unions and optionals are followed inward.
    """
    kind = schema["type"]
    if kind == "int":
        return _checked_from_python(_json_integer, schema)
    if kind == "str":
        return _checked_from_python(_unicode_text, schema)
    if kind == "float":
        return {**schema, "allow_inf_nan": False}
    if kind in _LEAVES:
        return schema
    changed = dict(schema)
    for key in _INNER_SCHEMAS:
        inner = changed.get(key)
        if isinstance(inner, dict):
            changed[key] = _writable(cast("dict[str, Any]", inner))
        elif isinstance(inner, list):  # a tuple's items
            changed[key] = [_writable(item) for item in cast("list[dict[str, Any]]", inner)]
    choices: list[Any] | dict[Any, Any] | None = changed.get("choices")
    if isinstance(choices, list):  # a union: schemas, or (schema, label) pairs
        # A checked choice keeps the name pydantic would give it in an error's location ("int", not
        # "json-or-python[...]").
        changed["choices"] = [_labelled(choice) for choice in choices]
    elif isinstance(choices, dict):  # a tagged union
        changed["choices"] = {tag: _writable(choice) for tag, choice in choices.items()}
    return changed


def _labelled(choice: tuple[dict[str, Any], str] | dict[str, Any]) -> tuple[dict[str, Any], str]:
    if isinstance(choice, tuple):
        return _writable(choice[0]), choice[1]
    return _writable(choice), choice["type"]


_Key = Annotated[str, AfterValidator(_unicode_text)]


def _json_value(value: Any) -> Any:
    """Accept an unknown field's value only if it is JSON that can be written back unchanged.

    Iterative rather than recursive, so hostile nesting cannot exhaust Python's stack.
    """
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if item is None:
            continue
        if isinstance(item, str):
            _unicode_text(item)
            continue
        if isinstance(item, int):  # bool is an int
            _json_integer(item)
            continue
        if isinstance(item, float):
            if not math.isfinite(item):
                # JSON has no NaN or Infinity; writing one back as null would alter the document.
                raise _error("finite_number", number=str(item))
            continue
        if not isinstance(item, (list, dict)):
            raise _error("json_value", kind=type(item).__name__)
        if depth >= MAX_EXTRA_DEPTH:
            raise _error("json_too_deep", limit=MAX_EXTRA_DEPTH)
        if isinstance(item, dict):
            members = cast("dict[object, object]", item)
            for key in members:
                if not isinstance(key, str):
                    raise _error("json_key", kind=type(key).__name__)
                _unicode_text(key)
            pending.extend((member, depth + 1) for member in members.values())
        else:
            elements = cast("list[object]", item)
            pending.extend((member, depth + 1) for member in elements)
    return value


def _same_json(first: object, second: object) -> bool:
    """Equality that tells JSON types apart: Python finds `1 == 1.0 == True`, JSON text does not."""
    if type(first) is not type(second):
        return False
    if isinstance(first, dict):
        a, b = cast("dict[str, object]", first), cast("dict[str, object]", second)
        return a.keys() == b.keys() and all(_same_json(value, b[key]) for key, value in a.items())
    if isinstance(first, list):
        a_items, b_items = cast("list[object]", first), cast("list[object]", second)
        return len(a_items) == len(b_items) and all(map(_same_json, a_items, b_items))
    if isinstance(first, float) and isinstance(second, float):
        # -0.0 == 0.0 in Python, but they are written differently.
        return first == second and math.copysign(1.0, first) == math.copysign(1.0, second)
    return first == second


def focus_on_wrong_objects(error: ValidationError) -> ValidationError:
    """When an ``object`` constant is wrong, report that alone for the object it names.

    A completions result inside an images page would otherwise also list every images field
    as missing, burying the one fact a person needs. Only the error path pays for this.
    """
    errors = error.errors(include_url=False)
    wrong = {
        detail["loc"][:-1]: detail
        for detail in errors
        if detail["type"] == "literal_error" and detail["loc"][-1:] == ("object",) and isinstance(detail["input"], str)
    }
    if not wrong:
        return error
    kept: list[InitErrorDetails] = []
    for detail in errors:
        loc = detail["loc"]
        # The outermost wrong object that holds this error; looking up the prefixes of its
        # location keeps this linear in the number of errors, however many objects are wrong.
        owner = next((loc[:end] for end in range(len(loc) + 1) if loc[:end] in wrong), None)
        if owner is not None and detail is not wrong[owner]:
            continue  # noise under an object of the wrong kind
        ctx = detail.get("ctx", {})
        kind: str | PydanticCustomError
        if owner is not None:
            kind = _error("object_mismatch", expected=ctx["expected"], actual=detail["input"])
        elif detail["type"] in _ERRORS:
            kind = _error(detail["type"], **ctx)
        else:
            kind = detail["type"]
        rebuilt = InitErrorDetails(type=kind, loc=loc, input=detail["input"])
        if ctx and isinstance(kind, str):
            rebuilt["ctx"] = ctx
        kept.append(rebuilt)
    return ValidationError.from_exception_data(error.title, kept)


def _parametrised(origin: type[BaseModel], args: tuple[Any, ...], state: dict[Any, Any]) -> BaseModel:
    """Rebuild a pickled instance of a parametrised generic model."""
    model: type[BaseModel] = origin[args]  # type: ignore[index]
    instance = model.__new__(model)
    instance.__setstate__(state)
    return instance


class ApiModel(BaseModel):
    """Base of every model: strict, lossless, with the helpers the generated SDK offers.

    Subclass it to model another usage result kind for `UsageTimeBucket` and `UsageResponse`.
    """

    model_config = ConfigDict(
        # Exact types as in the schema: "2", 2.0 and true are not integers, 5 is not a string.
        strict=True,
        # The API adds fields over time; keep them so a round trip loses nothing.
        extra="allow",
        validate_assignment=True,
        use_attribute_docstrings=True,
    )

    __pydantic_extra__: dict[_Key, Annotated[Any, AfterValidator(_json_value)]]  # pyright: ignore[reportIncompatibleVariableOverride]

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[BaseModel], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        # Every declared field of every subclass, whatever its annotation, accepts only values that
        # `to_json` can write and `from_json` read back. Nested models are left to themselves.
        schema: dict[str, Any] = dict(handler(source))
        if schema["type"] != "model" or schema["schema"]["type"] != "model-fields":
            return cast("core_schema.CoreSchema", schema)
        fields: dict[str, dict[str, Any]] = schema["schema"]["fields"]
        checked = {name: {**field, "schema": _writable(field["schema"])} for name, field in fields.items()}
        schema["schema"] = {**schema["schema"], "fields": checked}
        return cast("core_schema.CoreSchema", schema)

    def __eq__(self, other: object) -> bool:
        # Two models are equal only if they write the same document: null is not absent.
        if not isinstance(other, BaseModel):
            return NotImplemented
        return (
            super().__eq__(other)
            and self.model_fields_set == other.model_fields_set
            and _same_json(self.__pydantic_extra__, other.__pydantic_extra__)
        )

    def __setattr__(self, name: str, value: Any) -> None:
        try:
            super().__setattr__(name, value)
        except ValidationError as error:
            raise focus_on_wrong_objects(error) from None

    def __reduce_ex__(self, protocol: SupportsIndex) -> str | tuple[Any, ...]:
        # A parametrised generic class such as `UsageResponse[UsageImagesResult]` has no importable
        # name, so pickle it as its origin class and arguments and parametrise again on loading.
        origin, args = self.__pydantic_generic_metadata__["origin"], self.__pydantic_generic_metadata__["args"]
        if origin is None:
            return super().__reduce_ex__(protocol)
        return _parametrised, (origin, args, self.__getstate__())

    @classmethod
    def from_json(cls, json_str: str | bytes | bytearray) -> Self:
        """Parse and validate one JSON document; anything else raises `pydantic.ValidationError`."""
        try:
            # pydantic-core itself: `model_validate_json` adds a Python call that costs a fifth of
            # the time of parsing one result.
            return cast("Self", cls.__pydantic_validator__.validate_json(json_str))
        except ValidationError as error:
            raise focus_on_wrong_objects(error) from None

    @overload
    @classmethod
    def from_dict(cls, obj: None) -> None: ...

    @overload
    @classmethod
    def from_dict(cls, obj: Mapping[str, Any] | Self) -> Self: ...

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any] | Self | None) -> Self | None:
        """Validate a mapping (or pass an instance through); `None` gives `None`."""
        if obj is None:
            return None
        if isinstance(obj, Mapping) and not isinstance(obj, dict):
            obj = dict(obj)
        try:
            return cls.model_validate(obj)
        except ValidationError as error:
            raise focus_on_wrong_objects(error) from None

    def to_dict(self) -> dict[str, Any]:
        """The document as a dict: declared fields in schema order, then unknown fields.

        A field absent from the input stays absent; an explicit `null` stays `None`.
        """
        return self.model_dump(exclude_unset=True)

    def to_json(self, *, indent: int | None = None) -> str:
        """The document as JSON text, compact unless `indent` is given."""
        return self.__pydantic_serializer__.to_json(self, indent=indent, exclude_unset=True).decode()

    def to_str(self) -> str:
        """A readable multi-line rendering of the document."""
        return pprint.pformat(self.to_dict(), sort_dicts=False)
