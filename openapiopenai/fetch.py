"""Getting usage and costs listings from the API: every page, validated, exactly once, or a clear error.

`iter_pages` yields the pages of one listing as they arrive, each validated as a page of the asked
kind before it is yielded; `fetch_listing` combines them. Both speak HTTPS through the standard
library, with connect and read timeouts and bounded retries (capped exponential backoff with
jitter, `Retry-After` honoured). The admin key goes into the `Authorization` header and nowhere
else: not into URLs, messages or the `repr` of anything.
"""

from __future__ import annotations

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
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, Literal, TypeAlias, TypeVar, get_args

from pydantic import ValidationError

from openapiopenai.models import KINDS, ApiModel, KindName, ResultKind, UsageResponse
from openapiopenai.models._base import focus_on_wrong_objects
from openapiopenai.usage import UsageListing, combine_pages

BucketWidth = Literal["1m", "1h", "1d"]
"""The width of a time bucket: a minute, an hour or a (UTC) day."""

BUCKET_WIDTHS: Final[tuple[BucketWidth, ...]] = get_args(BucketWidth)

DEFAULT_BASE_URL: Final = "https://api.openai.com/v1"
ADMIN_KEY_VARIABLE: Final = "OPENAI_ADMIN_KEY"

_ResultT = TypeVar("_ResultT", bound=ApiModel)

Filters: TypeAlias = Mapping[str, "Sequence[str] | bool"]
"""Filters of a query by their query parameter name: `{"project_ids": ["proj_1"], "batch": True}`."""

_USAGE_FILTERS: Final = ("project_ids", "user_ids", "api_key_ids", "models")
# The most buckets a page may hold, per bucket width (the spec's `limit` maximum).
_USAGE_LIMITS: Final[Mapping[BucketWidth, int]] = MappingProxyType({"1m": 1440, "1h": 168, "1d": 31})


@dataclass(frozen=True)
class Endpoint:
    """One kind's operation: its result kind (path, model, group-by fields) and the other query
    parameters the spec allows for it."""

    result_kind: ResultKind
    filters: Mapping[str, tuple[str, ...] | None]
    """The array filters and the values each accepts (`None`: any string)."""
    flags: tuple[str, ...]
    """The boolean filters."""
    limits: Mapping[BucketWidth, int]
    """The bucket widths the endpoint accepts, each with the most buckets one page may hold."""

    @property
    def kind(self) -> KindName:
        """The kind's name, the last part of its path: `images`, `costs`, ..."""
        return self.result_kind.name

    @property
    def path(self) -> str:
        return self.result_kind.path

    @property
    def result(self) -> type[ApiModel]:
        return self.result_kind.model

    @property
    def group_by(self) -> tuple[str, ...]:
        """The values `group_by` accepts."""
        return self.result_kind.group_by


def _filters(*names: str, **enums: tuple[str, ...] | None) -> dict[str, tuple[str, ...] | None]:
    return {**dict.fromkeys(names), **enums}


def _endpoint(
    name: KindName,
    filters: Mapping[str, tuple[str, ...] | None],
    flags: tuple[str, ...] = (),
    limits: Mapping[BucketWidth, int] = _USAGE_LIMITS,
) -> Endpoint:
    return Endpoint(KINDS[name], filters, flags, limits)


_IMAGE_SOURCES: Final = ("image.generation", "image.edit", "image.variation")


