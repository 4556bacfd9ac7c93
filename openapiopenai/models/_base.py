"""The base class every model shares: its configuration, its schema and the JSON/dict helpers.

Each model's pydantic schema holds the promises (fields accept only what JSON text can write and read
back; a wrong `object` constant is reported once, as `object_mismatch`; an absent field stays absent), so
pydantic's own entry points keep them too. The last two cost a Python call per model instance, which
would make the helpers twice as slow (docs/benchmarks.md): the helpers run a twin of the schema without
those calls and do the same once for the whole document.
"""

import functools
import math
import re
import types
from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    Final,
    Generic,
    SupportsIndex,
    TypeVar,
    Union,
    cast,
    get_args,
    get_origin,
    overload,
)

import pydantic_core
from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, TypeAdapter, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError, SchemaSerializer, SchemaValidator, core_schema
from typing_extensions import Self

from openapiopenai.models import _checks
from openapiopenai.models._docstrings import attribute_docstrings

__all__ = ["ApiModel", "JsonReader", "focus_on_wrong_objects"]

_PYDANTIC_ERROR_TYPES: Final = frozenset(get_args(core_schema.ErrorType))


def _same_error(detail: Any) -> InitErrorDetails:
    """An error as it was: pydantic-core's own by type name, any other (a user's, the library's) as itself."""
    kind, ctx = detail["type"], detail.get("ctx")
    if kind not in _PYDANTIC_ERROR_TYPES:
        # The message is already filled in; a custom error keeps it as its template.
        kind = PydanticCustomError(kind, detail["msg"], ctx)
    same = InitErrorDetails(type=kind, loc=detail["loc"], input=detail["input"])
    if ctx:
        same["ctx"] = ctx
    return same


def focus_on_wrong_objects(error: ValidationError) -> ValidationError:
    """When an ``object`` constant is wrong, report that alone for the object it names: a completions
    result in an images page would otherwise also list every images field as missing."""
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
        # The outermost wrong object holding this error, found among its location's prefixes: linear.
        owner = next((loc[:end] for end in range(len(loc) + 1) if loc[:end] in wrong), None)
        if owner is None:
            kept.append(_same_error(detail))
        elif detail is wrong[owner]:
            expected = detail.get("ctx", {}).get("expected")
            mismatch = _checks.library_error("object_mismatch", expected=expected, actual=detail["input"])
            kept.append(InitErrorDetails(type=mismatch, loc=loc, input=detail["input"]))
        # Anything else is noise under an object of the wrong kind.
    return ValidationError.from_exception_data(error.title, kept)


def _focus_errors(value: Any, handler: core_schema.ValidatorFunctionWrapHandler) -> Any:
    """Each model's validation in pydantic's schema: focused errors, whatever the entry point. (Assignment
    passes the model itself, so a model given to `model_validate` is returned as it is, as pydantic does.)"""
    try:
        return handler(value)
    except ValidationError as error:
        raise focus_on_wrong_objects(error) from None


def _written(
    model: BaseModel, handler: core_schema.SerializerFunctionWrapHandler, info: core_schema.SerializationInfo
) -> Any:
    """Each model's serialization in pydantic's schema: a field absent from the input stays absent."""
    data = handler(model)
    if info.exclude_unset or not isinstance(data, dict):
        return data
    written = cast("dict[str, Any]", data)
    fields = type(model).model_fields
    for name in fields.keys() - model.__pydantic_fields_set__:
        written.pop(name, None)
        written.pop(fields[name].serialization_alias or name, None)
    return written


def _is_focus(schema: dict[str, Any]) -> bool:
    # A wrap serializer (not a validator) holds its function directly.
    validator = schema.get("type") == "function-wrap" and isinstance(schema["function"], dict)
    return validator and schema["function"]["function"] is _focus_errors


def _under_validators(schema: dict[str, Any]) -> dict[str, Any]:
    while schema["type"] in ("function-before", "function-after", "function-wrap"):
        schema = schema["schema"]
    return schema


def _document_of(value: Any) -> Any:
    """A model's document (its fields set and unknown fields, as they are); anything else as it is."""
    if not isinstance(value, ApiModel):
        return value
    fields_set = value.__pydantic_fields_set__
    fields = {name: field for name, field in value.__dict__.items() if name in fields_set}
    return {**fields, **(value.__pydantic_extra__ or {})}


