"""The documents every implementation decodes, built deterministically from a seed."""

import json
import random
import string
from pathlib import Path
from typing import Any, Final

REPO_ROOT: Final = Path(__file__).resolve().parent.parent
RESULT_EXAMPLE: Final = REPO_ROOT / "test" / "data" / "usage_images_result.example.json"

RESULTS_PER_BUCKET: Final = 100
PAGE_BUCKETS: Final = 100
"""The main page: 100 buckets of 100 results, 10,000 results in all."""

UNKNOWN_FIELDS_PAGE: Final = f"page-{PAGE_BUCKETS * RESULTS_PER_BUCKET}-unknown-fields"
"""The main page again, with three small unknown fields in every result."""

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


def _with_unknown_fields(rng: random.Random, result: dict[str, Any]) -> dict[str, Any]:
    """The result with three small fields the models do not declare, as a newer API might add."""
    return {
        **result,
        "region": rng.choice(("us", "eu", "apac")),
        "cached_images": rng.randrange(0, 100),
        "moderated": rng.random() < 0.1,
    }


def page(seed: int, buckets: int, unknown_fields: bool = False) -> bytes:
    """A `UsageResponse` page of `buckets` daily buckets of 100 images results each.

    With `unknown_fields`, every result also has three small fields the models do not declare.
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
                _with_unknown_fields(rng, _result(rng, pools)) if unknown_fields else _result(rng, pools)
                for _ in range(RESULTS_PER_BUCKET)
            ],
        }
        for index in range(buckets)
    ]
    document = {"object": "page", "data": data, "has_more": True, "next_page": _identifier(rng, "page_", 32)}
    return _compact(document)


def write_inputs(folder: Path, seed: int) -> dict[str, Path]:
    """Write every input document into `folder`; the names are the keys workers look up."""
    documents = {"result": result_example()}
    for buckets in sorted({PAGE_BUCKETS, *SCALING_BUCKETS}):
        documents[f"page-{buckets * RESULTS_PER_BUCKET}"] = page(seed, buckets)
    documents[UNKNOWN_FIELDS_PAGE] = page(seed, PAGE_BUCKETS, unknown_fields=True)
    paths: dict[str, Path] = {}
    for name, content in documents.items():
        path = folder / f"{name}.json"
        path.write_bytes(content)
        paths[name] = path
    return paths
