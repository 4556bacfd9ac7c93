"""The one base class every model shares: its configuration and the JSON/dict helpers."""

import math
import pprint
from collections.abc import Mapping
from typing import Annotated, Any, Final, cast, overload

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError
from typing_extensions import LiteralString, Self

MAX_EXTRA_DEPTH: Final = 200
"""How deeply an unknown field's value may nest arrays and objects.

It matches the nesting limit of pydantic's JSON parser, so whatever ``from_dict`` accepts,
``to_json`` can write and ``from_json`` can read back.
"""

_ERRORS: Final[dict[str, tuple[LiteralString, LiteralString]]] = {
    # The library's own error types: (type, message template). Pydantic's own keep their names.
    "finite_number": ("finite_number", "Input should be a finite number, not {number}"),
    "json_too_deep": ("json_too_deep", "Input nests arrays and objects more than {limit} levels deep"),
    "json_key": ("json_key", "Object keys should be strings, not {kind}"),
    "json_value": (
        "json_value",
        "Input should be a JSON value (null, boolean, number, string, array or object), not {kind}",
    ),
    "object_mismatch": ("object_mismatch", "Input should be {expected}, not '{actual}': a different kind of object"),
}


def _error(error_type: str, **context: Any) -> PydanticCustomError:
    return PydanticCustomError(*_ERRORS[error_type], context)


def _json_value(value: Any) -> Any:
    """Accept an unknown field's value only if it is JSON that can be written back unchanged.

    Iterative rather than recursive, so hostile nesting cannot exhaust Python's stack.
    """
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if item is None or isinstance(item, (str, int)):  # bool is an int
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
            pending.extend((member, depth + 1) for member in members.values())
        else:
            elements = cast("list[object]", item)
            pending.extend((member, depth + 1) for member in elements)
    return value


def _focus_on_wrong_objects(error: ValidationError) -> ValidationError:
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
        owners = [prefix for prefix in wrong if loc[: len(prefix)] == prefix]
        if owners and detail is not wrong[min(owners, key=len)]:
            continue  # noise under an object of the wrong kind
        ctx = detail.get("ctx", {})
        kind: str | PydanticCustomError
        if owners:
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

    __pydantic_extra__: dict[str, Annotated[Any, AfterValidator(_json_value)]]  # pyright: ignore[reportIncompatibleVariableOverride]

    def __eq__(self, other: object) -> bool:
        # Two models are equal only if they write the same document: null is not absent.
        if not isinstance(other, BaseModel):
            return NotImplemented
        return super().__eq__(other) and self.model_fields_set == other.model_fields_set

    @classmethod
    def from_json(cls, json_str: str | bytes | bytearray) -> Self:
        """Parse and validate one JSON document; anything else raises `pydantic.ValidationError`."""
        try:
            return cls.model_validate_json(json_str)
        except ValidationError as error:
            raise _focus_on_wrong_objects(error) from None

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
            raise _focus_on_wrong_objects(error) from None

    def to_dict(self) -> dict[str, Any]:
        """The document as a dict: declared fields in schema order, then unknown fields.

        A field absent from the input stays absent; an explicit `null` stays `None`.
        """
        return self.model_dump(exclude_unset=True)

    def to_json(self, *, indent: int | None = None) -> str:
        """The document as JSON text, compact unless `indent` is given."""
        return self.model_dump_json(exclude_unset=True, indent=indent)

    def to_str(self) -> str:
        """A readable multi-line rendering of the document."""
        return pprint.pformat(self.to_dict(), sort_dicts=False)
