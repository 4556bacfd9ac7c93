"""Run every implementation in fresh processes and print a table with "vs." ratio columns.

    python -m benchmarks            full run (a few minutes)
    python -m benchmarks --quick    few iterations, for CI (well under two minutes)
    python -m benchmarks --json     the same figures as one JSON document
    python -m benchmarks --group cli   only the command line over a generated export (--group models: the rest)

Ratios compare this library against each other implementation; the machine, the Python
version and every library version are printed with the results.
"""

import argparse
import hashlib
import importlib.metadata
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from benchmarks import cli, data, generate
from benchmarks.worker import PAGE_RESULTS, SCALING_RESULTS

OURS: Final = "openapiopenai"
IMPLEMENTATIONS: Final = (OURS, "generated", "msgspec", "pydantic")
DEFAULT_SPEC: Final = data.REPO_ROOT / "benchmarks" / "spec" / "openai-usage-images.yaml"
"""The spec the generated models are made from, kept in the repository so that a clone can run it."""
DEFAULT_SEED: Final = 1

OPERATIONS: Final = {
    "decode_result": "decode one result",
    "encode_result": "encode one result",
    "decode_page": f"decode page ({PAGE_RESULTS:,} results)",
    "encode_page": f"encode page ({PAGE_RESULTS:,} results)",
    "decode_completions_page": f"decode completions page ({PAGE_RESULTS:,} results, 22 fields)",
    "decode_mixed_page": f"decode mixed page ({PAGE_RESULTS:,} results of 4 kinds)",
    "decode_page_unknown_fields": f"decode page ({PAGE_RESULTS:,} results, 3 unknown fields each)",
    "decode_page_unknown_object": f"decode page ({PAGE_RESULTS:,} results, an unknown object with a list each)",
}
WITHIN_PLAIN_PYDANTIC: Final = {
    "decode_result": 1.1,
    "encode_result": 1.1,
    "decode_page": 1.1,
    "encode_page": 1.1,
    "decode_completions_page": 1.1,
    "decode_mixed_page": 1.15,
    # Unknown values are checked (refusing NaN and infinity), which plain pydantic does not do.
    "decode_page_unknown_fields": 1.15,
    "decode_page_unknown_object": 1.15,
}
MEMORY: Final = {
    "retained_bytes": "page retained memory (tracemalloc)",
    "peak_bytes": "page decode peak (tracemalloc)",
    "peak_rss_growth_bytes": "page decode peak RSS growth",
}
DOUBLING_LIMIT: Final = 2.5
"""Doubling the page may multiply the decode time by at most this: linear cost gives 2, quadratic 4."""


@dataclass(frozen=True)
class Settings:
    rounds: int
    repeat: int
    min_time: float
    budget: float
    import_runs: int

    def worker_options(self) -> list[str]:
        return ["--repeat", str(self.repeat), "--min-time", str(self.min_time), "--budget", str(self.budget)]


FULL: Final = Settings(rounds=3, repeat=5, min_time=0.1, budget=10.0, import_runs=21)
QUICK: Final = Settings(rounds=1, repeat=3, min_time=0.02, budget=1.0, import_runs=5)


@dataclass(frozen=True)
class Target:
    """ "Ours is at least `limit` times faster than" (`faster`) or "at most `limit` times slower"."""

    label: str
    figure: Callable[[dict[str, dict[str, Any]]], float]
    other: str
    limit: float
    faster: bool

    def check(self, results: dict[str, dict[str, Any]]) -> dict[str, Any]:
        if OURS not in results or self.other not in results:
            return {"target": self.label, "figure": None, "met": None}
        figure = self.figure(results)
        met = figure >= self.limit if self.faster else figure <= self.limit
        return {"target": self.label, "figure": figure, "met": met}


def _speedup(operation: str, other: str) -> Callable[[dict[str, dict[str, Any]]], float]:
    """How many times faster ours is than `other` (below 1: slower)."""
    return lambda results: float(results[other]["seconds"][operation] / results[OURS]["seconds"][operation])


