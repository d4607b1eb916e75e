"""Fifty writers at once through a live server: every write is idempotent (the same content
gets the first one's answer) or answered with a conflict (other content), never a 5xx, and
the database holds exactly the rows one writer at a time would have left. On SQLite, a
writer that waits out the busy timeout is told 503 with Retry-After, and nothing of it is
kept."""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx2 as httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.store.engine import build_engine
from tests.builders import bom, component, model
from tests.conftest import BACKEND, bearer
from tests.live import live_server

WRITERS = 50
REQUEST_TIMEOUT = 120.0
BOM_TYPE = "application/vnd.cyclonedx+json"
REVIEWER = "RACE-ER"
DIMENSIONS = ["algorithmic_bias", "data_privacy", "system_controllability"]
logger = logging.getLogger("tests.hostile")
# A line per request would bury the numbers these tests log.
logging.getLogger("httpx2").setLevel(logging.WARNING)

Json = dict[str, Any]


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    json: Any = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    statuses: Counter[int]
    responses: list[httpx.Response]

    def bodies(self, status: int) -> list[Any]:
        return [r.json() for r in self.responses if r.status_code == status]


def burst(base: str, key: str, calls: Sequence[Call]) -> Outcome:
    """Send every call at once (a barrier releases the threads together), each on a
    connection of its own."""
    start = threading.Barrier(len(calls))

    def send(call: Call) -> httpx.Response:
        start.wait()
        return httpx.request(
            call.method,
            base + call.path,
            json=call.json,
            content=call.content,
            headers={**bearer(key), **call.headers},
            timeout=REQUEST_TIMEOUT,
        )

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        responses = list(pool.map(send, calls))
    return Outcome(Counter(r.status_code for r in responses), responses)


def count(database_url: str, table: str, where: str = "1 = 1", **values: Any) -> int:
    engine = build_engine(database_url)
    try:
        with engine.connect() as connection:
            found = connection.execute(
                text(f"SELECT count(*) FROM {table} WHERE {where}"),  # noqa: S608 - test constants
                values,
            ).scalar_one()
            return int(found)
    finally:
        engine.dispose()


def measured(kind: str, outcome: Outcome, rows: int) -> None:
    """Logged so a run with --log-cli-level=INFO prints the numbers behind the asserts."""
    logger.info(
        "%s %s: statuses %s, rows %d", BACKEND, kind, dict(sorted(outcome.statuses.items())), rows
    )


def no_server_errors(outcome: Outcome) -> None:
    failures = [(r.status_code, r.text[:300]) for r in outcome.responses if r.status_code >= 500]
    assert failures == [], failures


@pytest.fixture
def server(database_url: str, admin_key: str) -> Iterator[str]:
    """Two worker processes on the test's database: writers race across processes too."""
    with live_server(database_url, "--workers", "2") as base:
        yield base


def _reviewer(base: str, key: str) -> None:
    created = httpx.put(
        f"{base}/api/v1/reviewers/{REVIEWER}",
        json={"name": "Race Review", "accreditations": [{"from": "2026-01-01"}]},
        headers=bearer(key),
        timeout=REQUEST_TIMEOUT,
    )
    assert created.status_code == 201, created.text


def certificate(number: str, *, expires: str = "2027-06-30", subject: str = "widget") -> Json:
    return {
        "number": number,
        "subject": f"pkg:generic/race/{subject}@1.0",
        "reviewer": REVIEWER,
        "dimensions": DIMENSIONS,
        "issued": "2026-07-01",
        "expires": expires,
        "events": [{"status": "active", "date": "2026-07-01"}],
    }


def ruleset(version: str, *, warning_days: int = 90) -> Json:
    return {
        "version": version,
        "country_groups": {"NORDIC": ["DK", "FI", "IS", "NO", "SE"]},
        "expiry_warning_days": warning_days,
    }


