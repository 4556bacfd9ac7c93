"""What the model tests share: parsing through both helpers, pickling, and a second result kind."""

import copy
import json
import pickle
from typing import Any, Final, Literal, TypeVar

import pydantic_core
import pytest
from _pytest.mark import ParameterSet
from pydantic import Field

from openapiopenai import ApiModel, UsageImagesResult, UsageResponse, UsageTimeBucket
from openapiopenai.models import MAX_INT_DIGITS

Model = TypeVar("Model", bound=ApiModel)


class EmbeddingsResult(ApiModel):
    """The aggregated embeddings usage details of the specific time bucket."""

    object: Literal["organization.usage.embeddings.result"]
    input_tokens: int
    num_model_requests: int
    model: str | None = None


class MeteredResult(ApiModel):
    """A user's own result kind with a float field, written with plain annotations."""

    object: Literal["metered.result"]
    amount: float
    count: int | float | None = None
    labels: list[str] = Field(default_factory=list[str])


RESULT: Final[dict[str, Any]] = {"object": "organization.usage.images.result", "images": 2, "num_model_requests": 3}
BUCKET: Final[dict[str, Any]] = {"object": "bucket", "start_time": 0, "end_time": 86400, "results": [RESULT]}
PAGE: Final[dict[str, Any]] = {"object": "page", "data": [BUCKET], "has_more": False, "next_page": None}

SAMPLES: Final[dict[type[ApiModel], dict[str, Any]]] = {
    UsageImagesResult: RESULT,
    UsageTimeBucket: BUCKET,
    UsageResponse: PAGE,
    EmbeddingsResult: {"object": "organization.usage.embeddings.result", "input_tokens": 7, "num_model_requests": 1},
    MeteredResult: {"object": "metered.result", "amount": 1.5},
}
"""A small valid document of every model, the library's own and users' subclasses alike."""

ALL_MODELS: Final = [pytest.param(model, id=model.__name__) for model in SAMPLES]


def sample(model: type[ApiModel]) -> dict[str, Any]:
    """A fresh copy of the model's sample document."""
    return copy.deepcopy(SAMPLES[model])


def fields_of(model: type[ApiModel], *types: object) -> list[str]:
    """The model's declared fields annotated with one of `types` (`int`, `str | None`, ...)."""
    return [name for name, field in model.model_fields.items() if field.annotation in types]


def parses(text: bytes) -> bool:
    """Whether pydantic-core's JSON parser reads the text."""
    try:
        pydantic_core.from_json(text)
    except ValueError:
        return False
    return True


NEGATIVE_INT_DIGITS: Final = MAX_INT_DIGITS if parses(b"-" + b"9" * MAX_INT_DIGITS) else MAX_INT_DIGITS - 1
"""The most digits of a negative integer the installed parser reads: one fewer before pydantic-core 2.35."""


def parsers(model: type[ApiModel]) -> list[ParameterSet]:
    """`model.from_json` of the document written as JSON, and `model.from_dict` of it."""

    def via_json(document: dict[str, Any]) -> Any:
        return model.from_json(json.dumps(document))

    def via_dict(document: dict[str, Any]) -> Any:
        return model.from_dict(document)

    return [pytest.param(via_json, id="from_json"), pytest.param(via_dict, id="from_dict")]


def pickled(model: Model) -> Model:
    twin: Model = pickle.loads(pickle.dumps(model))
    return twin