def _slowdown(operation: str, other: str) -> Callable[[dict[str, dict[str, Any]]], float]:
    """How many times slower ours is than `other` (below 1: faster)."""
    return lambda results: float(results[OURS]["seconds"][operation] / results[other]["seconds"][operation])


def _targets() -> list[Target]:
    limits = {
        "decode_result": (3.0, 4.5),
        "encode_result": (5.0, 5.0),
        "decode_page": (50.0, 6.0),
        "encode_page": (12.0, 8.0),
    }
    targets: list[Target] = []
    for operation, (vs_generated, vs_msgspec) in limits.items():
        name = OPERATIONS[operation]
        targets.append(
            Target(
                f"{name}: >= {vs_generated:g}x faster than generated",
                _speedup(operation, "generated"),
                "generated",
                vs_generated,
                True,
            )
        )
        targets.append(
            Target(
                f"{name}: <= {vs_msgspec:g}x slower than msgspec",
                _slowdown(operation, "msgspec"),
                "msgspec",
                vs_msgspec,
                False,
            )
        )
    targets.append(
        Target(
            "page retained memory: <= 2.2x msgspec's",
            lambda results: float(results[OURS]["retained_bytes"] / results["msgspec"]["retained_bytes"]),
            "msgspec",
            2.2,
            False,
        )
    )
    targets.append(
        Target(
            "import openapiopenai: no slower than the generated models",
            lambda results: float(results[OURS]["import_seconds"] / results["generated"]["import_seconds"]),
            "generated",
            1.0,
            False,
        )
    )
    targets.extend(
        Target(
            f"{OPERATIONS[operation]}: within {limit - 1:.0%} of plain pydantic",
            _slowdown(operation, "pydantic"),
            "pydantic",
            limit,
            False,
        )
        for operation, limit in WITHIN_PLAIN_PYDANTIC.items()
    )
    targets.append(
        Target(
            f"decode cost proportional to size: each doubling of the page multiplies the time by <= {DOUBLING_LIMIT:g}",
            lambda results: max(_doublings(results[OURS])),
            OURS,
            DOUBLING_LIMIT,
            False,
        )
    )
    return targets


def _doublings(figures: dict[str, Any]) -> list[float]:
    """The factor by which each doubling of the page multiplied the decode time."""
    seconds = [figures["scaling_seconds"][str(count)] for count in SCALING_RESULTS]
    return [float(larger / smaller) for smaller, larger in itertools.pairwise(seconds)]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, Any]:
    return {
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
    }


def versions(generated: bool) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    names = ["openapiopenai-usage", "pydantic", "pydantic-core", "msgspec"]
    if generated:
        names += ["urllib3", "python-dateutil"]
    for name in names:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = None
    if generated:
        found["openapi-generator"] = generate.GENERATOR_VERSION
        found["java"] = generate.java_version()
    return found


def _worker(name: str, task: str, inputs: Path, env: dict[str, str], options: list[str]) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.worker", name, task, str(inputs), *options]
    process = subprocess.run(command, cwd=data.REPO_ROOT, env=env, capture_output=True, text=True, check=False)
    if process.returncode != 0:
        raise RuntimeError(f"{name} {task} failed:\n{process.stderr}")
    figures: dict[str, Any] = json.loads(process.stdout)
    return figures


