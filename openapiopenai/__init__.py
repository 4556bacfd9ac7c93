"""Pydantic models of the OpenAI organization Usage and Costs API.

The public names are those of `openapiopenai.models` (its `__all__`, the one list of them) and
`__version__`. The models are imported on first use, so `openapiopenai --version` starts without pydantic.
"""

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openapiopenai.models import *  # noqa: F403

__version__ = "0.1.0"


def _models() -> ModuleType:
    return importlib.import_module("openapiopenai.models")


def __getattr__(name: str) -> Any:
    if name == "__all__":
        return [*_models().__all__, "__version__"]
    if name != "models" and not name.startswith("_") and name in _models().__all__:
        value = globals()[name] = getattr(_models(), name)
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_models().__all__})
