"""A field the API may leave out but never sends as `null`."""

from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema
from typing_extensions import TypeVar

T = TypeVar("T")


class _NeverNull:
    """Keeps `None` as the value of an absent field while refusing an explicit `null`.

    The spec lists such fields as optional but not nullable: `null` there is not a value the API
    sends, so it is a validation error rather than something to write back.
    """

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        schema = handler(source)
        return schema["schema"] if schema["type"] == "nullable" else schema


Omittable = Annotated[T | None, _NeverNull()]
"""`Omittable[int] = None`: an integer or absent (then `None`), but never `null`."""