def _model_schema(schema: dict[str, Any], levels: int = 0) -> dict[str, Any]:
    """A model's schema, `levels` arrays and objects deep in the model around it.

    A model given from Python is read as the document it holds, so it is validated again as a whole,
    a model of another kind or parametrisation included, and the new model shares no list, dict or
    model with it.
    """

    def from_python(value: Any, handler: core_schema.ValidatorFunctionWrapHandler) -> Any:
        token = _checks.DEPTH.set(_checks.DEPTH.get() + levels)
        try:
            return handler(_document_of(value))
        finally:
            _checks.DEPTH.reset(token)

    read = core_schema.no_info_wrap_validator_function(from_python, cast("core_schema.CoreSchema", schema))
    return {"type": "json-or-python", "json_schema": schema, "python_schema": read}


# Where a field's schema holds other schemas. Nested models are left alone: each ApiModel checks its
# own fields, and another model keeps its own rules.
_INNER_SCHEMAS: Final = ("schema", "items_schema", "keys_schema", "values_schema")
_LEAVES: Final = frozenset({"definitions", "json-or-python"})
_CONTAINERS: Final = frozenset({"list", "set", "frozenset", "tuple", "dict"})


def _writable(schema: dict[str, Any], levels: int = 0) -> dict[str, Any]:
    """A field's schema, made to accept only values that JSON text can write and read back.

    Integers get at most `MAX_INT_DIGITS` digits and strings no lone surrogates (both checked on
    the Python path only, since the JSON parser produces nothing else); floats refuse NaN and
    infinity on both paths. Lists, dicts, tuples, unions and optionals are followed inward, counting
    the `levels` of arrays and objects passed, and a nested model learns how deep it sits.
    """
    while _is_focus(schema):  # a nested ApiModel needs no focusing of its own: the outermost one covers it
        schema = schema["schema"]
    kind = schema["type"]
    if kind == "int":
        return _checks.checked_from_python(_checks.json_integer, schema)
    if kind == "str":
        return _checks.checked_from_python(_checks.unicode_text, schema)
    if kind == "float":
        return {**schema, "allow_inf_nan": False}
    if kind == "any":  # checked as an unknown field's value is from Python, on both paths
        checked = core_schema.no_info_after_validator_function(
            _checks.json_value, cast("core_schema.CoreSchema", schema)
        )
        return cast("dict[str, Any]", checked)
    if kind in ("model", "definition-ref", "dataclass"):  # another model: it may hold ApiModels
        return _model_schema(schema, levels + 1)
    if kind in _LEAVES:
        return schema
    changed = dict(schema)
    inside = levels + 1 if kind in _CONTAINERS else levels
    for key in _INNER_SCHEMAS:
        inner = changed.get(key)
        if isinstance(inner, dict):
            changed[key] = _writable(cast("dict[str, Any]", inner), inside)
        elif isinstance(inner, list):  # a tuple's items
            changed[key] = [_writable(item, inside) for item in cast("list[dict[str, Any]]", inner)]
    choices: list[Any] | dict[Any, Any] | None = changed.get("choices")
    if isinstance(choices, list):  # a union: schemas, or (schema, label) pairs
        # A checked choice keeps the name pydantic would give it in an error's location ("int", not
        # "json-or-python[...]").
        pairs: list[Any] = [choice if isinstance(choice, tuple) else (choice, choice["type"]) for choice in choices]
        changed["choices"] = [(_writable(choice, levels), label) for choice, label in pairs]
    elif isinstance(choices, dict):  # a tagged union
        changed["choices"] = {tag: _writable(choice, levels) for tag, choice in choices.items()}
    return changed


def _finite(value: Any) -> Any:
    """A float or unknown value on its way into JSON text: refused if JSON cannot hold it."""
    found = _checks.unwritable(value)
    if found is not None:
        raise ValueError(found[1])
    return value


_FINITE: Final = core_schema.plain_serializer_function_ser_schema(_finite, when_used="json")


@functools.cache
def _scans_output() -> bool:
    """Whether `to_json` must look for NaN in the text it wrote: older pydantic-core releases (2.33,
    pydantic 2.11's) write unknown values without the check the twin gives them. A scan costs a fifth of
    a page's encoding (in instructions), the check nothing where there is no float."""
    checked = cast("core_schema.CoreSchema", {**core_schema.any_schema(), "serialization": _FINITE})
    serializer = SchemaSerializer(core_schema.typed_dict_schema({}, extra_behavior="allow", extras_schema=checked))
    try:
        serializer.to_json({"x": math.nan})
    except pydantic_core.PydanticSerializationError:
        return False
    return True


