"""The fetch library against servers that misbehave on purpose: each answer is checked, bounded, and
reported in one safe line, and nothing of a wrong page is ever yielded."""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

import pytest
from hostile_api import (
    Hostile,
    Request,
    bucket,
    error_body,
    honest_page,
    page,
    send,
    send_json,
    serve,
)

from openapiopenai.documents import MAX_DOCUMENT_BYTES
from openapiopenai.fetch import (
    MAX_RESPONSE_BYTES,
    Client,
    FetchError,
    Query,
    Retry,
    iter_query_pages,
    mask_key,
    printable,
)
from openapiopenai.models import UsageImagesResult, UsageResponse

KEY = "sk-admin-HOSTILEhostile0123456789secret"
DAY = 86400
START = 1767225600  # 2026-01-01T00:00:00Z
QUERY = Query.build("images", START, START + 3 * DAY, limit=1)  # three pages of one day


def client(base_url: str, **options: Any) -> Client:
    options.setdefault("retry", Retry(retries=0))
    options.setdefault("read_timeout", 30)  # a margin for every answer on a busy machine; the deadline tests set less
    return Client(KEY, base_url=base_url, sleep=lambda _: None, **options)


def run(answer: Callable[[Request, BinaryIO], None], query: Query = QUERY, **options: Any) -> tuple[list[Any], Any]:
    """The pages yielded and the error raised (or `None`) against a server answering with `answer`."""
    hostile = Hostile(answer)
    got: list[Any] = []
    error: FetchError | None = None
    for base_url in serve(hostile):
        try:
            got.extend(iter_query_pages(client(base_url, **options), query))
        except FetchError as raised:
            error = raised
    assert not hostile.overflowed
    return got, (error, hostile.requests)


def bent(change: Callable[[Request, dict[str, Any]], dict[str, Any] | None]) -> Callable[[Request, BinaryIO], None]:
    """An honest server whose answers `change` may replace."""

    def answer(request: Request, out: BinaryIO) -> None:
        honest = honest_page(request)
        send_json(out, 200, change(request, honest) or honest)

    return answer


def second(replacement: dict[str, Any]) -> Callable[[Request, dict[str, Any]], dict[str, Any] | None]:
    return lambda request, honest: replacement if request.number == 2 else None


PAGE_PROBLEMS = {
    "from another year": (
        second(page([bucket(1420070400, 1420070400 + DAY)], "c2")),
        "the bucket 2015-01-01T00:00:00Z to 2015-01-02T00:00:00Z lies outside the range asked for"
        " (2026-01-01T00:00:00Z to 2026-01-04T00:00:00Z)",
    ),
    "minute buckets for a day": (
        second(page([bucket(START + DAY + 60 * n, START + DAY + 60 * (n + 1)) for n in range(3)], "c2")),
        "the bucket 2026-01-02T00:00:00Z to 2026-01-02T00:01:00Z is 60 s long, not the 1d asked for",
    ),
    "the first page again": (
        second(page([bucket(START, START + DAY)], "c2")),
        "the bucket starting at 2026-01-01T00:00:00Z does not follow the one ending at 2026-01-02T00:00:00Z:"
        " the API repeated or reordered buckets",
    ),
    "a day left out": (
        second(page([bucket(START + 2 * DAY, START + 3 * DAY)])),
        "the bucket starting at 2026-01-03T00:00:00Z leaves a gap after the one ending at 2026-01-02T00:00:00Z",
    ),
    "an end before the start": (
        second(page([bucket(START + DAY, START)], "c2")),
        "the bucket starting at 2026-01-02T00:00:00Z ends at 2026-01-01T00:00:00Z, not after it",
    ),
    "a listing that stops early": (
        second(page([bucket(START + DAY, START + 2 * DAY)])),
        "the listing ends at 2026-01-03T00:00:00Z, before the end asked for (2026-01-04T00:00:00Z):"
        " buckets are missing",
    ),
    "an empty page that says there is more": (
        second(page([], "c9")),
        "has_more is true but the page holds no buckets: the listing does not advance",
    ),
}