ENDPOINTS: Final[Mapping[str, Endpoint]] = MappingProxyType(
    {
        endpoint.kind: endpoint
        for endpoint in (
            _endpoint("completions", _filters(*_USAGE_FILTERS), flags=("batch",)),
            _endpoint("embeddings", _filters(*_USAGE_FILTERS)),
            _endpoint("moderations", _filters(*_USAGE_FILTERS)),
            # The spec's list of sizes is out of date (newer models have other sizes): any size is passed on.
            _endpoint("images", _filters(*_USAGE_FILTERS, sources=_IMAGE_SOURCES, sizes=None)),
            _endpoint("audio_speeches", _filters(*_USAGE_FILTERS)),
            _endpoint("audio_transcriptions", _filters(*_USAGE_FILTERS)),
            _endpoint("vector_stores", _filters("project_ids")),
            _endpoint("code_interpreter_sessions", _filters("project_ids")),
            _endpoint("file_search_calls", _filters("project_ids", "user_ids", "api_key_ids", "vector_store_ids")),
            _endpoint("web_search_calls", _filters(*_USAGE_FILTERS, context_levels=("low", "medium", "high"))),
            _endpoint("costs", _filters("project_ids", "api_key_ids"), limits={"1d": 180}),
        )
    }
)
"""Every kind the API lists, by name, with the query parameters the spec allows for it (besides
`start_time`, `end_time`, `bucket_width`, `group_by`, `limit` and `page`)."""


def endpoint_for(result: type[ApiModel]) -> Endpoint:
    """The endpoint whose results `result` models; `ValueError` for a model of no endpoint."""
    for endpoint in ENDPOINTS.values():
        if endpoint.result is result:
            return endpoint
    raise ValueError(f"{result.__name__} is not the result of any usage or costs endpoint")


