"""Getting usage and costs listings from the API: every page, validated, exactly once, or a clear error.

`Client` speaks HTTPS through the standard library (a deadline and a size cap per answer, bounded
retries; the key only in the `Authorization` header); `iter_query_pages` checks each page against
its query before yielding it. See docs/fetch.md.
"""

from __future__ import annotations

import contextlib
import email.utils
import http.client
import ipaddress
import json
import math
import os
import random
import re
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Final, Literal, TypeAlias, TypedDict, TypeVar, get_args

from pydantic import ValidationError
from typing_extensions import Unpack

from openapiopenai.models import KINDS, ApiModel, KindName, ResultKind, UsageResponse
from openapiopenai.models._base import focus_on_wrong_objects
from openapiopenai.usage import UsageListing, combine_pages

BucketWidth = Literal["1m", "1h", "1d"]
"""The width of a time bucket: a minute, an hour or a (UTC) day."""

BUCKET_WIDTHS: Final[tuple[BucketWidth, ...]] = get_args(BucketWidth)
DEFAULT_BASE_URL: Final = "https://api.openai.com/v1"
ADMIN_KEY_VARIABLE: Final = "OPENAI_ADMIN_KEY"
MAX_RESPONSE_BYTES: Final = 64 * 1024 * 1024
"""The default cap on one answer's body: 64 MiB, the most read as one document (`MAX_DOCUMENT_BYTES`)."""
WIDTH_SECONDS: Final[Mapping[BucketWidth, int]] = MappingProxyType({"1m": 60, "1h": 3600, "1d": 86400})

_ResultT = TypeVar("_ResultT", bound=ApiModel)
_T = TypeVar("_T")

Filters: TypeAlias = Mapping[str, "Sequence[str] | bool"]
"""Filters of a query by their query parameter name: `{"project_ids": ["proj_1"], "batch": True}`."""

_USAGE_FILTERS: Final = ("project_ids", "user_ids", "api_key_ids", "models")
# The most buckets a page may hold, per bucket width (the spec's `limit` maximum).
_USAGE_LIMITS: Final[Mapping[BucketWidth, int]] = MappingProxyType({"1m": 1440, "1h": 168, "1d": 31})


@dataclass(frozen=True)
class Endpoint(ResultKind):
    """One kind's operation: the kind (name, path, result model, group-by fields) and its other query parameters."""

    filters: Mapping[str, tuple[str, ...] | None]
    """The array filters and the values each accepts (`None`: any string)."""
    flags: tuple[str, ...]
    """The boolean filters."""
    limits: Mapping[BucketWidth, int]
    """The bucket widths the endpoint accepts, each with the most buckets one page may hold."""


def _endpoint(
    name: KindName,
    *names: str,
    flags: tuple[str, ...] = (),
    limits: Mapping[BucketWidth, int] = _USAGE_LIMITS,
    **enums: tuple[str, ...] | None,
) -> Endpoint:
    kind = KINDS[name]
    return Endpoint(kind.name, kind.path, kind.model, kind.group_by, {**dict.fromkeys(names), **enums}, flags, limits)


ENDPOINTS: Final[Mapping[str, Endpoint]] = MappingProxyType(
    {
        endpoint.name: endpoint
        for endpoint in (
            _endpoint("completions", *_USAGE_FILTERS, flags=("batch",)),
            _endpoint("embeddings", *_USAGE_FILTERS),
            _endpoint("moderations", *_USAGE_FILTERS),
            # The spec's list of sizes is out of date (newer models have other sizes): any size is passed on.
            _endpoint(
                "images", *_USAGE_FILTERS, sources=("image.generation", "image.edit", "image.variation"), sizes=None
            ),
            _endpoint("audio_speeches", *_USAGE_FILTERS),
            _endpoint("audio_transcriptions", *_USAGE_FILTERS),
            _endpoint("vector_stores", "project_ids"),
            _endpoint("code_interpreter_sessions", "project_ids"),
            _endpoint("file_search_calls", "project_ids", "user_ids", "api_key_ids", "vector_store_ids"),
            _endpoint("web_search_calls", *_USAGE_FILTERS, context_levels=("low", "medium", "high")),
            _endpoint("costs", "project_ids", "api_key_ids", limits=MappingProxyType({"1d": 180})),
        )
    }
)
"""Every kind the API lists, by name, with the query parameters the spec allows for it."""


