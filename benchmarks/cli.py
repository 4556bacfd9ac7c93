"""The command-line group: the installed `openapiopenai` over a generated export, beside reference scripts.

For each kind of export (`benchmarks/export.py`) it runs, each in a fresh process, in rotated order,
round after round: `openapiopenai summarize FILE --by ... --format csv`, `openapiopenai validate FILE`,
and the msgspec and plain-pydantic reference scripts (`cli_msgspec.py`, `cli_pydantic.py`), which
write the same csv. It keeps each command's fastest wall time and its peak resident memory (from
`wait4`, so every allocator counts), and checks that every tool printed the same totals. It also times
`openapiopenai --version` and `--help` against `python -c pass`.

Then, for each kind, one page of about 30 MB (6 MB in a quick run), pretty-printed: `summarize` and
`validate` over it, for their peak memory against the file's size.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from benchmarks import data, export

QUICK_BYTES: Final = 2_000_000
FULL_BYTES: Final = 100_000_000
TOOLS: Final = ("summarize", "validate", "msgspec", "pydantic")
QUICK_PAGE_BYTES: Final = 6_000_000
FULL_PAGE_BYTES: Final = 30_000_000
PAGE_TOOLS: Final = ("summarize", "validate")


@dataclass(frozen=True)
class Run:
    seconds: float
    """Wall time."""
    cpu_seconds: float
    """User and system time of the process: less disturbed than wall time by other work on the machine."""
    peak_bytes: int


def command_path() -> str:
    """The installed console script, next to this interpreter (or on PATH)."""
    beside = Path(sys.executable).parent / "openapiopenai"
    if beside.exists():
        return str(beside)
    found = shutil.which("openapiopenai")
    if found is None:
        raise RuntimeError("the openapiopenai command is not installed: pip install -e . first")
    return found


def _command(tool: str, kind: str, path: Path) -> list[str]:
    by = export.BY[kind]
    if tool == "summarize":
        return [command_path(), "summarize", str(path), "--by", by, "--format", "csv"]
    if tool == "validate":
        return [command_path(), "validate", str(path)]
    return [sys.executable, "-m", f"benchmarks.cli_{tool}", kind, str(path), by]


# Each command runs as an installed package does: with its modules' bytecode cached (pip compiles it
# on installing), even where the environment asks Python not to write caches.
_ENVIRONMENT: Final = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


# The command runs in a grandchild forked from a small launcher, which times it and sends back its figures.
# Linux carries a process's peak RSS across exec, so a command started straight from this runner (tens of MiB
# once it has made its data) would report at least the runner's own peak, whatever the command used.
_LAUNCH: Final = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
figures = (seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
os.write(int(sys.argv[1]), " ".join(map(str, figures)).encode())
"""


def measure(command: list[str], stdout: Path | None) -> Run:
    """Run a command to its end: wall time, CPU time and the peak resident memory of that process alone."""
    report, send = os.pipe()
    try:
        with open(stdout if stdout is not None else os.devnull, "wb") as out:
            launcher = [sys.executable, "-S", "-c", _LAUNCH, str(send), *command]
            process = subprocess.run(
                launcher, stdout=out, stderr=subprocess.PIPE, cwd=data.REPO_ROOT, env=_ENVIRONMENT, pass_fds=(send,)
            )
        os.close(send)
        send = -1
        with os.fdopen(report, "rb") as figures:
            report = -1
            seconds, cpu_seconds, peak_kilobytes, status = figures.read().split()
    finally:
        for descriptor in (report, send):
            if descriptor >= 0:
                os.close(descriptor)
    if process.returncode != 0 or status != b"0":
        raise RuntimeError(f"{' '.join(command)} exited with {status.decode()}:\n{process.stderr.decode()[-2000:]}")
    return Run(float(seconds), float(cpu_seconds), int(peak_kilobytes) * 1024)  # kilobytes on Linux


