"""Benchmark an API process across a day of uploads into the decision portfolio.

Every upload is applied to the portfolio graph as a delta by the next check (decision record
15). The first check after an upload must answer within 50 ms (the median over the first 20
uploads); the process must not grow by what it applied: after 100 uploads its peak resident
memory stays within 10 % of its peak after the first one, and under 1.2 GB. The upload's own
latency is printed beside it (the change log adds one row and, on PostgreSQL, a lock).
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx2
import orjson

from bench.decision import (
    DAY,
    DESTINATION,
    MB,
    MEDIA_TYPE,
    REQUEST_TIMEOUT_S,
    Json,
    PortfolioPlan,
    Scale,
    admin_key,
    machine,
    plan_portfolio,
    portfolio_arguments,
    portfolio_database,
    proc_status_bytes,
    product_bom,
    report,
    serving,
    sqlite_url,
)
from bench.ingest import Target
from bench.statuses import wait_until, waiting_work

UPLOADS = 100
# Ten products, each pushed ten times by its pipeline: a realistic day, and the portfolio
# keeps its size (each version replaces the last), so any growth is what the process kept.
PIPELINES = 10
MAX_GROWTH = 0.10
# The first check after an upload, median over the first uploads; and the process's peak.
CHECK_AFTER_UPLOAD_S = 0.050
MEDIAN_OVER = 20
MAX_PEAK_BYTES = 1_200_000_000


@dataclass(frozen=True, slots=True)
class Reading:
    """The process's memory after an upload and the check that rebuilt the graph."""

    upload: int
    rss_bytes: int
    peak_bytes: int
    rebuild_seconds: float
    upload_seconds: float


def pipeline_bom(plan: PortfolioPlan, scale: Scale, pipeline: int, version: int) -> bytes:
    """Version `version` of a product built by pipeline `pipeline`: one lineage (one serial
    number) per pipeline, whose packages change with every version, as a product's do."""
    source = (pipeline * 37 + version * 11) % scale.products
    document: Json = product_bom(plan, scale, source)
    purl = f"pkg:generic/bench-churn/pipeline-{pipeline:02d}@1.0.0"
    subject = {**document["metadata"]["component"], "bom-ref": purl, "purl": purl}
    subject["name"] = f"pipeline-{pipeline:02d}"
    document["metadata"] = {**document["metadata"], "component": subject}
    roots = document["dependencies"][0]["dependsOn"]
    document["dependencies"][0] = {"ref": purl, "dependsOn": roots}
    document["serialNumber"] = uuid.UUID(int=pipeline + 1, version=4).urn
    document["version"] = version
    return orjson.dumps(document)


def measure(scale: Scale, uploads: int, *, data_dir: Path, seed: int) -> list[Target]:
    cached, info = portfolio_database(scale, seed, data_dir)
    plan = plan_portfolio(scale, seed)
    checked = info["holder_ids"][0]
    readings: list[Reading] = []
    with tempfile.TemporaryDirectory(prefix="exportgate-churn-") as temporary:
        workdir = Path(temporary)
        working = workdir / "portfolio.db"
        shutil.copyfile(cached, working)
        with (
            serving(sqlite_url(working), workdir) as server,
            httpx2.Client(
                base_url=server.base_url,
                timeout=REQUEST_TIMEOUT_S,
                headers={"Authorization": f"Bearer {admin_key(server.database_url)}"},
            ) as client,
        ):
            check = f"/api/v1/products/{checked}/export-check"
            params = {"to": DESTINATION, "on": DAY.isoformat()}
            client.get(check, params=params).raise_for_status()
            # The server stores every product's status when it starts (the day's
            # re-evaluation, in the background): measured apart, in bench.statuses.
            wait_until("the first settling", lambda: waiting_work(working) == 0, 900, 0.5)
            print(
                f"    first graph built: RSS {proc_status_bytes(server.pid, 'VmRSS') / MB:.0f} MB,"
                f" peak {proc_status_bytes(server.pid, 'VmHWM') / MB:.0f} MB",
                flush=True,
            )
            for upload in range(1, uploads + 1):
                pipeline, version = (upload - 1) % PIPELINES, (upload - 1) // PIPELINES + 1
                sent = time.perf_counter()
                response = client.post(
                    "/api/v1/boms",
                    content=pipeline_bom(plan, scale, pipeline, version),
                    headers={"Content-Type": MEDIA_TYPE},
                )
                if response.status_code != 201:
                    raise SystemExit(f"upload {upload}: {response.status_code} {response.text}")
                uploaded = time.perf_counter() - sent
                begun = time.perf_counter()
                client.get(check, params=params).raise_for_status()
                reading = Reading(
                    upload,
                    proc_status_bytes(server.pid, "VmRSS"),
                    proc_status_bytes(server.pid, "VmHWM"),
                    time.perf_counter() - begun,
                    uploaded,
                )
                readings.append(reading)
                if upload == 1 or upload % 10 == 0:
                    print(
                        f"    upload {upload:3d}: took {reading.upload_seconds:.2f} s, "
                        f"check after it {reading.rebuild_seconds * 1000:.1f} ms, "
                        f"RSS {reading.rss_bytes / MB:.0f} MB, "
                        f"peak {reading.peak_bytes / MB:.0f} MB",
                        flush=True,
                    )
    first, last = readings[0], readings[-1]
    growth = last.peak_bytes / first.peak_bytes - 1
    checks = statistics.median(r.rebuild_seconds for r in readings[:MEDIAN_OVER])
    upload_median = statistics.median(r.upload_seconds for r in readings)
    print(
        f"    upload latency: median {upload_median:.3f} s of {len(readings)}; check after an "
        f"upload: median {checks * 1000:.1f} ms of the first {min(MEDIAN_OVER, len(readings))}",
        flush=True,
    )
    return [
        Target(
            f"(e) first check after an upload, median of {min(MEDIAN_OVER, len(readings))}",
            f"{checks * 1000:.1f} ms",
            f"<= {CHECK_AFTER_UPLOAD_S * 1000:.0f} ms",
            passed=checks <= CHECK_AFTER_UPLOAD_S,
        ),
        Target(
            f"(f) peak RSS after {len(readings)} uploads",
            f"{last.peak_bytes / MB:.0f} MB",
            f"< {MAX_PEAK_BYTES / MB:.0f} MB",
            passed=last.peak_bytes < MAX_PEAK_BYTES,
        ),
        Target(
            f"(d) peak RSS after {len(readings)} uploads vs after the first",
            f"{first.peak_bytes / MB:.0f} -> {last.peak_bytes / MB:.0f} MB ({growth:+.1%})",
            f"<= +{MAX_GROWTH:.0%}",
            passed=growth <= MAX_GROWTH,
        ),
    ]


def main(argv: Sequence[str] | None = None) -> None:
    args, scale = portfolio_arguments(
        __doc__,
        argv,
        more=lambda parser: parser.add_argument("--uploads", type=int, default=UPLOADS),
    )
    print(
        f"exportgate churn benchmark — {machine()}; "
        f"{args.uploads} uploads into {scale.products} products over {scale.pool} pool components",
        flush=True,
    )
    report(measure(scale, max(2, args.uploads), data_dir=args.data_dir, seed=args.seed))


if __name__ == "__main__":
    main()
