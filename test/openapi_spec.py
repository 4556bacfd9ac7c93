"""The project's copy of the OpenAPI description, and what the tests read out of it."""

import json
import re
from pathlib import Path
from typing import Any, Final

from openapiopenai.models import KINDS, ApiModel, CostsResultAmount

SPEC_PATH: Final = Path(__file__).parent / "data" / "openai-usage-costs.json"
SPEC: Final[dict[str, Any]] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
SCHEMAS: Final[dict[str, Any]] = SPEC["components"]["schemas"]

RESULT_MODELS: Final[list[type[ApiModel]]] = [kind.model for kind in KINDS.values()]
"""Every result model, in the spec's order of kinds."""

MODEL_SCHEMAS: Final[dict[type[ApiModel], dict[str, Any]]] = {
    **{model: SCHEMAS[model.__name__] for model in RESULT_MODELS},
    # The spec writes the amount inline; its model is named as a generator names inline objects.
    CostsResultAmount: SCHEMAS["CostsResult"]["properties"]["amount"],
}


def module_name(model: type[ApiModel]) -> str:
    """`UsageCompletionsResult` -> `usage_completions_result`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", model.__name__).lower()


def example(model: type[ApiModel]) -> str | None:
    """The schema's example document, as the spec's text."""
    meta: dict[str, Any] = MODEL_SCHEMAS[model].get("x-oaiMeta", {})
    return meta.get("example")


def response_example(path: str) -> str:
    """The example response of the endpoint at `path`, as the spec's text."""
    text: str = SPEC["paths"][path]["get"]["x-oaiMeta"]["examples"]["response"]
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
