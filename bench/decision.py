"""Benchmark export checks on a 10,000-component product and a revocation across a portfolio."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import orjson
from alembic.script import ScriptDirectory

from app.bom.identity import identity_from_reference
from app.config import Settings
from app.domain.access import Role
from app.domain.decision import Decision
from app.domain.product_slice import Question
from app.domain.reasons import ReasonCode
from app.domain.registry import CertificateStatus
from app.services.access import create_key, ensure_organisation
from app.services.checks import CheckResult, check_export
from app.services.impact import certificate_impact
from app.services.ingest import ingest_bom
from app.services.registry import add_status_event, get_certificate, import_registry
from app.services.registry_file import EventEntry
from app.services.runtime import Runtime
from app.store.migrations import alembic_config, upgrade_database
from bench.generate import DEFAULT_OUT, DEFAULT_SEED, SPEC_VERSION, TIMESTAMP, generate_bom
from bench.ingest import ROOT, Target, exportgate_executable

Json = dict[str, Any]

MEDIA_TYPE = "application/vnd.cyclonedx+json"
DESTINATION = "DE"
# After the ruleset's default entry into force (2026-07-01), so DE is in scope.
DAY = dt.date(2026, 11, 27)
REVIEWER = "BENCH-REVIEW"
RULESET_VERSION = "bench"
ACCREDITED_FROM = dt.date(2026, 1, 1)
ISSUED = dt.date(2026, 2, 1)
# Far enough past DAY that no certificate_expiring warning is computed for every member.
EXPIRES = dt.date(2027, 12, 31)
DIMENSIONS = ("algorithmic_bias", "data_privacy", "system_controllability")
ACTOR = "bench"
UNCERTIFIED_MODELS = 3

MAX_CHECK_IN_PROCESS_S = 0.050
MAX_CHECK_HTTP_S = 0.100
MAX_REVOKE_AND_IMPACT_S = 2.0
# Decimal, the stricter reading of 2 GB (as bench/ingest.py reads 1 GB).
MAX_SERVER_HWM_BYTES = 2_000_000_000
MB = 1_000_000

# Bump when the portfolio generator changes, so a cached database is not reused.
PORTFOLIO_GENERATOR_VERSION = 1
PORTFOLIO_MODEL_SHARE = 0.05
PORTFOLIO_SUPPLIERS = 200
SERVER_START_TIMEOUT_S = 120.0
# The first request to a fresh server builds the whole portfolio graph.
REQUEST_TIMEOUT_S = 600.0


@dataclass(frozen=True, slots=True)
class Scale:
    """How big each part is; --quick divides the counts by ten."""

    single_components: int
    products: int
    pool: int
    package_size: int
    packages_per_product: int
    model_holders: int
    repeats: int = 30

    @property
    def packages(self) -> int:
        return self.pool // self.package_size


FULL = Scale(
    single_components=10_000,
    products=2_000,
    pool=200_000,
    package_size=10,
    packages_per_product=50,
    model_holders=400,
)
QUICK = Scale(
    single_components=1_000,
    products=200,
    pool=20_000,
    package_size=10,
    packages_per_product=50,
    model_holders=40,
)


# -- shared helpers -------------------------------------------------------------------------


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def identity_key(purl: str) -> str:
    return str(identity_from_reference(purl).key)


def certificate_entry(number: str, subject: str) -> Json:
    return {
        "number": number,
        "subject": subject,
        "reviewer": REVIEWER,
        "dimensions": list(DIMENSIONS),
        "issued": ISSUED.isoformat(),
        "expires": EXPIRES.isoformat(),
        "destinations": ["*"],
        "sectors": ["*"],
        "events": [{"status": "active", "date": ISSUED.isoformat()}],
    }


def registry_document(certificates: Sequence[tuple[str, str]]) -> Json:
    """A registry file (PRODUCT.md section 8) for (number, subject purl) pairs."""
    return {
        "reviewers": [
            {
                "id": REVIEWER,
                "name": "Bench Review Centre",
                "public_key": None,
                "accreditations": [{"from": ACCREDITED_FROM.isoformat(), "to": None}],
            }
        ],
        "certificates": [certificate_entry(number, subject) for number, subject in certificates],
        "ruleset": {"version": RULESET_VERSION},
    }


def median_seconds(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def blocker_summary(result: CheckResult) -> str:
    return ", ".join(f"{b.identity} ({b.blocker.reason.value})" for b in result.blockers)


def timed_target(label: str, seconds: float, limit_seconds: float) -> Target:
    return Target(
        label,
        f"{seconds * 1000:.1f} ms",
        f"< {limit_seconds * 1000:.0f} ms",
        passed=seconds < limit_seconds,
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def proc_status_bytes(pid: int, key: str) -> int:
    """A memory line of /proc/<pid>/status (VmHWM, VmRSS) in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name == key:
            return int(value.split()[0]) * 1024
    raise RuntimeError(f"/proc/{pid}/status has no {key}")


