"""The audit chain end to end: every audited record a use case writes enters the chain in
its own transaction, `exportgate audit verify` passes on an honest database, and names the
kind and id of whatever raw SQL altered, deleted, or inserted behind its back."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from app.api.main import create_app
from app.cli.main import app
from app.config import Settings
from app.domain.access import Role
from app.services.access import create_key, revoke_key
from app.services.runtime import Runtime
from tests.conftest import bearer, issue_key, load_samples

runner = CliRunner()
CAMERA = "pkg:generic/hikari-vision/hv-s3-smart-camera@1.0"


def verify() -> tuple[int, str, str]:
    result = runner.invoke(app, ["audit", "verify"])
    return result.exit_code, result.stdout, result.stderr


def verify_json() -> dict[str, object]:
    result = runner.invoke(app, ["audit", "verify", "--json"])
    found: dict[str, object] = json.loads(result.stdout)
    return found


def raw(database_url: str, statement: str, **values: object) -> None:
    """Tampering as someone with the database's password would: a connection of its own."""
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(statement), values)
    finally:
        engine.dispose()


def scalar(database_url: str, statement: str) -> object:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(statement)).scalar()
    finally:
        engine.dispose()


def column(database_url: str, statement: str) -> list[object]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(statement)).scalars())
    finally:
        engine.dispose()


@pytest.fixture
def portfolio(settings: Settings, runtime: Runtime, cli_env: str) -> Runtime:
    """The samples, a stored export check, a key issued and revoked, a visibility change."""
    load_samples(runtime)
    admin = issue_key(settings, Role.ADMIN, organisation="acme")
    with TestClient(create_app(settings), headers=bearer(admin)) as api:
        product = api.get("/api/v1/components", params={"purl": CAMERA}).json()["items"][0]
        checked = api.get(f"/api/v1/products/{product['id']}/export-check", params={"to": "DE"})
        assert checked.status_code == 200, checked.text
        visibility = api.put("/api/v1/boms/1/visibility", json={"visibility": "public"})
        assert visibility.status_code == 200, visibility.text
    issued = create_key(runtime, "acme", [Role.AUDITOR], actor="tests")
    revoke_key(runtime, issued.key_id, actor="tests")
    return runtime


def test_verify_passes_on_an_honest_portfolio(portfolio: Runtime, database_url: str) -> None:
    code, out, err = verify()
    assert code == 0, err
    entries = scalar(database_url, "SELECT count(*) FROM audit_chain")
    head = scalar(database_url, "SELECT hash FROM audit_chain ORDER BY seq DESC LIMIT 1")
    assert out.strip() == f"audit chain intact: {entries} entries, head {head}"
    # Every kind of record the portfolio holds is in it, the in-place changes as records.
    kinds = set(column(database_url, "SELECT DISTINCT kind FROM audit_chain"))
    assert {"bom", "certificate", "certificate_event", "ruleset", "reviewer", "decision",
            "api_key", "organisation", "record_change"} <= kinds  # fmt: skip
    changes = scalar(
        database_url,
        "SELECT count(*) FROM record_changes WHERE change IN ('revoked', 'visibility')",
    )
    assert changes == 2


@pytest.mark.parametrize(
    ("statement", "problem", "kind"),
    [
        ("UPDATE certificates SET expires = '2099-12-31' WHERE id = 1",
         "record_altered", "certificate 1"),
        ("UPDATE boms SET sha256 = '" + "f" * 64 + "' WHERE id = 2", "record_altered", "bom 2"),
        (("UPDATE api_keys SET revoked_at = NULL, revoked_by = NULL "
          "WHERE id = (SELECT max(id) FROM api_keys)"), "record_altered", "api_key"),
        ("UPDATE boms SET visibility = 'private' WHERE id = 1", "record_altered", "bom 1"),
        ("DELETE FROM certificate_events WHERE id = 1", "record_deleted", "certificate_event 1"),
        (("INSERT INTO classifications "
          "(component_id, is_ai, reason, expires, decided_at, actor, organisation_id, scope) "
          "VALUES (1, false, 'slipped in', NULL, '2026-12-01 10:00:00+00:00', 'nobody', 1, "
          "'global')"), "unchained", "classification 1"),
        ("UPDATE reviewers SET public_key = 'forged' WHERE id = 1", "record_altered",
         "reviewer 1"),
        ("INSERT INTO bom_shares (bom_id, organisation_id) VALUES (2, 1)", "record_altered",
         "bom 2"),
    ],
    ids=["certificate-expiry", "bom-sha256", "key-unrevoked", "bom-visibility",
         "certificate-event-deleted", "classification-inserted", "reviewer-key-swapped",
         "bom-share-slipped-in"],
)  # fmt: skip
def test_verify_names_a_tampered_record(
    portfolio: Runtime, database_url: str, statement: str, problem: str, kind: str
) -> None:
    assert verify()[0] == 0
    raw(database_url, statement)
    code, out, err = verify()
    assert code == 1, out
    assert err.startswith(f"audit chain broken: {problem} at "), err
    assert f" {kind}" in err, err
    problems = verify_json()["problems"]
    assert isinstance(problems, list)
    assert [found["problem"] for found in problems] == [problem]


