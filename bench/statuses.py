"""Benchmark stored statuses in the decision portfolio: the products page read from storage,
and a revocation's status changes recorded and delivered by webhook.

`exportgate serve` runs on a copy of the bench.decision portfolio with its background work
on (the default), as an operator runs it. Measured:

- the first settling of every product's statuses when the server starts (the day's
  re-evaluation), for the record;
- GET /api/v1/products?limit=100 (every destination group): median of 20 once the
  statuses are stored, and for comparison while a change waits to be settled (weighed
  afresh, as before statuses were stored);
- revoking the model certificate the portfolio's holders depend on: the time from the
  answer to the revocation until every resulting status change is recorded, and until a
  local receiver (verifying each signature with the standardwebhooks library) has them all.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx2
from standardwebhooks import Webhook

from app.config import Settings
from app.services.registry import publish_ruleset
from app.services.runtime import Runtime
from bench.decision import (
    REQUEST_TIMEOUT_S,
    Scale,
    admin_key,
    machine,
    portfolio_arguments,
    portfolio_database,
    report,
    serving,
    sqlite_url,
)
from bench.ingest import Target

PAGE_REQUESTS = 20
MAX_PAGE_S = 0.050
MAX_RECORDED_S = 2.0
MAX_DELIVERED_S = 10.0
SETTLE_TIMEOUT_S = 900.0
# The portfolio's ruleset names no destination groups; an operator's names several.
GROUPS_RULESET = {
    "version": "bench-groups",
    "in_force": "2026-07-01",
    "country_groups": {
        "EU": ["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU",
               "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES",
               "SE"],
        "ASEAN": ["BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"],
        "GCC": ["AE", "BH", "KW", "OM", "QA", "SA"],
        "MERCOSUR": ["AR", "BR", "PY", "UY"],
        "USMCA": ["US", "CA", "MX"],
    },
}  # fmt: skip


@dataclass
class Receiver:
    """A local webhook receiver that keeps each payload whose signature verifies."""

    secret: str = ""
    verified: list[Any] = field(default_factory=list)
    failed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Server(ThreadingHTTPServer):
    # A sender sends side by side: the standard library's backlog of five would drop
    # connections (each retried a second later by the kernel).
    request_queue_size = 128


@contextmanager
def receiving() -> Iterator[tuple[Receiver, str]]:
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            headers = {key.lower(): value for key, value in self.headers.items()}
            try:
                payload = Webhook(receiver.secret).verify(body, headers)
            except Exception:  # noqa: BLE001 - a bad signature is counted, not raised
                with receiver.lock:
                    receiver.failed += 1
                self.send_response(400)
            else:
                with receiver.lock:
                    receiver.verified.append(payload)
                self.send_response(204)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:  # noqa: ARG002 - quiet
            return

    server = _Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver, f"http://127.0.0.1:{server.server_address[1]}/hooks"
    finally:
        server.shutdown()
        server.server_close()


def waiting_work(database: Path) -> int:
    """Work items not yet settled (read beside the server, from its SQLite file)."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as connection:
        return int(connection.execute("SELECT count(*) FROM status_work").fetchone()[0])


def changes_caused_by(database: Path, ref: str) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as connection:
        query = "SELECT count(*) FROM status_changes WHERE cause_ref = ?"
        return int(connection.execute(query, (ref,)).fetchone()[0])


def wait_until(what: str, done: Any, timeout: float, step: float = 0.01) -> float:
    begun = time.perf_counter()
    while not done():
        if time.perf_counter() - begun > timeout:
            raise SystemExit(f"{what}: not done after {timeout:.0f} s")
        time.sleep(step)
    return time.perf_counter() - begun


def page_seconds(client: httpx2.Client) -> float:
    begun = time.perf_counter()
    answer = client.get("/api/v1/products", params={"limit": 100})
    answer.raise_for_status()
    return time.perf_counter() - begun


