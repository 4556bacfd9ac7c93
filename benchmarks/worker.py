"""Measure one implementation in this (fresh) process and print the figures as JSON.

The runner starts ``python -m benchmarks.worker IMPLEMENTATION TASK INPUTS`` once per task, so
no implementation shares a process, a heap or a string cache with another, or with a previous task.
"""

import argparse
import gc
import importlib
import json
import math
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, Protocol, cast

from benchmarks.data import (
    PAGE_BUCKETS,
    RESULTS_PER_BUCKET,
    SCALING_BUCKETS,
    UNKNOWN_FIELDS_PAGE,
    UNKNOWN_OBJECT_PAGE,
)

PAGE_RESULTS: Final = PAGE_BUCKETS * RESULTS_PER_BUCKET
SCALING_RESULTS: Final = tuple(buckets * RESULTS_PER_BUCKET for buckets in SCALING_BUCKETS)

TASKS: Final = ("time", "tracemalloc", "rss")

KIND_PAGES: Final = {
    "decode_completions_page": f"completions-page-{PAGE_RESULTS}.json",
    "decode_mixed_page": f"mixed-page-{PAGE_RESULTS}.json",
}
"""Optional operations: decoding a page of another kind, and what each reads."""


class Implementation(Protocol):
    """What every ``benchmarks/bench_*.py`` module provides."""

    IMPORT: str

    def decode_result(self, data: bytes) -> Any: ...
    def encode_result(self, obj: Any) -> str | bytes: ...
    def decode_page(self, data: bytes) -> Any: ...
    def encode_page(self, obj: Any) -> str | bytes: ...


def load(name: str) -> Implementation:
    return cast("Implementation", importlib.import_module(f"benchmarks.bench_{name}"))


def _loop(function: Callable[[Any], object], argument: object, number: int, keep_gc: bool) -> float:
    gc_was_enabled = gc.isenabled()
    if not keep_gc:
        gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(number):
            function(argument)
        return time.perf_counter() - start
    finally:
        if gc_was_enabled:
            gc.enable()


def best_time(
    function: Callable[[Any], object], argument: object, *, repeat: int, min_time: float, budget: float, keep_gc: bool
) -> float:
    """Seconds per call: the fastest of up to `repeat` runs, each at least `min_time` long.

    Like `timeit`, the loop runs with the garbage collector off unless `keep_gc`. Slow
    operations stop repeating once `budget` seconds are spent.
    """
    number = 1
    elapsed = _loop(function, argument, number, keep_gc)
    while elapsed < min_time:
        number = max(number * 2, math.ceil(number * min_time * 1.1 / max(elapsed, 1e-9)))
        elapsed = _loop(function, argument, number, keep_gc)
    runs = [elapsed]
    spent = elapsed
    while len(runs) < repeat and spent < budget:
        elapsed = _loop(function, argument, number, keep_gc)
        runs.append(elapsed)
        spent += elapsed
    return min(runs) / number


def _round_trips(encoded: str | bytes, original: bytes) -> bool:
    """Whether the encoder wrote back the document it was given (member order aside)."""
    return bool(json.loads(encoded) == json.loads(original))


def measure_time(implementation: Implementation, inputs: Path, settings: dict[str, Any]) -> dict[str, Any]:
    result_doc = (inputs / "result.json").read_bytes()
    page_doc = (inputs / f"page-{PAGE_RESULTS}.json").read_bytes()
    unknown_doc = (inputs / f"{UNKNOWN_FIELDS_PAGE}.json").read_bytes()
    unknown_object_doc = (inputs / f"{UNKNOWN_OBJECT_PAGE}.json").read_bytes()
    result = implementation.decode_result(result_doc)
    page = implementation.decode_page(page_doc)
    figures: dict[str, Any] = {
        "exact_round_trip": {
            "result": _round_trips(implementation.encode_result(result), result_doc),
            "page": _round_trips(implementation.encode_page(page), page_doc),
        },
    }
    timed: dict[str, tuple[Callable[[Any], object], object]] = {
        "decode_result": (implementation.decode_result, result_doc),
        "encode_result": (implementation.encode_result, result),
        "decode_page": (implementation.decode_page, page_doc),
        "encode_page": (implementation.encode_page, page),
        "decode_page_unknown_fields": (implementation.decode_page, unknown_doc),
        "decode_page_unknown_object": (implementation.decode_page, unknown_object_doc),
    }
    # Pages of other kinds, for the implementations that model them (the generated images-only SDK does not).
    for operation, document in KIND_PAGES.items():
        decode = getattr(implementation, operation, None)
        if decode is not None:
            timed[operation] = (decode, (inputs / document).read_bytes())
    figures["seconds"] = {
        name: best_time(function, argument, **settings) for name, (function, argument) in timed.items()
    }
    del page
    scaling: dict[str, float] = {}
    for results in SCALING_RESULTS:
        document = (inputs / f"page-{results}.json").read_bytes()
        scaling[str(results)] = best_time(implementation.decode_page, document, **settings)
    figures["scaling_seconds"] = scaling
    return figures


def measure_tracemalloc(implementation: Implementation, inputs: Path) -> dict[str, Any]:
    """Bytes the decoded page holds while alive, and the traced peak while decoding it.

    Traced from the first decode in this process, so a decoder's caches (pydantic-core keeps
    short strings) count where they are filled. Allocations a native extension makes outside
    Python's allocator are invisible to tracemalloc: the `rss` task covers those.
    """
    document = (inputs / f"page-{PAGE_RESULTS}.json").read_bytes()
    gc.collect()
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    page = implementation.decode_page(document)
    _, peak = tracemalloc.get_traced_memory()
    gc.collect()  # temporary garbage in reference cycles is not held by the page
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del page
    return {"retained_bytes": current - before, "peak_bytes": peak - before}


def _status_bytes(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024  # reported in kB
    raise LookupError(field)


def measure_rss(implementation: Implementation, inputs: Path) -> dict[str, Any]:
    """How far resident memory rises above its level before decoding the page: every allocator counts.

    Linux resets the high-water mark (VmHWM) when "5" is written to /proc/self/clear_refs, so the
    peak is that of the decode alone; elsewhere the figure is left out.
    """
    document = (inputs / f"page-{PAGE_RESULTS}.json").read_bytes()
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")
        before = _status_bytes("VmRSS")
    except (OSError, LookupError):
        return {"peak_rss_growth_bytes": None}
    page = implementation.decode_page(document)
    peak = _status_bytes("VmHWM")
    del page
    return {"peak_rss_growth_bytes": peak - before}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("implementation")
    parser.add_argument("task", choices=TASKS)
    parser.add_argument("inputs", type=Path, help="the folder the runner wrote the documents into")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--min-time", type=float, default=0.2)
    parser.add_argument("--budget", type=float, default=30.0)
    parser.add_argument("--keep-gc", action="store_true")
    args = parser.parse_args(argv)
    implementation = load(args.implementation)
    figures: dict[str, Any]
    if args.task == "time":
        settings = {"repeat": args.repeat, "min_time": args.min_time, "budget": args.budget, "keep_gc": args.keep_gc}
        figures = measure_time(implementation, args.inputs, settings)
    elif args.task == "tracemalloc":
        figures = measure_tracemalloc(implementation, args.inputs)
    else:
        figures = measure_rss(implementation, args.inputs)
    json.dump(figures, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
