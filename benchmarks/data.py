"""The documents every implementation decodes, built deterministically from a seed."""

import json
import random
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from benchmarks.cli_reference import COUNTERS

REPO_ROOT: Final = Path(__file__).resolve().parent.parent
RESULT_EXAMPLE: Final = REPO_ROOT / "test" / "data" / "usage_images_result.example.json"

RESULTS_PER_BUCKET: Final = 100
PAGE_BUCKETS: Final = 100
"""The main page: 100 buckets of 100 results, 10,000 results in all."""

UNKNOWN_FIELDS_PAGE: Final = f"page-{PAGE_BUCKETS * RESULTS_PER_BUCKET}-unknown-fields"
"""The main page again, with three small unknown fields in every result."""
UNKNOWN_OBJECT_PAGE: Final = f"page-{PAGE_BUCKETS * RESULTS_PER_BUCKET}-unknown-object"
"""The main page again, with an unknown field holding a small object with a list inside in every result."""

SCALING_BUCKETS: Final = (25, 50, 100, 200)
"""Pages of 2,500, 5,000, 10,000 and 20,000 results: each doubles the one before."""

_SOURCES: Final = ("image.generation", "image.edit", "image.variation")
_SIZES: Final = ("256x256", "512x512", "1024x1024", "1792x1792", "1024x1792")
_MODELS: Final = ("dall-e-2", "dall-e-3", "gpt-image-1", "gpt-image-1-mini")
_ID_ALPHABET: Final = string.ascii_letters + string.digits
_DAY: Final = 86_400
_FIRST_BUCKET: Final = 1_730_419_200  # 2024-11-01T00:00:00Z


def _compact(document: Any) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def result_example() -> bytes:
    """The spec's `UsageImagesResult` example, written compactly as the API sends it."""
    return _compact(json.loads(RESULT_EXAMPLE.read_bytes()))


def _identifier(rng: random.Random, prefix: str, length: int) -> str:
    return prefix + "".join(rng.choices(_ID_ALPHABET, k=length))


def _result(rng: random.Random, pools: dict[str, list[str]]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "object": "organization.usage.images.result",
        "images": rng.randrange(0, 100_000),
        "num_model_requests": rng.randrange(0, 10_000),
    }
    # Each group-by field is a value (70%), an explicit null (15%) or absent (15%), so decoders
    # meet all three and a lossless encoder has to tell null from absent.
    for field, pool in pools.items():
        roll = rng.random()
        if roll < 0.7:
            result[field] = rng.choice(pool)
        elif roll < 0.85:
            result[field] = None
    return result


def _regions(rng: random.Random) -> list[str]:
    return rng.sample(("us", "eu", "apac", "jp"), rng.randrange(1, 4))


def _details(rng: random.Random) -> dict[str, Any]:
    regions = _regions(rng)
    return {"tier": rng.choice(("free", "paid")), "regions": regions, "cached": rng.randrange(9)}


UNKNOWN_VALUES: Final[dict[str, Callable[[random.Random], dict[str, Any]]]] = {
    "three scalars": lambda rng: {
        "region": rng.choice(("us", "eu", "apac")),
        "cached_images": rng.randrange(0, 100),
        "moderated": rng.random() < 0.1,
    },
    "a float": lambda rng: {"share": rng.random()},
    "a list of strings": lambda rng: {"regions": _regions(rng)},
    "an object of three scalars": lambda rng: {
        "details": {"tier": rng.choice(("free", "paid")), "cached": rng.randrange(9), "moderated": rng.random() < 0.1}
    },
    "an object holding a list": lambda rng: {"details": _details(rng)},
    "a list of two objects": lambda rng: {
        "batches": [{"region": region, "images": rng.randrange(100)} for region in rng.sample(("us", "eu", "jp"), 2)]
    },
}
"""Fields the models do not declare, as a newer API might add, by the JSON shape of their values."""


def page(seed: int, buckets: int, unknown: str | None = None) -> bytes:
    """A `UsageResponse` page of `buckets` daily buckets of 100 images results each.

    With `unknown` (a key of `UNKNOWN_VALUES`), every result also has unknown fields of that shape.
    """
    rng = random.Random(seed)
    pools = {
        "source": list(_SOURCES),
        "size": list(_SIZES),
        "project_id": [_identifier(rng, "proj_", 24) for _ in range(40)],
        "user_id": [_identifier(rng, "user-", 24) for _ in range(400)],
        "api_key_id": [_identifier(rng, "key_", 24) for _ in range(200)],
        "model": list(_MODELS),
    }
    data = [
        {
            "object": "bucket",
            "start_time": _FIRST_BUCKET + index * _DAY,
            "end_time": _FIRST_BUCKET + (index + 1) * _DAY,
            "results": [
                {**_result(rng, pools), **(UNKNOWN_VALUES[unknown](rng) if unknown else {})}
                for _ in range(RESULTS_PER_BUCKET)
            ],
        }
        for index in range(buckets)
    ]
    document = {"object": "page", "data": data, "has_more": True, "next_page": _identifier(rng, "page_", 32)}
    return _compact(document)