def admin_key(database_url: str) -> str:
    """A key for the benchmark's requests, issued as `exportgate keys create` would."""
    runtime = Runtime(Settings(database_url=database_url))
    try:
        ensure_organisation(runtime, "bench", "Benchmarks", actor=ACTOR)
        return create_key(runtime, "bench", [Role.ADMIN], label="bench", actor=ACTOR).secret
    finally:
        runtime.close()


@dataclass(frozen=True, slots=True)
class Server:
    pid: int
    base_url: str
    database_url: str


@contextmanager
def serving(database_url: str, log_dir: Path) -> Iterator[Server]:
    """`exportgate serve` as a child process, ready once /healthz answers; stopped on exit."""
    port = free_port()
    env = {**os.environ, "EXPORTGATE_DATABASE_URL": database_url}
    argv = [str(exportgate_executable()), "serve", "--port", str(port)]
    base_url = f"http://127.0.0.1:{port}"
    # Log files, not pipes: nobody reads while it runs, and a full pipe would stall it.
    with (log_dir / f"serve-{port}.log").open("wb") as log:
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT_S
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"exportgate serve exited with {process.returncode}")
                try:
                    if httpx2.get(f"{base_url}/healthz", timeout=2.0).status_code == 200:
                        break
                except httpx2.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("exportgate serve did not answer /healthz in time")
                time.sleep(0.1)
            yield Server(process.pid, base_url, database_url)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@dataclass(slots=True)
class CollectorLog:
    """What the cyclic garbage collector cost while watched: with a portfolio graph of
    millions of objects in memory, one full (generation 2) collection takes about a second,
    and where it lands decides whether a timed step absorbs it."""

    seconds: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    counts: list[int] = field(default_factory=lambda: [0, 0, 0])
    started: float = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.started = time.perf_counter()
            return
        generation = info["generation"]
        self.seconds[generation] += time.perf_counter() - self.started
        self.counts[generation] += 1

    def summary(self) -> str:
        return (
            f"garbage collection {sum(self.seconds):.3f} s "
            f"({self.counts[2]} full, {self.seconds[2]:.3f} s)"
        )


@contextmanager
def collector_watched() -> Iterator[CollectorLog]:
    log = CollectorLog()
    gc.callbacks.append(log)
    try:
        yield log
    finally:
        gc.callbacks.remove(log)


def machine() -> str:
    """When and on what a benchmark runs, for the first line of its report."""
    return (
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs"
    )


def report(targets: Sequence[Target]) -> None:
    """The targets, the verdict, and exit status 1 when any is missed."""
    print()
    print_targets(targets)
    passed = all(target.passed for target in targets)
    print("RESULT:", "PASS" if passed else "FAIL")
    if not passed:
        sys.exit(1)


def print_targets(targets: Sequence[Target]) -> None:
    width = max(len(target.label) for target in targets)
    measured = max(len(target.measured) for target in targets)
    limit = max(len(target.limit) for target in targets)
    for target in targets:
        verdict = "PASS" if target.passed else "FAIL"
        print(
            f"{target.label:<{width}}  {target.measured:>{measured}}  "
            f"{target.limit:>{limit}}  {verdict}"
        )


# -- (a) one product with a 10,000-component closure ----------------------------------------


@dataclass(frozen=True, slots=True)
class SingleProduct:
    """The (a) database, ready: the product's id and what the answer must block on."""

    url: str
    product_id: int
    closure_components: int
    closure_ai: int
    models: int
    uncertified: list[str]


