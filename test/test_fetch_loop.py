"""The README's example of fetching every page, run against a local HTTP server that serves saved pages."""

import threading
import urllib.parse
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from openapiopenai.fetch import FetchError
from openapiopenai.usage import Totals, totals, totals_by

from docs_examples import example_defining

LISTING = Path(__file__).parent / "data" / "listing"
ADMIN_KEY = "sk-admin-test"


class SavedPages(BaseHTTPRequestHandler):
    """Answers `GET /v1/organization/usage/images` with saved pages, keyed by the `page` cursor."""

    pages: dict[str | None, bytes]
    requests: list[dict[str, list[str]]]

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        self.requests.append(query)
        cursor = query.get("page", [None])[0]
        if url.path != "/v1/organization/usage/images" or cursor not in self.pages:
            self.send_error(404)
        elif self.headers["Authorization"] != f"Bearer {ADMIN_KEY}":
            self.send_error(401)
        else:
            body = self.pages[cursor]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(pages: dict[str | None, bytes]) -> Iterator[tuple[str, list[dict[str, list[str]]]]]:
    requests: list[dict[str, list[str]]] = []
    handler = type("Handler", (SavedPages,), {"pages": pages, "requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def saved(name: str) -> bytes:
    return (LISTING / name).read_bytes()


@pytest.fixture
def fetch_images_usage() -> Callable[..., Any]:
    example = example_defining("fetch_images_usage")
    namespace: dict[str, Any] = {}
    exec(compile(example.code, example.name, "exec"), namespace)
    return namespace["fetch_images_usage"]  # type: ignore[no-any-return]


@pytest.fixture
def three_page_server() -> Iterator[tuple[str, list[dict[str, list[str]]]]]:
    yield from serve(
        {
            None: saved("page_1.json"),
            "page_AAAAAGcZ": saved("page_2.json"),
            "page_AAAAAGcb": saved("page_3.json"),
        }
    )


def test_loop_follows_next_page_until_has_more_is_false(
    fetch_images_usage: Callable[..., Any], three_page_server: tuple[str, list[dict[str, list[str]]]]
) -> None:
    base_url, requests = three_page_server
    listing = fetch_images_usage(ADMIN_KEY, 1730419200, ("model", "size"), base_url=base_url)
    first = {"start_time": ["1730419200"], "bucket_width": ["1d"], "limit": ["31"], "group_by[]": ["model", "size"]}
    assert requests == [first, {**first, "page": ["page_AAAAAGcZ"]}, {**first, "page": ["page_AAAAAGcb"]}]
    assert (listing.pages, listing.complete) == (3, True)
    assert [bucket.start_time for bucket in listing.buckets] == [1730419200 + day * 86400 for day in range(5)]


def test_loop_totals_match_the_saved_pages(
    fetch_images_usage: Callable[..., Any], three_page_server: tuple[str, list[dict[str, list[str]]]]
) -> None:
    listing = fetch_images_usage(ADMIN_KEY, 1730419200, base_url=three_page_server[0])
    results = [result for bucket in listing.buckets for result in bucket.results]
    assert totals(results) == Totals(images=48, num_model_requests=26)
    assert totals_by(results, "model") == {
        ("dall-e-3",): Totals(23, 11),
        ("gpt-image-1",): Totals(20, 10),
        ("dall-e-2",): Totals(5, 5),
    }


def test_loop_refuses_a_listing_that_stops_early(fetch_images_usage: Callable[..., Any]) -> None:
    truncated = saved("page_2.json").replace(b'"page_AAAAAGcb"', b"null")
    for base_url, _ in serve({None: saved("page_1.json"), "page_AAAAAGcZ": truncated}):
        with pytest.raises(
            FetchError,
            match=r"^page 2 of images: has_more is true but next_page is null: the listing is incomplete;"
            r" nothing from this page was kept$",
        ):
            fetch_images_usage(ADMIN_KEY, 1730419200, base_url=base_url)