def _twin(source: Any, json_only: bool = False) -> Any:
    """The twin of a schema: without the per-instance calls, and with floats, unknown and `Any` values
    checked on their way into JSON text (pydantic-core would write NaN as `null`); with `json_only`, for
    JSON input only.

    A part pydantic puts in several places (a model in each union) is copied once: a tenth of the work
    for the union of every document.
    """
    done: dict[int, Any] = {}  # by the id of a part of `source`, which lives as long as this copy

    def copy(part: Any) -> Any:
        if not isinstance(part, (dict, list, tuple)):
            return part
        key = id(cast("object", part))
        if key in done:
            return done[key]
        schema = cast("dict[str, Any]", part)
        if not isinstance(part, dict):
            items = [copy(item) for item in cast("list[Any]", part)]
            twin: Any = items if isinstance(part, list) else tuple(items)
        elif json_only and schema.get("type") == "json-or-python":
            twin = copy(schema["json_schema"])
        elif _is_focus(schema):
            twin = copy(schema["schema"]) if json_only else _model_schema(copy(schema["schema"]))
        else:
            twin = {name: copy(value) for name, value in schema.items()}
            kind = twin.get("type")
            if kind == "model":
                if twin.get("serialization", {}).get("function") is _written:
                    del twin["serialization"]
                twin["config"] = {**twin.get("config", {}), "ser_json_inf_nan": "constants"}
            elif kind == "model-fields" and "extras_schema" in twin:
                twin["extras_schema"] = {**twin["extras_schema"], "serialization": _FINITE}
            elif kind in ("float", "any"):
                twin["serialization"] = _FINITE
        done[key] = twin
        return twin

    # dict(): the schema of a model not fully defined is pydantic's placeholder, which raises its error here.
    return copy(dict(source))


T = TypeVar("T")


class JsonReader(Generic[T]):
    """Reads JSON text as any type built of models exactly as `ApiModel.from_json` reads one model,
    through the twin of the type's schema; each validator and the serializer are built on first use."""

    def __init__(self, tp: Any, title: str) -> None:
        self.source: Any = TypeAdapter[Any](tp).core_schema
        self.schema = _twin(self.source)
        # A float put in place where no float belongs (pydantic then warns) is written as NaN, not as null.
        self.config = core_schema.CoreConfig(ser_json_inf_nan="constants", title=title)
        self.title = title

    @functools.cached_property
    def validator(self) -> SchemaValidator:
        """Validates Python input, checking what the JSON parser would otherwise guarantee."""
        return SchemaValidator(self.schema, self.config)

    @functools.cached_property
    def json_validator(self) -> SchemaValidator:
        """Without the Python-input checks, as plain pydantic's schema is: 3-6% of a page's decode."""
        return SchemaValidator(_twin(self.source, json_only=True), self.config)

    @functools.cached_property
    def serializer(self) -> SchemaSerializer:
        return SchemaSerializer(self.schema, self.config)

    def validate(self, value: Any) -> T:
        """The value Python input holds; anything else raises `pydantic.ValidationError`."""
        try:
            return cast("T", self.validator.validate_python(value))
        except ValidationError as error:
            raise focus_on_wrong_objects(error) from None

    def read(self, json_str: str | bytes | bytearray) -> T:
        """The value the text holds; anything else raises `pydantic.ValidationError`."""
        try:
            value = self.json_validator.validate_json(json_str)
        except ValidationError as error:
            # Pydantic before 2.14.2 validates every occurrence of a duplicated unknown key, so valid
            # JSON such as `"x": 1e400, "x": 1` fails; read it as the last occurrences give it.
            if any(detail["type"] != "finite_number" for detail in error.errors(include_url=False)):
                raise focus_on_wrong_objects(error) from None
            value = self.validate(pydantic_core.from_json(json_str))
        if _may_hold_constants(json_str):
            # NaN or Infinity that a later duplicate key replaced is still text that is not JSON.
            try:
                pydantic_core.from_json(json_str, allow_inf_nan=False)
            except ValueError as error:
                detail = InitErrorDetails(type="json_invalid", loc=(), input=json_str, ctx={"error": str(error)})
                raise ValidationError.from_exception_data(self.title, [detail]) from None
        return cast("T", value)


