"""Benchmark a check whose blocker is introduced tens of thousands of ways: a chain of N
components, each depending on the next and on the same uncertified model.

Paths to the model number N; the answer lists the ten shortest and counts the rest, so a
check must cost time and memory in proportion to the closure, never to the paths. Each size
is measured in a fresh process: the graph build, the first check, the median warm check, and
the process's peak resident memory. Targets apply at 40,000 components.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from app.config import Settings
from app.domain.decision import Decision
from app.domain.product_slice import Question
from app.services.checks import check_export
from app.services.ingest import ingest_bom
from app.services.runtime import Runtime
from app.store.migrations import upgrade_database
from bench.decision import DAY, DESTINATION, MB
from bench.ingest import Target

SIZES = (10_000, 20_000, 40_000)
TARGET_SIZE = 40_000
MAX_CHECK_S = 1.0
MAX_PEAK_BYTES = 500 * MB
PRODUCT_PURL = "pkg:generic/bench/chain-product@1.0"
MODEL_PURL = "pkg:huggingface/bench/shared-model@1.0"


def chain_bom(size: int) -> bytes:
    components: list[dict[str, Any]] = [
        {
            "type": "library",
            "bom-ref": f"c{index}",
            "name": f"link-{index}",
            "version": "1.0",
            "purl": f"pkg:generic/bench/link-{index}@1.0",
        }
        for index in range(size)
    ]
    components.append(
        {
            "type": "machine-learning-model",
            "bom-ref": "model",
            "name": "shared-model",
            "version": "1.0",
            "purl": MODEL_PURL,
        }
    )
    dependencies = [{"ref": "product", "dependsOn": ["c0"]}]
    dependencies += [
        {"ref": f"c{index}", "dependsOn": [f"c{index + 1}", "model"]} for index in range(size - 1)
    ]
    dependencies.append({"ref": f"c{size - 1}", "dependsOn": ["model"]})
    return orjson.dumps(
        {
            "bomFormat": "CycloneDX",
            "specVersion": "1.6",
            "serialNumber": "urn:uuid:00000000-0000-4000-8000-000000000040",
            "version": 1,
            "metadata": {
                "component": {
                    "type": "device",
                    "bom-ref": "product",
                    "name": "chain-product",
                    "version": "1.0",
                    "purl": PRODUCT_PURL,
                }
            },
            "components": components,
            "dependencies": dependencies,
        }
    )


def measure_in_process(database: str, repeats: int) -> dict[str, Any]:
    """Run in a fresh process: build the graph, check, and report times and peak memory."""
    runtime = Runtime(Settings(database_url=database))
    question = Question(DESTINATION, DAY)
    begun = time.perf_counter()
    with runtime.reading() as uow:
        runtime.cache.current(uow)
    built = time.perf_counter()
    first = check_export(runtime, PRODUCT_PURL, question, record=False)
    first_s = time.perf_counter() - built
    warm = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = check_export(runtime, PRODUCT_PURL, question, record=False)
        warm.append(time.perf_counter() - started)
    runtime.close()
    blocker = next(b for b in first.blockers if b.identity == MODEL_PURL)
    return {
        "build_s": built - begun,
        "first_check_s": first_s,
        "warm_check_s": statistics.median(warm),
        "peak_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "ineligible": first.check.decision is Decision.INELIGIBLE
        and result.check.decision is Decision.INELIGIBLE,
        "paths": len(blocker.paths),
        "more_paths": blocker.paths_omitted,
    }


def measure(size: int, workdir: Path, repeats: int) -> dict[str, Any]:
    database = f"sqlite:///{workdir / f'chain-{size}.db'}"
    upgrade_database(database)
    runtime = Runtime(Settings(database_url=database))
    ingest_bom(runtime, chain_bom(size), "application/vnd.cyclonedx+json")
    runtime.close()
    found = subprocess.run(
        [sys.executable, "-m", "bench.chain", "--measure", database, "--repeats", str(repeats)],
        check=True,
        capture_output=True,
        text=True,
    )
    measured: dict[str, Any] = json.loads(found.stdout.strip().splitlines()[-1])
    return measured


def run(sizes: Sequence[int], repeats: int) -> bool:
    print("bench.chain: one product, a chain of N components each depending on one model")
    targets: list[Target] = []
    with tempfile.TemporaryDirectory(prefix="exportgate-chain-") as folder:
        for size in sizes:
            found = measure(size, Path(folder), repeats)
            print(
                f"  N={size:>6}: graph build {found['build_s']:.2f} s, first check "
                f"{found['first_check_s'] * 1000:.0f} ms, warm check "
                f"{found['warm_check_s'] * 1000:.0f} ms, peak {found['peak_bytes'] / MB:.0f} MB; "
                f"{found['paths']} paths shown, {found['more_paths']} more counted",
                flush=True,
            )
            if size != TARGET_SIZE:
                continue
            targets += [
                Target(
                    f"chain of {size}: first check",
                    f"{found['first_check_s']:.3f} s",
                    f"< {MAX_CHECK_S:.0f} s",
                    passed=found["first_check_s"] < MAX_CHECK_S,
                ),
                Target(
                    f"chain of {size}: process peak (graph + check)",
                    f"{found['peak_bytes'] / MB:.0f} MB",
                    f"< {MAX_PEAK_BYTES / MB:.0f} MB",
                    passed=found["peak_bytes"] < MAX_PEAK_BYTES,
                ),
                Target(
                    f"chain of {size}: ineligible, 10 paths + {size - 10} counted",
                    f"{found['ineligible']}, {found['paths']} + {found['more_paths']}",
                    f"True, 10 + {size - 10}",
                    passed=found["ineligible"]
                    and (found["paths"], found["more_paths"]) == (10, size - 10),
                ),
            ]
    width = max(len(t.label) for t in targets) if targets else 0
    for target in targets:
        verdict = "PASS" if target.passed else "FAIL"
        print(f"  {target.label:<{width}}  {target.measured:>12}  {target.limit:>14}  {verdict}")
    return all(target.passed for target in targets)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    options = parser.parse_args(argv)
    if options.measure:
        print(json.dumps(measure_in_process(options.measure, options.repeats)))
        return
    sys.exit(0 if run(options.sizes, options.repeats) else 1)


if __name__ == "__main__":
    main()
