"""The fetch library against the fake API on 127.0.0.1: whole listings, faults, backoff and the key."""

from __future__ import annotations

import json
import socket
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openapiopenai.fetch import (
    ENDPOINTS,
    Client,
    CursorRejectedError,
    FetchError,
    Query,
    Retry,
    fetch_listing,
    iter_query_pages,
)
from openapiopenai.models import UsageImagesResult

from fake_api import DATA_START, DAY, FAKE_KEY, FakeApi, export_of, query_params

sys.path.insert(0, str(Path(__file__).parent / "typing"))

import check_fetch
from docs_examples import example_defining

KINDS = list(ENDPOINTS)
# A range and the number of buckets it spans per width: two pages at the largest page size, the last partial.
RANGES = {
    "1d": (DATA_START, DATA_START + 40 * DAY),
    "1h": (DATA_START, DATA_START + 9 * DAY),
    "1m": (DATA_START + 3600, DATA_START + 3600 + 1500 * 60),
}
RETRIED = ["429", "429-retry-after", "500", "502", "503", "reset", "truncated", "slow", "invalid-json"]


@pytest.fixture
def fake() -> FakeApi:
    return FakeApi(seed=7)


class Waits(list[float]):
    """The waits a client asked for, instead of sleeping them."""


def client(base_url: str, waits: Waits | None = None, **options: Any) -> Client:
    # Faults are set by request number: a deadline missed under load would retry a request, and the fault
    # meant for the next would land on the retry. So the deadline is generous wherever it is not the test.
    options.setdefault("read_timeout", 30)
    return Client(
        FAKE_KEY,
        base_url=base_url,
        sleep=(waits if waits is not None else Waits()).append,
        random=lambda: 0.5,
        **options,
    )


def expected(fake: FakeApi, query: Query) -> list[dict[str, Any]]:
    """The fake's whole listing for the query, as it serves it."""
    return fake.pages(query.kind, query_params(urllib.parse.urlencode(query.parameters())))


def fetched(pages: Iterator[Any]) -> list[dict[str, Any]]:
    return [page.to_dict() for page in pages]


def images_query(**options: Any) -> Query:
    start, end = RANGES["1h"]
    return Query.build("images", start, end, bucket_width="1h", **options)


