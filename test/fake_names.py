"""The fake's organization: its projects (two of them archived), users, project API keys and admin API keys.

`FakeNames.page` answers the four listings that name ids as the spec describes them: pages of
`object: "list"` with `first_id`, `last_id` and `has_more`, continued with `after` (the id of the
last object of the page before), `limit` 1 to 100 (default 20), archived projects only with
`include_archived=true`. The fake pages by at most `page_size` objects, so that every listing takes
several pages. The ids are those of the fake's usage (`fake_api._POOLS`), so names join with it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

CREATED = 1717200000  # 2024-06-01


class NamesBadRequest(Exception):
    pass


def _project(project_id: str, name: str | None, archived_at: int | None = None) -> dict[str, Any]:
    return {
        "id": project_id,
        "object": "organization.project",
        "name": name,
        "created_at": CREATED,
        "archived_at": archived_at,
        "status": "active" if archived_at is None else "archived",
        "external_key_id": None,
    }


def _user(user_id: str, name: str | None, email: str | None, role: str = "reader") -> dict[str, Any]:
    return {
        "object": "organization.user",
        "id": user_id,
        "name": name,
        "email": email,
        "role": role,
        "added_at": CREATED,
    }


def _key(key_id: str, name: str, owner: dict[str, Any]) -> dict[str, Any]:
    return {
        "object": "organization.project.api_key",
        "redacted_value": "sk-proj-...abcd",
        "name": name,
        "created_at": CREATED,
        "last_used_at": None,
        "id": key_id,
        "owner_project_access": "active",
        "owner": owner,
    }


_OWNER_USER: dict[str, Any] = {
    "type": "user",
    "user": {"id": "user_1a", "email": "ada@example.com", "name": "Ada", "created_at": CREATED, "role": "owner"},
}
_OWNER_BOT: dict[str, Any] = {
    "type": "service_account",
    "service_account": {"id": "svc_acct_1", "name": "nightly-batch", "created_at": CREATED, "role": "member"},
}

PROJECTS: list[dict[str, Any]] = [
    _project("proj_q4TzL8wX", "Storefront"),
    _project("proj_7KcHm3Ye", "Catalogue"),
    _project("proj_Zr0aP2mN", "Old pilot", archived_at=CREATED + 86400),
    _project("proj_unnamed", None),
    _project("proj_gone", "Retired", archived_at=CREATED + 2 * 86400),
]
USERS: list[dict[str, Any]] = [
    _user("user_1a", "Ada", "ada@example.com", "owner"),
    _user("user_2b", "Grace", "grace@example.com"),
    _user("user_3c", None, "noname@example.com"),
]
API_KEYS: dict[str, list[dict[str, Any]]] = {
    "proj_q4TzL8wX": [_key("key_A", "storefront-prod", _OWNER_USER), _key("key_C", "storefront-dev", _OWNER_USER)],
    "proj_7KcHm3Ye": [_key("key_B", "catalogue-batch", _OWNER_BOT)],
    "proj_Zr0aP2mN": [_key("key_D", "pilot", _OWNER_USER)],
    "proj_gone": [
        _key("key_E", "retired", _OWNER_USER),
        _key("key_F", "retired-2", _OWNER_USER),
        _key("key_G", "retired-3", _OWNER_BOT),
    ],
}
ADMIN_API_KEYS: list[dict[str, Any]] = [
    {
        "object": "organization.admin_api_key",
        "id": "key_admin1",
        "name": "usage export",
        "redacted_value": "sk-admin...wxyz",
        "created_at": CREATED,
        "expires_at": None,
        "last_used_at": None,
        "owner": {
            "type": "user",
            "object": "organization.user",
            "id": "user_1a",
            "name": "Ada",
            "created_at": CREATED,
            "role": "owner",
        },
    }
]

NAMES: dict[str, str] = {
    "proj_q4TzL8wX": "Storefront",
    "proj_7KcHm3Ye": "Catalogue",
    "proj_Zr0aP2mN": "Old pilot",
    "proj_gone": "Retired",
    "user_1a": "Ada",
    "user_2b": "Grace",
    "user_3c": "noname@example.com",
    "key_A": "storefront-prod",
    "key_C": "storefront-dev",
    "key_B": "catalogue-batch",
    "svc_acct_1": "nightly-batch",
    "key_D": "pilot",
    "key_E": "retired",
    "key_F": "retired-2",
    "key_G": "retired-3",
    "key_admin1": "usage export",
}
"""What a names fetch from the fake reads: every id with a name (a user without one by its email)."""

_KEYS_PATH = re.compile(r"/organization/projects/([^/]+)/api_keys")
NAMES_PATHS = ("/organization/projects", "/organization/users", "/organization/admin_api_keys")


def is_names_path(path: str) -> bool:
    """Whether `path` (without the `/v1` prefix) is one of the four listings."""
    return path in NAMES_PATHS or _KEYS_PATH.fullmatch(path) is not None


@dataclass
class FakeNames:
    page_size: int = 2
    """The most objects the fake puts on a page, whatever `limit` asks."""

    def objects(self, path: str, params: Mapping[str, list[str]]) -> list[dict[str, Any]]:
        if path == "/organization/projects":
            archived = params.get("include_archived", ["false"]) == ["true"]
            return [project for project in PROJECTS if archived or project["archived_at"] is None]
        if path == "/organization/users":
            return USERS
        if path == "/organization/admin_api_keys":
            return ADMIN_API_KEYS
        found = _KEYS_PATH.fullmatch(path)
        assert found is not None
        if found[1] not in {project["id"] for project in PROJECTS}:
            raise NamesBadRequest(f"No such project: {found[1]}")
        return API_KEYS.get(found[1], [])

    def page(self, path: str, params: Mapping[str, list[str]]) -> dict[str, Any]:
        objects = self.objects(path, params)
        limit_text = params.get("limit", ["20"])[-1]
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= 100:
            raise NamesBadRequest(f"Invalid limit: {limit_text}")
        start = 0
        after = params.get("after")
        if after is not None:
            ids = [item["id"] for item in objects]
            if after[-1] not in ids:
                raise NamesBadRequest(f"Invalid after: {after[-1]}")
            start = ids.index(after[-1]) + 1
        data = objects[start : start + min(int(limit_text), self.page_size)]
        return {
            "object": "list",
            "data": data,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
            "has_more": start + len(data) < len(objects),
        }