def build_single(scale: Scale, workdir: Path) -> SingleProduct:
    document = generate_bom(scale.single_components, DEFAULT_SEED)
    subject_purl: str = document["metadata"]["component"]["purl"]
    models = sorted(
        identity_key(item["purl"])
        for item in document["components"]
        if item["type"] == "machine-learning-model"
    )
    # The first three in identity order: the order the check reports its blockers in.
    uncertified = models[:UNCERTIFIED_MODELS]
    certified = [(f"BENCH-SUBJECT-{0:05d}", subject_purl)]
    certified += [
        (f"BENCH-MODEL-{i:05d}", key) for i, key in enumerate(models) if key not in uncertified
    ]
    url = sqlite_url(workdir / "single.db")
    upgrade_database(url)
    runtime = Runtime(Settings(database_url=url))
    started = time.perf_counter()
    ingested = ingest_bom(runtime, orjson.dumps(document), MEDIA_TYPE)
    import_registry(runtime, registry_document(certified), actor=ACTOR)
    product_id = ingested.subject_id
    with runtime.reading() as uow:
        graph = runtime.cache.current(uow)
        scope = graph.scope(product_id)
        inside = len(scope.closure) - 1
        ai_inside = sum(scope.is_ai(c) for c in scope.closure)
    runtime.close()
    print(
        f"    ingested and registry imported in {time.perf_counter() - started:.1f} s: "
        f"{ingested.component_count} components, {ingested.ai_component_count} AI, "
        f"{ingested.edge_count} edges; closure {inside} components, {ai_inside} AI; "
        f"{len(certified)} certificates",
        flush=True,
    )
    return SingleProduct(url, product_id, inside, ai_inside, len(models), uncertified)


def check_single_in_process(scale: Scale, single: SingleProduct) -> list[Target]:
    runtime = Runtime(Settings(database_url=single.url))
    question = Question(DESTINATION, DAY)
    reference = str(single.product_id)
    check_export(runtime, reference, question, record=True)  # warm-up: builds the graph
    samples = []
    result: CheckResult | None = None
    for _ in range(scale.repeats):
        begun = time.perf_counter()
        result = check_export(runtime, reference, question, record=True)
        samples.append(time.perf_counter() - begun)
    runtime.close()
    if result is None:
        raise RuntimeError("no check was timed")
    median = median_seconds(samples)
    correct = (
        result.check.decision is Decision.INELIGIBLE
        and sorted(b.identity for b in result.blockers) == single.uncertified
        and all(b.blocker.reason is ReasonCode.NO_CERTIFICATE for b in result.blockers)
    )
    print(
        f"    in-process check_export(record=True): median {median * 1000:.1f} ms of "
        f"{scale.repeats} (min {min(samples) * 1000:.1f}, max {max(samples) * 1000:.1f}); "
        f"{result.check.decision.value}, blockers: {blocker_summary(result)}",
        flush=True,
    )
    return [
        timed_target("(a) check in-process, median", median, MAX_CHECK_IN_PROCESS_S),
        Target(
            "(a) in-process answer",
            f"{result.check.decision.value}, {len(result.blockers)} blockers",
            f"ineligible, {UNCERTIFIED_MODELS} blockers",
            passed=correct,
        ),
    ]


def check_single_over_http(scale: Scale, single: SingleProduct, workdir: Path) -> list[Target]:
    with (
        serving(single.url, workdir) as server,
        httpx2.Client(
            base_url=server.base_url,
            timeout=REQUEST_TIMEOUT_S,
            headers={"Authorization": f"Bearer {admin_key(server.database_url)}"},
        ) as client,
    ):
        path = f"/api/v1/products/{single.product_id}/export-check"
        params = {"to": DESTINATION, "on": DAY.isoformat()}
        begun = time.perf_counter()
        client.get(path, params=params).raise_for_status()  # warm-up: builds the graph
        first = time.perf_counter() - begun
        samples = []
        answer: Json = {}
        for _ in range(scale.repeats):
            begun = time.perf_counter()
            response = client.get(path, params=params)
            samples.append(time.perf_counter() - begun)
            response.raise_for_status()
            answer = response.json()
    median = median_seconds(samples)
    blocked = sorted(item["component"]["identity"] for item in answer["blocking"])
    correct = answer["decision"] == Decision.INELIGIBLE.value and blocked == single.uncertified
    print(
        f"    HTTP GET export-check: median {median * 1000:.1f} ms of {scale.repeats} "
        f"(min {min(samples) * 1000:.1f}, max {max(samples) * 1000:.1f}); "
        f"first request {first:.2f} s; {answer['decision']}, "
        f"{len(answer['blocking'])} blockers, {len(answer['verified'])} verified",
        flush=True,
    )
    return [
        timed_target("(a) check over HTTP, median", median, MAX_CHECK_HTTP_S),
        Target(
            "(a) HTTP answer",
            f"{answer['decision']}, {len(answer['blocking'])} blockers",
            f"ineligible, {UNCERTIFIED_MODELS} blockers",
            passed=correct,
        ),
    ]