def startup(runs: int) -> dict[str, float]:
    """Median wall time of `--version`, `--help` and `python -c pass`, interleaved."""
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "openapiopenai --version": [command_path(), "--version"],
        "openapiopenai --help": [command_path(), "--help"],
    }
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for round_number in range(runs + 1):
        for name, command in commands.items():
            seconds = measure(command, None).seconds
            if round_number:  # the first round writes the bytecode caches
                samples[name].append(seconds)
    return {name: sorted(times)[len(times) // 2] for name, times in samples.items()}


def run(*, quick: bool, seed: int, rounds: int, progress: Any) -> dict[str, Any]:
    size = QUICK_BYTES if quick else FULL_BYTES
    report: dict[str, Any] = {"bytes": size, "kinds": {}}
    with tempfile.TemporaryDirectory(prefix="openapiopenai-cli-bench-") as temporary:
        folder = Path(temporary)
        for kind in export.KINDS:
            path = folder / f"{kind}.jsonl"
            progress(f"cli: writing a {size / 1e6:g} MB {kind} export")
            results = export.write_export(path, kind, seed, size)
            best: dict[str, Run] = {}
            outputs: dict[str, bytes] = {}
            for round_number in range(rounds):
                shift = round_number % len(TOOLS)
                for tool in TOOLS[shift:] + TOOLS[:shift]:
                    progress(f"cli: round {round_number + 1} of {rounds}: {kind}, {tool}")
                    out = folder / f"{kind}.{tool}.out"
                    timed = measure(_command(tool, kind, path), None if tool == "validate" else out)
                    if tool != "validate":
                        outputs[tool] = out.read_bytes()
                    previous = best.get(tool)
                    best[tool] = (
                        timed
                        if previous is None
                        else Run(
                            min(timed.seconds, previous.seconds),
                            min(timed.cpu_seconds, previous.cpu_seconds),
                            min(timed.peak_bytes, previous.peak_bytes),
                        )
                    )
            different = [tool for tool, output in outputs.items() if output != outputs["summarize"]]
            if different:
                raise RuntimeError(f"{kind}: {', '.join(different)} printed other totals than summarize")
            report["kinds"][kind] = {
                "file_bytes": path.stat().st_size,
                "results": results,
                "seconds": {tool: run.seconds for tool, run in best.items()},
                "cpu_seconds": {tool: run.cpu_seconds for tool, run in best.items()},
                "peak_bytes": {tool: run.peak_bytes for tool, run in best.items()},
            }
        report["pages"] = _pages(folder, QUICK_PAGE_BYTES if quick else FULL_PAGE_BYTES, seed, rounds, progress)
    progress("cli: timing start-up")
    report["startup_seconds"] = startup(5 if quick else 21)
    return report


def _pages(folder: Path, size: int, seed: int, rounds: int, progress: Any) -> dict[str, Any]:
    """Each kind's export as one pretty-printed page: the best CPU time and the least peak memory of each tool."""
    pages: dict[str, Any] = {}
    for kind in export.KINDS:
        path = folder / f"{kind}-page.json"
        progress(f"cli: writing a {size / 1e6:g} MB {kind} page")
        results = export.write_page(path, kind, seed, size)
        best: dict[str, Run] = {}
        for round_number in range(rounds):
            for tool in PAGE_TOOLS:
                progress(f"cli: round {round_number + 1} of {rounds}: {kind} page, {tool}")
                timed = measure(_command(tool, kind, path), None)
                previous = best.get(tool, timed)
                best[tool] = Run(
                    min(timed.seconds, previous.seconds),
                    min(timed.cpu_seconds, previous.cpu_seconds),
                    min(timed.peak_bytes, previous.peak_bytes),
                )
        pages[kind] = {
            "file_bytes": path.stat().st_size,
            "results": results,
            "cpu_seconds": {tool: run.cpu_seconds for tool, run in best.items()},
            "peak_bytes": {tool: run.peak_bytes for tool, run in best.items()},
        }
        path.unlink()
    return pages


PAGE_MEMORY: Final = 3.0
"""summarize and validate over one page: at most this many times the file's size in peak memory."""

TARGETS: Final = (("pydantic", 1.0), ("msgspec", 3.0))
"""summarize and validate: at most this many times the wall time of each reference."""


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    checked: list[dict[str, Any]] = []
    for kind, figures in report["kinds"].items():
        for tool in ("summarize", "validate"):
            for other, limit in TARGETS:
                ratio = figures["seconds"][tool] / figures["seconds"][other]
                cpu = figures["cpu_seconds"][tool] / figures["cpu_seconds"][other]
                label = f"{kind}: {tool} <= {limit:g}x the {other} reference's wall time"
                checked.append({"target": label, "figure": ratio, "cpu_figure": cpu, "met": ratio <= limit})
    for kind, figures in report.get("pages", {}).items():
        for tool in PAGE_TOOLS:
            ratio = figures["peak_bytes"][tool] / figures["file_bytes"]
            label = f"{kind} page: {tool} peak memory <= {PAGE_MEMORY:g}x the file's size"
            checked.append({"target": label, "figure": ratio, "cpu_figure": None, "met": ratio <= PAGE_MEMORY})
    return checked


def format_report(report: dict[str, Any]) -> str:
    lines = [
        "",
        f"Command line: JSON Lines exports of about {report['bytes'] / 1e6:g} MB, totals by two fields;"
        " wall time (in brackets: user and system CPU time), best of the rounds, and peak RSS of each process",
        "",
        "| export | results | " + " | ".join(TOOLS) + " | summarize vs. pydantic | summarize vs. msgspec |"
        " validate vs. pydantic | validate vs. msgspec |",
        "| --- | ---: | " + " | ".join("---:" for _ in TOOLS) + " | ---: | ---: | ---: | ---: |",
    ]
    for kind, figures in report["kinds"].items():
        seconds, peaks = figures["seconds"], figures["peak_bytes"]
        cpu = figures["cpu_seconds"]
        cells = [f"{seconds[tool]:.2f} s ({cpu[tool]:.2f} s), {peaks[tool] / 2**20:.0f} MiB" for tool in TOOLS]
        ratios = [
            f"{seconds[tool] / seconds[other]:.2f}x ({cpu[tool] / cpu[other]:.2f}x)"
            for tool in ("summarize", "validate")
            for other in ("pydantic", "msgspec")
        ]
        size = f"{kind}, {figures['file_bytes'] / 1e6:.1f} MB"
        lines.append(f"| {size} | {figures['results']:,} | " + " | ".join(cells + ratios) + " |")
    start = report["startup_seconds"]
    bare = start["python -c pass"]
    lines += ["", "| start-up (median) | wall | less python -c pass |", "| --- | ---: | ---: |"]
    lines += [
        f"| {name} | {seconds * 1000:.0f} ms | {(seconds - bare) * 1000:.0f} ms |" for name, seconds in start.items()
    ]
    pages = report.get("pages", {})
    if pages:
        lines += [
            "",
            "One pretty-printed page per kind: CPU time, peak RSS, and peak RSS against the file's size",
            "",
            "| page | results | summarize | validate | summarize peak vs. file | validate peak vs. file |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for kind, figures in pages.items():
            size = figures["file_bytes"]
            cells = [
                f"{figures['cpu_seconds'][tool]:.2f} s, {figures['peak_bytes'][tool] / 2**20:.0f} MiB"
                for tool in PAGE_TOOLS
            ]
            ratios = [f"{figures['peak_bytes'][tool] / size:.2f}x" for tool in PAGE_TOOLS]
            lines.append(
                f"| {kind}, {size / 1e6:.1f} MB | {figures['results']:,} | " + " | ".join(cells + ratios) + " |"
            )
    if report["bytes"] < FULL_BYTES:
        lines += [
            "",
            "(A quick run's exports are small, so start-up dominates: the targets are for about 100 MB, and"
            " for pages of about 30 MB.)",
        ]
    lines += ["", "| target | figure (CPU time) | result |", "| --- | ---: | --- |"]
    lines += [
        f"| {target['target']} | {target['figure']:.2f}x{_cpu(target['cpu_figure'])} |"
        f" {'met' if target['met'] else 'MISSED'} |"
        for target in report["targets"]
    ]
    return "\n".join(lines)


def _cpu(figure: float | None) -> str:
    return "" if figure is None else f" ({figure:.2f}x)"
