"""A usage export as JSON Lines, built deterministically from a seed: one page per line.

The pages form one complete listing of hourly buckets (24 to a page, as the API pages them): each
page but the last says `has_more: true`, and the buckets follow each other without a hole. The
command line accepts the export as it is, so it can be totalled end to end.
"""

import json
import random
import string
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final

from benchmarks.cli_reference import COUNTERS

KINDS: Final = ("images", "completions", "costs")
"""The kinds of export the command-line benchmark reads: the smallest result, the widest (22 fields),
and money."""

BY: Final = {"images": "project_id,model", "completions": "project_id,model", "costs": "project_id,line_item"}
"""What each kind is totalled by, on the command line and in the reference scripts."""

RESULTS_PER_BUCKET: Final = 20
BUCKETS_PER_PAGE: Final = 24
_HOUR: Final = 3600
_FIRST_BUCKET: Final = 1_577_836_800  # 2020-01-01T00:00:00Z
_ALPHABET: Final = string.ascii_letters + string.digits

_IMAGE_MODELS: Final = ("dall-e-2", "dall-e-3", "gpt-image-1", "gpt-image-1-mini")
_TEXT_MODELS: Final = ("gpt-4o-2024-08-06", "gpt-4o-mini-2024-07-18", "o3-2025-04-16", "gpt-4.1-2025-04-14")
_LINE_ITEMS: Final = ("gpt-4o, input", "gpt-4o, output", "gpt-4o-mini, input", "image generation", "web search")
_COMPLETIONS_OPTIONAL: Final = tuple(
    name for name in COUNTERS["completions"] if name not in ("input_tokens", "output_tokens", "num_model_requests")
)
"""The counters a completions result may leave out, in field order."""


def _identifier(rng: random.Random, prefix: str, length: int) -> str:
    return prefix + "".join(rng.choices(_ALPHABET, k=length))


class _Pools:
    def __init__(self, rng: random.Random) -> None:
        self.projects = [_identifier(rng, "proj_", 24) for _ in range(40)]
        self.users = [_identifier(rng, "user-", 24) for _ in range(400)]
        self.keys = [_identifier(rng, "key_", 24) for _ in range(200)]


def _maybe(rng: random.Random, result: dict[str, Any], field: str, pool: Any) -> None:
    # A group-by field is a value (80%), an explicit null (10%) or absent (10%).
    roll = rng.random()
    if roll < 0.8:
        result[field] = rng.choice(pool)
    elif roll < 0.9:
        result[field] = None


def _images(rng: random.Random, pools: _Pools) -> dict[str, Any]:
    result: dict[str, Any] = {
        "object": "organization.usage.images.result",
        "images": rng.randrange(100_000),
        "num_model_requests": rng.randrange(10_000),
    }
    _maybe(rng, result, "source", ("image.generation", "image.edit", "image.variation"))
    _maybe(rng, result, "size", ("256x256", "512x512", "1024x1024", "1024x1792"))
    _maybe(rng, result, "project_id", pools.projects)
    _maybe(rng, result, "user_id", pools.users)
    _maybe(rng, result, "api_key_id", pools.keys)
    _maybe(rng, result, "model", _IMAGE_MODELS)
    return result


def _completions(rng: random.Random, pools: _Pools) -> dict[str, Any]:
    result: dict[str, Any] = {"object": "organization.usage.completions.result", "input_tokens": rng.randrange(10**7)}
    for field in _COMPLETIONS_OPTIONAL[:3]:
        if rng.random() < 0.95:  # the API leaves optional counters out now and then
            result[field] = rng.randrange(10**6)
    result["output_tokens"] = rng.randrange(10**6)
    for field in _COMPLETIONS_OPTIONAL[3:]:
        if rng.random() < 0.95:
            result[field] = rng.randrange(10**6)
    result["num_model_requests"] = rng.randrange(10_000)
    _maybe(rng, result, "project_id", pools.projects)
    _maybe(rng, result, "user_id", pools.users)
    _maybe(rng, result, "api_key_id", pools.keys)
    _maybe(rng, result, "model", _TEXT_MODELS)
    _maybe(rng, result, "batch", (True, False))
    _maybe(rng, result, "service_tier", ("default", "flex", "scale"))
    return result


def _costs(rng: random.Random, pools: _Pools) -> dict[str, Any]:
    # Amounts as the API writes them: decimal fractions that binary floats cannot hold exactly.
    value: float | int = round(rng.random() * 50, rng.choice((2, 6, 12)))
    if rng.random() < 0.05:
        value = rng.randrange(10)
    result: dict[str, Any] = {"object": "organization.costs.result", "amount": {"value": value, "currency": "usd"}}
    _maybe(rng, result, "line_item", _LINE_ITEMS)
    _maybe(rng, result, "project_id", pools.projects)
    _maybe(rng, result, "api_key_id", pools.keys)
    result["quantity"] = rng.randrange(10**6)
    result["quantity_unit"] = "tokens"
    return result


_RESULTS: Final[dict[str, Callable[[random.Random, _Pools], dict[str, Any]]]] = {
    "images": _images,
    "completions": _completions,
    "costs": _costs,
}


def _pages(kind: str, seed: int, size: int) -> Iterator[bytes]:
    """Pages of `kind` as compact JSON lines, until they hold about `size` bytes."""
    rng = random.Random(f"{seed}:{kind}")
    pools = _Pools(rng)
    make = _RESULTS[kind]
    written = 0
    bucket = 0
    while True:
        data = []
        for _ in range(BUCKETS_PER_PAGE):
            start = _FIRST_BUCKET + bucket * _HOUR
            results = [make(rng, pools) for _ in range(RESULTS_PER_BUCKET)]
            data.append({"object": "bucket", "start_time": start, "end_time": start + _HOUR, "results": results})
            bucket += 1
        line = json.dumps({"object": "page", "data": data, "has_more": True, "next_page": None}, separators=(",", ":"))
        written += len(line) + 1
        if written >= size:
            yield line.replace('"has_more":true,"next_page":null', '"has_more":false,"next_page":null').encode()
            return
        cursor = _identifier(rng, "page_", 32)
        yield line.replace('"has_more":true,"next_page":null', f'"has_more":true,"next_page":"{cursor}"').encode()


def write_export(path: Path, kind: str, seed: int, size: int) -> int:
    """Write an export of about `size` bytes to `path`; the number of results written."""
    results = 0
    with path.open("wb") as file:
        for line in _pages(kind, seed, size):
            file.write(line + b"\n")
            results += BUCKETS_PER_PAGE * RESULTS_PER_BUCKET
    return results


def write_page(path: Path, kind: str, seed: int, size: int) -> int:
    """Write the buckets of an export as one page of about `size` bytes, pretty-printed as `json.dumps(page,
    indent=2)` writes it (written bucket by bucket); the number of results written."""
    results = 0
    written = 0
    with path.open("w") as file:
        file.write('{\n  "object": "page",\n  "data": [')
        for line in _pages(kind, seed, size):
            for bucket in json.loads(line)["data"]:
                text = json.dumps(bucket, indent=2).replace("\n", "\n    ")
                text = ("\n    " if not written else ",\n    ") + text
                file.write(text)
                written += len(text)
                results += len(bucket["results"])
            if written >= size:
                break
        file.write('\n  ],\n  "has_more": false,\n  "next_page": null\n}')
    return results