@pytest.mark.parametrize(("answer", "problem"), PAGE_PROBLEMS.values(), ids=PAGE_PROBLEMS)
def test_a_page_that_does_not_answer_its_query_stops_the_fetch_and_is_never_yielded(
    answer: Callable[[Request, BinaryIO], None], problem: str
) -> None:
    got, (error, requests) = run(bent(answer))
    assert str(error) == f"page 2 of images: {problem}; nothing from this page was kept"
    assert [page.to_dict() for page in got] == [page([bucket(START, START + DAY)], "c1")]
    assert (error.pages, error.next_page, len(requests)) == (1, "c1", 2)


def test_an_empty_listing_is_refused() -> None:
    _, (error, _) = run(bent(lambda request, honest: page([])))
    assert str(error) == "page 1 of images: the listing holds no buckets; nothing from this page was kept"


def test_the_first_and_last_buckets_may_be_cut_by_the_range() -> None:
    query = Query.build("images", START + 3600, START + 2 * DAY + 7200)
    got, (error, _) = run(bent(lambda request, honest: None), query)
    assert error is None
    spans = [(b.start_time - START, b.end_time - START) for p in got for b in p.data]
    assert spans == [(3600, DAY), (DAY, 2 * DAY), (2 * DAY, 2 * DAY + 7200)]


@pytest.mark.parametrize("beyond", [False, True], ids=["empty pages", "buckets past the end"])
def test_endless_cursors_stop_at_once(beyond: bool) -> None:
    def endless(request: Request, honest: dict[str, Any]) -> dict[str, Any]:
        if request.number == 1:
            return page([bucket(START, START + DAY)], "c1")
        later = START + (request.number + 3) * DAY
        return page([bucket(later, later + DAY)] if beyond else [], f"c{request.number}")

    _, (error, requests) = run(bent(endless))
    assert len(requests) == 2
    assert str(error).startswith("page 2 of images: ")
    assert ("lies outside the range asked for" if beyond else "does not advance") in str(error)


def test_the_range_covered_ends_the_listing_whatever_has_more_says() -> None:
    last = page([bucket(START + 2 * DAY, START + 3 * DAY)], "c3")  # the costs endpoint's has_more at the end
    got, (error, requests) = run(bent(lambda request, honest: last if request.number == 3 else None))
    assert (error, len(requests)) == (None, 3)
    assert (got[-1].has_more, got[-1].next_page) == (False, None)


def slow_body(request: Request, out: BinaryIO) -> None:
    body = json.dumps(honest_page(request)).encode()
    out.write(f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode())
    for index in range(len(body)):
        out.write(body[index : index + 1])
        out.flush()
        time.sleep(0.02)  # each byte well within the deadline, the whole (2 s or more) beyond it


def slow_headers(request: Request, out: BinaryIO) -> None:
    for _ in range(200):
        out.write(b"HTTP/1.1 200 OK\r\n" if _ == 0 else b"X-Slow: a\r\n")
        out.flush()
        time.sleep(0.02)


@pytest.mark.parametrize("answer", [slow_body, slow_headers])
def test_one_deadline_bounds_the_whole_answer(answer: Callable[[Request, BinaryIO], None]) -> None:
    # A deadline per read would wait for the slow body whole (and take it) or for the headers to end.
    _, (error, _) = run(answer, read_timeout=1)
    assert str(error) == "page 1 of images: gave up: no whole answer within 1 s (1 attempt)"


def endless_chunks(request: Request, out: BinaryIO) -> None:
    out.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"[" * 65536
    for _ in range(1000):  # 64 MiB at most, though the client stops long before
        out.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))


def huge_length(request: Request, out: BinaryIO) -> None:
    out.write(b"HTTP/1.1 200 OK\r\nContent-Length: 400000000\r\n\r\n{")


@pytest.mark.parametrize("answer", [endless_chunks, huge_length])
def test_an_answer_past_the_cap_is_refused_without_reading_on(answer: Callable[[Request, BinaryIO], None]) -> None:
    _, (error, requests) = run(answer, max_response_bytes=200_000)
    assert str(error) == (
        "page 1 of images: the answer is larger than 200,000 bytes, the most read as one answer; nothing of it was kept"
    )
    assert len(requests) == 1  # not retried: it would be as large again