@pytest.mark.parametrize("width", ["1d", "1h", "1m"])
def test_each_request_asks_for_the_largest_page_the_width_allows(width: str) -> None:
    query = Query.build("images", 100, 200, bucket_width=width, group_by=["model", "size"])  # type: ignore[arg-type]
    most = {"1d": "31", "1h": "168", "1m": "1440"}[width]
    assert query.parameters("page_x") == [
        ("start_time", "100"),
        ("end_time", "200"),
        ("bucket_width", width),
        ("limit", most),
        ("group_by[]", "model"),
        ("group_by[]", "size"),
        ("page", "page_x"),
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"group_by": ["line_item"]}, "images cannot be grouped by 'line_item': choose from project_id, user_id,"),
        ({"group_by": ["model", "model"]}, "group_by names a field twice"),
        ({"filters": {"batch": True}}, "images has no filter 'batch': choose from"),
        (
            {"filters": {"sources": ["image.upscale"]}},
            "sources cannot be 'image.upscale': choose from image.generation",
        ),
        ({"filters": {"project_ids": []}}, "the project_ids filter needs at least one value"),
        ({"bucket_width": "1w"}, "images takes bucket width 1m or 1h or 1d, not '1w'"),
        ({"limit": 32}, "limit must be 1 to 31 for bucket width 1d, not 32"),
    ],
)
def test_a_query_the_spec_does_not_allow_is_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(")):
        Query.build("images", DATA_START, **options)


def test_a_range_that_ends_before_it_starts_and_an_unknown_kind_are_refused() -> None:
    with pytest.raises(ValueError, match="the end of the range must come after its start"):
        Query.build("images", DATA_START, DATA_START)
    with pytest.raises(ValueError, match="unknown kind 'image'"):
        Query.build("image", DATA_START)


def test_a_query_survives_its_saved_form() -> None:
    query = images_query(group_by=["size"], filters={"sources": ["image.edit"], "project_ids": ["p1", "p2"]})
    assert Query.build(**json.loads(json.dumps(query.to_dict()))) == query


@pytest.mark.parametrize(
    ("kind", "width"), [(kind, width) for kind, endpoint in ENDPOINTS.items() for width in endpoint.limits]
)
def test_the_pages_are_the_whole_listing_for_every_kind_and_width(
    fake: FakeApi, base_url: str, kind: str, width: str
) -> None:
    endpoint = ENDPOINTS[kind]
    # Costs pages hold up to 180 days: most of this range has no costs, and comes as empty buckets.
    start, end = (DATA_START, DATA_START + 200 * DAY) if kind == "costs" else RANGES[width]
    query = Query.build(kind, start, end, bucket_width=width, group_by=endpoint.group_by)  # type: ignore[arg-type]
    pages = fetched(iter_query_pages(client(base_url), query))
    assert pages == expected(fake, query)
    assert len(pages) == 2
    assert len(pages[0]["data"]) == query.limit
    assert sum(len(bucket["results"]) for page in pages for bucket in page["data"]) > 0


def test_filters_reach_the_api(fake: FakeApi, base_url: str) -> None:
    query = images_query(
        group_by=["project_id", "source"], filters={"project_ids": ["proj_7KcHm3Ye"], "sources": ["image.edit"]}
    )
    pages = fetched(iter_query_pages(client(base_url), query))
    assert pages == expected(fake, query)
    groups = {(r["project_id"], r["source"]) for page in pages for bucket in page["data"] for r in bucket["results"]}
    assert groups == {("proj_7KcHm3Ye", "image.edit")}
    assert fake.requests[0][1][-2:] == [("project_ids[]", "proj_7KcHm3Ye"), ("sources[]", "image.edit")]


def test_fetch_listing_combines_the_pages_and_is_typed_per_kind(fake: FakeApi, base_url: str) -> None:
    start, end = RANGES["1d"]
    listing = fetch_listing(UsageImagesResult, start, end, group_by=["model"], client=client(base_url))
    query = Query.build("images", start, end, group_by=["model"])
    buckets = [bucket for page in expected(fake, query) for bucket in page["data"]]
    assert (listing.pages, listing.complete) == (2, True)
    assert [bucket.to_dict() for bucket in listing.buckets] == buckets
    check_fetch.check_fetch(client(base_url))


def test_fetch_listing_ends_where_the_buckets_reach_the_end_before_an_empty_last_page(
    fake: FakeApi, base_url: str
) -> None:
    """A server that would answer an empty last page after `has_more: true` is not asked for it: the
    buckets reach the end asked for, so the listing is whole (combine_pages takes such a page too)."""
    fake.empty_last_page = True
    start, end = RANGES["1d"]
    listing = fetch_listing(UsageImagesResult, start, end, client=client(base_url))
    buckets = [bucket for page in expected(fake, Query.build("images", start, end)) for bucket in page["data"]]
    assert (listing.pages, listing.complete, len(fake.requests)) == (2, True, 2)
    assert [bucket.to_dict() for bucket in listing.buckets] == buckets


@pytest.mark.parametrize("fault", RETRIED)
def test_a_fault_on_any_page_is_retried_and_the_listing_comes_whole(fake: FakeApi, base_url: str, fault: Any) -> None:
    query = images_query()
    fake.faults = {2: fault}
    waits = Waits()
    # The "slow" fault answers nothing: only the deadline ends it, so that one is short (still a wide margin).
    deadline = 3 if fault == "slow" else 30
    pages = fetched(iter_query_pages(client(base_url, waits, read_timeout=deadline), query))
    assert pages == expected(fake, query)
    assert len(fake.requests) == 3  # two pages, one of them twice
    assert waits == ([2.0] if fault == "429-retry-after" else [0.375])


def test_a_page_of_another_kind_is_never_yielded_and_the_fetch_continues_from_its_cursor(
    fake: FakeApi, base_url: str
) -> None:
    query = images_query()
    fake.faults = {2: "wrong-kind"}
    got = []
    with pytest.raises(FetchError) as raised:
        got.extend(iter_query_pages(client(base_url), query))
    assert str(raised.value).startswith(
        "page 2 of images: the answer is not a valid page of images: data.0.results.0.object: Input should be"
    )
    assert (raised.value.pages, len(got)) == (1, 1)
    assert raised.value.next_page == got[0].next_page
    requests = len(fake.requests)
    assert fetched(iter_query_pages(client(base_url), query, got)) == expected(fake, query)
    assert [dict(parameters).get("page") for _, parameters in fake.requests[requests:]] == [got[0].next_page]


def test_a_rejected_cursor_is_replaced_by_a_request_for_the_rest_of_the_range(fake: FakeApi, base_url: str) -> None:
    query = images_query()
    fake.faults = {2: "reject-cursor"}
    got = fetched(iter_query_pages(client(base_url), query))
    assert got == expected(fake, query)
    held_until = got[0]["data"][-1]["end_time"]
    assert [dict(parameters)["start_time"] for _, parameters in fake.requests] == [
        str(query.start_time),
        str(query.start_time),
        str(held_until),
    ]
    assert ["page" in dict(parameters) for _, parameters in fake.requests] == [False, True, False]


def test_a_cursor_rejected_where_the_listing_cannot_be_asked_afresh_says_it_is_incomplete(
    fake: FakeApi, base_url: str
) -> None:
    query = images_query()
    fake.faults = {2: "reject-cursor", 3: "reject-cursor"}  # the fresh request for the rest is refused too
    got = []
    with pytest.raises(CursorRejectedError) as raised:
        got.extend(iter_query_pages(client(base_url), query))
    (first,) = got
    after = first.data[-1].start_time
    assert str(raised.value) == (
        "page 2 of images: the API rejected its own cursor (HTTP 400 (page token is invalid)): the listing is"
        f" incomplete (the last bucket held starts at {after})"
    )
    assert (raised.value.pages, raised.value.next_page) == (1, first.next_page)


def test_a_failure_after_a_cursor_restart_says_where_to_resume(fake: FakeApi, base_url: str) -> None:
    query = images_query()
    fake.faults = {2: "reject-cursor", 3: "wrong-kind"}  # the fresh request for the rest fails too
    got = []
    with pytest.raises(FetchError) as raised:
        got.extend(iter_query_pages(client(base_url), query))
    (first,) = got
    assert (raised.value.pages, raised.value.next_page) == (1, first.next_page)
    assert fetched(iter_query_pages(client(base_url), query, got)) == expected(fake, query)


def test_held_pages_are_checked_like_fetched_ones(fake: FakeApi, base_url: str) -> None:
    query = images_query()
    first, second = iter_query_pages(client(base_url), query)
    requests = len(fake.requests)
    with pytest.raises(
        FetchError, match=r"^page 1 of images: the bucket starting at .* leaves a gap .*; the page held"
    ):
        list(iter_query_pages(client(base_url), query, [second]))
    with pytest.raises(FetchError, match=r"^page 2 of images: the bucket starting at .* does not follow the one"):
        list(iter_query_pages(client(base_url), query, [first, first]))
    assert len(fake.requests) == requests  # nothing is fetched over pages held that are not the listing


def test_a_complete_listing_held_is_extended_with_the_rest_of_a_later_range(fake: FakeApi, base_url: str) -> None:
    start, end = RANGES["1h"]
    held = list(iter_query_pages(client(base_url), Query.build("images", start, end - 5 * 3600, bucket_width="1h")))
    requests = len(fake.requests)
    query = images_query()
    got = list(iter_query_pages(client(base_url), query, held))
    assert got[: len(held)] == held
    assert [bucket.to_dict() for page in got for bucket in page.data] == [
        bucket for page in expected(fake, query) for bucket in page["data"]
    ]
    assert [dict(parameters)["start_time"] for _, parameters in fake.requests[requests:]] == [str(end - 5 * 3600)]


def test_a_has_more_after_the_buckets_reach_the_end_is_not_followed(fake: FakeApi, base_url: str) -> None:
    fake.bogus_last_cursor = True  # the last page says has_more with a cursor the API then refuses
    query = images_query()
    got = fetched(iter_query_pages(client(base_url), query))
    assert len(fake.requests) == 2
    fake.bogus_last_cursor = False
    assert got == expected(fake, query)
    assert (got[-1]["has_more"], got[-1]["next_page"]) == (False, None)


def test_a_page_that_goes_back_in_time_is_refused(fake: FakeApi, base_url: str) -> None:
    fake.faults = {2: "first-page-again"}
    with pytest.raises(
        FetchError, match=r"^page 2 of images: the bucket starting at 2024-11-01T00:00:00Z does not follow"
    ):
        list(iter_query_pages(client(base_url), images_query()))


def test_retries_are_bounded_and_back_off_exponentially_to_the_cap(fake: FakeApi, base_url: str) -> None:
    fake.always = "503"
    waits = Waits()
    with pytest.raises(FetchError) as raised:
        list(iter_query_pages(client(base_url, waits, retry=Retry(retries=6, initial=0.5, cap=8)), images_query()))
    assert str(raised.value) == (
        "page 1 of images: gave up: HTTP 503 (The server had an error while processing your request.) (7 attempts)"
    )
    assert waits == [0.375, 0.75, 1.5, 3.0, 6.0, 6.0]
    assert len(fake.requests) == 7


@pytest.mark.parametrize(
    ("attempt", "draw", "retry_after", "wait"),
    [
        (0, 0.0, None, 0.25),
        (0, 0.999, None, 0.49975),
        (3, 0.0, None, 2.0),
        (10, 1.0, None, 8.0),
        (0, 0.0, 5.0, 5.0),
        (5, 1.0, 1.0, 8.0),
    ],
)
def test_the_wait_is_jittered_between_half_and_all_of_the_capped_step(
    attempt: int, draw: float, retry_after: float | None, wait: float
) -> None:
    assert Retry().delay(attempt, draw, retry_after) == wait


def test_a_retry_after_beyond_the_limit_ends_the_fetch_at_once(fake: FakeApi, base_url: str) -> None:
    fake.always = "429-retry-after"
    waits = Waits()
    with pytest.raises(
        FetchError,
        match=r"^page 1 of images: gave up: HTTP 429 \(Rate limit reached\), asking to wait 2 s \(more than 1 s\)$",
    ):
        list(iter_query_pages(client(base_url, waits, retry=Retry(max_retry_after=1)), images_query()))
    assert waits == []


def test_a_server_that_is_not_there_is_retried_then_named() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    waits = Waits()
    with pytest.raises(
        FetchError, match=r"^page 1 of images: gave up: connection failed: Connection refused \(3 attempts\)$"
    ):
        list(iter_query_pages(client(f"http://127.0.0.1:{port}/v1", waits, retry=Retry(retries=2)), images_query()))
    assert len(waits) == 2


@pytest.mark.parametrize("key", ["sk-admin-wrong", FAKE_KEY])
def test_an_unauthorised_key_gets_a_hint_and_is_never_quoted(fake: FakeApi, base_url: str, key: str) -> None:
    if key == FAKE_KEY:
        fake.faults = {1: "echo-key"}  # the server quotes the key back
    with pytest.raises(FetchError) as raised:
        list(iter_query_pages(Client(key, base_url=base_url), images_query()))
    message = str(raised.value)
    assert "this needs an organization admin key (sk-admin-...), not a project key, with the api.usage.read" in message
    assert key not in message
    assert key not in repr(raised.value)
    assert key not in repr(Client(key, base_url=base_url))


@pytest.mark.parametrize(
    ("base_url", "message"),
    [
        ("http://api.openai.com/v1", "refusing to send the admin key over plain http to api.openai.com: use https"),
        ("http://10.0.0.1:8080/v1", "refusing to send the admin key over plain http to 10.0.0.1"),
        ("https://user:secret@proxy.example/v1", "the base URL must not carry a user name or password"),
        ("ftp://example.com/v1", "the base URL must be an https:// URL with a host"),
        ("https://api.openai.com/v1?key=x", "the base URL must not have a query or fragment"),
    ],
)
def test_the_key_goes_only_over_https_or_to_loopback(base_url: str, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message):
        Client(FAKE_KEY, base_url=base_url)


@pytest.mark.parametrize(
    "base_url", ["https://api.openai.com/v1", "http://127.0.0.1:8/v1", "http://[::1]:8/v1", "http://localhost:8/v1"]
)
def test_https_and_loopback_base_urls_are_accepted(base_url: str) -> None:
    assert Client(FAKE_KEY, base_url=base_url).base_url == base_url


@pytest.mark.parametrize("key", ["", "sk-admin with space", "sk-admin-\r\nX-Injected: 1", "sk-admin-é"])
def test_a_key_that_cannot_be_a_header_is_refused_without_quoting_it(key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_ADMIN_KEY", raising=False)
    with pytest.raises(ValueError, match=r"^(no admin key|the admin key has characters)") as raised:
        Client(key)
    assert not key or key not in str(raised.value)


def test_the_key_comes_from_the_environment_by_default(
    monkeypatch: pytest.MonkeyPatch, fake: FakeApi, base_url: str
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", FAKE_KEY)
    pages = fetched(iter_query_pages(Client(base_url=base_url), images_query()))
    assert pages == expected(fake, images_query())


def test_the_export_bytes_are_the_pages_written_compactly(fake: FakeApi, base_url: str) -> None:
    query = images_query(group_by=["model", "size", "source"])
    lines = b"".join(page.to_json().encode() + b"\n" for page in iter_query_pages(client(base_url), query))
    assert lines == export_of(expected(fake, query))


def test_the_docs_table_lists_what_each_kind_accepts() -> None:
    text = (Path(__file__).resolve().parent.parent / "docs" / "fetch.md").read_text(encoding="utf-8")
    rows = [line.split(" | ") for line in text.splitlines() if line.startswith("| `") and "--" in line]
    table = {kind.strip("| `"): (groups, filters.rstrip(" |")) for kind, groups, filters in rows}
    assert list(table) == list(ENDPOINTS)
    for kind, endpoint in ENDPOINTS.items():
        groups, filters = table[kind]
        assert groups.split(", ") == list(endpoint.group_by)
        options = [f"`--{name.removesuffix('s').replace('_', '-')}`" for name in endpoint.filters]
        options += [f"`--{name} true\\|false`" for name in endpoint.flags]
        assert sorted(filters.split(", ")) == sorted(options)


def test_the_docs_library_example_gets_every_page(fake: FakeApi, base_url: str) -> None:
    namespace: dict[str, Any] = {}
    for name in ("images_by_model", "whole_listing"):
        exec(compile(example_defining(name).code, name, "exec"), namespace)
    start, end = RANGES["1d"]
    by_model = namespace["images_by_model"](client(base_url), start, end)
    query = Query.build("images", start, end, group_by=["model"])
    counted: dict[tuple[str | None, ...], int] = {}
    for page in expected(fake, query):
        for bucket in page["data"]:
            for result in bucket["results"]:
                counted[(result["model"],)] = counted.get((result["model"],), 0) + result["images"]
    assert by_model == counted
    assert len(counted) == 3
    requests = len(fake.requests)
    fake.faults = {requests + 2: "wrong-kind"}  # the first run stops at page 2; the second fetches it alone
    pages = namespace["whole_listing"](client(base_url), start, end)
    assert fetched(iter(pages)) == expected(fake, Query.build("images", start, end))
    assert len(fake.requests) - requests == 3
    fake.always = "wrong-kind"
    with pytest.raises(FetchError):
        namespace["whole_listing"](client(base_url), start, end)
