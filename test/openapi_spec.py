"""The project's copy of the OpenAPI description, and what the tests read out of it."""

import json
import re
from pathlib import Path
from typing import Any, Final

import openapiopenai.models
from openapiopenai.models import (
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
    User,
    UserListResponse,
    UserProjects,
    UserProjectsDataInner,
    UserUser,
)

SPEC_PATH: Final = Path(__file__).parent / "data" / "openai-usage-costs.json"
SPEC: Final[dict[str, Any]] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
SCHEMAS: Final[dict[str, Any]] = SPEC["components"]["schemas"]

RESULT_MODELS: Final[list[type[ApiModel]]] = [kind.model for kind in KINDS.values()]
"""Every result model, in the spec's order of kinds."""

NAMES_SPEC_PATH: Final = Path(__file__).parent / "data" / "openai-org-names.json"
NAMES_SPEC: Final[dict[str, Any]] = json.loads(NAMES_SPEC_PATH.read_text(encoding="utf-8"))
NAMES_SCHEMAS: Final[dict[str, Any]] = NAMES_SPEC["components"]["schemas"]

REF: Final = "x-ref"
"""Where a schema of the names spec came from a `$ref`, the name of the schema it refers to."""


def resolved(node: Any) -> Any:
    """A schema of the names spec with every `$ref` replaced by the schema it names (marked with `REF`)."""
    if isinstance(node, list):
        return [resolved(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        return {**resolved(NAMES_SCHEMAS[name]), **siblings, REF: name}
    return {key: resolved(value) for key, value in node.items()}


def _inline(schema: dict[str, Any], *path: str) -> dict[str, Any]:
    """The object schema at `path` under `schema`'s properties (an array's `items`, a nullable object's object)."""
    found = schema
    for name in path:
        found = found["items"] if name == "items" else found["properties"][name]
        if "anyOf" in found:
            [branch] = [choice for choice in found["anyOf"] if choice.get("type") != "null"]
            found = {**branch, **{key: value for key, value in found.items() if key != "anyOf"}}
    return found


NAME_LISTS: Final[dict[str, type[ApiModel]]] = {
    "/organization/projects": ProjectListResponse,
    "/organization/users": UserListResponse,
    "/organization/projects/{project_id}/api_keys": ProjectApiKeyListResponse,
    "/organization/admin_api_keys": ApiKeyList,
}
"""The page model of each listing that names ids, by its path."""

_USER: Final = resolved(NAMES_SCHEMAS["User"])
NAMES_MODEL_SCHEMAS: Final[dict[type[ApiModel], dict[str, Any]]] = {
    **{model: resolved(NAMES_SCHEMAS[model.__name__]) for model in NAME_LISTS.values()},
    **{
        model: resolved(NAMES_SCHEMAS[model.__name__])
        for model in (
            Project,
            User,
            ProjectApiKey,
            ProjectApiKeyOwnerUser,
            ProjectApiKeyOwnerServiceAccount,
            AdminApiKey,
        )
    },
    # Objects the spec writes inline, named as a generator names them (an array's items: `...Inner`).
    UserUser: _inline(_USER, "user"),
    UserProjects: _inline(_USER, "projects"),
    UserProjectsDataInner: _inline(_USER, "projects", "data", "items"),
    ProjectApiKeyOwner: _inline(resolved(NAMES_SCHEMAS["ProjectApiKey"]), "owner"),
    AdminApiKeyOwner: _inline(resolved(NAMES_SCHEMAS["AdminApiKey"]), "owner"),
}
"""Every model of the listings that name ids, with its schema, `$ref`s resolved."""

MODEL_SCHEMAS: Final[dict[type[ApiModel], dict[str, Any]]] = {
    **{model: SCHEMAS[model.__name__] for model in RESULT_MODELS},
    # The spec writes the amount inline; its model is named as a generator names inline objects.
    CostsResultAmount: SCHEMAS["CostsResult"]["properties"]["amount"],
    **NAMES_MODEL_SCHEMAS,
}


def nested_model(model: type[ApiModel], name: str, schema: dict[str, Any]) -> Any:
    """The model of an object property (or of an array's items): the schema it refers to, or for an object
    written inline, the name a generator gives it (`CostsResult.amount` is `CostsResultAmount`)."""
    inline = model.__name__ + "".join(part.title() for part in name.split("_"))
    if schema.get("type") == "array":
        items = schema["items"]
        return getattr(openapiopenai.models, items.get(REF) or inline + "Inner")
    return getattr(openapiopenai.models, schema.get(REF) or inline)


def module_name(model: type[ApiModel]) -> str:
    """`UsageCompletionsResult` -> `usage_completions_result`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", model.__name__).lower()


def example(model: type[ApiModel]) -> str | None:
    """The schema's example document, as the spec's text."""
    meta: dict[str, Any] = MODEL_SCHEMAS[model].get("x-oaiMeta", {})
    return meta.get("example")


def response_example(path: str) -> str:
    """The example response of the endpoint at `path`, as the spec's text."""
    spec = NAMES_SPEC if path in NAME_LISTS else SPEC
    text: str = spec["paths"][path]["get"]["x-oaiMeta"]["examples"]["response"]
    return text


def group_by_values(path: str) -> list[str]:
    """The values the endpoint's `group_by` query parameter accepts."""
    [parameter] = [p for p in SPEC["paths"][path]["get"]["parameters"] if p["name"] == "group_by"]
    values: list[str] = parameter["schema"]["items"]["enum"]
    return values


def property_branch(schema: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """A property's non-null schema, and whether `null` is allowed."""
    if "anyOf" not in schema:
        return schema, False
    branches = [branch for branch in schema["anyOf"] if branch.get("type") != "null"]
    return branches[0], len(branches) < len(schema["anyOf"])


def description(schema: dict[str, Any]) -> str | None:
    """A property's description: its own, or that of its one non-null branch."""
    found: str | None = schema.get("description") or property_branch(schema)[0].get("description")
    return found