def measure_single(scale: Scale, workdir: Path) -> list[Target]:
    print(f"(a) one product, {scale.single_components} components", flush=True)
    single = build_single(scale, workdir)
    shape = Target(
        "(a) closure: components, AI",
        f"{single.closure_components}, {single.closure_ai}",
        f"{scale.single_components}, {single.models}",
        passed=(single.closure_components, single.closure_ai)
        == (scale.single_components, single.models),
    )
    return [
        shape,
        *check_single_in_process(scale, single),
        *check_single_over_http(scale, single, workdir),
    ]


# -- (b) the portfolio: generation and a cached database ------------------------------------


@dataclass(frozen=True, slots=True)
class PortfolioPlan:
    """The shared pool and who holds what; the same seed gives the same plan.

    The pool is cut into packages of `package_size` components: a root and members below it
    in a small tree. A package's edges are the same in every BOM that lists it, as a real
    library's dependencies are, so the joined graph stays a forest of packages under the
    products instead of one tangle in which every product holds everything.
    """

    pool: list[Json]
    children: list[list[int]]
    product_packages: list[list[int]]
    holders: frozenset[int]
    model: Json
    model_certificate: str


def _pool_component(index: int, kind: str, rng: random.Random, suppliers: Sequence[str]) -> Json:
    name = f"pool-{index:06d}"
    if kind == "machine-learning-model":
        version = f"{rng.getrandbits(160):040x}"
        purl = f"pkg:huggingface/bench-org-{index % 97:02d}/{name}@{version}"
    else:
        version = f"{rng.randint(0, 9)}.{rng.randint(0, 40)}.{rng.randint(0, 20)}"
        purl = f"pkg:pypi/{name}@{version}"
    return {
        "type": kind,
        "bom-ref": purl,
        "supplier": {"name": rng.choice(suppliers)},
        "name": name,
        "version": version,
        "hashes": [{"alg": "SHA-256", "content": f"{rng.getrandbits(256):064x}"}],
        "purl": purl,
    }


def plan_portfolio(scale: Scale, seed: int) -> PortfolioPlan:
    rng = random.Random(seed)
    suppliers = [f"Pool Supplier {number:03d} Ltd" for number in range(PORTFOLIO_SUPPLIERS)]
    # Models sit below package roots only, so that a package is entered through a library.
    member_model_share = PORTFOLIO_MODEL_SHARE * scale.package_size / (scale.package_size - 1)
    kinds = []
    for index in range(scale.pool):
        if index % scale.package_size and rng.random() < member_model_share:
            kinds.append("machine-learning-model")
        else:
            kinds.append(rng.choices(("library", "framework", "application"), (85, 10, 5))[0])
    pool = [_pool_component(index, kind, rng, suppliers) for index, kind in enumerate(kinds)]
    children: list[list[int]] = [[] for _ in range(scale.pool)]
    for package in range(scale.packages):
        first = package * scale.package_size
        for offset in range(1, scale.package_size):
            children[first + rng.randrange(offset)].append(first + offset)
    product_packages = [
        sorted(rng.sample(range(scale.packages), scale.packages_per_product))
        for _ in range(scale.products)
    ]
    holders = frozenset(rng.sample(range(scale.products), scale.model_holders))
    model_version = f"{rng.getrandbits(160):040x}"
    model_purl = f"pkg:huggingface/bench-shared/shared-vision-model@{model_version}"
    model: Json = {
        "type": "machine-learning-model",
        "bom-ref": model_purl,
        "supplier": {"name": suppliers[0]},
        "name": "shared-vision-model",
        "version": model_version,
        "purl": model_purl,
    }
    return PortfolioPlan(pool, children, product_packages, holders, model, "BENCH-C-000001")


def product_purl(index: int) -> str:
    return f"pkg:generic/bench-portfolio/device-{index:05d}@1.0.0"