def test_the_answer_cap_is_the_document_cap_by_default() -> None:
    assert MAX_RESPONSE_BYTES == MAX_DOCUMENT_BYTES == 64 * 1024 * 1024
    assert Client(KEY).max_response_bytes == MAX_RESPONSE_BYTES


def assert_no_part_of_the_key(text: str) -> None:
    assert mask_key(text, KEY) == text, text


def error_answer(status: int, message: str) -> Callable[[Request, BinaryIO], None]:
    return lambda request, out: send_json(out, status, error_body(message))


def test_a_message_cut_short_keeps_no_part_of_the_key() -> None:
    _, (error, _) = run(error_answer(500, "x" * 170 + " provided: " + KEY))
    assert_no_part_of_the_key(str(error))
    assert str(error).endswith("x provided: [admin key]) (1 attempt)")


@pytest.mark.parametrize(
    "where",
    ["object", "project_id", "cursor", "escaped cursor"],
)
def test_an_answer_that_holds_the_key_is_refused_and_never_quoted(where: str) -> None:
    def answer(request: Request, honest: dict[str, Any]) -> dict[str, Any]:
        result = {"object": "organization.usage.images.result", "images": 1, "num_model_requests": 1}
        if where in ("object", "project_id"):
            result[where] = KEY
        first = page([{**bucket(START, START + DAY), "results": [result]}], "c1")
        if where == "cursor":
            first["next_page"] = "c1" + KEY
        elif where == "escaped cursor":
            first["next_page"] = "c1" + KEY.replace("s", "\\u0073")
        return first

    def raw(request: Request, out: BinaryIO) -> None:
        text = json.dumps(answer(request, {})).replace("\\\\u0073", "\\u0073")
        send(out, 200, text.encode())

    got, (error, requests) = run(raw)
    assert got == []
    assert len(requests) == 1
    assert str(error) == (
        "page 1 of images: the answer holds the admin key (or the start of it): nothing of it was kept"
    )


def test_a_cursor_that_holds_the_key_is_never_sent() -> None:
    hostile = Hostile(bent(lambda request, honest: None))
    held = UsageResponse[UsageImagesResult].model_validate(page([bucket(START, START + DAY)], "c1" + KEY[9:17]))
    for base_url in serve(hostile):
        with pytest.raises(FetchError) as raised:
            list(iter_query_pages(client(base_url), QUERY, [held]))
    assert hostile.requests == []
    assert str(raised.value) == (
        "page 2 of images: the next request would carry the admin key (in a cursor or filter): not sending it"
    )


@pytest.mark.parametrize(
    ("text", "holds", "masked"),
    [
        pytest.param(KEY, True, "[admin key]", id="the key"),
        pytest.param(f"key: {KEY[:17]}.", True, "key: [admin key].", id="8 characters of its secret"),
        pytest.param(f"key: {KEY[9:17]}.", True, "key: [admin key].", id="its secret without the label"),
        pytest.param(f"key: {KEY[:16]}.", False, None, id="7 characters of its secret"),
        pytest.param('{"redacted_value": "sk-admin...cret"}', False, None, id="an admin key redacted"),
        pytest.param('{"redacted_value": "sk-proj-...abcd"}', False, None, id="a project key redacted"),
        pytest.param('{"redacted_value": "sk-admin-HOSTILEh...cret"}', True, None, id="more of it, redacted"),
        pytest.param('{"name": "\\u0048OSTILEhostile"}', True, None, id="its secret behind escapes"),
    ],
)
def test_the_key_is_eight_characters_or_more_of_its_secret_after_the_public_label(
    text: str, holds: bool, masked: str | None
) -> None:
    tls = Client(KEY, base_url="https://api.openai.com/v1")
    assert (tls.holds_key(text), tls.holds_key(text.encode())) == (holds, holds)
    if masked is not None:
        assert mask_key(text, KEY) == masked
    assert mask_key("sk-admin-short", "sk-admin-short") == "[admin key]"  # a short secret: the whole key


