"""Servers on 127.0.0.1 that misbehave on purpose: each request is answered by a function of the test.

`serve(answer)` runs a server whose every request (its number, path, query and headers, recorded in
`Hostile.requests`) is passed to `answer(request, out)`, which writes raw bytes to the connection:
a well-formed answer through `send`, or anything else (a body a byte at a time, an endless chunked
body, a redirect). `honest_pages` gives the pages an honest API would answer for a query, for tests
that bend one thing about them.
"""

from __future__ import annotations

import itertools
import json
import socketserver
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from fake_api import query_params, serve_on_loopback

WIDTHS = {"1m": 60, "1h": 3600, "1d": 86400}


@dataclass(frozen=True)
class Request:
    number: int
    """1 for the first request the server sees."""
    path: str
    params: dict[str, list[str]]
    headers: dict[str, str]
    target: str
    """The request target as sent: path and query string."""


Answer = Callable[[Request, BinaryIO], None]


@dataclass
class Hostile:
    answer: Answer
    requests: list[Request] = field(default_factory=list)
    most_requests: int = 200
    """A bound for every test: past it, the server answers 503 and says so in `overflowed`."""
    overflowed: bool = False


def send(out: BinaryIO, status: int, body: bytes, headers: Mapping[str, str] | None = None) -> None:
    head = [f"HTTP/1.1 {status} Whatever", f"Content-Length: {len(body)}", "Connection: close"]
    head += [f"{name}: {value}" for name, value in (headers or {}).items()]
    out.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)


def send_json(out: BinaryIO, status: int, data: Any, headers: Mapping[str, str] | None = None) -> None:
    send(out, status, json.dumps(data).encode(), {"Content-Type": "application/json", **(headers or {})})


def error_body(message: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": None}}


def bucket(start: int, end: int) -> dict[str, Any]:
    return {"object": "bucket", "start_time": start, "end_time": end, "results": []}


def page(buckets: list[dict[str, Any]], next_page: str | None = None) -> dict[str, Any]:
    return {"object": "page", "data": buckets, "has_more": next_page is not None, "next_page": next_page}


def honest_pages(params: Mapping[str, list[str]]) -> list[dict[str, Any]]:
    """Every page of the listing an honest API answers for `params` (empty buckets, cursors `c1`, `c2`...)."""
    start = int(params["start_time"][0])
    end = int(params["end_time"][0])
    width = WIDTHS[params.get("bucket_width", ["1d"])[0]]
    limit = int(params["limit"][0])
    edges = [start, *range((start // width + 1) * width, end, width), end]
    buckets = [bucket(low, high) for low, high in itertools.pairwise(edges)]
    chunks = [buckets[index : index + limit] for index in range(0, len(buckets), limit)]
    return [page(chunk, f"c{number}" if number < len(chunks) else None) for number, chunk in enumerate(chunks, 1)]


def honest_page(request: Request) -> dict[str, Any]:
    """The page an honest API answers to `request`."""
    pages = honest_pages(request.params)
    cursor = request.params.get("page", ["c0"])[0]
    return pages[int(cursor.removeprefix("c"))]


class _Handler(socketserver.StreamRequestHandler):
    hostile: Hostile

    def handle(self) -> None:
        line = self.rfile.readline(65537).decode("latin-1")
        if not line:
            return
        headers: dict[str, str] = {}
        while (header := self.rfile.readline(65537).decode("latin-1")) not in ("\r\n", "\n", ""):
            name, _, value = header.partition(":")
            headers[name.strip().lower()] = value.strip()
        target = line.split()[1]
        url = urllib.parse.urlsplit(target)
        hostile = self.hostile
        request = Request(len(hostile.requests) + 1, url.path, query_params(url.query), headers, target)
        hostile.requests.append(request)
        if request.number > hostile.most_requests:
            hostile.overflowed = True
            send_json(self.wfile, 503, error_body("too many requests in one test"))
            return
        try:
            hostile.answer(request, self.wfile)  # type: ignore[arg-type]
            self.wfile.flush()
        except OSError:
            pass  # the client went away (a deadline, a cap): expected here


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


def serve(hostile: Hostile) -> Iterator[str]:
    """Serve `hostile` on 127.0.0.1 while the generator is suspended; yields the base URL (`.../v1`)."""
    yield from serve_on_loopback(_Server, type("Handler", (_Handler,), {"hostile": hostile}))
