"""Benchmark `exportgate ingest` on SQLite against cyclonedx-python-lib and orjson, same files."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.generate import DEFAULT_OUT, DEFAULT_SEED, bom_paths

ROOT = Path(__file__).resolve().parents[1]
MAX_RATIO = 0.10
# Decimal: 1 GB is 10^9 bytes, the stricter reading of the target.
MAX_PEAK_RSS_BYTES = 1_000_000_000
MB = 1_000_000


@dataclass(frozen=True, slots=True)
class Child:
    """What one finished child process cost, measured from outside it."""

    wall_seconds: float
    peak_rss_bytes: int
    returncode: int
    stdout: str
    stderr: str


@dataclass(frozen=True, slots=True)
class Figure:
    label: str
    seconds: float
    peak_rss_bytes: int
    note: str = ""


@dataclass(frozen=True, slots=True)
class Target:
    label: str
    measured: str
    limit: str
    passed: bool


def _peak_rss_bytes(usage: resource.struct_rusage) -> int:
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    return usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024


def run_measured(argv: Sequence[str], env: Mapping[str, str] | None = None) -> Child:
    """Run one child to completion; its wall time and its own peak RSS (from wait4, so the
    figure belongs to that process alone, not to us or to earlier children)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        # Output goes to files, not pipes: we wait with wait4 and never read while it runs.
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=ROOT)
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        # Reaped by wait4; tell Popen so it neither waits again nor warns the child still runs.
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Child(
            wall_seconds=elapsed,
            peak_rss_bytes=_peak_rss_bytes(usage),
            returncode=process.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def _checked(child: Child, what: str) -> Child:
    if child.returncode != 0:
        raise SystemExit(
            f"{what} failed with exit code {child.returncode}:\n{child.stderr}{child.stdout}"
        )
    return child


def exportgate_executable() -> Path:
    beside = Path(sys.executable).with_name("exportgate")
    if beside.is_file():
        return beside
    found = shutil.which("exportgate")
    if found is None:
        raise SystemExit("the exportgate command is not installed; run `pip install -e .`")
    return Path(found)


def measure_ingest(exportgate: Path, bom: Path, database: Path, label: str) -> Figure:
    """`exportgate ingest` of one file into a fresh SQLite database, whole process timed:
    interpreter start, imports, validation, translation, storage, commit."""
    env = {**os.environ, "EXPORTGATE_DATABASE_URL": f"sqlite:///{database}"}
    # Not timed: creating the schema is a one-off, not part of an ingest.
    _checked(run_measured([str(exportgate), "db", "upgrade"], env), "exportgate db upgrade")
    child = _checked(
        run_measured([str(exportgate), "ingest", "--json", str(bom)], env), f"ingest {bom}"
    )
    (report,) = json.loads(child.stdout)
    if report.get("status") != "stored":
        raise SystemExit(f"ingest of {bom} did not store it: {report}")
    note = (
        f"{report['components']} components, {report['ai_components']} AI, "
        f"{report['edges']} edges, {len(report['warnings'])} warnings, "
        f"database {database.stat().st_size / MB:.0f} MB"
    )
    return Figure(label, child.wall_seconds, child.peak_rss_bytes, note)


def median_of_runs(runs: Sequence[Figure]) -> Figure:
    """The median run's time, the highest peak RSS of any run, and every run's time.

    A run of seconds on a shared machine can catch a slow patch that a run of minutes
    averages away; the median of a few runs is the fair figure to set against one long one.
    """
    ordered = sorted(runs, key=lambda run: run.seconds)
    middle = ordered[len(ordered) // 2]
    times = ", ".join(f"{run.seconds:.2f}" for run in runs)
    note = (
        f"median of {len(runs)} runs ({times} s); {middle.note}" if len(runs) > 1 else middle.note
    )
    median = statistics.median(run.seconds for run in runs)
    return Figure(middle.label, median, max(run.peak_rss_bytes for run in runs), note)


def measure_probe(operation: str, path: Path, label: str) -> tuple[Figure, dict[str, Any]]:
    """A baseline in its own interpreter, timed inside the child around the call alone."""
    child = _checked(
        run_measured([sys.executable, "-m", "bench.probe", operation, str(path)]), operation
    )
    timings: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    note = f"{timings['components']} components read; child ran {child.wall_seconds:.1f} s"
    return Figure(label, float(timings["seconds"]), child.peak_rss_bytes, note), timings


def _measure_library(name: str, path: Path) -> Figure:
    if name == "XML":
        return measure_probe("from-xml", path, "Bom.from_xml(file)")[0]
    measured, timings = measure_probe("from-json", path, "Bom.from_json(json.loads(...))")
    return Figure(
        measured.label,
        measured.seconds,
        measured.peak_rss_bytes,
        f"json.loads {timings['json_loads_seconds']:.2f} s + from_json "
        f"{timings['from_json_seconds']:.2f} s; {measured.note}",
    )


def measure_startup() -> Figure:
    """What every ingest pays before reading a byte: the interpreter and the CLI's imports."""
    loading = "from app.cli.entry import load; load()"
    child = _checked(run_measured([sys.executable, "-c", loading]), "start-up")
    return Figure("start-up: python + CLI imports", child.wall_seconds, child.peak_rss_bytes)


def _ratio_target(label: str, ours: Figure, theirs: Figure | None) -> Target:
    if theirs is None:
        return Target(label, "skipped", f"<= {MAX_RATIO:.2f}", passed=True)
    ratio = ours.seconds / theirs.seconds
    return Target(label, f"{ratio:.4f}", f"<= {MAX_RATIO:.2f}", passed=ratio <= MAX_RATIO)


def _memory_target(figure: Figure) -> Target:
    return Target(
        f"{figure.label} peak RSS",
        f"{figure.peak_rss_bytes / MB:.0f} MB",
        f"< {MAX_PEAK_RSS_BYTES / MB:.0f} MB",
        passed=figure.peak_rss_bytes < MAX_PEAK_RSS_BYTES,
    )


def _document_summary(json_path: Path, xml_path: Path, timings: Mapping[str, Any]) -> str:
    return (
        f"BOM: CycloneDX {timings['spec_version']}, {timings['components']} components "
        f"({timings['models']} ML models with model cards, {timings['datasets']} datasets), "
        f"{timings['dependency_edges']} dependency edges\n"
        f"files: {json_path.name} {json_path.stat().st_size / MB:.1f} MB, "
        f"{xml_path.name} {xml_path.stat().st_size / MB:.1f} MB"
    )


def _print_figures(figures: Sequence[Figure]) -> None:
    width = max(len(figure.label) for figure in figures)
    print(f"{'measurement':<{width}}  {'seconds':>9}  {'peak RSS':>10}")
    for figure in figures:
        line = (
            f"{figure.label:<{width}}  {figure.seconds:>9.3f}  "
            f"{figure.peak_rss_bytes / MB:>7.0f} MB  {figure.note}"
        )
        print(line.rstrip())


def _print_targets(targets: Sequence[Target]) -> None:
    width = max(len(target.label) for target in targets)
    for target in targets:
        verdict = "PASS" if target.passed else "FAIL"
        if target.measured == "skipped":
            verdict = "SKIP"
        print(f"{target.label:<{width}}  {target.measured:>10}  {target.limit:>10}  {verdict}")


def run(components: int, *, skip_library: bool, data_dir: Path, repeat: int) -> bool:
    # This process stays small on purpose: Linux carries a parent's peak RSS over fork and
    # exec into the child's ru_maxrss, so whatever is big (generating, loading a document)
    # happens in a child of its own.
    json_path, xml_path = bom_paths(components, data_dir)
    if not (json_path.is_file() and xml_path.is_file()):
        print(f"generating {components} components into {data_dir} …", flush=True)
        generator = [
            sys.executable,
            "-m",
            "bench.generate",
            "--components",
            str(components),
            "--seed",
            str(DEFAULT_SEED),
            "--out",
            str(data_dir),
        ]
        subprocess.run(generator, check=True, cwd=ROOT)
    exportgate = exportgate_executable()
    print(
        f"exportgate ingest benchmark — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs",
        flush=True,
    )
    floor, floor_timings = measure_probe("orjson-loads", json_path, "orjson.loads (JSON floor)")
    print(_document_summary(json_path, xml_path, floor_timings), flush=True)
    print(f"  measured {floor.label}: {floor.seconds:.3f} s", flush=True)

    runs: dict[str, list[Figure]] = {"JSON": [], "XML": []}
    library: dict[str, Figure] = {}
    with tempfile.TemporaryDirectory(prefix="exportgate-bench-") as workdir:

        def ingest_runs(name: str, path: Path, count: int) -> None:
            for _ in range(count):
                database = Path(workdir) / f"{path.name}.{len(runs[name])}.db"
                run = measure_ingest(exportgate, path, database, f"exportgate ingest {name}")
                runs[name].append(run)
                print(f"  measured {run.label}: {run.seconds:.2f} s", flush=True)
                database.unlink()

        # Each library run is bracketed by ingest runs of the same file, so both sides of a
        # ratio are measured in the same minutes: this machine's speed drifts by a third
        # within a few, and a slow patch must not fall on one side only.
        for name, path in (("JSON", json_path), ("XML", xml_path)):
            before = (repeat + 1) // 2
            ingest_runs(name, path, before)
            if not skip_library:
                print(f"  measuring cyclonedx-python-lib on the {name} …", flush=True)
                measured = library[name] = _measure_library(name, path)
                print(f"  measured {measured.label}: {measured.seconds:.1f} s", flush=True)
            ingest_runs(name, path, repeat - before)
    ingest_json, ingest_xml = median_of_runs(runs["JSON"]), median_of_runs(runs["XML"])
    startup = measure_startup()
    library_json, library_xml = library.get("JSON"), library.get("XML")

    print()
    figures = [ingest_json, ingest_xml, startup, floor]
    figures += [figure for figure in (library_json, library_xml) if figure is not None]
    _print_figures(figures)
    print()
    targets = [
        _ratio_target("ingest JSON / Bom.from_json", ingest_json, library_json),
        _ratio_target("ingest XML / Bom.from_xml", ingest_xml, library_xml),
        _memory_target(ingest_json),
        _memory_target(ingest_xml),
    ]
    _print_targets(targets)
    print()
    print(
        f"ingest JSON / orjson.loads: {ingest_json.seconds / floor.seconds:.1f}x "
        "(the floor: only parsing the file, nothing checked or stored)"
    )
    print(f"ingest XML / orjson.loads of the JSON: {ingest_xml.seconds / floor.seconds:.1f}x")
    passed = all(target.passed for target in targets)
    print("RESULT:", "PASS" if passed else "FAIL")
    return passed


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--components", type=int, default=50_000)
    parser.add_argument(
        "--skip-library",
        action="store_true",
        help="skip Bom.from_json and Bom.from_xml (minutes at 50,000 components)",
    )
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--repeat",
        type=int,
        default=4,
        help="runs of each ingest, half before and half after the library's; the median counts",
    )
    args = parser.parse_args(argv)
    passed = run(
        args.components,
        skip_library=args.skip_library,
        data_dir=args.data_dir,
        repeat=max(1, args.repeat),
    )
    if not passed:
        sys.exit(1)


if __name__ == "__main__":
    main()
