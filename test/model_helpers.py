"""What the model tests share: parsing through both helpers, pickling, and a second result kind."""

import json
import pickle
from typing import Any, Literal, TypeVar, cast

import pytest
from _pytest.mark import ParameterSet

from openapiopenai import ApiModel

Model = TypeVar("Model", bound=ApiModel)


class EmbeddingsResult(ApiModel):
    """The aggregated embeddings usage details of the specific time bucket."""

    object: Literal["organization.usage.embeddings.result"]
    input_tokens: int
    num_model_requests: int
    model: str | None = None


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


def exact(value: Any) -> Any:
    """The value with every JSON type made visible, so 1, 1.0 and True never compare equal."""
    if isinstance(value, dict):
        members = cast("dict[str, object]", value)
        return {key: exact(member) for key, member in members.items()}
    if isinstance(value, list):
        elements = cast("list[object]", value)
        return [exact(element) for element in elements]
    return (type(value).__name__, value)