def test_server_text_reaches_messages_with_control_characters_escaped() -> None:
    _, (error, _) = run(error_answer(400, "bad\x1b]0;owned\x07\x1b[2J\x08done"))
    assert str(error) == "page 1 of images: HTTP 400 (bad\\x1b]0;owned\\x07\\x1b[2J\\x08done)"
    assert printable("tab\there é") == "tab\\there é"


@pytest.mark.parametrize("status", [200, 500])
def test_deeply_nested_json_is_one_line_not_a_recursion_error(status: int) -> None:
    _, (error, _) = run(lambda request, out: send(out, status, b'{"error": ' * 100_000))
    message = str(error)
    assert "\n" not in message
    assert message.startswith("page 1 of images: gave up: ")
    if status == 500:
        assert message == "page 1 of images: gave up: HTTP 500 (1 attempt)"
    else:
        assert message.startswith("page 1 of images: gave up: the answer is not JSON (")


def test_a_redirect_names_where_it_points_and_is_not_followed() -> None:
    moved = "https://elsewhere.example/v1/organization/usage/images"
    _, (error, requests) = run(lambda request, out: send(out, 301, b"", {"Location": moved}))
    assert str(error) == (
        f"page 1 of images: HTTP 301 (to {moved}): redirects are not followed, the key is sent only to the base"
        " URL; check the base URL"
    )
    assert len(requests) == 1


@pytest.mark.parametrize("header", [True, False], ids=["Content-Encoding: gzip", "no header"])
def test_a_compressed_answer_that_was_not_asked_for_is_named(header: bool) -> None:
    def answer(request: Request, out: BinaryIO) -> None:
        body = gzip.compress(json.dumps(honest_page(request)).encode())
        send(out, 200, body, {"Content-Encoding": "gzip"} if header else {})

    _, (error, requests) = run(answer)
    assert str(error) == ("page 1 of images: the answer is compressed (gzip), which was not asked for")
    assert requests[0].headers["accept-encoding"] == "identity"


@pytest.fixture
def plain_listener() -> Iterator[tuple[int, list[int]]]:
    """A port where a server answers in plain text whatever it is sent: TLS to it cannot succeed."""
    connections: list[int] = []
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.05)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            connections.append(1)
            with connection:
                connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1], connections
    stop.set()
    thread.join()
    listener.close()


def test_a_tls_error_that_cannot_heal_is_not_retried(plain_listener: tuple[int, list[int]]) -> None:
    port, connections = plain_listener
    tls = Client(KEY, base_url=f"https://127.0.0.1:{port}/v1", retry=Retry(retries=5), sleep=lambda _: None)
    with pytest.raises(FetchError) as raised:
        list(iter_query_pages(tls, QUERY))
    assert str(raised.value) == "page 1 of images: gave up: TLS error: WRONG_VERSION_NUMBER"
    assert len(connections) == 1


def test_costs_grouped_by_api_key_refused_by_the_api_names_the_field() -> None:
    costs = Query.build("costs", START, START + 3 * DAY, group_by=["api_key_id"])
    _, (error, _) = run(error_answer(400, "Invalid group_by value"), costs)
    assert str(error) == (
        "page 1 of costs: HTTP 400 (Invalid group_by value): the costs endpoint is known to refuse group_by"
        " api_key_id although the spec lists it; group by project_id or line_item instead"
    )


@pytest.mark.parametrize("start", [-1, -62135596800])
def test_a_range_before_1970_is_refused(start: int) -> None:
    with pytest.raises(ValueError, match=r"^the range starts before 1970 \("):
        Query.build("images", start)


def test_the_planned_requests_count_the_pages_of_the_range() -> None:
    assert QUERY.planned_requests(now=0) == 3
    assert Query.build("images", START, START + 3650 * DAY, bucket_width="1m").planned_requests(now=0) == 3650
    assert Query.build("costs", START).planned_requests(now=START + 400 * DAY) == 3