def product_bom(plan: PortfolioPlan, scale: Scale, index: int) -> Json:
    rng = random.Random(f"product-{index}")
    purl = product_purl(index)
    subject: Json = {
        "type": "device",
        "bom-ref": purl,
        "supplier": {"name": "Bench Devices Ltd"},
        "name": f"device-{index:05d}",
        "version": "1.0.0",
        "purl": purl,
    }
    listed: list[Json] = []
    dependencies: list[Json] = []
    roots: list[str] = []
    for package in plan.product_packages[index]:
        first = package * scale.package_size
        roots.append(plan.pool[first]["bom-ref"])
        for member in range(first, first + scale.package_size):
            listed.append(plan.pool[member])
            entry: Json = {"ref": plan.pool[member]["bom-ref"]}
            if plan.children[member]:
                entry["dependsOn"] = [
                    plan.pool[child]["bom-ref"] for child in plan.children[member]
                ]
            dependencies.append(entry)
    if index in plan.holders:
        listed.append(plan.model)
        roots.append(plan.model["bom-ref"])
        dependencies.append({"ref": plan.model["bom-ref"]})
    return {
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": uuid.UUID(int=rng.getrandbits(128), version=4).urn,
        "version": 1,
        "metadata": {"timestamp": TIMESTAMP, "component": subject},
        "components": listed,
        "dependencies": [{"ref": purl, "dependsOn": roots}, *dependencies],
    }


def portfolio_certificates(plan: PortfolioPlan, scale: Scale) -> list[tuple[str, str]]:
    """Every product, every pool model any product lists, and the shared model M (as C)."""
    used: set[int] = set()
    for packages in plan.product_packages:
        for package in packages:
            first = package * scale.package_size
            used.update(range(first, first + scale.package_size))
    certificates = [
        (f"BENCH-P-{index:05d}", product_purl(index)) for index in range(scale.products)
    ]
    certificates += [
        (f"BENCH-M-{index:06d}", plan.pool[index]["purl"])
        for index in sorted(used)
        if plan.pool[index]["type"] == "machine-learning-model"
    ]
    certificates.append((plan.model_certificate, plan.model["purl"]))
    return certificates


def migrations_head() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    return head or "base"