@dataclass(frozen=True)
class Query:
    """One listing: the kind, the time range, the bucket width, grouping and filters.

    It checks itself against what the spec allows for the kind, raising `ValueError`. `limit` is the
    number of buckets per page; by default the most the API allows for the width (fewest requests).
    """

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
            self._check_filter(endpoint, name, values)
        most = endpoint.limits[self.bucket_width]
        if self.limit == 0:
            object.__setattr__(self, "limit", most)
        elif not 1 <= self.limit <= most:
            raise ValueError(f"limit must be 1 to {most} for bucket width {self.bucket_width}, not {self.limit}")

    def _check_filter(self, endpoint: Endpoint, name: str, values: tuple[str, ...] | bool) -> None:
        if name in endpoint.flags:
            if not isinstance(values, bool):
                raise ValueError(f"the {name} filter is true or false")
            return
        if name not in endpoint.filters:
            known = [*endpoint.filters, *endpoint.flags]
            raise ValueError(f"{self.kind} has no filter {name!r}: choose from {', '.join(known)}")
        allowed = endpoint.filters[name]
        if isinstance(values, bool) or not values:
            raise ValueError(f"the {name} filter needs at least one value")
        for value in values:
            if allowed is not None and value not in allowed:
                raise ValueError(f"{name} cannot be {value!r}: choose from {', '.join(allowed)}")

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
        if page is not None:
            pairs.append(("page", page))
        return pairs

    def to_dict(self) -> dict[str, Any]:
        """The query as JSON-ready data, for saving beside an export (it holds no secret)."""
        return {
            "kind": self.kind,
            "start_time": self.start_time,
            "end_time": self.end_time,
            "bucket_width": self.bucket_width,
            "group_by": list(self.group_by),
            "filters": {name: values if isinstance(values, bool) else list(values) for name, values in self.filters},
            "limit": self.limit,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Query:
        """The query `to_dict` gave; `ValueError` or `TypeError` for anything else."""
        return cls.build(
            data["kind"],
            data["start_time"],
            data["end_time"],
            bucket_width=data["bucket_width"],
            group_by=data["group_by"],
            filters=data["filters"],
            limit=data["limit"],
        )


class FetchError(Exception):
    """A listing could not be fetched to its end. The message is one line and names the page reached.

    `pages` is how many pages were fetched before the failure, and `next_page` the cursor to
    continue from (`None` when the failure was on the first page).
    """

    def __init__(self, message: str, *, pages: int = 0, next_page: str | None = None) -> None:
        super().__init__(message)
        self.pages = pages
        self.next_page = next_page


class CursorRejectedError(FetchError):
    """The API refused a cursor it gave itself (`400`): the listing is incomplete."""


@dataclass(frozen=True)
class Retry:
    """How often and how long to retry a failed request.

    Timeouts, dropped connections, `429`, `408`, `409`, `5xx` and bodies that are not JSON are
    retried up to `retries` times per request. The n-th wait is `initial * 2**n` seconds capped at
    `cap`, times a random factor between 0.5 and 1 (jitter, so that many clients do not retry in
    step). A `Retry-After` from the server is waited instead when it asks for longer, up to
    `max_retry_after` seconds; a longer demand ends the fetch.
    """

    retries: int = 5
    initial: float = 0.5
    cap: float = 8.0
    max_retry_after: float = 300.0

    def delay(self, attempt: int, draw: float, retry_after: float | None = None) -> float:
        """The wait before retry number `attempt` (0 for the first), given a random `draw` in [0, 1)."""
        backoff = min(self.cap, self.initial * 2.0**attempt) * (0.5 + draw / 2)
        return backoff if retry_after is None else max(backoff, retry_after)


_RETRIED_STATUSES: Final = frozenset({408, 409, 429})
_LOOPBACK_NAMES: Final = frozenset({"localhost"})
_HEADER_SAFE: Final = re.compile(r"[!-~]+")


class _Retryable(Exception):
    def __init__(self, problem: str, retry_after: float | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.retry_after = retry_after


class Client:
    """A connection to the API: base URL, admin key, timeouts and retries.

    The key is checked and kept, never shown: `repr(client)` leaves it out. Plain `http` is
    refused except to a loopback address (a local proxy or test server). `sleep`, `random` and
    `clock` can be replaced (tests use a fake clock instead of waiting). `on_retry` is called with
    a short description of the problem and the wait before each retry.
    """

    def __init__(
        self,
        admin_key: str | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
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
        self._key = key
        self.base_url = _checked_base_url(base_url)
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.retry = retry or Retry()
        self.sleep = sleep
        self.random = random
        self.on_retry = on_retry
        self._tls = ssl.create_default_context() if self.base_url.startswith("https:") else None

    def __repr__(self) -> str:
        return f"Client(base_url={self.base_url!r})"

    def redact(self, text: str) -> str:
        """`text` with the key, should it appear, replaced: for messages that quote the server."""
        return text.replace(self._key, "[admin key]")

    def get(self, path: str, parameters: Sequence[tuple[str, str]], check: Callable[[bytes], Any]) -> Any:
        """GET `path` and return `check(body)` of a `200` answer, retrying what can be retried.

        `check` raises `ValidationError` for a body that is not what was asked for; a body that is
        not JSON at all is retried, any other invalid body ends the request.
        """
        target = urllib.parse.urlsplit(self.base_url)
        url_path = target.path.rstrip("/") + path + "?" + urllib.parse.urlencode(parameters)
        attempt = 0
        while True:
            try:
                return self._attempt(target, url_path, check)
            except _Retryable as failure:
                if attempt >= self.retry.retries:
                    tries = attempt + 1
                    raise _GaveUp(f"{self.redact(failure.problem)} ({tries} {_plural(tries, 'attempt')})") from None
                if failure.retry_after is not None and failure.retry_after > self.retry.max_retry_after:
                    raise _GaveUp(
                        f"{failure.problem}, asking to wait {failure.retry_after:g} s"
                        f" (more than {self.retry.max_retry_after:g} s)"
                    ) from None
                wait = self.retry.delay(attempt, self.random(), failure.retry_after)
                if self.on_retry is not None:
                    self.on_retry(self.redact(failure.problem), wait)
                self.sleep(wait)
                attempt += 1

    def _attempt(self, target: urllib.parse.SplitResult, url_path: str, check: Callable[[bytes], Any]) -> Any:
        connection = self._connect(target)
        try:
            try:
                connection.putrequest("GET", url_path, skip_accept_encoding=True)
                connection.putheader("Authorization", f"Bearer {self._key}")
                connection.putheader("Accept", "application/json")
                connection.putheader("User-Agent", "openapiopenai")
                connection.endheaders()
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                raise _Retryable(_network_problem(error)) from None
        finally:
            connection.close()
        status = response.status
        if status == 200:
            try:
                return check(body)
            except ValidationError as error:
                if any(detail["type"] == "json_invalid" for detail in error.errors(include_url=False)):
                    raise _Retryable("the answer is not JSON (cut short?)") from None
                raise _BadAnswer(_first_problem(error)) from None
        message = self.redact(_api_message(body))
        if status in _RETRIED_STATUSES or status >= 500:
            raise _Retryable(f"HTTP {status}{message}", _retry_after(response.getheader("Retry-After")))
        raise _Refused(status, message)

    def _connect(self, target: urllib.parse.SplitResult) -> http.client.HTTPConnection:
        host, port = target.hostname or "", target.port
        connection: http.client.HTTPConnection
        if target.scheme == "https":
            connection = http.client.HTTPSConnection(host, port, timeout=self.connect_timeout, context=self._tls)
        else:
            connection = http.client.HTTPConnection(host, port, timeout=self.connect_timeout)
        try:
            connection.connect()
        except OSError as error:
            connection.close()
            raise _Retryable(_network_problem(error)) from None
        if connection.sock is not None:
            # The connect timeout above; from here on, each wait for the server's bytes.
            connection.sock.settimeout(self.read_timeout)
        return connection


class _GaveUp(Exception):
    pass


class _BadAnswer(Exception):
    pass


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(status, message)
        self.status = status
        self.message = message


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
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _network_problem(error: BaseException) -> str:
    if isinstance(error, (socket.timeout, TimeoutError)):
        return "timed out"
    if isinstance(error, ConnectionResetError):
        return "connection reset"
    if isinstance(error, http.client.IncompleteRead):
        return "the answer was cut short"
    if isinstance(error, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    if isinstance(error, ssl.SSLError):
        return f"TLS error: {error.reason or error}"
    if isinstance(error, OSError) and error.strerror:
        return f"connection failed: {error.strerror}"
    return f"connection failed: {type(error).__name__}"


def _api_message(body: bytes) -> str:
    """` (the message)` of an OpenAI error body, or nothing; on one line and not too long."""
    try:
        data = json.loads(body)
        message = data["error"]["message"]
    except (ValueError, TypeError, KeyError):
        return ""
    if not isinstance(message, str) or not message:
        return ""
    line = " ".join(message.split())
    return f" ({line[:200]}{'...' if len(line) > 200 else ''})"


def _retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` header: a number of seconds or an HTTP date."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - time.time()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _first_problem(error: ValidationError) -> str:
    details = focus_on_wrong_objects(error).errors(include_url=False)
    first = details[0]
    where = ".".join(str(part) for part in first["loc"])
    more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
    return f"{where + ': ' if where else ''}{first['msg']}{more}"


def _plural(count: int, noun: str) -> str:
    return noun if count == 1 else f"{noun}s"


def iter_query_pages(
    client: Client,
    query: Query,
    *,
    page: str | None = None,
    pages_before: int = 0,
    after: int | None = None,
) -> Iterator[UsageResponse[Any]]:
    """The pages of `query`'s listing from cursor `page` on (from the start when `None`), validated.

    `pages_before` numbers the pages in messages when continuing a listing, and `after` is the start
    of the last bucket already held: a page that goes back to it or before is refused, so a page
    is never taken twice. Raises `FetchError` (or `CursorRejectedError`) naming the page reached.
    """
    endpoint = query.endpoint
    page_model: type[UsageResponse[Any]] = UsageResponse[endpoint.result]  # type: ignore[name-defined]
    number = pages_before
    seen_cursors: set[str] = set()
    cursor = page
    last_start = after
    last_end: int | None = None

    def fail(message: str, error: type[FetchError] = FetchError) -> FetchError:
        return error(f"page {number + 1} of {query.kind}: {message}", pages=number - pages_before, next_page=cursor)

    while True:
        try:
            fetched: UsageResponse[Any] = client.get(endpoint.path, query.parameters(cursor), page_model.from_json)
        except _GaveUp as error:
            raise fail(f"gave up: {error}") from None
        except _BadAnswer as error:
            raise fail(f"the answer is not a valid page of {query.kind}: {error}") from None
        except _Refused as error:
            end = query.end_time
            reached_end = last_end is not None and end is not None and last_end >= end
            raise _refusal(fail, error, cursor, last_start, reached_end) from None
        for bucket in fetched.data:
            if last_start is not None and bucket.start_time <= last_start:
                raise fail(
                    f"the bucket starting at {bucket.start_time} does not follow the one starting at {last_start}:"
                    " the API repeated or reordered buckets; nothing from this page was kept"
                )
            last_start, last_end = bucket.start_time, bucket.end_time
        if fetched.has_more and fetched.next_page is None:
            raise fail("has_more is true but next_page is null: the listing is incomplete")
        if cursor is not None:
            seen_cursors.add(cursor)
        if fetched.has_more and fetched.next_page in seen_cursors:
            raise fail(f"the API gave the cursor {fetched.next_page!r} a second time; stopping rather than loop")
        number += 1
        yield fetched
        if not fetched.has_more:
            return
        cursor = fetched.next_page


def _refusal(
    fail: Callable[..., FetchError], error: _Refused, cursor: str | None, last_start: int | None, reached_end: bool
) -> FetchError:
    status = f"HTTP {error.status}{error.message}"
    if error.status in (401, 403):
        return fail(
            f"{status}: the Usage and Costs API needs an admin key (sk-admin-...) with the api.usage.read"
            " scope, not a project key"
        )
    if error.status == 400 and cursor is not None:
        notes = [] if last_start is None else [f"the last bucket held starts at {last_start}"]
        if reached_end:
            notes.append("the buckets held reach the end of the range asked for, so has_more=true looks wrong")
        held = f" ({'; '.join(notes)})" if notes else ""
        return fail(
            f"the API rejected its own cursor ({status}): the listing is incomplete{held}",
            CursorRejectedError,
        )
    return fail(status)


def iter_pages(
    result: type[_ResultT],
    start_time: int,
    end_time: int | None = None,
    *,
    bucket_width: BucketWidth = "1d",
    group_by: Sequence[str] = (),
    filters: Filters | None = None,
    limit: int | None = None,
    page: str | None = None,
    client: Client | None = None,
) -> Iterator[UsageResponse[_ResultT]]:
    """The pages of one listing of `result`'s kind, each validated before it is yielded.

    `iter_pages(UsageImagesResult, start)` yields `UsageResponse[UsageImagesResult]`. `page` is a
    cursor to continue from (`FetchError.next_page`). Without `client`, one is made with the key
    in the `OPENAI_ADMIN_KEY` environment variable.
    """
    query = Query.build(
        endpoint_for(result).kind,
        start_time,
        end_time,
        bucket_width=bucket_width,
        group_by=group_by,
        filters=filters,
        limit=limit,
    )
    return iter_query_pages(client or Client(), query, page=page)


def fetch_listing(
    result: type[_ResultT],
    start_time: int,
    end_time: int | None = None,
    *,
    bucket_width: BucketWidth = "1d",
    group_by: Sequence[str] = (),
    filters: Filters | None = None,
    limit: int | None = None,
    client: Client | None = None,
) -> UsageListing[_ResultT]:
    """The whole listing, combined with `combine_pages`; `FetchError` when it cannot be had whole."""
    pages = iter_pages(
        result,
        start_time,
        end_time,
        bucket_width=bucket_width,
        group_by=group_by,
        filters=filters,
        limit=limit,
        client=client,
    )
    return combine_pages(pages)