_READERS: dict[type[BaseModel], JsonReader[Any]] = {}


def _reader_of(model: type[BaseModel]) -> JsonReader[Any]:
    """The model's reader, made again when the model has been rebuilt since."""
    reader = _READERS.get(model)
    if reader is None or reader.source is not model.__pydantic_core_schema__:
        reader = _READERS[model] = JsonReader(model, model.__name__)
    return reader


def _may_hold_constants(text: str | bytes | bytearray) -> bool:
    """Whether the text may hold `NaN` or `Infinity` (perhaps only inside a string). Text without an
    `N` and an `I` is cleared in one fast pass per letter; a literal pattern is searched faster than
    with `in`, on long text and short (twice as fast on a page, five times on a result)."""
    if isinstance(text, str):
        return ("N" in text or "I" in text) and bool(_NAN_TEXT(text) or _INFINITY_TEXT(text))
    return (_N in text or _I in text) and bool(_NAN_BYTES(text) or _INFINITY_BYTES(text))


_NAN_TEXT: Final = re.compile("NaN").search
_INFINITY_TEXT: Final = re.compile("Infinity").search
_NAN_BYTES: Final = re.compile(b"NaN").search
_INFINITY_BYTES: Final = re.compile(b"Infinity").search
_N: Final = ord("N")  # a byte's value: searched faster than a one-byte string
_I: Final = ord("I")


def _members(value: object) -> list[object]:
    """The types a parameter stands for: itself, or each member of a union (annotated or not)."""
    origin = get_origin(value)
    if origin is Annotated:
        return _members(get_args(value)[0])
    if origin is Union or origin is types.UnionType:
        return [member for argument in get_args(value) for member in _members(argument)]
    return [value]


def _describe_fields(cls: type[BaseModel]) -> None:
    """Give each field without a description the docstring written under it, in its class or a base."""
    if cls.model_config.get("use_attribute_docstrings") is False:
        return
    missing = {name: field for name, field in cls.__pydantic_fields__.items() if field.description is None}
    for base in cls.__mro__:
        if not missing or base is ApiModel:
            break
        if issubclass(base, BaseModel):
            origin = base.__pydantic_generic_metadata__["origin"] or base
            for name, text in attribute_docstrings(origin).items():
                field = missing.pop(name, None)
                if field is not None:
                    field.description = text


def _parametrised(origin: type[BaseModel], args: tuple[Any, ...], state: dict[Any, Any]) -> BaseModel:
    """Rebuild a pickled instance of a parametrised generic model."""
    model: type[BaseModel] = origin[args]  # type: ignore[index]
    instance = model.__new__(model)
    instance.__setstate__(state)
    return instance


class _ExtraKey:
    """An unknown field's name, to pydantic: any text JSON can hold."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return cast("core_schema.CoreSchema", _checks.EXTRA_KEY_SCHEMA)


class _ExtraValue:
    """An unknown field's value, to pydantic: JSON that can be written back unchanged."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return _checks.EXTRA_VALUE_SCHEMA