def portfolio_key(scale: Scale, seed: int) -> str:
    return (
        f"portfolio-v{PORTFOLIO_GENERATOR_VERSION}-p{scale.products}-n{scale.pool}"
        f"-k{scale.packages_per_product}x{scale.package_size}-m{scale.model_holders}"
        f"-s{seed}-{migrations_head()}"
    )


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def build_portfolio(scale: Scale, seed: int, path: Path) -> Json:
    """Ingest every product BOM and import the registry into a new SQLite file at `path`."""
    building = path.with_name(path.name + ".building")
    _remove_database(building)
    url = sqlite_url(building)
    upgrade_database(url)
    plan = plan_portfolio(scale, seed)
    runtime = Runtime(Settings(database_url=url))
    started = time.perf_counter()
    edges = occurrences = 0
    product_ids: list[int] = []
    for index in range(scale.products):
        data = orjson.dumps(product_bom(plan, scale, index))
        result = ingest_bom(runtime, data, MEDIA_TYPE, uploaded_by=ACTOR)
        product_ids.append(result.subject_id)
        edges += result.edge_count
        occurrences += result.component_count
        if (index + 1) % max(1, scale.products // 10) == 0:
            print(
                f"    ingested {index + 1}/{scale.products} BOMs "
                f"in {time.perf_counter() - started:.0f} s",
                flush=True,
            )
    ingest_seconds = time.perf_counter() - started
    certificates = portfolio_certificates(plan, scale)
    begun = time.perf_counter()
    import_registry(runtime, registry_document(certificates), actor=ACTOR)
    registry_seconds = time.perf_counter() - begun
    model_key = get_certificate(runtime, plan.model_certificate).subject
    runtime.close()
    building.rename(path)
    info: Json = {
        "products": scale.products,
        "listed_components": occurrences,
        "edges": edges,
        "certificates": len(certificates),
        "ingest_seconds": round(ingest_seconds, 1),
        "registry_seconds": round(registry_seconds, 1),
        "model_certificate": plan.model_certificate,
        "model_identity": model_key,
        "holder_ids": [product_ids[index] for index in sorted(plan.holders)],
        "product_ids": product_ids,
    }
    path.with_suffix(".json").write_text(json.dumps(info))
    return info


def portfolio_database(scale: Scale, seed: int, data_dir: Path) -> tuple[Path, Json]:
    """The cached portfolio database for these parameters, built first when missing."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"{portfolio_key(scale, seed)}.db"
    info_path = path.with_suffix(".json")
    if path.is_file() and info_path.is_file():
        info: Json = json.loads(info_path.read_text())
        print(
            f"    cached {path.name}: built earlier, ingest {info['ingest_seconds']} s + "
            f"registry {info['registry_seconds']} s",
            flush=True,
        )
        return path, info
    print(f"    building {path.name} …", flush=True)
    info = build_portfolio(scale, seed, path)
    print(
        f"    build time: ingest {info['ingest_seconds']} s + registry import "
        f"{info['registry_seconds']} s",
        flush=True,
    )
    return path, info


# -- (b) revocation, impact and re-checks ---------------------------------------------------


def measure_portfolio(database: Path, info: Json) -> list[Target]:
    number: str = info["model_certificate"]
    model_identity: str = info["model_identity"]
    holders: list[int] = info["holder_ids"]
    print(
        f"    database {database.stat().st_size / MB:.0f} MB: {info['products']} BOMs, "
        f"{info['listed_components']} listed components, {info['edges']} edges, "
        f"{info['certificates']} certificates",
        flush=True,
    )
    runtime = Runtime(Settings(database_url=sqlite_url(database)))
    gc.collect()
    with collector_watched() as collector:
        begun = time.perf_counter()
        with runtime.reading() as uow:
            graph = runtime.cache.current(uow)
        graph_build = time.perf_counter() - begun
    print(
        f"    graph build: {graph_build:.2f} s ({graph.node_count} nodes, "
        f"{graph.edge_count} distinct edges); of which {collector.summary()}",
        flush=True,
    )

    revocation = EventEntry(status=CertificateStatus.REVOKED, date=DAY, reason="bench: revoked")
    with collector_watched() as collector:
        begun = time.perf_counter()
        add_status_event(runtime, number, revocation, actor=ACTOR)
        revoked = time.perf_counter()
        impact = certificate_impact(runtime, number, [DESTINATION], DAY)
        finished = time.perf_counter()
    revoke_seconds, impact_seconds = revoked - begun, finished - revoked
    listed = sorted(p.product.id for p in impact.products)
    afters = Counter(p.after.value for p in impact.products)
    nows = Counter(p.now.value for p in impact.products)
    print(
        f"    revoke {number}: {revoke_seconds * 1000:.1f} ms; certificate_impact: "
        f"{impact_seconds:.3f} s for {len(impact.products)} products "
        f"(now {dict(nows)}, after {dict(afters)}); of which {collector.summary()}",
        flush=True,
    )
    # Recorded first, the revocation is already in force on DAY, so `now` is ineligible too
    # and nothing counts as breaking. The day before, the same question shows what breaks.
    before_day = DAY - dt.timedelta(days=1)
    with collector_watched() as collector:
        begun = time.perf_counter()
        earlier = certificate_impact(runtime, number, [DESTINATION], before_day)
        earlier_seconds = time.perf_counter() - begun
    breaking = sorted(p.product.id for p in earlier.breaking)
    print(
        f"    certificate_impact on {before_day} (before the revocation): {earlier_seconds:.3f} s, "
        f"{len(earlier.breaking)} of {len(earlier.products)} would break; of which "
        f"{collector.summary()}",
        flush=True,
    )

    question = Question(DESTINATION, DAY)
    samples = []
    correct = 0
    with collector_watched() as collector:
        for product_id in holders:
            begun = time.perf_counter()
            result = check_export(runtime, str(product_id), question, record=False)
            samples.append(time.perf_counter() - begun)
            correct += result.check.decision is Decision.INELIGIBLE and any(
                b.identity == model_identity
                and b.blocker.reason is ReasonCode.CERTIFICATE_REVOKED
                and b.blocker.certificate == number
                for b in result.blockers
            )
    runtime.close()
    print(
        f"    re-check of the {len(holders)} holders: total {sum(samples):.2f} s, median "
        f"{median_seconds(samples) * 1000:.1f} ms; {correct} ineligible with {number} revoked; "
        f"of which {collector.summary()}",
        flush=True,
    )
    expected = sorted(holders)
    return [
        Target(
            "(b) revoke + impact",
            f"{revoke_seconds + impact_seconds:.3f} s",
            f"< {MAX_REVOKE_AND_IMPACT_S:.0f} s",
            passed=revoke_seconds + impact_seconds < MAX_REVOKE_AND_IMPACT_S,
        ),
        Target(
            "(b) impact lists the holders, ineligible after",
            f"{len(listed)}, {afters.get(Decision.INELIGIBLE.value, 0)}",
            f"{len(expected)}, {len(expected)}",
            passed=listed == expected
            and afters == Counter({Decision.INELIGIBLE.value: len(listed)}),
        ),
        Target(
            f"(b) would break (impact on {before_day})",
            f"{len(breaking)}",
            f"{len(expected)}",
            passed=breaking == expected,
        ),
        Target(
            "(b) re-checks: ineligible, C revoked",
            f"{correct}",
            f"{len(expected)}",
            passed=correct == len(expected),
        ),
    ]


# -- (c) peak memory of an API process holding the portfolio ---------------------------------


def measure_memory(database: Path, info: Json, workdir: Path) -> list[Target]:
    product_id = info["holder_ids"][0]
    with (
        serving(sqlite_url(database), workdir) as server,
        httpx2.Client(
            base_url=server.base_url,
            timeout=REQUEST_TIMEOUT_S,
            headers={"Authorization": f"Bearer {admin_key(server.database_url)}"},
        ) as client,
    ):
        idle = proc_status_bytes(server.pid, "VmRSS")
        path = f"/api/v1/products/{product_id}/export-check"
        params = {"to": DESTINATION, "on": DAY.isoformat()}
        begun = time.perf_counter()
        response = client.get(path, params=params)
        first = time.perf_counter() - begun
        response.raise_for_status()
        begun = time.perf_counter()
        client.get(path, params=params).raise_for_status()
        second = time.perf_counter() - begun
        rss = proc_status_bytes(server.pid, "VmRSS")
        hwm = proc_status_bytes(server.pid, "VmHWM")
    print(
        f"    server RSS {idle / MB:.0f} MB before the first check; first check (builds the "
        f"graph) {first:.2f} s, second {second * 1000:.0f} ms; RSS after {rss / MB:.0f} MB, "
        f"peak (VmHWM) {hwm / MB:.0f} MB; answer {response.json()['decision']}",
        flush=True,
    )
    return [
        Target(
            "(c) API process peak RSS (VmHWM)",
            f"{hwm / MB:.0f} MB",
            f"< {MAX_SERVER_HWM_BYTES / MB:.0f} MB",
            passed=hwm < MAX_SERVER_HWM_BYTES,
        )
    ]


# -- the run --------------------------------------------------------------------------------


def run(scale: Scale, *, data_dir: Path, seed: int) -> bool:
    print(
        f"exportgate decision benchmark — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs",
        flush=True,
    )
    targets: list[Target] = []
    with tempfile.TemporaryDirectory(prefix="exportgate-decision-") as temporary:
        workdir = Path(temporary)
        targets += measure_single(scale, workdir)
        print(
            f"(b) portfolio: {scale.products} products, {scale.pool} pool components, "
            f"{scale.packages_per_product} packages of {scale.package_size} per product, "
            f"M in {scale.model_holders}",
            flush=True,
        )
        cached, info = portfolio_database(scale, seed, data_dir)
        # The measurement records a revocation: it works on a copy, so the cache stays clean.
        working = workdir / "portfolio.db"
        shutil.copyfile(cached, working)
        targets += measure_portfolio(working, info)
        print("(c) API process memory with the portfolio", flush=True)
        targets += measure_memory(working, info, workdir)
    print()
    print_targets(targets)
    passed = all(target.passed for target in targets)
    print("RESULT:", "PASS" if passed else "FAIL")
    return passed


def portfolio_arguments(
    description: str | None,
    argv: Sequence[str] | None,
    *,
    more: Callable[[argparse.ArgumentParser], object] | None = None,
) -> tuple[argparse.Namespace, Scale]:
    """The options every portfolio benchmark takes (and `more` of its own), and the scale
    they ask for."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="every count divided by ten")
    if more is not None:
        more(parser)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    return args, QUICK if args.quick else FULL


def main(argv: Sequence[str] | None = None) -> None:
    args, scale = portfolio_arguments(__doc__, argv)
    if not run(scale, data_dir=args.data_dir, seed=args.seed):
        sys.exit(1)


if __name__ == "__main__":
    main()