_COMPLETIONS_MODELS: Final = ("gpt-4o-2024-08-06", "gpt-4o-mini-2024-07-18", "o3-mini-2025-01-31", "gpt-4.1-2025-04-14")
_LINE_ITEMS: Final = ("gpt-4o-2024-08-06, input", "gpt-4o-2024-08-06, output", "dall-e-3, 1024x1024", "file search")


def _completions_result(rng: random.Random, pools: dict[str, list[str]]) -> dict[str, Any]:
    """A completions result with all 22 fields: 15 counters, then the six group-by fields."""
    result: dict[str, Any] = {"object": "organization.usage.completions.result"}
    result.update((name, rng.randrange(0, 10_000_000)) for name in COUNTERS["completions"])
    result.update(
        project_id=rng.choice(pools["project_id"]),
        user_id=rng.choice([*pools["user_id"], None]),
        api_key_id=rng.choice(pools["api_key_id"]),
        model=rng.choice(_COMPLETIONS_MODELS),
        batch=rng.choice([True, False, None]),
        service_tier=rng.choice(["default", "flex", "priority", None]),
    )
    return result


def _costs_result(rng: random.Random, pools: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "object": "organization.costs.result",
        "amount": {"value": round(rng.uniform(0, 500), rng.randrange(0, 10)), "currency": "usd"},
        "line_item": rng.choice(_LINE_ITEMS),
        "project_id": rng.choice(pools["project_id"]),
        "api_key_id": None,
        "quantity": rng.choice([rng.randrange(0, 10**9), round(rng.uniform(0, 1000), 3)]),
        "quantity_unit": rng.choice(["tokens", "images", "gibibyte_hours"]),
    }


def _embeddings_result(rng: random.Random, pools: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "object": "organization.usage.embeddings.result",
        "input_tokens": rng.randrange(0, 10_000_000),
        "num_model_requests": rng.randrange(0, 10_000),
        "project_id": rng.choice(pools["project_id"]),
        "model": "text-embedding-3-small",
    }


def _pools(rng: random.Random) -> dict[str, list[str]]:
    return {
        "source": list(_SOURCES),
        "size": list(_SIZES),
        "project_id": [_identifier(rng, "proj_", 24) for _ in range(40)],
        "user_id": [_identifier(rng, "user-", 24) for _ in range(400)],
        "api_key_id": [_identifier(rng, "key_", 24) for _ in range(200)],
        "model": list(_MODELS),
    }


def _page_of(rng: random.Random, buckets: int, result: Any) -> bytes:
    data = [
        {
            "object": "bucket",
            "start_time": _FIRST_BUCKET + index * _DAY,
            "end_time": _FIRST_BUCKET + (index + 1) * _DAY,
            "results": [result() for _ in range(RESULTS_PER_BUCKET)],
        }
        for index in range(buckets)
    ]
    return _compact({"object": "page", "data": data, "has_more": True, "next_page": _identifier(rng, "page_", 32)})


def completions_page(seed: int, buckets: int) -> bytes:
    """A page of completions results, every one with all 22 fields."""
    rng = random.Random(seed)
    pools = _pools(rng)
    return _page_of(rng, buckets, lambda: _completions_result(rng, pools))


def mixed_page(seed: int, buckets: int) -> bytes:
    """A page whose results are of four kinds in turn: completions, images, costs and embeddings."""
    rng = random.Random(seed)
    pools = _pools(rng)
    kinds = (_completions_result, _result, _costs_result, _embeddings_result)
    return _page_of(rng, buckets, lambda: rng.choice(kinds)(rng, pools))


def write_inputs(folder: Path, seed: int) -> dict[str, Path]:
    """Write every input document into `folder`; the names are the keys workers look up."""
    documents = {"result": result_example()}
    for buckets in sorted({PAGE_BUCKETS, *SCALING_BUCKETS}):
        documents[f"page-{buckets * RESULTS_PER_BUCKET}"] = page(seed, buckets)
    documents[f"completions-page-{PAGE_BUCKETS * RESULTS_PER_BUCKET}"] = completions_page(seed, PAGE_BUCKETS)
    documents[f"mixed-page-{PAGE_BUCKETS * RESULTS_PER_BUCKET}"] = mixed_page(seed, PAGE_BUCKETS)
    documents[UNKNOWN_FIELDS_PAGE] = page(seed, PAGE_BUCKETS, "three scalars")
    documents[UNKNOWN_OBJECT_PAGE] = page(seed, PAGE_BUCKETS, "an object holding a list")
    paths: dict[str, Path] = {}
    for name, content in documents.items():
        path = folder / f"{name}.json"
        path.write_bytes(content)
        paths[name] = path
    return paths