def _fastest(best: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """Merge one round's timings into the best so far: noise only ever adds time."""
    if best is None:
        return new
    for key in ("seconds", "scaling_seconds"):
        for operation, seconds in new[key].items():
            best[key][operation] = min(best[key][operation], seconds)
    for document, exact in new["exact_round_trip"].items():
        best["exact_round_trip"][document] = best["exact_round_trip"][document] and exact
    return best


def import_times(statements: dict[str, str], env: dict[str, str], runs: int) -> dict[str, float]:
    """Median wall time of each import in a fresh interpreter, less a bare interpreter's start.

    Runs are interleaved so that a noisy neighbour slows every statement alike; one unrecorded
    round first writes the bytecode caches.
    """
    commands = {"": "pass", **statements}
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for round_number in range(runs + 1):
        for name, statement in commands.items():
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", statement], cwd=data.REPO_ROOT, env=env, check=True)
            if round_number:
                samples[name].append(time.perf_counter() - start)
    bare = statistics.median(samples.pop(""))
    return {name: max(statistics.median(times) - bare, 0.0) for name, times in samples.items()}


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> dict[str, Any]:
    settings = QUICK if args.quick else FULL
    options = settings.worker_options() + (["--keep-gc"] if args.keep_gc else [])
    report: dict[str, Any] = {
        "mode": "quick" if args.quick else "full",
        "machine": machine(),
        "settings": {**settings.__dict__, "garbage_collector_while_timing": args.keep_gc},
        "skipped": {},
        "results": {},
    }
    names = [name for name in IMPLEMENTATIONS if name not in args.skip]
    with tempfile.TemporaryDirectory(prefix="openapiopenai-bench-") as temporary:
        workdir = Path(temporary)
        inputs = workdir / "inputs"
        inputs.mkdir()
        paths = data.write_inputs(inputs, args.seed)
        page = paths[f"page-{PAGE_RESULTS}"].read_bytes()
        report["data"] = {
            "seed": args.seed,
            "result_bytes": paths["result"].stat().st_size,
            "page_results": PAGE_RESULTS,
            "page_bytes": len(page),
            "page_sha256": hashlib.sha256(page).hexdigest(),
        }
        folders = [data.REPO_ROOT]
        if "generated" in names:
            _progress("generating the openapi-generator models")
            try:
                folders.append(generate.generate(args.spec, workdir))
            except generate.GeneratorUnavailable as error:
                _progress(f"skipping generated: {error}")
                report["skipped"]["generated"] = str(error)
                names.remove("generated")
        report["versions"] = versions("generated" in names)
        env = generate.pythonpath_env(*folders)
        for round_number in range(settings.rounds):
            # Each round visits every implementation, in a rotated order, so a busy spell on a shared
            # machine slows one round of each rather than every run of one.
            shift = round_number % len(names)
            for name in names[shift:] + names[:shift]:
                _progress(f"round {round_number + 1} of {settings.rounds}: timing {name}")
                timed = _worker(name, "time", inputs, env, options)
                report["results"][name] = _fastest(report["results"].get(name), timed)
        for name in names:
            _progress(f"measuring the memory of {name}")
            report["results"][name].update(_worker(name, "tracemalloc", inputs, env, []))
            report["results"][name].update(_worker(name, "rss", inputs, env, []))
        _progress("timing imports")
        statements = {name: _import_statement(name) for name in names}
        for name, seconds in import_times(statements, env, settings.import_runs).items():
            report["results"][name]["import_seconds"] = seconds
    report["targets"] = [target.check(report["results"]) for target in _targets()]
    return report


def _import_statement(name: str) -> str:
    # Read without importing: the generated module can only be imported with its folder on the path.
    source = (data.REPO_ROOT / "benchmarks" / f"bench_{name}.py").read_text()
    for line in source.splitlines():
        if line.startswith("IMPORT: Final = "):
            return str(json.loads(line.partition("= ")[2]))
    raise LookupError(f"bench_{name}.py declares no IMPORT")


def _duration(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def _size(count: float | None) -> str:
    if count is None:
        return "-"
    for unit, scale in (("MiB", 2**20), ("KiB", 2**10)):
        if count >= scale:
            return f"{count / scale:.3g} {unit}"
    return f"{count:.0f} B"


def _ratio(ours: float | None, other: float | None, better: str, worse: str) -> str:
    if ours is None or other is None or ours <= 0 or other <= 0:
        return "-"
    if other >= ours:
        return f"{other / ours:.3g}x {better}"
    return f"{ours / other:.3g}x {worse}"


def _seconds_if_measured(operation: str) -> Callable[[dict[str, Any]], float | None]:
    return lambda figures: figures["seconds"].get(operation)


def _duration_or_dash(seconds: float | None) -> str:
    return "-" if seconds is None else _duration(seconds)


def _figure(key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda figures: figures[key]


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def format_report(report: dict[str, Any]) -> str:
    results: dict[str, dict[str, Any]] = report["results"]
    names = list(results)
    others = [name for name in names if name != OURS]
    m, v, d, s = report["machine"], report["versions"], report["data"], report["settings"]
    gc_note = "on" if s["garbage_collector_while_timing"] else "off"
    lines = [
        f"openapiopenai benchmarks, {report['mode']} run",
        f"machine: {m['cpu']}, {m['cpus']} CPUs, {m['platform']}",
        f"python: {m['python']}",
        "libraries: " + ", ".join(f"{name} {version}" for name, version in v.items()),
        f"data: seed {d['seed']}; one result = {d['result_bytes']} bytes; page = {d['page_results']:,} results, "
        f"{d['page_bytes']:,} bytes, sha256 {d['page_sha256'][:16]}",
        f"timing: {s['rounds']} round(s) of every implementation in a fresh process, best of up to {s['repeat']} runs"
        f" of >= {s['min_time']} s each per round, garbage collector {gc_note} while timing;"
        f" imports: median of {s['import_runs']} fresh interpreters, less a bare interpreter start",
    ]
    lines += [f"skipped {name}: {reason}" for name, reason in report["skipped"].items()]
    lines.append("")
    header = ["operation", *names, *(f"vs. {name}" for name in others)]
    lines += [_row(header), _row(["---"] + ["---:"] * (len(header) - 1))]
    rows: list[tuple[str, Callable[[dict[str, Any]], Any], Callable[[Any], str], tuple[str, str]]] = [
        (label, _seconds_if_measured(operation), _duration_or_dash, ("faster", "slower"))
        for operation, label in OPERATIONS.items()
    ]
    rows += [(label, _figure(key), _size, ("less", "more")) for key, label in MEMORY.items()]
    rows.append(("import", _figure("import_seconds"), _duration, ("faster", "slower")))
    for label, value, show, (better, worse) in rows:
        ours = value(results[OURS])
        cells = [label, *(show(value(results[name])) for name in names)]
        cells += [_ratio(ours, value(results[name]), better, worse) for name in others]
        lines.append(_row(cells))
    exact = ["page round trip exact", *("yes" if results[n]["exact_round_trip"]["page"] else "no" for n in names)]
    lines.append(_row(exact + [""] * len(others)))

    lines += ["", "Scaling: decode time per result (doubling the page should double the time)", ""]
    lines += [_row(["results in page", *names]), _row(["---:"] * (len(names) + 1))]
    for count in SCALING_RESULTS:
        per_result = [_duration(results[name]["scaling_seconds"][str(count)] / count) for name in names]
        lines.append(_row([f"{count:,}", *per_result]))
    growth = [", ".join(f"{factor:.2f}x" for factor in _doublings(results[name])) for name in names]
    lines.append(_row(["time multiplied by each doubling", *growth]))

    lines += ["", "Targets", "", _row(["target", "figure", "result"]), _row(["---", "---:", "---"])]
    for target in report["targets"]:
        figure = "-" if target["figure"] is None else f"{target['figure']:.2f}x"
        verdict = {True: "met", False: "MISSED", None: "not measured"}[target["met"]]
        lines.append(_row([target["target"], figure, verdict]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few iterations: proves the harness works (CI)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of tables")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the generated pages")
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="the OpenAPI spec to generate models from")
    parser.add_argument(
        "--skip",
        nargs="+",
        choices=IMPLEMENTATIONS[1:],
        default=[],
        metavar="NAME",
        help=f"leave out these implementations ({', '.join(IMPLEMENTATIONS[1:])})",
    )
    parser.add_argument("--keep-gc", action="store_true", help="leave the garbage collector on while timing")
    parser.add_argument(
        "--group",
        choices=("all", "models", "cli"),
        default="all",
        help="models: decoding and encoding; cli: the installed command over a generated export; default: both",
    )
    args = parser.parse_args(argv)
    report: dict[str, Any] = {}
    if args.group != "cli":
        report = run(args)
    if args.group != "models":
        rounds = QUICK.rounds if args.quick else FULL.rounds
        report["cli"] = cli.run(quick=args.quick, seed=args.seed, rounds=rounds, progress=_progress)
        report["cli"]["targets"] = cli.targets(report["cli"])
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    if args.group != "cli":
        print(format_report(report))
    if args.group != "models":
        print(cli.format_report(report["cli"]))
    return 0