def endpoint_for(result: type[ApiModel]) -> Endpoint:
    """The endpoint whose results `result` models; `ValueError` for a model of no endpoint."""
    found = next((endpoint for endpoint in ENDPOINTS.values() if endpoint.model is result), None)
    if found is None:
        raise ValueError(f"{result.__name__} is not the result of any usage or costs endpoint")
    return found


@dataclass(frozen=True)
class Query:
    """One listing, checked against what the spec allows for its kind (`ValueError`); see docs/fetch.md."""

    kind: str
    start_time: int
    end_time: int | None = None
    bucket_width: BucketWidth = "1d"
    group_by: tuple[str, ...] = ()
    filters: tuple[tuple[str, tuple[str, ...] | bool], ...] = ()
    limit: int = 0

    def __post_init__(self) -> None:
        endpoint = ENDPOINTS.get(self.kind)
        if endpoint is None:
            raise ValueError(f"unknown kind {self.kind!r}: choose from {', '.join(ENDPOINTS)}")
        if self.bucket_width not in endpoint.limits:
            raise ValueError(
                f"{self.kind} takes bucket width {' or '.join(endpoint.limits)}, not {self.bucket_width!r}"
            )
        if self.start_time < 0:
            raise ValueError(f"the range starts before 1970 ({self.start_time}), before there was any usage to list")
        if self.end_time is not None and self.end_time <= self.start_time:
            raise ValueError("the end of the range must come after its start")
        for name in self.group_by:
            if name not in endpoint.group_by:
                raise ValueError(
                    f"{self.kind} cannot be grouped by {name!r}: choose from {', '.join(endpoint.group_by)}"
                )
        if len(set(self.group_by)) != len(self.group_by):
            raise ValueError("group_by names a field twice")
        for name, values in self.filters:
            if name in endpoint.flags:
                if not isinstance(values, bool):
                    raise ValueError(f"the {name} filter is true or false")
                continue
            if name not in endpoint.filters:
                known = ", ".join([*endpoint.filters, *endpoint.flags])
                raise ValueError(f"{self.kind} has no filter {name!r}: choose from {known}")
            if isinstance(values, bool) or not values:
                raise ValueError(f"the {name} filter needs at least one value")
            allowed = endpoint.filters[name]
            for value in values:
                if allowed is not None and value not in allowed:
                    raise ValueError(f"{name} cannot be {value!r}: choose from {', '.join(allowed)}")
        most = endpoint.limits[self.bucket_width]
        if self.limit == 0:
            object.__setattr__(self, "limit", most)
        elif not 1 <= self.limit <= most:
            raise ValueError(f"limit must be 1 to {most} for bucket width {self.bucket_width}, not {self.limit}")

    @classmethod
    def build(
        cls,
        kind: str,
        start_time: int,
        end_time: int | None = None,
        *,
        bucket_width: BucketWidth = "1d",
        group_by: Sequence[str] = (),
        filters: Filters | None = None,
        limit: int | None = None,
    ) -> Query:
        """A query from ordinary Python values; filters are kept in a fixed order."""
        if isinstance(group_by, str):
            raise TypeError("group_by is a sequence of field names, not one string")
        normalised: list[tuple[str, tuple[str, ...] | bool]] = []
        for name, values in sorted((filters or {}).items()):
            if isinstance(values, str):
                raise TypeError(f"the {name} filter is a sequence of values, not one string")
            normalised.append((name, values if isinstance(values, bool) else tuple(values)))
        return cls(kind, start_time, end_time, bucket_width, tuple(group_by), tuple(normalised), limit or 0)

    @property
    def endpoint(self) -> Endpoint:
        return ENDPOINTS[self.kind]

    def parameters(self, page: str | None = None) -> list[tuple[str, str]]:
        """The query string's pairs for one request; arrays as `name[]=value`, as OpenAI's SDK sends them."""
        pairs = [("start_time", str(self.start_time))]
        if self.end_time is not None:
            pairs.append(("end_time", str(self.end_time)))
        pairs += [("bucket_width", self.bucket_width), ("limit", str(self.limit))]
        pairs += [("group_by[]", name) for name in self.group_by]
        for name, values in self.filters:
            if isinstance(values, bool):
                pairs.append((name, "true" if values else "false"))
            else:
                pairs += [(f"{name}[]", value) for value in values]
        return pairs if page is None else [*pairs, ("page", page)]

    def planned_requests(self, now: int) -> int:
        """The fewest requests the listing takes: its buckets (up to `now` without an end) over the page size."""
        end = self.end_time if self.end_time is not None else max(now, self.start_time + 1)
        width = WIDTH_SECONDS[self.bucket_width]
        buckets = -(-(end - self.start_time) // width) + (1 if self.start_time % width else 0)
        return -(-buckets // self.limit)

    def to_dict(self) -> dict[str, Any]:
        """The query as JSON-ready data (no secret), for saving beside an export; `Query.build(**data)` rebuilds it."""
        filters = {name: values if isinstance(values, bool) else list(values) for name, values in self.filters}
        return {**self.__dict__, "group_by": list(self.group_by), "filters": filters}


class FetchError(Exception):
    """A listing could not be fetched to its end: one line naming the page reached, the `pages` yielded
    before it and the cursor to continue from (`next_page`, `None` before the first)."""

    def __init__(self, message: str, *, pages: int = 0, next_page: str | None = None) -> None:
        super().__init__(message)
        self.pages = pages
        self.next_page = next_page


class CursorRejectedError(FetchError):
    """The API refused a cursor it gave itself (`400`), and asking afresh did not help: the listing is incomplete."""


@dataclass(frozen=True)
class Retry:
    """How often and how long to retry a failed request (see docs/fetch.md, "Faults and bounds")."""

    retries: int = 5
    initial: float = 0.5
    cap: float = 8.0
    max_retry_after: float = 300.0

    def delay(self, attempt: int, draw: float, retry_after: float | None = None) -> float:
        """The wait before retry number `attempt` (0 for the first), given a random `draw` in [0, 1)."""
        backoff = min(self.cap, self.initial * 2.0**attempt) * (0.5 + draw / 2)
        return backoff if retry_after is None else max(backoff, retry_after)


_HEADER_SAFE: Final = re.compile(r"[!-~]+")
# Every admin key begins with this public label; what follows it is the secret.
_KEY_LABEL: Final = "sk-admin-"
# A part of the secret this long or longer is masked wherever it appears; shorter parts say nothing.
_KEY_PART: Final = 8
_MASK: Final = "[admin key]"
_KEY_NEEDED: Final = (
    "this needs an organization admin key (sk-admin-...), not a project key, with the api.usage.read scope"
    " for usage and costs"
)
_HEADERS: Final = {"Accept": "application/json", "Accept-Encoding": "identity", "User-Agent": "openapiopenai"}
_UNICODE_ESCAPE: Final = re.compile(r"\\u([0-9a-fA-F]{4})")
_ERROR_BODY_BYTES: Final = 1024 * 1024
# TLS failures that the same request will meet again: retrying them only delays the message.
_LASTING_TLS: Final = re.compile(
    "WRONG_VERSION_NUMBER|UNSUPPORTED_PROTOCOL|TLSV1_ALERT_PROTOCOL_VERSION|NO_PROTOCOLS_AVAILABLE|HTTP_REQUEST"
    "|TLSV1_ALERT_UNKNOWN_CA|SSLV3_ALERT_HANDSHAKE_FAILURE|SSLV3_ALERT_BAD_CERTIFICATE|TLSV1_UNRECOGNIZED_NAME"
)


class _Failed(Exception):
    """A failed request: for good, or `retryable` (after `retry_after` seconds, if the server said);
    `status` is the HTTP status of a refusal (0 otherwise)."""

    def __init__(
        self, message: str, status: int = 0, *, retryable: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after


class Client:
    """A connection to the API (docs/fetch.md, "In Python"); the key is never shown, `repr` included."""

    def __init__(
        self,
        admin_key: str | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        retry: Retry | None = None,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = random.random,
        on_retry: Callable[[str, float], None] | None = None,
    ) -> None:
        key = os.environ.get(ADMIN_KEY_VARIABLE) if admin_key is None else admin_key
        if not key:
            raise ValueError(f"no admin key: set {ADMIN_KEY_VARIABLE} or pass admin_key")
        if _HEADER_SAFE.fullmatch(key) is None:
            raise ValueError(
                "the admin key has characters an HTTP header cannot carry (spaces, line breaks, non-ASCII)"
            )
        if max_response_bytes < 1:
            raise ValueError("max_response_bytes must be at least 1")
        self._key = key
        self.base_url = _checked_base_url(base_url)
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.max_response_bytes = max_response_bytes
        self.retry = retry or Retry()
        self.sleep = sleep
        self.random = random
        self.on_retry = on_retry
        self._tls = ssl.create_default_context() if self.base_url.startswith("https:") else None

    def __repr__(self) -> str:
        return f"Client(base_url={self.base_url!r})"

    def clean(self, text: str) -> str:
        """Server text made safe to print: the key masked, then control characters escaped."""
        return printable(mask_key(text, self._key))

    def holds_key(self, data: str | bytes) -> bool:
        """Whether `data` holds the key as `mask_key` finds it, also behind JSON's `\\u` escapes."""
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        if "\\u" in text:
            text = _UNICODE_ESCAPE.sub(lambda found: chr(int(found[1], 16)), text)
        return mask_key(text, self._key) != text

    def get(self, path: str, parameters: Sequence[tuple[str, str]], read: Callable[[bytes], _T], what: str) -> _T:
        """GET `path` and return `read(body)` of a `200` answer, retrying what can be retried.

        `read` raises `ValidationError` for a body that is not a page of `what`: a body that is not JSON
        at all is retried, any other ends the request. A request that would carry the key (in a cursor
        sent back) is never made, and a body that holds it is refused.
        """
        target = urllib.parse.urlsplit(self.base_url)
        query = urllib.parse.urlencode(parameters)
        if self.holds_key(urllib.parse.unquote_plus(query)):
            raise _Failed("the next request would carry the admin key (in a cursor or filter): not sending it")
        url_path = target.path.rstrip("/") + path + "?" + query
        attempt = 0
        while True:
            try:
                body = self._attempt(target, url_path)
                try:
                    return read(body)
                except ValidationError as error:
                    invalid = [detail["msg"] for detail in error.errors() if detail["type"] == "json_invalid"]
                    if not invalid:
                        problem = self.clean(_first_problem(error))
                        raise _Failed(f"the answer is not a valid page of {what}: {problem}") from None
                    said = invalid[0].removeprefix("Invalid JSON: ")
                    shown = "cut short?" if "EOF" in said else _cut(printable(said), 80)
                    raise _Failed(f"the answer is not JSON ({shown})", retryable=True) from None
            except _Failed as failure:
                if not failure.retryable:
                    raise
                problem = self.clean(str(failure))
                if attempt == self.retry.retries:
                    raise _Failed(f"gave up: {problem} ({attempt + 1} attempt{'s' if attempt else ''})") from None
                if failure.retry_after is not None and failure.retry_after > self.retry.max_retry_after:
                    raise _Failed(
                        f"gave up: {problem}, asking to wait {failure.retry_after:g} s"
                        f" (more than {self.retry.max_retry_after:g} s)"
                    ) from None
                wait = self.retry.delay(attempt, self.random(), failure.retry_after)
                if self.on_retry is not None:
                    self.on_retry(problem, wait)
                self.sleep(wait)
                attempt += 1

    def _attempt(self, target: urllib.parse.SplitResult, url_path: str) -> bytes:
        """One request: the body of a `200` answer, or an exception saying what came instead."""
        host, port, timeout = target.hostname or "", target.port, self.connect_timeout
        connection = (
            http.client.HTTPSConnection(host, port, timeout=timeout, context=self._tls)
            if self._tls
            else http.client.HTTPConnection(host, port, timeout=timeout)
        )
        # One deadline for the whole answer: a server that sends a byte a second never ends otherwise.
        expired = threading.Event()
        timer = threading.Timer(self.read_timeout, _cut_off, (connection, expired))
        timer.daemon = True
        late = _Failed(f"no whole answer within {self.read_timeout:g} s", retryable=True)
        try:
            try:
                connection.connect()
                if connection.sock is not None:
                    connection.sock.settimeout(self.read_timeout)
                timer.start()
                connection.request("GET", url_path, headers={**_HEADERS, "Authorization": f"Bearer {self._key}"})
                response = connection.getresponse()
                with contextlib.closing(response):
                    cap = self.max_response_bytes if response.status == 200 else _ERROR_BODY_BYTES
                    body = _read_body(response, cap)
            except (OSError, http.client.HTTPException, ValueError) as error:
                raise (late if expired.is_set() else _network_failure(error)) from None
            if expired.is_set():  # cut off at the deadline: what came may look whole
                raise late
        finally:
            timer.cancel()
            connection.close()
        status = response.status
        if status == 200:
            if body is None:
                raise _Failed(
                    f"the answer is larger than {self.max_response_bytes:,} bytes, the most read as one answer;"
                    " nothing of it was kept"
                )
            encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
            if encoding != "identity" or body.startswith(b"\x1f\x8b"):
                named = "gzip" if encoding == "identity" else self.clean(encoding[:40])
                raise _Failed(f"the answer is compressed ({named}), which was not asked for")
            if self.holds_key(body):
                raise _Failed("the answer holds the admin key (or the start of it): nothing of it was kept")
            return body
        if 300 <= status < 400:
            location = _cut(self.clean(response.getheader("Location") or "nowhere"))
            raise _Failed(
                f"HTTP {status} (to {location}): redirects are not followed, the key is sent only to the base URL;"
                " check the base URL",
                status,
            )
        said = f"HTTP {status}{self._api_message(body or b'')}"
        if status in (401, 403):
            said += f": {_KEY_NEEDED}"
        retryable = status in (408, 409, 429) or status >= 500
        retry_after = _retry_after(response.getheader("Retry-After")) if retryable else None
        raise _Failed(said, status, retryable=retryable, retry_after=retry_after)

    def _api_message(self, body: bytes) -> str:
        """` (the message)` of an OpenAI error body, or nothing: masked and on one line before it is cut
        short, so that no part of the key survives the cut."""
        try:
            message = json.loads(body)["error"]["message"]
        except (ValueError, TypeError, KeyError, RecursionError):
            return ""
        if not isinstance(message, str) or not message:
            return ""
        return f" ({_cut(self.clean(' '.join(message.split())))})"


def _cut_off(connection: http.client.HTTPConnection, expired: threading.Event) -> None:
    expired.set()
    if connection.sock is not None:
        with contextlib.suppress(OSError):
            connection.sock.shutdown(socket.SHUT_RDWR)


def _read_body(response: http.client.HTTPResponse, cap: int) -> bytes | None:
    """The body, or `None` once it is longer than `cap` bytes (the rest is left unread)."""
    length = response.getheader("Content-Length")
    if length is not None and length.strip().isdigit() and int(length) > cap:
        return None
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(64 * 1024):
        size += len(chunk)
        if size > cap:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def mask_key(text: str, key: str) -> str:
    """`text` with every part of `key` that shows 8 or more characters of its secret replaced by `[admin key]`.

    `sk-admin-`, which every admin key begins with, is a public label rather than part of the secret:
    it is masked with the secret after it, but alone (as in the redacted `sk-admin...wxyz` the API
    lists) it is not the key. A key whose secret is shorter than 8 characters is masked whole.
    """
    secret = key.removeprefix(_KEY_LABEL) if len(key) - len(_KEY_LABEL) >= _KEY_PART else key
    head = secret[:_KEY_PART]
    if not head or head not in text:
        return text
    parts: list[str] = []
    done = 0
    while (found := text.find(head, done)) >= 0:
        stop = found + len(head)
        while stop - found < len(secret) and stop < len(text) and text[stop] == secret[stop - found]:
            stop += 1
        if secret is not key and text.endswith(_KEY_LABEL, done, found):
            found -= len(_KEY_LABEL)
        parts += [text[done:found], _MASK]
        done = stop
    return "".join([*parts, text[done:]])


def printable(text: str) -> str:
    """`text` with control characters (escape sequences, line breaks, ...) written as Python escapes,
    so that text from a server cannot move the cursor, set a terminal's title or forge a line."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii") for char in text)


def _cut(text: str, most: int = 200) -> str:
    return text if len(text) <= most else text[:most] + "..."


def _checked_base_url(base_url: str) -> str:
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError("the base URL must be an https:// URL with a host")
    if parts.username is not None or parts.password is not None:
        raise ValueError("the base URL must not carry a user name or password")
    if parts.query or parts.fragment:
        raise ValueError("the base URL must not have a query or fragment")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ValueError(
            f"refusing to send the admin key over plain http to {parts.hostname}: use https"
            " (plain http is allowed only to a loopback address such as 127.0.0.1)"
        )
    return base_url.rstrip("/")


def _is_loopback(host: str) -> bool:
    try:
        return host.lower() == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_NETWORK_PROBLEMS: Final = (
    (TimeoutError, "timed out"),
    (ConnectionResetError, "connection reset"),
    (http.client.IncompleteRead, "the answer was cut short"),
    (http.client.RemoteDisconnected, "the server closed the connection without answering"),
)


def _network_failure(error: BaseException) -> _Failed:
    said = next((said for kind, said in _NETWORK_PROBLEMS if isinstance(error, kind)), None)
    if said is not None:
        return _Failed(said, retryable=True)
    if isinstance(error, ssl.SSLCertVerificationError):
        reason = error.verify_message or error.reason
        return _Failed(f"gave up: TLS error: the server's certificate does not verify ({reason})")
    if isinstance(error, ssl.SSLError):
        lasting = _LASTING_TLS.fullmatch(error.reason or "") is not None
        return _Failed(f"{'gave up: ' if lasting else ''}TLS error: {error.reason or error}", retryable=not lasting)
    return _Failed(f"connection failed: {getattr(error, 'strerror', None) or type(error).__name__}", retryable=True)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` header: a number of seconds or an HTTP date."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError):
            return None
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _first_problem(error: ValidationError) -> str:
    details = focus_on_wrong_objects(error).errors(include_url=False)
    where = ".".join(str(part) for part in details[0]["loc"])
    more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
    return f"{where + ': ' if where else ''}{details[0]['msg']}{more}"


def iso_utc(moment: int) -> str:
    """A Unix time as an ISO time in UTC, for messages."""
    try:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))
    except (OverflowError, OSError, ValueError):
        return str(moment)


def repeated_cursor(client: Client, cursor: str, seen: set[str]) -> str | None:
    """The problem with a cursor the API gave before (a listing that would loop), or `None`; `seen` keeps it."""
    if cursor in seen:
        return (
            f"the API gave the cursor {_cut(client.clean(repr(cursor)), 80)} a second time; stopping rather than loop"
        )
    seen.add(cursor)
    return None


def iter_query_pages(
    client: Client, query: Query, held: Iterable[UsageResponse[Any]] = ()
) -> Iterator[UsageResponse[Any]]:
    """The pages of `query`'s listing, the `held` ones first, each checked against the query before it is
    yielded (docs/fetch.md, "In Python"); `FetchError` names the page reached."""
    page_model: type[UsageResponse[Any]] = UsageResponse[query.endpoint.model]  # type: ignore[name-defined]
    width = WIDTH_SECONDS[query.bucket_width]
    end = query.end_time
    # Without an end, the API lists up to its now: a bucket may reach at most one width past ours.
    latest = end if end is not None else max(int(time.time()), query.start_time) + width
    held_pages = iter(held)
    number = 0
    seen: set[str] = set()
    cursor = given = None  # the cursor of the next request, and the one to continue from
    asked = query  # after a rejected cursor or a complete held listing, the rest of the range
    restarted_at: int | None = None
    expected, last_start = query.start_time, None  # where the next bucket starts, and where the last did

    def fail(message: str, error: type[FetchError] = FetchError) -> FetchError:
        return error(f"page {number + 1} of {query.kind}: {message}", pages=number, next_page=given)

    def bucket_problem(start: int, stop: int, last: bool) -> str | None:
        span = f"{iso_utc(start)} to {iso_utc(stop)}"
        if stop <= start:
            return f"the bucket starting at {iso_utc(start)} ends at {iso_utc(stop)}, not after it"
        if start < query.start_time or stop > latest:
            until = iso_utc(end) if end is not None else "now"
            return f"the bucket {span} lies outside the range asked for ({iso_utc(query.start_time)} to {until})"
        if start < expected:
            return f"the bucket starting at {iso_utc(start)} does not follow the one ending at {iso_utc(expected)}: the API repeated or reordered buckets"
        if start > expected:
            return f"the bucket starting at {iso_utc(start)} leaves a gap after the one ending at {iso_utc(expected)}"
        if stop - start != width and not (stop - start < width and (start == asked.start_time or stop == end or last)):
            return f"the bucket {span} is {stop - start} s long, not the {query.bucket_width} asked for"
        return None

    while True:
        page = next(held_pages, None)
        is_held = page is not None
        if page is None:
            try:
                page = client.get(query.endpoint.path, asked.parameters(cursor), page_model.from_json, query.kind)
            except _Failed as error:
                if error.status == 400 and cursor is not None and expected != restarted_at:
                    # The costs endpoint refuses some of its own cursors; the rest of the range is the same
                    # listing, asked for afresh from the end of the last bucket held.
                    asked, restarted_at, cursor = replace(query, start_time=expected), expected, None
                    continue
                if error.status == 400 and query.kind == "costs" and "api_key_id" in query.group_by:
                    raise fail(
                        f"{error}: the costs endpoint is known to refuse group_by api_key_id although the spec"
                        " lists it; group by project_id or line_item instead"
                    ) from None
                if error.status == 400 and given is not None:
                    at = "" if last_start is None else f" (the last bucket held starts at {last_start})"
                    message = f"the API rejected its own cursor ({error}): the listing is incomplete{at}"
                    raise fail(message, CursorRejectedError) from None
                raise fail(str(error)) from None
        problem = None
        for index, bucket in enumerate(page.data):
            # The last bucket of a listing may be cut by its end: now, or the end of a held listing extended.
            last = index == len(page.data) - 1 and not page.has_more and (end is None or is_held)
            problem = bucket_problem(bucket.start_time, bucket.end_time, last)
            if problem is not None:
                break
            expected, last_start = bucket.end_time, bucket.start_time
        covered = end is not None and expected >= end
        if problem is None and page.has_more and not covered:
            if page.next_page is None:
                problem = "has_more is true but next_page is null: the listing is incomplete"
            elif not page.data:
                problem = "has_more is true but the page holds no buckets: the listing does not advance"
            else:
                problem = repeated_cursor(client, page.next_page, seen)
        elif problem is None and not covered and end is not None and not is_held:
            problem = (
                "the listing holds no buckets"
                if expected == query.start_time
                else f"the listing ends at {iso_utc(expected)}, before the end asked for ({iso_utc(end)}): buckets are missing"
            )
        if problem is not None:
            kept = "the page held there is not part of this listing" if is_held else "nothing from this page was kept"
            raise fail(f"{problem}; {kept}")
        if covered and page.has_more:
            page = page.model_copy(update={"has_more": False, "next_page": None})
        number += 1
        yield page
        if covered and end is not None and is_held and next(held_pages, None) is not None:
            raise fail(
                f"the listing reaches the end asked for ({iso_utc(end)}) before this page;"
                " the page held there is not part of this listing"
            )
        if covered or not (page.has_more or is_held):
            return
        if page.has_more:
            cursor = given = page.next_page
        else:  # a complete held listing that ends before the end asked for: ask for the rest
            asked, cursor, given = replace(query, start_time=expected), None, None


class QueryOptions(TypedDict, total=False):
    """A query's options besides its kind and range, as `Query.build` takes them."""

    bucket_width: BucketWidth
    group_by: Sequence[str]
    filters: Filters | None
    limit: int | None


def iter_pages(
    result: type[_ResultT],
    start_time: int,
    end_time: int | None = None,
    *,
    held: Iterable[UsageResponse[_ResultT]] = (),
    client: Client | None = None,
    **options: Unpack[QueryOptions],
) -> Iterator[UsageResponse[_ResultT]]:
    """The pages of one listing of `result`'s kind, as `iter_query_pages` gives them (`held` included)."""
    query = Query.build(endpoint_for(result).name, start_time, end_time, **options)
    return iter_query_pages(client or Client(), query, held)


def fetch_listing(
    result: type[_ResultT],
    start_time: int,
    end_time: int | None = None,
    *,
    client: Client | None = None,
    **options: Unpack[QueryOptions],
) -> UsageListing[_ResultT]:
    """The whole listing, combined with `combine_pages`; `FetchError` when it cannot be had whole."""
    return combine_pages(iter_pages(result, start_time, end_time, client=client, **options))