def measure(scale: Scale, *, data_dir: Path, seed: int) -> list[Target]:
    cached, info = portfolio_database(scale, seed, data_dir)
    number: str = info["model_certificate"]
    os.environ["EXPORTGATE_WEBHOOK_ALLOW_PRIVATE_NETWORKS"] = "true"
    with tempfile.TemporaryDirectory(prefix="exportgate-statuses-") as temporary:
        workdir = Path(temporary)
        database = workdir / "portfolio.db"
        shutil.copyfile(cached, database)
        runtime = Runtime(Settings(database_url=sqlite_url(database)))
        try:
            publish_ruleset(runtime, GROUPS_RULESET, actor="bench")
        finally:
            runtime.close()
        key = admin_key(sqlite_url(database))
        started = time.perf_counter()
        with (
            serving(sqlite_url(database), workdir) as server,
            httpx2.Client(
                base_url=server.base_url,
                timeout=REQUEST_TIMEOUT_S,
                headers={"Authorization": f"Bearer {key}"},
            ) as client,
            receiving() as (receiver, url),
        ):
            wait_until(
                "the first settling", lambda: waiting_work(database) == 0, SETTLE_TIMEOUT_S, 0.5
            )
            first = time.perf_counter() - started
            print(f"    every product's statuses stored {first:.1f} s after start", flush=True)
            stored = [page_seconds(client) for _ in range(PAGE_REQUESTS)]
            print(
                f"    products page (100, every group) from storage: median "
                f"{statistics.median(stored) * 1000:.1f} ms",
                flush=True,
            )
            created = client.post(
                "/api/v1/webhooks", json={"url": url, "events": ["product.status_changed"]}
            )
            created.raise_for_status()
            receiver.secret = created.json()["secret"]
            revoked_on = dt.datetime.now(dt.UTC).date().isoformat()
            answer = client.post(
                f"/api/v1/certificates/{number}/events",
                json={"status": "revoked", "date": revoked_on, "reason": "bench: revoked"},
            )
            answer.raise_for_status()
            answered = time.perf_counter()
            unsettled = page_seconds(client)
            # A settling pass records all of its changes in one transaction.
            wait_until("the revocation's changes", lambda: changes_caused_by(database, number), 60)
            recorded = time.perf_counter() - answered
            changes = changes_caused_by(database, number)
            wait_until("the deliveries", lambda: len(receiver.verified) >= changes, 120)
            delivered = time.perf_counter() - answered
            print(
                f"    revoke {number}: {changes} status changes recorded {recorded:.2f} s after "
                f"the answer, all {len(receiver.verified)} delivered and verified after "
                f"{delivered:.2f} s ({receiver.failed} failed verification); the products page "
                f"while the change waited: {unsettled * 1000:.0f} ms",
                flush=True,
            )
    return [
        Target(
            "products page (100, every group), median",
            f"{statistics.median(stored) * 1000:.1f} ms",
            f"<= {MAX_PAGE_S * 1000:.0f} ms",
            passed=statistics.median(stored) <= MAX_PAGE_S,
        ),
        Target(
            "revocation: every status change recorded",
            f"{recorded:.2f} s ({changes})",
            f"<= {MAX_RECORDED_S:.0f} s",
            passed=recorded <= MAX_RECORDED_S and changes > 0,
        ),
        Target(
            "revocation: every change delivered, verified",
            f"{delivered:.2f} s",
            f"<= {MAX_DELIVERED_S:.0f} s",
            passed=delivered <= MAX_DELIVERED_S and receiver.failed == 0,
        ),
    ]


def main(argv: Sequence[str] | None = None) -> None:
    args, scale = portfolio_arguments(__doc__, argv)
    print(
        f"exportgate statuses benchmark — {machine()}; "
        f"{scale.products} products over {scale.pool} pool components",
        flush=True,
    )
    report(measure(scale, data_dir=args.data_dir, seed=args.seed))


if __name__ == "__main__":
    main()
