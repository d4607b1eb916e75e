"""The audit chain under concurrent writers, across an upgrade of a database that kept
records before the chain did, and as the API shows it: the check is an administrator's,
and the trail names each record's chain entry without showing another organisation's."""

from __future__ import annotations

import threading
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from app.api.main import create_app
from app.config import Settings
from app.domain.access import Role
from app.services.access import create_key, ensure_organisation, revoke_key
from app.services.audit import verify_audit_chain
from app.services.runtime import Runtime
from app.store.migrations import downgrade_database, upgrade_database
from tests.builders import MODULE_PURL, camera_bom, supplier_module_bom
from tests.conftest import bearer, issue_key, load_samples

WRITERS = 2
WRITES = 15
JSON_TYPE = "application/vnd.cyclonedx+json"


def _execute(url: str, *statements: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def test_two_writers_at_once_leave_one_unbroken_chain(settings: Settings) -> None:
    """Each writer has its runtime (its engine and connections); they start together and
    keep committing audited records. Without the append lock they would both link to the
    same head; with it, every record is in one chain."""
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def write(worker: int) -> None:
        runtime = Runtime(settings)
        try:
            start.wait()
            for index in range(WRITES):
                code = f"org-{worker}-{index}"
                ensure_organisation(runtime, code, code, actor=f"writer {worker}")
                create_key(runtime, code, [Role.AUDITOR], actor=f"writer {worker}")
        except BaseException as error:  # noqa: BLE001 - reported by the test
            failures.append(error)
        finally:
            runtime.close()

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    runtime = Runtime(settings)
    try:
        found = verify_audit_chain(runtime)
    finally:
        runtime.close()
    assert found.problems == ()
    # Every organisation and key each writer made, one entry each.
    assert found.entries == WRITERS * WRITES * 2


def test_an_upgraded_database_enters_its_records_in_the_chain(second_database_url: str) -> None:
    """A database that kept records before the chain: its chain and decisions' heads are
    emptied and the schema taken back to before the chain; the upgrade enters them all."""
    settings = Settings(database_url=second_database_url)
    runtime = Runtime(settings)
    try:
        load_samples(runtime)
        ensure_organisation(runtime, "acme", "Acme", actor="tests")
        issued = create_key(runtime, "acme", [Role.AUDITOR], actor="tests")
        revoke_key(runtime, issued.key_id, actor="tests")
        admin = issue_key(settings, Role.ADMIN, organisation="acme")
        with TestClient(create_app(settings), headers=bearer(admin)) as api:
            product = api.get("/api/v1/components", params={"q": "hv-s3"}).json()["items"][0]
            api.get(f"/api/v1/products/{product['id']}/export-check", params={"to": "DE"})
            shared = api.put(
                "/api/v1/boms/1/visibility",
                json={"visibility": "private", "share_with": ["acme"]},
            )
            assert shared.status_code == 200, shared.text
        before = verify_audit_chain(runtime)
        assert before.intact
    finally:
        runtime.close()
    _execute(
        second_database_url,
        "DELETE FROM audit_chain",
        "DELETE FROM record_changes",
        "UPDATE decisions SET chain_head = NULL",
    )
    downgrade_database(second_database_url, "0016")
    upgrade_database(second_database_url)
    runtime = Runtime(settings)
    try:
        after = verify_audit_chain(runtime)
    finally:
        runtime.close()
    assert after.problems == ()
    # The same records, less the key's revocation (the upgrade has no history of it); the
    # BOM's shares as they stood are one change record by the upgrade.
    assert after.entries == before.entries - 1
    engine = create_engine(second_database_url)
    try:
        with engine.connect() as connection:
            heads = connection.execute(text("SELECT chain_head FROM decisions")).scalars().all()
    finally:
        engine.dispose()
    assert heads
    assert all(isinstance(head, str) and len(head) == 64 for head in heads)


def test_only_an_administrator_verifies_over_http(settings: Settings, tmp_path: Path) -> None:
    admin = bearer(issue_key(settings, Role.ADMIN, organisation="operator"))
    auditor = bearer(issue_key(settings, Role.AUDITOR, organisation="acme"))
    with TestClient(create_app(settings)) as api:
        found = api.get("/api/v1/audit/verify", headers=admin)
        assert found.status_code == 200, found.text
        body = found.json()
        assert body["intact"] is True
        assert body["problems"] == []
        assert body["entries"] >= 4  # two organisations, two keys
        assert len(body["head"]) == 64
        refused = api.get("/api/v1/audit/verify", headers=auditor)
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("application/problem+json")
    _execute(settings.database_url, "UPDATE organisations SET name = 'renamed' WHERE id = 1")
    with TestClient(create_app(settings)) as api:
        body = api.get("/api/v1/audit/verify", headers=admin).json()
        assert body["intact"] is False
        [problem] = body["problems"]
        assert (problem["problem"], problem["kind"], problem["record_id"]) == (
            "record_altered", "organisation", 1,
        )  # fmt: skip


def test_the_trail_names_chain_entries_and_keeps_changes_to_their_organisation(
    settings: Settings,
) -> None:
    acme = bearer(issue_key(settings, Role.INTEGRATOR, Role.AUDITOR, organisation="acme"))
    rival = bearer(issue_key(settings, Role.AUDITOR, organisation="rival"))
    admin = bearer(issue_key(settings, Role.ADMIN, organisation="operator"))
    with TestClient(create_app(settings)) as api:
        stored = api.post(
            "/api/v1/boms", content=camera_bom(), headers={**acme, "content-type": JSON_TYPE}
        ).json()
        shared = api.put(
            f"/api/v1/boms/{stored['id']}/visibility",
            json={"visibility": "private", "share_with": ["operator"]},
            headers=acme,
        )
        assert shared.status_code == 200, shared.text
        mine = api.get("/api/v1/audit-trail", params={"limit": 500}, headers=acme).json()
        [change] = [e for e in mine["items"] if e["kind"] == "record_changed"]
        assert change["subject"] == f"bom {stored['id']}"
        assert change["detail"] == "visibility: shared_with ['operator'], visibility private"
        assert change["actor"].startswith("acme/key-")
        # An organisation gets each entry's hash, not its place among everyone's records.
        assert all(len(e["chain_hash"]) == 64 for e in mine["items"])
        assert {e["chain_seq"] for e in mine["items"]} == {None}
        everything = api.get("/api/v1/audit-trail", params={"limit": 500}, headers=admin).json()
        seqs = [e["chain_seq"] for e in everything["items"]]
        assert all(isinstance(seq, int) for seq in seqs)
        assert len(set(seqs)) == len(seqs)
        # The rival sees neither the private BOM's upload nor its change.
        theirs = api.get("/api/v1/audit-trail", params={"limit": 500}, headers=rival).json()
        kinds = {e["kind"] for e in theirs["items"]}
        assert "record_changed" not in kinds
        assert "bom_uploaded" not in kinds


def test_changes_in_place_are_chained_and_keep_the_chain_verifying(database_url: str) -> None:
    """Delegating and undelegating, a transfer, a subscription made and removed: each change
    is a record in the chain, and the rows as they now stand verify; then an owner changed
    behind exportgate's back does not."""
    settings = Settings(database_url=database_url, webhook_allow_private_networks=True)
    acme = bearer(issue_key(settings, Role.INTEGRATOR, organisation="acme"))
    issue_key(settings, Role.INTEGRATOR, organisation="partner")
    admin = bearer(issue_key(settings, Role.ADMIN, organisation="operator"))
    with TestClient(create_app(settings)) as api:
        stored = api.post(
            "/api/v1/boms",
            content=supplier_module_bom(),
            headers={**acme, "content-type": JSON_TYPE},
        )
        assert stored.status_code == 201, stored.text
        module = api.get("/api/v1/components", params={"purl": MODULE_PURL}, headers=admin)
        subject = module.json()["items"][0]["id"]
        delegates = f"/api/v1/owners/{subject}/delegates"
        for body in ({"organisation": "partner"}, {"organisation": "partner", "revoke": True},
                     {"organisation": "partner"}):  # fmt: skip
            answer = api.post(delegates, json=body, headers=acme)
            assert answer.status_code == 200, answer.text
        moved = api.post(
            f"/api/v1/owners/{subject}/transfer",
            json={"organisation": "partner", "reason": "acquired"},
            headers=admin,
        )
        assert moved.status_code == 200, moved.text
        made = api.post(
            "/api/v1/webhooks",
            json={"url": "http://127.0.0.1:9/hook", "events": ["bom.ingested"]},
            headers=acme,
        )
        assert made.status_code == 201, made.text
        assert api.delete(f"/api/v1/webhooks/{made.json()['id']}", headers=acme).status_code == 204
        found = api.get("/api/v1/audit/verify", headers=admin).json()
        assert found["problems"] == []
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            changes = connection.execute(
                text("SELECT record_kind, change, actor FROM record_changes ORDER BY id")
            ).all()
            owners = connection.execute(
                text("SELECT count(*) FROM audit_chain WHERE kind = 'subject_owner'")
            ).scalar()
    finally:
        engine.dispose()
    assert [(kind, change) for kind, change, _ in changes] == [
        ("delegation", "removed"),
        ("subject_owner", "transferred"),
        ("delegation", "removed"),
        ("webhook_subscription", "removed"),
    ]
    assert changes[0][2].startswith("acme/key-")
    assert changes[1][2].startswith("operator/key-")
    assert owners == 1  # the first upload's claim, written in bulk
    _execute(database_url, "UPDATE subject_owners SET since = '2020-01-01 00:00:00+00:00'")
    runtime = Runtime(settings)
    try:
        tampered = verify_audit_chain(runtime)
    finally:
        runtime.close()
    [problem] = tampered.problems
    assert (problem.problem, problem.kind, problem.record_id) == (
        "record_altered", "subject_owner", subject,
    )  # fmt: skip