def test_verify_names_a_removed_chain_entry(portfolio: Runtime, database_url: str) -> None:
    raw(database_url, "DELETE FROM audit_chain WHERE seq = 5")
    code, _, err = verify()
    assert code == 1
    assert err.startswith("audit chain broken: broken_link at seq 5"), err


def test_verify_names_a_rewritten_chain_entry(portfolio: Runtime, database_url: str) -> None:
    """An entry's digest rewritten to match an altered row still breaks the entry's hash."""
    raw(database_url, "UPDATE audit_chain SET record_digest = :digest WHERE seq = 3",
        digest="0" * 64)  # fmt: skip
    code, _, err = verify()
    assert code == 1
    assert err.startswith("audit chain broken: entry_altered at seq 3"), err


def test_two_entries_swapped_break_the_link(portfolio: Runtime, database_url: str) -> None:
    raw(database_url, "UPDATE audit_chain SET seq = -1 WHERE seq = 7")
    raw(database_url, "UPDATE audit_chain SET seq = 7 WHERE seq = 8")
    raw(database_url, "UPDATE audit_chain SET seq = 8 WHERE seq = -1")
    code, _, err = verify()
    assert code == 1
    assert err.startswith("audit chain broken: broken_link at seq 7"), err


def test_a_decision_keeps_the_chain_head_before_it(portfolio: Runtime, database_url: str) -> None:
    decision = scalar(database_url, "SELECT max(id) FROM decisions")
    kept = scalar(database_url, f"SELECT chain_head FROM decisions WHERE id = {decision}")  # noqa: S608
    before = scalar(
        database_url,
        "SELECT hash FROM audit_chain WHERE seq = (SELECT seq - 1 FROM audit_chain "  # noqa: S608
        f"WHERE kind = 'decision' AND record_id = {decision})",
    )
    assert kept == before
    assert isinstance(kept, str)
    assert len(kept) == 64
    settings = Settings(database_url=database_url)
    admin = issue_key(settings, Role.ADMIN, organisation="acme")
    with TestClient(create_app(settings), headers=bearer(admin)) as api:
        assert api.get(f"/api/v1/decisions/{decision}").json()["chain_head"] == kept
        listed = api.get("/api/v1/decisions").json()["items"]
        assert listed[-1]["chain_head"] == kept
    # Rewriting the head a decision kept is an altered decision.
    raw(database_url, f"UPDATE decisions SET chain_head = '{'1' * 64}' WHERE id = {decision}")  # noqa: S608
    code, _, err = verify()
    assert code == 1
    assert "record_altered at seq" in err, err
    assert f"decision {decision}" in err, err


def test_an_empty_database_verifies(cli_env: str) -> None:
    code, out, _ = verify()
    assert code == 0
    assert out.strip() == f"audit chain intact: 0 entries, head {'0' * 64}"


def test_verify_refuses_an_unmigrated_database(
    unmigrated_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPORTGATE_DATABASE_URL", unmigrated_url)
    code, _, err = verify()
    assert code == 2
    assert "exportgate db upgrade" in err


def test_entries_are_at_the_time_of_their_transaction(
    portfolio: Runtime, database_url: str
) -> None:
    newest = scalar(database_url, "SELECT max(at) FROM audit_chain")
    assert newest is not None
    if isinstance(newest, str):
        newest = dt.datetime.fromisoformat(newest)
    assert isinstance(newest, dt.datetime)
    assert dt.datetime.now(dt.UTC) - newest.replace(tzinfo=dt.UTC) < dt.timedelta(minutes=5)


def test_a_swapped_reviewer_key_is_named_with_the_field(
    portfolio: Runtime, database_url: str
) -> None:
    """A reviewer body's row changes in place; its latest reviewer change says what it must
    hold, so verify can say which field differs."""
    raw(database_url, "UPDATE reviewers SET public_key = 'forged' WHERE id = 1")
    code, _, err = verify()
    assert code == 1
    assert "reviewer 1: its public_key differs from its latest reviewer change" in err, err