class ApiModel(BaseModel):
    """Base of every model: strict, lossless, with the helpers the generated SDK offers. A subclass with
    plain annotations gets the same guarantees for every declared field."""

    model_config = ConfigDict(
        # Exact types as in the schema: "2", 2.0 and true are not integers, 5 is not a string.
        strict=True,
        # The API adds fields over time; keep them so a round trip loses nothing.
        extra="allow",
        validate_assignment=True,
        # A string under a field is its description (`_describe_fields`) unless
        # `use_attribute_docstrings` is False.
    )

    if TYPE_CHECKING:
        __pydantic_extra__: dict[str, Any]  # pyright: ignore[reportIncompatibleVariableOverride]
    else:
        __pydantic_extra__: dict[_ExtraKey, _ExtraValue]

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[BaseModel], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        if source is cls:
            _describe_fields(cls)
        schema: dict[str, Any] = cast("dict[str, Any]", handler(source))
        if _is_focus(schema):  # pydantic reuses the schema of a model already built
            return cast("core_schema.CoreSchema", schema)
        # Changed in place: pydantic keeps this very dict as the model's definition, which the fields
        # of a recursive model refer to. Model validators wrap the model, "before" ones its fields.
        model = _under_validators(schema)
        fields = _under_validators(model["schema"]) if model["type"] == "model" else model
        if fields["type"] == "model-fields":
            # Every declared field of every subclass, whatever its annotation, accepts only values
            # that `to_json` can write and `from_json` read back.
            for field in fields["fields"].values():
                field["schema"] = _writable(field["schema"])
            model.setdefault("serialization", core_schema.wrap_serializer_function_ser_schema(_written, info_arg=True))
        return core_schema.no_info_wrap_validator_function(_focus_errors, cast("core_schema.CoreSchema", schema))

    def __class_getitem__(cls, typevar_values: Any) -> Any:
        # The type checkers enforce the parameters' bounds; so does the running program.
        given: object = typevar_values
        values = cast("tuple[object, ...]", given) if isinstance(given, tuple) else (given,)
        for parameter, value in zip(cls.__pydantic_generic_metadata__["parameters"], values, strict=False):
            bound = getattr(parameter, "__bound__", None)
            if not isinstance(bound, type):
                continue
            for member in _members(value):
                if not isinstance(member, TypeVar) and not (isinstance(member, type) and issubclass(member, bound)):
                    raise TypeError(
                        f"{cls.__name__} takes a subclass of {bound.__name__} for {parameter}, not {value!r}"
                    )
        return super().__class_getitem__(typevar_values)

    def __eq__(self, other: object) -> bool:
        # Two models are equal if they are of one kind and write the same document: null is not
        # absent, 1 is not 1.0.
        if not isinstance(other, ApiModel):
            return NotImplemented
        mine = self.__pydantic_generic_metadata__["origin"] or type(self)
        theirs = other.__pydantic_generic_metadata__["origin"] or type(other)
        return mine is theirs and _checks.same_json(self.to_dict(), other.to_dict())

    __hash__ = None  # type: ignore[assignment]

    def __reduce_ex__(self, protocol: SupportsIndex) -> str | tuple[Any, ...]:
        # A parametrised generic class such as `UsageResponse[UsageImagesResult]` has no importable
        # name, so pickle it as its origin class and arguments and parametrise again on loading.
        origin, args = self.__pydantic_generic_metadata__["origin"], self.__pydantic_generic_metadata__["args"]
        if origin is None:
            return super().__reduce_ex__(protocol)
        return _parametrised, (origin, args, self.__getstate__())

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; with `update`, a new model validated from this one's fields and the updates."""
        if not update:
            return super().model_copy(deep=deep)
        return self.from_dict({**_document_of(self), **update})

    @classmethod
    def from_json(cls, json_str: str | bytes | bytearray) -> Self:
        """Parse and validate one JSON document; anything else raises `pydantic.ValidationError`."""
        return cast("Self", _reader_of(cls).read(json_str))

    @overload
    @classmethod
    def from_dict(cls, obj: None) -> None: ...

    @overload
    @classmethod
    def from_dict(cls, obj: Mapping[str, Any] | Self) -> Self: ...

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any] | Self | None) -> Self | None:
        """Validate a mapping or a model (giving a new model); `None` gives `None`."""
        if obj is None:
            return None
        if isinstance(obj, Mapping) and not isinstance(obj, dict):
            obj = dict(obj)
        return cast("Self", _reader_of(cls).validate(obj))

    def to_dict(self) -> dict[str, Any]:
        """The document as a dict: declared fields in schema order, then unknown fields.

        A field absent from the input stays absent; an explicit `null` stays `None`.
        """
        return cast("dict[str, Any]", _reader_of(type(self)).serializer.to_python(self, exclude_unset=True))

    def to_json(self, *, indent: int | None = None) -> str:
        """The document as JSON text, compact unless `indent` is given.

        Raises `ValueError` naming the place when a value changed in place since validation cannot
        be written as JSON (NaN, infinity, a lone surrogate).
        """
        try:
            text = _reader_of(type(self)).serializer.to_json(self, indent=indent, exclude_unset=True)
        except pydantic_core.PydanticSerializationError:
            self._refuse_unwritable()
            raise
        if _scans_output() and _may_hold_constants(text):
            self._refuse_unwritable()
        return text.decode()

    def _refuse_unwritable(self) -> None:
        found = _checks.unwritable(self.to_dict())
        if found is not None:
            where = ".".join(map(str, found[0])) or "the document"
            raise ValueError(f"cannot write {where} as JSON: {found[1]}")

    def to_str(self) -> str:
        """A readable multi-line rendering of the document."""
        import pprint  # only here: a reader of documents starts without it

        return pprint.pformat(self.to_dict(), sort_dicts=False)
