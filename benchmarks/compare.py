"""Ours against plain pydantic, interleaved in one process: `python -m benchmarks.compare`.

The harness times each implementation in its own process, so a busy spell on a shared machine can
land on one of them only. Here each operation of ours and of plain pydantic runs in alternation,
round after round, and the best time of each counts: the ratio is steadier than across processes.
The last two rows are pydantic's own entry points called on our models.
"""

import gc
import sys
import time
from collections.abc import Callable
from typing import Final

from benchmarks import bench_openapiopenai as ours
from benchmarks import bench_pydantic as plain
from benchmarks import data

ROUNDS: Final = 15


def _best(function: Callable[[], object], number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        function()
    return (time.perf_counter() - start) / number


def main() -> int:
    result = data.result_example()
    page = data.page(1, data.PAGE_BUCKETS)
    unknown = data.page(1, data.PAGE_BUCKETS, "three scalars")
    unknown_object = data.page(1, data.PAGE_BUCKETS, "an object holding a list")
    completions = data.completions_page(1, data.PAGE_BUCKETS)
    mixed = data.mixed_page(1, data.PAGE_BUCKETS)
    our_result, plain_result = ours.decode_result(result), plain.decode_result(result)
    our_page, plain_page = ours.decode_page(page), plain.decode_page(page)
    pairs: dict[str, tuple[Callable[[], object], Callable[[], object], int]] = {
        "decode one result": (lambda: ours.decode_result(result), lambda: plain.decode_result(result), 20_000),
        "encode one result": (
            lambda: ours.encode_result(our_result),
            lambda: plain.encode_result(plain_result),
            20_000,
        ),
        "decode page": (lambda: ours.decode_page(page), lambda: plain.decode_page(page), 3),
        "encode page": (lambda: ours.encode_page(our_page), lambda: plain.encode_page(plain_page), 5),
        "decode page, unknown fields": (lambda: ours.decode_page(unknown), lambda: plain.decode_page(unknown), 3),
        "decode page, an unknown object with a list": (
            lambda: ours.decode_page(unknown_object),
            lambda: plain.decode_page(unknown_object),
            3,
        ),
        "decode completions page": (
            lambda: ours.decode_completions_page(completions),
            lambda: plain.decode_completions_page(completions),
            3,
        ),
        "decode mixed page (UsageResult)": (
            lambda: ours.decode_mixed_page(mixed),
            lambda: plain.decode_mixed_page(mixed),
            3,
        ),
        "model_validate_json of the page": (
            lambda: type(our_page).model_validate_json(page),
            lambda: plain.decode_page(page),
            3,
        ),
        "model_dump_json() of the page": (our_page.model_dump_json, lambda: plain.encode_page(plain_page), 5),
    }
    gc.disable()
    print("| operation | ours | plain pydantic | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for name, (mine, theirs, number) in pairs.items():
        best_mine = best_theirs = float("inf")
        for _ in range(ROUNDS):
            best_mine = min(best_mine, _best(mine, number))
            best_theirs = min(best_theirs, _best(theirs, number))
        print(f"| {name} | {best_mine * 1e6:,.1f} us | {best_theirs * 1e6:,.1f} us | {best_mine / best_theirs:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
