"""Fetching names from the fake API: the four listings, paged with `after`, archived projects included."""

from __future__ import annotations

import json

import pytest

from openapiopenai.fetch import Client, FetchError, Retry
from openapiopenai.fetch_names import fetch_names, iter_names_pages

from fake_api import FAKE_KEY, FakeApi
from fake_names import API_KEYS, NAMES, PROJECTS


@pytest.fixture
def fake() -> FakeApi:
    return FakeApi(events_per_kind=1)


def client(base_url: str, retries: int = 2) -> Client:
    return Client(FAKE_KEY, base_url=base_url, retry=Retry(retries=retries), sleep=lambda _: None, read_timeout=30)


def lines(base_url: str) -> list[bytes]:
    return [page.to_json().encode() for page in iter_names_pages(client(base_url))]


def test_every_id_of_the_organization_is_named(base_url: str) -> None:
    assert fetch_names(client(base_url)) == NAMES


def test_the_listings_are_walked_in_order_each_page_after_the_last_id(fake: FakeApi, base_url: str) -> None:
    fetch_names(client(base_url))
    asked = [(path.removeprefix("/v1/organization"), dict(query)) for path, query in fake.requests]
    assert asked[:4] == [
        ("/projects", {"limit": "100", "include_archived": "true"}),
        ("/projects", {"limit": "100", "include_archived": "true", "after": "proj_7KcHm3Ye"}),
        ("/projects", {"limit": "100", "include_archived": "true", "after": "proj_unnamed"}),
        ("/users", {"limit": "100"}),
    ]
    keys = [(path, query.get("after")) for path, query in asked if path.endswith("/api_keys")]
    assert keys == [
        ("/projects/proj_q4TzL8wX/api_keys", None),
        ("/projects/proj_7KcHm3Ye/api_keys", None),
        ("/projects/proj_Zr0aP2mN/api_keys", None),
        ("/projects/proj_unnamed/api_keys", None),
        ("/projects/proj_gone/api_keys", None),
        ("/projects/proj_gone/api_keys", "key_F"),
    ]
    assert all(query["owner_project_access"] == "any" for path, query in asked if path.endswith("/api_keys"))
    assert asked[-1] == ("/admin_api_keys", {"limit": "100", "order": "asc"})


def test_archived_projects_and_their_keys_are_named(base_url: str) -> None:
    names = fetch_names(client(base_url))
    archived = [project["id"] for project in PROJECTS if project["archived_at"] is not None]
    assert archived == ["proj_Zr0aP2mN", "proj_gone"]
    for project_id in archived:
        assert project_id in names
        assert all(key["id"] in names for key in API_KEYS[project_id])


def test_each_page_is_kept_as_the_api_sent_it(fake: FakeApi, base_url: str) -> None:
    pages = lines(base_url)
    first = fake.names.page("/organization/projects", {"include_archived": ["true"], "limit": ["100"]})
    assert json.loads(pages[0]) == first
    assert len(pages) == len(fake.requests)


@pytest.mark.parametrize("fault", ["500", "429", "reset", "invalid-json"])
def test_a_retried_fault_still_gives_every_name(fake: FakeApi, base_url: str, fault: str) -> None:
    fake.faults = {3: fault}  # type: ignore[dict-item]
    assert fetch_names(client(base_url)) == NAMES


def test_a_page_of_something_else_stops_the_fetch_naming_the_page(fake: FakeApi, base_url: str) -> None:
    fake.faults = {2: "wrong-kind"}
    with pytest.raises(FetchError, match=r"^page 2 of projects: the answer is not a valid page of projects: "):
        fetch_names(client(base_url))


def test_a_cursor_given_twice_stops_rather_than_loops(fake: FakeApi, base_url: str) -> None:
    fake.faults = {2: "first-page-again"}
    with pytest.raises(FetchError, match=r"^page 2 of projects: the API gave the cursor 'proj_7KcHm3Ye' a second time"):
        fetch_names(client(base_url))


def test_a_refused_key_says_what_key_is_needed(fake: FakeApi, base_url: str) -> None:
    fake.faults = {1: "echo-key"}
    with pytest.raises(FetchError) as caught:
        fetch_names(client(base_url))
    assert str(caught.value).startswith("page 1 of projects: HTTP 401 (Incorrect API key provided: [admin key].)")
    assert FAKE_KEY not in str(caught.value)


@pytest.mark.parametrize("held", [0, 1, 3, 5, 10, 12])
def test_held_pages_are_read_again_and_the_rest_fetched(fake: FakeApi, base_url: str, held: int) -> None:
    whole = lines(base_url)
    assert len(whole) == 12  # projects 3 pages, users 2, keys 6 (one project has none), admin keys 1
    fake.requests.clear()
    again = list(iter_names_pages(client(base_url), whole[:held]))
    assert [page.to_json().encode() for page in again] == whole
    assert len(fake.requests) == len(whole) - held


def test_a_held_page_out_of_place_is_refused_with_its_line(base_url: str) -> None:
    whole = lines(base_url)
    with pytest.raises(FetchError, match=r"^held page 4: it is not page 1 of users, the page expected there$"):
        list(iter_names_pages(client(base_url), [*whole[:3], whole[5]]))


def test_held_pages_beyond_the_end_are_refused(base_url: str) -> None:
    whole = lines(base_url)
    with pytest.raises(FetchError, match=r"^held page 13: the listings end before it$"):
        list(iter_names_pages(client(base_url), [*whole, whole[-1]]))