def product_bom(index: int) -> bytes:
    """A product of its own that shares its model and runtime with every other one."""
    return bom(
        component("p", f"racer-{index}", type_="device", purl=f"pkg:generic/race/racer-{index}@1"),
        [
            model("m", "pkg:huggingface/race/shared-model@1.0"),
            component("rt", "shared-runtime", purl="pkg:pypi/shared-runtime@1.0"),
            component(f"own{index}", f"own-part-{index}", purl=f"pkg:pypi/own-part-{index}@1.0"),
        ],
        {"p": ["m", f"own{index}"], "m": ["rt"]},
    )


class TestFiftyWritersAtOnce:
    """Each kind of write, fifty at once: the same content, other content for the same key
    where a key exists, and fifty distinct writes."""

    def test_bom_uploads_when_fifty_arrive_at_once(
        self, server: str, admin_key: str, database_url: str
    ) -> None:
        headers = {"content-type": BOM_TYPE}
        same = product_bom(0)
        identical = burst(server, admin_key, [Call("POST", "/api/v1/boms", content=same,
                                                   headers=headers)] * WRITERS)  # fmt: skip
        no_server_errors(identical)
        measured("bom identical", identical, count(database_url, "boms"))
        assert identical.statuses == {201: 1, 200: WRITERS - 1}
        assert len({body["id"] for body in identical.bodies(200) + identical.bodies(201)}) == 1
        assert count(database_url, "boms") == 1

        distinct = burst(
            server,
            admin_key,
            [Call("POST", "/api/v1/boms", content=product_bom(i), headers=headers)
             for i in range(1, WRITERS + 1)],
        )  # fmt: skip
        no_server_errors(distinct)
        measured("bom distinct", distinct, count(database_url, "boms"))
        assert distinct.statuses == {201: WRITERS}
        assert count(database_url, "boms") == WRITERS + 1
        # The shared model and runtime are one component each, whoever created them.
        assert count(database_url, "components") == 2 + 2 * (WRITERS + 1)
        assert count(database_url, "occurrences") == 4 * (WRITERS + 1)
        assert count(database_url, "subject_owners") == WRITERS + 1

    def test_certificates_when_fifty_arrive_at_once(
        self, server: str, admin_key: str, database_url: str
    ) -> None:
        _reviewer(server, admin_key)
        identical = burst(
            server,
            admin_key,
            [Call("POST", "/api/v1/certificates", certificate("RACE-1"))] * WRITERS,
        )
        no_server_errors(identical)
        measured("certificate identical", identical, count(database_url, "certificates"))
        assert identical.statuses == {201: WRITERS}
        assert {json.dumps(b, sort_keys=True) for b in identical.bodies(201)} == {
            json.dumps(identical.bodies(201)[0], sort_keys=True)
        }
        assert count(database_url, "certificates") == 1
        assert count(database_url, "certificate_events") == 1

        conflicting = burst(
            server,
            admin_key,
            [Call("POST", "/api/v1/certificates", certificate("RACE-2", expires=f"2027-07-{d:02}"))
             for d in range(1, 31)] * 2,
        )  # fmt: skip
        no_server_errors(conflicting)
        measured("certificate conflicting", conflicting, count(database_url, "certificates"))
        # One expiry wins; the same expiry sent again is that certificate; the others clash.
        assert conflicting.statuses == {201: 2, 409: 58}
        assert count(database_url, "certificates") == 2

        distinct = burst(
            server,
            admin_key,
            [Call("POST", "/api/v1/certificates", certificate(f"RACE-D{i}"))
             for i in range(WRITERS)],
        )  # fmt: skip
        no_server_errors(distinct)
        measured("certificate distinct", distinct, count(database_url, "certificates"))
        assert distinct.statuses == {201: WRITERS}
        assert count(database_url, "certificates") == 2 + WRITERS
        assert count(database_url, "certificate_events") == 2 + WRITERS

    def test_status_events_when_fifty_arrive_at_once(
        self, server: str, admin_key: str, database_url: str
    ) -> None:
        _reviewer(server, admin_key)
        path = "/api/v1/certificates/RACE-E/events"
        created = httpx.post(
            f"{server}/api/v1/certificates",
            json=certificate("RACE-E"),
            headers=bearer(admin_key),
            timeout=REQUEST_TIMEOUT,
        )
        assert created.status_code == 201, created.text
        event = {"status": "suspended", "date": "2026-08-01", "reason": "audit"}
        identical = burst(server, admin_key, [Call("POST", path, event)] * WRITERS)
        no_server_errors(identical)
        measured("status event identical", identical, count(database_url, "certificate_events"))
        assert identical.statuses == {201: 1, 200: WRITERS - 1}
        assert count(database_url, "certificate_events") == 2

        distinct = burst(
            server,
            admin_key,
            [Call("POST", path, {"status": "active" if d % 2 else "suspended",
                                 "date": f"2026-09-{d:02}", "reason": "review"})
             for d in range(1, 31)]
            + [Call("POST", path, {"status": "suspended", "date": f"2026-10-{d:02}"})
               for d in range(1, 21)],
        )  # fmt: skip
        no_server_errors(distinct)
        measured("status event distinct", distinct, count(database_url, "certificate_events"))
        assert distinct.statuses == {201: WRITERS}
        assert count(database_url, "certificate_events") == 2 + WRITERS

    def test_registry_imports_when_fifty_arrive_at_once(
        self, server: str, admin_key: str, database_url: str
    ) -> None:
        document = {
            "reviewers": [{"id": REVIEWER, "name": "Race Review",
                           "accreditations": [{"from": "2026-01-01"}]}],
            "certificates": [certificate("RACE-I1"), certificate("RACE-I2", subject="gadget")],
            "ruleset": ruleset("2026-race.1"),
        }  # fmt: skip
        identical = burst(
            server, admin_key, [Call("POST", "/api/v1/registry/import", document)] * WRITERS
        )
        no_server_errors(identical)
        measured("registry import identical", identical, count(database_url, "certificates"))
        assert identical.statuses == {200: WRITERS}
        reports = identical.bodies(200)
        # Exactly one import recorded each thing; every other one found it recorded.
        assert sum(r["certificates_added"] for r in reports) == 2
        assert sum(r["events_added"] for r in reports) == 2
        assert sum(r["reviewers_changed"] for r in reports) == 1
        assert [r["ruleset_published"] for r in reports if r["ruleset_published"]] == [
            "2026-race.1"
        ]
        assert count(database_url, "reviewers") == 1
        assert count(database_url, "certificates") == 2
        assert count(database_url, "certificate_events") == 2
        assert count(database_url, "rulesets") == 1

        def other(index: int) -> Json:
            changed = copy.deepcopy(document)
            changed["certificates"] = [certificate(f"RACE-J{index}")]
            changed["ruleset"] = ruleset(f"2026-race.j{index}")
            return changed

        distinct = burst(
            server,
            admin_key,
            [Call("POST", "/api/v1/registry/import", other(i)) for i in range(WRITERS)],
        )
        no_server_errors(distinct)
        measured("registry import distinct", distinct, count(database_url, "certificates"))
        assert distinct.statuses == {200: WRITERS}
        assert count(database_url, "certificates") == 2 + WRITERS
        assert count(database_url, "rulesets") == 1 + WRITERS

        def clashing(index: int) -> Json:
            # The same certificate number and ruleset version, each with other content.
            expires = (dt.date(2027, 8, 1) + dt.timedelta(days=index)).isoformat()
            changed = copy.deepcopy(document)
            changed["certificates"] = [certificate("RACE-K", expires=expires)]
            changed["ruleset"] = ruleset("2026-race.k", warning_days=index)
            return changed

        conflicting = burst(
            server,
            admin_key,
            [Call("POST", "/api/v1/registry/import", clashing(i)) for i in range(WRITERS)],
        )
        no_server_errors(conflicting)
        measured("registry import conflicting", conflicting, count(database_url, "certificates"))
        # A file that contradicts what is recorded is refused whole, located (its contract).
        assert conflicting.statuses == {200: 1, 422: WRITERS - 1}
        assert {b["type"] for b in conflicting.bodies(422)} == {
            "urn:exportgate:problem:registry-entry-rejected"
        }
        assert all("already" in str(b["errors"]) for b in conflicting.bodies(422))
        assert count(database_url, "certificates") == 3 + WRITERS
        assert count(database_url, "rulesets") == 2 + WRITERS

    def test_organisations_when_fifty_arrive_at_once(
        self, server: str, admin_key: str, database_url: str
    ) -> None:
        body = {"code": "racer", "name": "Racer Ltd"}
        identical = burst(
            server, admin_key, [Call("POST", "/api/v1/organisations", body)] * WRITERS
        )
        no_server_errors(identical)
        rows = count(database_url, "organisations", "code = :code", code="racer")
        measured("organisation identical", identical, rows)
        assert identical.statuses == {201: 1, 200: WRITERS - 1}
        assert rows == 1

        conflicting = burst(
            server,
            admin_key,
            [Call("POST", "/api/v1/organisations", {"code": "rival", "name": f"Rival {i}"})
             for i in range(WRITERS)],
        )  # fmt: skip
        no_server_errors(conflicting)
        rows = count(database_url, "organisations", "code = :code", code="rival")
        measured("organisation conflicting", conflicting, rows)
        assert conflicting.statuses == {201: 1, 409: WRITERS - 1}
        assert rows == 1

        distinct = burst(
            server,
            admin_key,
            [Call("POST", "/api/v1/organisations", {"code": f"org-{i}", "name": f"Org {i}"})
             for i in range(WRITERS)],
        )  # fmt: skip
        no_server_errors(distinct)
        rows = count(database_url, "organisations", "code LIKE 'org-%'")
        measured("organisation distinct", distinct, rows)
        assert distinct.statuses == {201: WRITERS}
        assert rows == WRITERS

    def test_keys_when_fifty_arrive_at_once(
        self, server: str, admin_key: str, database_url: str
    ) -> None:
        before = count(database_url, "api_keys")
        body = {"organisation": "tests", "roles": ["integrator"], "label": "race"}
        identical = burst(server, admin_key, [Call("POST", "/api/v1/keys", body)] * WRITERS)
        no_server_errors(identical)
        measured("key identical", identical, count(database_url, "api_keys") - before)
        # Every issue is a new secret: fifty requests, fifty keys.
        assert identical.statuses == {201: WRITERS}
        assert len({b["secret"] for b in identical.bodies(201)}) == WRITERS
        assert count(database_url, "api_keys") == before + WRITERS

        distinct = burst(
            server,
            admin_key,
            [Call("POST", "/api/v1/keys", {"organisation": "tests", "label": f"race-{i}",
                                           "roles": ["auditor" if i % 2 else "procurement"]})
             for i in range(WRITERS)],
        )  # fmt: skip
        no_server_errors(distinct)
        measured("key distinct", distinct, count(database_url, "api_keys") - before)
        assert distinct.statuses == {201: WRITERS}
        assert count(database_url, "api_keys") == before + 2 * WRITERS

    def test_ruleset_publications_when_fifty_arrive_at_once(
        self, server: str, admin_key: str, database_url: str
    ) -> None:
        identical = burst(
            server, admin_key, [Call("POST", "/api/v1/ruleset", ruleset("2026-r.1"))] * WRITERS
        )
        no_server_errors(identical)
        measured("ruleset identical", identical, count(database_url, "rulesets"))
        assert identical.statuses == {201: WRITERS}
        assert count(database_url, "rulesets") == 1

        conflicting = burst(
            server,
            admin_key,
            [Call("POST", "/api/v1/ruleset", ruleset("2026-r.2", warning_days=d))
             for d in range(WRITERS)],
        )  # fmt: skip
        no_server_errors(conflicting)
        measured("ruleset conflicting", conflicting, count(database_url, "rulesets"))
        assert conflicting.statuses == {201: 1, 409: WRITERS - 1}
        assert count(database_url, "rulesets") == 2

        distinct = burst(
            server,
            admin_key,
            [Call("POST", "/api/v1/ruleset", ruleset(f"2026-r.d{i}")) for i in range(WRITERS)],
        )
        no_server_errors(distinct)
        measured("ruleset distinct", distinct, count(database_url, "rulesets"))
        assert distinct.statuses == {201: WRITERS}
        assert count(database_url, "rulesets") == 2 + WRITERS

    def test_reviewers_delegations_and_classifications_when_fifty_arrive_at_once(
        self, server: str, admin_key: str, database_url: str
    ) -> None:
        reviewer = {"name": "Race Review", "accreditations": [{"from": "2026-01-01"}]}
        identical = burst(
            server, admin_key, [Call("PUT", f"/api/v1/reviewers/{REVIEWER}", reviewer)] * WRITERS
        )
        no_server_errors(identical)
        measured("reviewer identical", identical, count(database_url, "reviewers"))
        assert identical.statuses == {201: 1, 200: WRITERS - 1}
        assert count(database_url, "reviewers") == 1

        uploaded = httpx.post(
            f"{server}/api/v1/boms",
            content=product_bom(0),
            headers={**bearer(admin_key), "content-type": BOM_TYPE},
            timeout=REQUEST_TIMEOUT,
        )
        assert uploaded.status_code == 201, uploaded.text
        subject = uploaded.json()["product_id"]
        for code in ("partner", *(f"partner-{i}" for i in range(WRITERS))):
            made = httpx.post(
                f"{server}/api/v1/organisations",
                json={"code": code, "name": code},
                headers=bearer(admin_key),
                timeout=REQUEST_TIMEOUT,
            )
            assert made.status_code == 201, made.text
        path = f"/api/v1/owners/{subject}/delegates"
        delegated = burst(
            server, admin_key, [Call("POST", path, {"organisation": "partner"})] * WRITERS
        )
        no_server_errors(delegated)
        measured("delegation identical", delegated, count(database_url, "subject_delegates"))
        assert delegated.statuses == {200: WRITERS}
        assert count(database_url, "subject_delegates") == 1
        assert count(database_url, "ownership_events", "kind = 'delegated'") == 1

        revoke = {"organisation": "partner", "revoke": True}
        revoked = burst(server, admin_key, [Call("POST", path, revoke)] * WRITERS)
        no_server_errors(revoked)
        measured("delegation revoked", revoked, count(database_url, "subject_delegates"))
        assert revoked.statuses == {200: WRITERS}
        assert count(database_url, "subject_delegates") == 0
        assert count(database_url, "ownership_events", "kind = 'undelegated'") == 1

        distinct = burst(
            server,
            admin_key,
            [Call("POST", path, {"organisation": f"partner-{i}"}) for i in range(WRITERS)],
        )
        no_server_errors(distinct)
        measured("delegation distinct", distinct, count(database_url, "subject_delegates"))
        assert distinct.statuses == {200: WRITERS}
        assert count(database_url, "subject_delegates") == WRITERS

        classified = burst(
            server,
            admin_key,
            [Call("POST", f"/api/v1/components/{subject}/classifications",
                  {"is_ai": False, "reason": "no model inside"})] * WRITERS,
        )  # fmt: skip
        no_server_errors(classified)
        measured("classification identical", classified, count(database_url, "classifications"))
        # A classification is a record of one decision, appended like a sequential repeat is.
        assert classified.statuses == {201: WRITERS}
        assert count(database_url, "classifications") == WRITERS


