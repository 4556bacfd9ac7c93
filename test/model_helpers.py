"""What the model tests share: parsing through both helpers, pickling, and a second result kind."""

import copy
import json
import pickle
import random
from collections.abc import Callable
from typing import Any, Final, Literal, TypeVar, cast, get_args, get_origin

import pydantic_core
import pytest
from _pytest.mark import ParameterSet
from pydantic import Field

from openapiopenai import (
    KINDS,
    AdminApiKey,
    AdminApiKeyOwner,
    ApiKeyList,
    ApiModel,
    CostsResultAmount,
    Project,
    ProjectApiKey,
    ProjectApiKeyListResponse,
    ProjectApiKeyOwner,
    ProjectApiKeyOwnerServiceAccount,
    ProjectApiKeyOwnerUser,
    ProjectListResponse,
    UsageImagesResult,
    UsageResponse,
    UsageTimeBucket,
    User,
    UserListResponse,
    UserProjects,
    UserProjectsDataInner,
    UserUser,
)
from openapiopenai.models import MAX_INT_DIGITS, KindName
from openapiopenai.usage import COUNTERS, LEVELS

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


def minimal_document(model: type[ApiModel]) -> dict[str, Any]:
    """A valid document of a result model: its `object`, and a value for each required field."""
    document: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if get_origin(annotation) is Literal:
            document[name] = get_args(annotation)[0]
        elif field.is_required():
            document[name] = {int: 7, str: "x", float: 1.5}[cast("type", annotation)]
    return document


PROJECT: Final[dict[str, Any]] = {"id": "proj_a", "object": "organization.project", "name": "A", "created_at": 7}
USER: Final[dict[str, Any]] = {"object": "organization.user", "id": "user_a", "name": "Ada", "added_at": 7}
OWNER_USER: Final[dict[str, Any]] = {
    "id": "user_a",
    "email": "a@example.com",
    "name": "Ada",
    "created_at": 7,
    "role": "owner",
}
OWNER_ACCOUNT: Final[dict[str, Any]] = {"id": "svc_a", "name": "bot", "created_at": 7, "role": "member"}
PROJECT_API_KEY: Final[dict[str, Any]] = {
    "object": "organization.project.api_key",
    "redacted_value": "sk-...x",
    "name": "prod",
    "created_at": 7,
    "last_used_at": None,
    "id": "key_a",
    "owner_project_access": "active",
    "owner": {"type": "user", "user": OWNER_USER},
}
ADMIN_API_KEY: Final[dict[str, Any]] = {
    "object": "organization.admin_api_key",
    "id": "key_b",
    "redacted_value": "sk-admin...x",
    "created_at": 7,
    "expires_at": None,
    "owner": {"type": "user", "id": "user_a"},
}


def _list_of(item: dict[str, Any]) -> dict[str, Any]:
    return {"object": "list", "data": [item], "has_more": False}


NAMES_SAMPLES: Final[dict[type[ApiModel], dict[str, Any]]] = {
    Project: PROJECT,
    ProjectListResponse: _list_of(PROJECT),
    User: USER,
    UserUser: {"object": "user", "id": "user_a"},
    UserProjects: {"object": "list", "data": [{"id": "proj_a"}]},
    UserProjectsDataInner: {"id": "proj_a", "role": "owner"},
    UserListResponse: _list_of(USER),
    ProjectApiKey: PROJECT_API_KEY,
    ProjectApiKeyOwner: {"type": "service_account", "service_account": OWNER_ACCOUNT},
    ProjectApiKeyOwnerUser: OWNER_USER,
    ProjectApiKeyOwnerServiceAccount: OWNER_ACCOUNT,
    ProjectApiKeyListResponse: _list_of(PROJECT_API_KEY),
    AdminApiKey: ADMIN_API_KEY,
    AdminApiKeyOwner: {"type": "user", "object": "organization.user", "id": "user_a", "created_at": 7},
    ApiKeyList: _list_of(ADMIN_API_KEY),
}
"""A small valid document of every model of the listings that name ids."""

SAMPLES: Final[dict[type[ApiModel], dict[str, Any]]] = {
    UsageImagesResult: RESULT,
    UsageTimeBucket: BUCKET,
    UsageResponse: PAGE,
    EmbeddingsResult: {"object": "organization.usage.embeddings.result", "input_tokens": 7, "num_model_requests": 1},
    MeteredResult: {"object": "metered.result", "amount": 1.5},
    **{kind.model: minimal_document(kind.model) for kind in KINDS.values() if kind.model is not UsageImagesResult},
    CostsResultAmount: {"value": 1.5, "currency": "usd"},
    **NAMES_SAMPLES,
}
"""A small valid document of every model, the library's own and users' subclasses alike."""


def _names_a_kind(model: type[ApiModel]) -> bool:
    """Whether the innermost object of the model's sample (a page's first item) names its kind in `object`."""
    while "data" in model.model_fields and get_origin(model.model_fields["data"].annotation) is list:
        (model,) = get_args(model.model_fields["data"].annotation)
        if not isinstance(model, type) or not issubclass(model, ApiModel):
            return False  # a usage page's buckets: generic, checked with their own sample
    field = model.model_fields.get("object")
    return field is not None and get_origin(field.annotation) is Literal


ALL_MODELS: Final = [pytest.param(model, id=model.__name__) for model in SAMPLES]
OBJECT_MODELS: Final = [
    pytest.param(model, id=model.__name__)
    for model in SAMPLES
    if "object" in model.model_fields and (model in (UsageResponse, UsageTimeBucket) or _names_a_kind(model))
]
"""The models whose documents name their kind in `object`, down to the first item of a page."""


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
"""The most digits of a negative integer the installed parser reads: one fewer in older pydantic-core releases."""


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


POOL = ("a", "b", "c", "d,e", 'say "hi"', "")


def _up_to_a_trillion(rng: random.Random) -> int:
    return rng.randrange(10**12)


def generated_result(
    kind: KindName, rng: random.Random, counter: Callable[[random.Random], int] = _up_to_a_trillion
) -> dict[str, Any]:
    """A result of `kind` as JSON: counters (some left out; values drawn by `counter`), group-by values
    (some null or absent), money."""
    info = KINDS[kind]
    document: dict[str, Any] = {"object": info.object}
    for name, field in info.model.model_fields.items():
        if name == "object":
            continue
        if name in COUNTERS[kind] or name in LEVELS.get(kind, ()):
            if field.is_required() or rng.random() < 0.9:
                document[name] = counter(rng)
        elif name in info.group_by:
            roll = rng.random()
            if roll < 0.8:
                document[name] = rng.choice((True, False)) if name == "batch" else rng.choice(POOL)
            elif roll < 0.9:
                document[name] = None
        elif name == "amount" and rng.random() < 0.95:
            value = rng.choice((round(rng.random() * 10, rng.randrange(1, 15)), rng.randrange(5), 0.1, 0.2, 1e-7))
            amount: dict[str, Any] = {"value": value, "currency": rng.choice(("usd", "usd", "eur"))}
            if rng.random() < 0.03:
                del amount[rng.choice(("value", "currency"))]
            document["amount"] = amount
    return document
