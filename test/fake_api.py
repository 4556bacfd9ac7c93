"""A fake of the Usage and Costs API on 127.0.0.1, serving seeded data, with faults on demand.

It implements the spec's query semantics for every kind in `openapiopenai.fetch.ENDPOINTS`:
`start_time` (required), `end_time` (default: the fake's "now"), `bucket_width` (default `1d`),
`limit` (default and maximum per width; costs 1 to 180), the `page` cursor, `group_by` and the
filters, each array parameter as `name[]=value` or repeated `name=value`. Buckets are aligned to
UTC minutes, hours or days; the first may be partial. Buckets with no usage come back with
`"results": []`. Results group the usage of a bucket by the `group_by` fields, the others `null`.

Faults are set per request number (1 is the first request the fake sees), see `Fault`.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import random
import socket
import ssl
import struct
import threading
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, get_args

from openapiopenai.fetch import BUCKET_WIDTHS, ENDPOINTS, Endpoint

from fake_names import FakeNames, NamesBadRequest, is_names_path

DAY = 86400
WIDTH_SECONDS = {"1m": 60, "1h": 3600, "1d": DAY}
DEFAULT_LIMITS = {"1m": 60, "1h": 24, "1d": 7}
COSTS_DEFAULT_LIMIT = 7
FAKE_KEY = "sk-admin-FAKEfake0123456789secretvalue"

DATA_START = 1730419200  # 2024-11-01T00:00:00Z
NOW = DATA_START + 40 * DAY + 5 * 3600 + 17 * 60  # the fake's "now": 2024-12-11T05:17Z

Fault = Literal[
    "429",  # too many requests, no Retry-After
    "429-retry-after",  # too many requests, Retry-After: 2
    "500",
    "502",
    "503",
    "reset",  # headers and half the body, then the connection is reset
    "truncated",  # Content-Length says more than is sent, then the connection closes
    "slow",  # no answer: the client's deadline ends the wait
    "invalid-json",  # 200 with a body that is not JSON
    "wrong-kind",  # 200 with a valid page of another kind
    "reject-cursor",  # 400 "page token is invalid", with a cursor or (as a fresh request refused) without
    "echo-key",  # 401 whose message quotes the key sent
    "first-page-again",  # 200 with the first page, whatever the cursor
]

FAULTS: tuple[str, ...] = get_args(Fault)

_POOLS: dict[str, tuple[Any, ...]] = {
    "project_id": ("proj_q4TzL8wX", "proj_7KcHm3Ye", "proj_Zr0aP2mN"),
    "user_id": ("user_1a", "user_2b", "user_3c"),
    "api_key_id": ("key_A", "key_B"),
    "model": ("gpt-4o-2024-08-06", "gpt-4o-mini", "o3"),
    "size": ("1024x1024", "1536x1024", "256x256"),
    "source": ("image.generation", "image.edit", "image.variation"),
    "batch": (True, False),
    "service_tier": ("default", "flex", "priority"),
    "line_item": ("gpt-4o, input", "gpt-4o, output", "Web search tool calls"),
    "vector_store_id": ("vs_1", "vs_2"),
    "context_level": ("low", "medium", "high"),
}
_IMAGE_MODELS = ("gpt-image-1", "dall-e-3", "dall-e-2")
_FILTERED_FIELD = {
    "project_ids": "project_id",
    "user_ids": "user_id",
    "api_key_ids": "api_key_id",
    "models": "model",
    "sizes": "size",
    "sources": "source",
    "vector_store_ids": "vector_store_id",
    "context_levels": "context_level",
    "batch": "batch",
}


class BadRequest(Exception):
    pass


@dataclass
class Event:
    """One moment of usage: its minute, the values of every group-by field, its counters."""

    time: int
    groups: dict[str, Any]
    counters: dict[str, Any]


def _object_value(model: Any) -> str:
    (value,) = get_args(model.model_fields["object"].annotation)
    return str(value)


def _counter_fields(endpoint: Endpoint) -> list[str]:
    names = []
    for name, info in endpoint.model.model_fields.items():
        if info.annotation in (int, int | None):
            names.append(name)
    return names


@dataclass
class FakeApi:
    """The seeded data of every kind, and the answers to queries over it."""

    seed: int = 0
    events_per_kind: int = 400
    now: int = NOW
    key: str = FAKE_KEY
    faults: dict[int, Fault] = field(default_factory=dict)
    always: Fault | None = None
    """A fault for every request not in `faults`."""
    bogus_last_cursor: bool = False
    """Answer the last page with has_more=true and a cursor that is then rejected (the costs quirk)."""
    empty_last_page: bool = False
    """End each listing as the API sometimes does: the page that holds its last bucket says has_more=true,
    and the page after it holds no buckets."""
    answer_up_to: int | None = None
    """When set, a request numbered past it waits (up to a minute) until `allow` lets it through, so that a
    test can stop a client at a request of its choosing."""
    requests: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list, repr=False)
    names: FakeNames = field(default_factory=FakeNames)
    """The organization's projects, users and API keys, for the listings that name ids (`fake_names`)."""
    events: dict[str, list[Event]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        self.events = {}
        self._lock = threading.Condition()
        for kind, endpoint in ENDPOINTS.items():
            counters = _counter_fields(endpoint)
            events = []
            for _ in range(self.events_per_kind):
                # Usage in the first 40 days, minute precision, some of it in the last hour before "now".
                moment = rng.randrange(DATA_START, self.now) // 60 * 60
                pools = {**_POOLS, "model": _IMAGE_MODELS} if kind == "images" else _POOLS
                groups = {name: rng.choice(pools[name]) for name in endpoint.group_by}
                values: dict[str, Any] = {name: rng.randint(1, 50) for name in counters}
                if kind == "costs":
                    values["amount"] = Decimal(rng.randint(1, 9999)) / 100
                events.append(Event(moment, groups, values))
            events.sort(key=lambda event: event.time)
            self.events[kind] = events

    def allow(self, up_to: int | None) -> None:
        """Answer the requests up to number `up_to` (every request when `None`)."""
        with self._lock:
            self.answer_up_to = up_to
            self._lock.notify_all()

    def buckets(self, kind: str, params: Mapping[str, list[str]]) -> list[dict[str, Any]]:
        """Every bucket of the listing a query asks for (all pages), as the API writes them."""
        endpoint = ENDPOINTS[kind]
        start = _integer(params, "start_time", required=True)
        assert start is not None
        end = _integer(params, "end_time") or self.now
        width = _one(params, "bucket_width") or "1d"
        if width not in endpoint.limits:
            raise BadRequest(f"Invalid bucket_width '{width}'")
        if end <= start:
            raise BadRequest("end_time must be after start_time")
        group_by = params.get("group_by", [])
        for name in group_by:
            if name not in endpoint.group_by:
                raise BadRequest(f"Invalid group_by value '{name}'")
        filters: dict[str, list[Any]] = {}
        for name, values in params.items():
            if name in ("start_time", "end_time", "bucket_width", "group_by", "limit", "page"):
                continue
            if name in endpoint.flags:
                filters[_FILTERED_FIELD[name]] = [values[-1] == "true"]
            elif name in endpoint.filters:
                filters[_FILTERED_FIELD[name]] = values
            else:
                raise BadRequest(f"Unrecognized request argument supplied: {name}")
        seconds = WIDTH_SECONDS[width]
        edges = [start, *range((start // seconds + 1) * seconds, end, seconds), end]
        events = [
            event
            for event in self.events[kind]
            if start <= event.time < end and all(event.groups.get(f) in v for f, v in filters.items())
        ]
        buckets = []
        index = 0
        for low, high in itertools.pairwise(edges):
            groups: dict[tuple[Any, ...], dict[str, Any]] = {}
            while index < len(events) and events[index].time < high:
                event = events[index]
                index += 1
                key = tuple(event.groups[name] for name in group_by)
                sums = groups.setdefault(key, {})
                for name, value in event.counters.items():
                    sums[name] = sums.get(name, 0) + value
            results = [
                self._result(endpoint, dict(zip(group_by, key, strict=True)), sums)
                for key, sums in sorted(groups.items(), key=lambda item: repr(item[0]))
            ]
            buckets.append({"object": "bucket", "start_time": low, "end_time": high, "results": results})
        return buckets

    def _result(self, endpoint: Endpoint, grouped: dict[str, Any], sums: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {"object": _object_value(endpoint.model)}
        for name in endpoint.model.model_fields:
            if name == "object":
                continue
            if name == "amount":
                result[name] = {"value": float(sums["amount"]), "currency": "usd"}
            elif name in sums:
                result[name] = sums[name]
            elif name in endpoint.group_by:
                result[name] = grouped.get(name)
            elif name in ("quantity", "quantity_unit"):
                result[name] = None  # nullable; the fake knows no quantities
        return result

    def pages(self, kind: str, params: Mapping[str, list[str]]) -> list[dict[str, Any]]:
        """The whole listing, page by page, as the fake serves it for `params` (without `page`)."""
        pages = []
        cursor: str | None = None
        while True:
            page = self.page(kind, {**params, **({"page": [cursor]} if cursor else {})})
            pages.append(page)
            if not page["has_more"] or page["next_page"] == _BOGUS:
                return pages
            cursor = page["next_page"]

    def page(self, kind: str, params: Mapping[str, list[str]]) -> dict[str, Any]:
        endpoint = ENDPOINTS[kind]
        width = _one(params, "bucket_width") or "1d"
        default, most = (
            (COSTS_DEFAULT_LIMIT, 180)
            if kind == "costs"
            else (DEFAULT_LIMITS.get(width, 7), endpoint.limits.get(width, 0))
        )  # type: ignore[call-overload]
        limit = _integer(params, "limit") or default
        if not 1 <= limit <= most:
            raise BadRequest(f"Invalid limit {limit}: between 1 and {most}")
        buckets = self.buckets(kind, params)
        cursor = _one(params, "page")
        if cursor == _EMPTY and self.empty_last_page:
            return {"object": "page", "data": [], "has_more": False, "next_page": None}
        first = 0
        if cursor is not None:
            first = _decode_cursor(cursor, [bucket["start_time"] for bucket in buckets])
        chosen = buckets[first : first + limit]
        has_more = first + limit < len(buckets)
        next_page = _encode_cursor(buckets[first + limit]["start_time"]) if has_more else None
        if not has_more and self.empty_last_page:
            has_more, next_page = True, _EMPTY
        if not has_more and self.bogus_last_cursor:
            has_more, next_page = True, _BOGUS
        return {"object": "page", "data": chosen, "has_more": has_more, "next_page": next_page}


_BOGUS = "page_AAAA-bogus"
_EMPTY = "page_AAAA-empty"


def _encode_cursor(start: int) -> str:
    return "page_" + base64.urlsafe_b64encode(str(start).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, starts: list[int]) -> int:
    try:
        text = cursor.removeprefix("page_")
        start = int(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode())
        return starts.index(start)
    except ValueError:
        raise BadRequest("page token is invalid") from None


def _one(params: Mapping[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise BadRequest(f"{name} given more than once")
    return values[0]


def _integer(params: Mapping[str, list[str]], name: str, required: bool = False) -> int | None:
    text = _one(params, name)
    if text is None:
        if required:
            raise BadRequest(f"Missing required parameter: '{name}'")
        return None
    try:
        return int(text)
    except ValueError:
        raise BadRequest(f"Invalid integer for {name}: {text!r}") from None


def query_params(query: str) -> dict[str, list[str]]:
    """The query string's values by name, `name[]` and repeated `name` alike."""
    params: dict[str, list[str]] = {}
    for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query)):
        params.setdefault(name.removesuffix("[]"), []).append(value)
    return params


def _error_body(message: str, kind: str = "invalid_request_error") -> bytes:
    return json.dumps({"error": {"message": message, "type": kind, "param": None, "code": None}}).encode()


class _Handler(BaseHTTPRequestHandler):
    fake: FakeApi
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        with self.fake._lock:
            self.fake.requests.append((url.path, urllib.parse.parse_qsl(url.query, keep_blank_values=True)))
            number = len(self.fake.requests)
            fault = self.fake.faults.get(number, self.fake.always)
            up_to = lambda: self.fake.answer_up_to is None or number <= self.fake.answer_up_to  # noqa: E731
            self.fake._lock.wait_for(up_to, timeout=60)
        kind = self._kind(url.path)
        if kind is None and is_names_path(url.path.removeprefix("/v1")):
            kind = url.path.removeprefix("/v1")  # one of the listings that name ids
        if kind is None:
            self._send(404, _error_body(f"Invalid URL (GET {url.path})"))
            return
        if fault == "echo-key":
            sent = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
            self._send(401, _error_body(f"Incorrect API key provided: {sent}.", "invalid_api_key"))
            return
        if self.headers.get("Authorization") != f"Bearer {self.fake.key}":
            self._send(401, _error_body("Missing scopes: api.usage.read.", "invalid_request_error"))
            return
        try:
            params = query_params(url.query)
            if fault == "reject-cursor":
                raise BadRequest("page token is invalid")
            if params.get("page") == [_BOGUS]:
                raise BadRequest("page token is invalid")
            page = self.fake.names.page(kind, params) if kind not in ENDPOINTS else self.fake.page(kind, params)
        except (BadRequest, NamesBadRequest) as error:
            self._send(400, _error_body(str(error)))
            return
        body = json.dumps(page).encode()
        if fault is None:
            self._send(200, body)
        elif fault in ("429", "429-retry-after"):
            headers = {"Retry-After": "2"} if fault == "429-retry-after" else {}
            self._send(429, _error_body("Rate limit reached", "requests"), headers)
        elif fault in ("500", "502", "503"):
            self._send(
                int(fault), _error_body("The server had an error while processing your request.", "server_error")
            )
        elif fault == "reset":
            self._start(200, len(body))
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            # Close with a reset rather than an orderly shutdown.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
        elif fault == "truncated":
            self._start(200, len(body))
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
        elif fault == "slow":
            # No answer until the client stops waiting for it (at its deadline), however loaded the machine.
            self.connection.settimeout(60)
            with contextlib.suppress(OSError):
                self.connection.recv(1)
            self.close_connection = True
        elif fault == "invalid-json":
            self._send(200, b'{"object": "page", "data": [{"object": "bucket", ')
        elif fault == "wrong-kind":
            other = "costs" if kind != "costs" else "images"
            wrong = self.fake.page(other, {"start_time": [str(DATA_START)], "bucket_width": ["1d"]})
            self._send(200, json.dumps(wrong).encode())
        elif fault == "first-page-again":
            first = {name: values for name, values in params.items() if name not in ("page", "after")}
            again = self.fake.names.page(kind, first) if kind not in ENDPOINTS else self.fake.page(kind, first)
            self._send(200, json.dumps(again).encode())

    def _kind(self, path: str) -> str | None:
        for kind, endpoint in ENDPOINTS.items():
            if path == "/v1" + endpoint.path:
                return kind
        return None

    def _start(self, status: int, length: int, headers: Mapping[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(length))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()

    def _send(self, status: int, body: bytes, headers: Mapping[str, str] | None = None) -> None:
        self._start(status, len(body), headers)
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    tls: ssl.SSLContext | None = None

    def get_request(self) -> tuple[socket.socket, Any]:
        connection, address = super().get_request()
        # The handshake here: a client that refuses the certificate ends it, and the request is never read.
        return (connection if self.tls is None else self.tls.wrap_socket(connection, server_side=True)), address

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that went away (a timeout, a kill) is expected here


def serve(fake: FakeApi, tls: ssl.SSLContext | None = None) -> Iterator[str]:
    """Serve `fake` on 127.0.0.1 (over TLS with `tls`) while the generator is suspended; yields the base URL."""
    server = type("Server", (_Server,), {"tls": tls})
    for url in serve_on_loopback(server, type("Handler", (_Handler,), {"fake": fake})):
        yield url if tls is None else url.replace("http:", "https:", 1)


def serve_on_loopback(server_class: Callable[[tuple[str, int], Any], Any], handler: Any) -> Iterator[str]:
    """Serve with `handler` on a free port of 127.0.0.1 while the generator is suspended, in a thread of its own;
    yields the base URL (`.../v1`), and shuts the server down after."""
    server = server_class(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def export_of(pages: list[dict[str, Any]]) -> bytes:
    """The JSON Lines a fetch of these pages writes: one compact page per line."""
    return b"".join(json.dumps(page, separators=(",", ":"), ensure_ascii=False).encode() + b"\n" for page in pages)


__all__ = ["BUCKET_WIDTHS", "DATA_START", "FAKE_KEY", "FAULTS", "NOW", "FakeApi", "export_of", "query_params", "serve"]


def main() -> None:
    """`python test/fake_api.py [--port N] [--seed N]`: serve the fake until interrupted."""
    import argparse

    parser = argparse.ArgumentParser(description="Serve a fake of the Usage and Costs API on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    fake = FakeApi(seed=args.seed)
    handler = type("Handler", (_Handler,), {"fake": fake})
    with _Server(("127.0.0.1", args.port), handler) as server:
        print(f"serving seeded usage at http://127.0.0.1:{server.server_address[1]}/v1", flush=True)
        print(f"admin key: {fake.key}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()


if __name__ == "__main__":
    main()
