"""Benchmark the web console's pages at portfolio scale, rendered by the server.

On a copy of the bench.decision portfolio (2,000 products over 200,000 components, with the
groups ruleset of bench.statuses) plus bench.decision's 10,000-component product, `exportgate
serve` runs as an operator runs it; once every status is stored, a browser-less client signs
in through /login like a browser and asks, 20 times each:

- `/portfolio`: the first page of products by destination group, with their counts;
- `/products/{id}?to=DE`: the 10,000-component product's page with its verdict for DE, each
  blocker and the blocking paths drawn.

Each figure is the median wall time of the whole request on the loopback interface, so it
covers the server's rendering and a little more."""

from __future__ import annotations

import re
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx2
import orjson

from app.config import Settings
from app.services.ingest import ingest_bom
from app.services.registry import import_registry, publish_ruleset
from app.services.runtime import Runtime
from bench.decision import (
    ACTOR,
    MEDIA_TYPE,
    REQUEST_TIMEOUT_S,
    Scale,
    admin_key,
    identity_key,
    machine,
    portfolio_arguments,
    portfolio_database,
    registry_document,
    report,
    serving,
    sqlite_url,
)
from bench.generate import DEFAULT_SEED, generate_bom
from bench.ingest import Target
from bench.statuses import GROUPS_RULESET, SETTLE_TIMEOUT_S, wait_until, waiting_work

PAGE_REQUESTS = 20
MAX_PAGE_S = 0.300
UNCERTIFIED = 3
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def add_large_product(runtime: Runtime, scale: Scale) -> int:
    """bench.decision's single product, every model but three certified: its page has
    blockers and paths to draw."""
    document = generate_bom(scale.single_components, DEFAULT_SEED)
    models = sorted(
        identity_key(item["purl"])
        for item in document["components"]
        if item["type"] == "machine-learning-model"
    )
    certified = [("BENCH-CONSOLE-SUBJECT", document["metadata"]["component"]["purl"])]
    certified += [(f"BENCH-CONSOLE-{i:05d}", key) for i, key in enumerate(models[UNCERTIFIED:])]
    product = ingest_bom(runtime, orjson.dumps(document), MEDIA_TYPE, uploaded_by=ACTOR)
    import_registry(runtime, registry_document(certified), actor=ACTOR)
    return product.subject_id


def products_stored(database: Path) -> int:
    """Products with stored statuses (read beside the server, from its SQLite file)."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as connection:
        query = "SELECT count(DISTINCT product_id) FROM product_statuses"
        return int(connection.execute(query).fetchone()[0])


def signed_in(client: httpx2.Client, key: str) -> None:
    form = client.get("/login")
    form.raise_for_status()
    token = _CSRF.search(form.text)
    if token is None:
        raise SystemExit("the sign-in form carries no CSRF token")
    answer = client.post(
        "/login", data={"api_key": key, "csrf_token": token.group(1), "next": "/portfolio"}
    )
    if answer.status_code != 303:
        raise SystemExit(f"signing in answered {answer.status_code}")


def median_page(client: httpx2.Client, address: str, must_show: str) -> float:
    samples = []
    for _ in range(PAGE_REQUESTS):
        begun = time.perf_counter()
        answer = client.get(address)
        samples.append(time.perf_counter() - begun)
        answer.raise_for_status()
        if must_show not in answer.text:
            raise SystemExit(f"{address} does not show {must_show!r}")
    return statistics.median(samples)


def measure(scale: Scale, *, data_dir: Path, seed: int) -> list[Target]:
    cached, _ = portfolio_database(scale, seed, data_dir)
    with tempfile.TemporaryDirectory(prefix="exportgate-console-") as temporary:
        workdir = Path(temporary)
        database = workdir / "portfolio.db"
        shutil.copyfile(cached, database)
        runtime = Runtime(Settings(database_url=sqlite_url(database)))
        try:
            publish_ruleset(runtime, GROUPS_RULESET, actor=ACTOR)
            large = add_large_product(runtime, scale)
        finally:
            runtime.close()
        key = admin_key(sqlite_url(database))
        with (
            serving(sqlite_url(database), workdir) as server,
            httpx2.Client(base_url=server.base_url, timeout=REQUEST_TIMEOUT_S) as client,
        ):
            # Settled: nothing waits, and every product (the large one too) has its statuses.
            wait_until(
                "the first settling",
                lambda: waiting_work(database) == 0 and products_stored(database) > scale.products,
                SETTLE_TIMEOUT_S,
                0.5,
            )
            signed_in(client, key)
            # The first of each builds what a server keeps warm (graph, registry copy).
            client.get("/portfolio").raise_for_status()
            client.get(f"/products/{large}?to=DE").raise_for_status()
            portfolio = median_page(client, "/portfolio", 'table class="matrix"')
            product = median_page(client, f"/products/{large}?to=DE", "blocking-paths")
            print(
                f"    /portfolio median {portfolio * 1000:.1f} ms; /products/{large}?to=DE "
                f"({scale.single_components} components) median {product * 1000:.1f} ms",
                flush=True,
            )
    return [
        Target(
            "console: /portfolio, median",
            f"{portfolio * 1000:.1f} ms",
            f"< {MAX_PAGE_S * 1000:.0f} ms",
            passed=portfolio < MAX_PAGE_S,
        ),
        Target(
            f"console: {scale.single_components}-component product page, median",
            f"{product * 1000:.1f} ms",
            f"< {MAX_PAGE_S * 1000:.0f} ms",
            passed=product < MAX_PAGE_S,
        ),
    ]


def main(argv: Sequence[str] | None = None) -> None:
    args, scale = portfolio_arguments(__doc__, argv)
    print(
        f"exportgate console benchmark — {machine()}; {scale.products} products over "
        f"{scale.pool} pool components, and one of {scale.single_components}",
        flush=True,
    )
    report(measure(scale, data_dir=args.data_dir, seed=args.seed))


if __name__ == "__main__":
    main()
