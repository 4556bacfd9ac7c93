"""Unknown values of every JSON shape, counted in instructions: `python -m benchmarks.unknown_values`.

On a shared machine the time of one decoding varies by more than the differences looked for, so
each decoding is counted instead, with valgrind's callgrind collecting only inside a `functools.reduce`
that decodes the page three times after two warm-up decodes. The page is the benchmark's, cut to
2,000 results, each given unknown fields of one shape (`data.UNKNOWN_VALUES`), and is decoded by
this library and by plain pydantic with the same fields. Needs `valgrind` on the PATH.
"""

import functools
import gc
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Final

from benchmarks import bench_openapiopenai as ours
from benchmarks import bench_pydantic as plain
from benchmarks import data

BUCKETS: Final = 20
DECODES: Final = 3
DECODERS: Final[dict[str, Callable[[bytes], object]]] = {"ours": ours.decode_page, "plain": plain.decode_page}
SHAPES: Final = ("none", *data.UNKNOWN_VALUES)


def _decode_all() -> None:
    """Decode each page with each decoder: callgrind writes one file of counts after each `reduce`."""
    gc.disable()  # its passes fall at places that differ from run to run; both decoders make the same objects
    for shape in SHAPES:
        page = data.page(1, BUCKETS, None if shape == "none" else shape)
        for decode in DECODERS.values():
            decode(page)
            decode(page)
            gc.collect()
            functools.reduce(lambda _, __: decode(page), range(DECODES), None)


def main(arguments: list[str]) -> int:
    if arguments == ["--decode"]:  # run under callgrind
        _decode_all()
        return 0
    with tempfile.TemporaryDirectory() as folder:
        command = [
            *("valgrind", "--tool=callgrind", "--toggle-collect=functools_reduce", "--dump-after=functools_reduce"),
            f"--callgrind-out-file={folder}/out",
            *(sys.executable, "-m", "benchmarks.unknown_values", "--decode"),
        ]
        subprocess.run(command, capture_output=True, check=True)
        dumps = sorted(Path(folder).glob("out.*"), key=lambda path: int(path.name.split(".")[1]))
        counts = [int(re.findall(r"^(?:summary|totals): (\d+)", dump.read_text(), re.MULTILINE)[-1]) for dump in dumps]
    rows = iter(counts)
    print("| unknown values in each result | plain pydantic | this library |")
    print("| --- | ---: | ---: |")
    for shape in SHAPES:
        mine, theirs = next(rows), next(rows)
        print(f"| {shape} | {theirs / 1e6:.0f} M | {mine / theirs:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