# -- SQLite: a writer that waits out the busy timeout -------------------------------------------

sqlite_only = pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's single writer lock")
QUICK_BUSY_TIMEOUT = {"EXPORTGATE_SQLITE_BUSY_TIMEOUT_MS": "100"}


@contextmanager
def write_lock_held(database_url: str) -> Iterator[None]:
    """Another process's long write: the database's write lock, held until the block ends."""
    holder = sqlite3.connect(str(make_url(database_url).database), isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        yield
        holder.execute("ROLLBACK")
    finally:
        holder.close()


def busy(outcome: Outcome) -> None:
    """Every answer is 503 with Retry-After, as a problem naming the busy database."""
    assert set(outcome.statuses) == {503}, outcome.statuses
    for response in outcome.responses:
        assert int(response.headers["retry-after"]) >= 1
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "urn:exportgate:problem:database-busy"


@sqlite_only
def test_every_write_waiting_out_the_busy_timeout_is_told_503_with_retry_after(
    database_url: str, admin_key: str
) -> None:
    writes: dict[str, Callable[[int], Call]] = {
        "bom": lambda i: Call("POST", "/api/v1/boms", content=product_bom(i),
                              headers={"content-type": BOM_TYPE}),
        "certificate": lambda i: Call("POST", "/api/v1/certificates", certificate(f"L-{i}")),
        "registry import": lambda i: Call("POST", "/api/v1/registry/import",
                                          {"ruleset": ruleset(f"2026-l.{i}")}),
        "organisation": lambda i: Call("POST", "/api/v1/organisations",
                                       {"code": f"l-{i}", "name": "L"}),
        "key": lambda i: Call("POST", "/api/v1/keys", {"organisation": "tests",
                                                       "roles": ["auditor"], "label": f"l-{i}"}),
        "ruleset": lambda i: Call("POST", "/api/v1/ruleset", ruleset(f"2026-l.r{i}")),
    }  # fmt: skip
    with live_server(database_url, environment=QUICK_BUSY_TIMEOUT) as base:
        _reviewer(base, admin_key)
        before = {t: count(database_url, t) for t in ("boms", "certificates", "rulesets",
                                                      "organisations", "api_keys")}  # fmt: skip
        with write_lock_held(database_url):
            for kind, write in writes.items():
                outcome = burst(base, admin_key, [write(i) for i in range(WRITERS)])
                measured(f"{kind} while locked", outcome, 0)
                busy(outcome)
            # Readers never wait for a writer (WAL).
            listed = httpx.get(f"{base}/api/v1/boms", headers=bearer(admin_key), timeout=30)
            assert listed.status_code == 200
        assert {t: count(database_url, t) for t in before} == before
        again = httpx.post(
            f"{base}/api/v1/ruleset",
            json=ruleset("2026-l.after"),
            headers=bearer(admin_key),
            timeout=REQUEST_TIMEOUT,
        )
        assert again.status_code == 201, again.text


def large_bom(index: int, components: int) -> bytes:
    parts = [
        component(f"c{n}", f"part-{index}-{n}", purl=f"pkg:pypi/part-{index}-{n}@1.0")
        for n in range(components)
    ]
    return bom(
        component("p", f"large-{index}", type_="device", purl=f"pkg:generic/race/large-{index}@1"),
        parts,
        {"p": [f"c{n}" for n in range(components)]},
    )


@sqlite_only
def test_large_uploads_racing_past_the_busy_timeout_keep_the_winners_whole(
    database_url: str, admin_key: str
) -> None:
    size, uploads = 20_000, 7
    documents = [large_bom(i, size) for i in range(uploads)]
    headers = {"content-type": BOM_TYPE}
    with live_server(database_url, environment=QUICK_BUSY_TIMEOUT) as base:
        outcome = burst(
            base, admin_key, [Call("POST", "/api/v1/boms", content=d, headers=headers)
                              for d in documents],
        )  # fmt: skip
        measured(f"{uploads} uploads of {size} components", outcome, count(database_url, "boms"))
        no_server_errors_but_busy = {s for s in outcome.statuses if s >= 500} - {503}
        assert no_server_errors_but_busy == set(), outcome.statuses
        assert set(outcome.statuses) <= {201, 503}
        winners = [r.json() for r in outcome.responses if r.status_code == 201]
        losers = [i for i, r in enumerate(outcome.responses) if r.status_code == 503]
        assert winners
        assert losers, "the busy timeout was never reached; the test proves nothing"
        for index in losers:
            assert int(outcome.responses[index].headers["retry-after"]) >= 1
        # Each winner is whole; each loser left nothing behind.
        assert count(database_url, "boms") == len(winners)
        for winner in winners:
            assert winner["components"] == size
            assert count(database_url, "occurrences", "bom_id = :b", b=winner["id"]) == size + 1
            assert count(database_url, "edges", "bom_id = :b", b=winner["id"]) == size
        # Retried, as Retry-After says, each loser is stored whole too.
        for index in losers:
            retried = httpx.post(
                f"{base}/api/v1/boms",
                content=documents[index],
                headers={**bearer(admin_key), **headers},
                timeout=REQUEST_TIMEOUT,
            )
            assert retried.status_code == 201, retried.text
        assert count(database_url, "boms") == uploads
        assert count(database_url, "occurrences") == uploads * (size + 1)
