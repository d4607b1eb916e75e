"""Reviewer signatures over HTTP: a reviewer body with a public key records certificates and
status events only with its valid signature (422 naming the field otherwise), the signatures
are shown wherever the entries are, and keys of other organisations record nothing."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.domain.access import Role
from tests.conftest import bearer, issue_key
from tests.reviewer_signing import (
    ALICE,
    FIRST,
    MALLORY,
    SECOND,
    certificate,
    event_signature,
    public_jwk,
    public_pem,
    reviewer,
    signed,
)

alice_key = Ed25519PrivateKey.generate()
mallory_key = Ed25519PrivateKey.generate()
REVOKED = {"status": "revoked", "date": "2026-10-01", "reason": "consent missing"}


@pytest.fixture
def api(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def keys(settings: Settings, api: TestClient) -> dict[str, dict[str, str]]:
    """The operator, each reviewer body's key (its own organisation), and an integrator of
    a second organisation; both bodies are on the roster with their public keys."""
    admin = bearer(issue_key(settings, Role.ADMIN))
    for code, public_key in ((ALICE, public_jwk(alice_key)), (MALLORY, public_pem(mallory_key))):
        body = {k: v for k, v in reviewer(code, public_key).items() if k != "id"}
        assert api.put(f"/api/v1/reviewers/{code}", json=body, headers=admin).status_code == 201
    return {
        "admin": admin,
        "alice": bearer(issue_key(settings, Role.REVIEWER, organisation="alice", reviewer=ALICE)),
        "mallory": bearer(
            issue_key(settings, Role.REVIEWER, organisation="mallory", reviewer=MALLORY)
        ),
        "other": bearer(issue_key(settings, Role.INTEGRATOR, organisation="other-org")),
    }


def located(answer: Any) -> set[str]:
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    return {error["location"] for error in answer.json()["errors"]}


def test_a_signed_certificate_and_event_are_recorded_and_shown(
    api: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    entry = signed(certificate(FIRST, ALICE), alice_key)
    answer = api.post("/api/v1/certificates", json=entry, headers=keys["alice"])
    assert answer.status_code == 201, answer.text
    assert answer.json()["signature"] == entry["signature"]
    event = {**REVOKED, "signature": event_signature(FIRST, REVOKED, alice_key)}
    answer = api.post(f"/api/v1/certificates/{FIRST}/events", json=event, headers=keys["alice"])
    assert answer.status_code == 201, answer.text
    shown = api.get(f"/api/v1/certificates/{FIRST}", headers=keys["other"]).json()
    assert shown["signature"] == entry["signature"]
    assert [e["signature"] for e in shown["events"]] == [
        *(e["signature"] for e in entry["events"]),
        event["signature"],
    ]
    listed = api.get("/api/v1/certificates", headers=keys["other"]).json()["items"]
    assert [c["signature"] for c in listed] == [entry["signature"]]


def test_unsigned_forged_or_altered_certificates_are_refused_naming_the_field(
    api: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    unsigned = certificate(FIRST, ALICE)
    forged = signed(certificate(FIRST, ALICE), mallory_key)
    altered = signed(certificate(FIRST, ALICE), alice_key)
    altered["destinations"] = ["*"]
    for entry, locations in (
        (unsigned, {"/signature", "/events/0/signature", "/events/1/signature"}),
        (forged, {"/signature", "/events/0/signature", "/events/1/signature"}),
        (altered, {"/signature"}),
    ):
        answer = api.post("/api/v1/certificates", json=entry, headers=keys["admin"])
        assert located(answer) == locations
    assert api.get(f"/api/v1/certificates/{FIRST}", headers=keys["admin"]).status_code == 404


def test_an_event_is_refused_unsigned_or_signed_for_another_certificate(
    api: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    for number, subject in ((FIRST, "pkg:generic/acme/a@1"), (SECOND, "pkg:generic/acme/b@1")):
        entry = signed(certificate(number, ALICE, subject), alice_key)
        assert api.post("/api/v1/certificates", json=entry, headers=keys["alice"]).is_success
    moved = {**REVOKED, "signature": event_signature(FIRST, REVOKED, alice_key)}
    for event in (REVOKED, moved, {**moved, "reason": "reworded"}):
        answer = api.post(
            f"/api/v1/certificates/{SECOND}/events", json=event, headers=keys["alice"]
        )
        assert located(answer) == {"/signature"}
    history = api.get(f"/api/v1/certificates/{SECOND}", headers=keys["alice"]).json()["events"]
    assert [e["status"] for e in history] == ["active", "suspended"]


def test_keys_of_other_bodies_and_organisations_record_nothing(
    api: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    entry = signed(certificate(FIRST, ALICE), alice_key)
    for key in (keys["mallory"], keys["other"]):
        assert api.post("/api/v1/certificates", json=entry, headers=key).status_code == 403
    assert api.get(f"/api/v1/certificates/{FIRST}", headers=keys["other"]).status_code == 404
    assert api.post("/api/v1/certificates", json=entry, headers=keys["alice"]).status_code == 201
    event = {**REVOKED, "signature": event_signature(FIRST, REVOKED, alice_key)}
    for key in (keys["mallory"], keys["other"]):
        answer = api.post(f"/api/v1/certificates/{FIRST}/events", json=event, headers=key)
        assert answer.status_code == 403
    document = {"certificates": [entry]}
    for key in (keys["alice"], keys["other"]):
        assert api.post("/api/v1/registry/import", json=document, headers=key).status_code == 403
    history = api.get(f"/api/v1/certificates/{FIRST}", headers=keys["other"]).json()["events"]
    assert [e["status"] for e in history] == ["active", "suspended"]


def test_a_reviewer_key_that_is_not_ed25519_is_refused(
    api: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    body = {k: v for k, v in reviewer("REV-NEW", "ssh-ed25519 AAAAC3Nza").items() if k != "id"}
    answer = api.put("/api/v1/reviewers/REV-NEW", json=body, headers=keys["admin"])
    assert located(answer) == {"body/public_key"}
    roster = api.get("/api/v1/reviewers", headers=keys["admin"]).json()["items"]
    assert "REV-NEW" not in {r["id"] for r in roster}


def test_an_import_over_http_is_refused_whole_naming_the_entry(
    api: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    good = signed(certificate(FIRST, ALICE), alice_key)
    bad = copy.deepcopy(good)
    bad["number"] = SECOND
    answer = api.post(
        "/api/v1/registry/import", json={"certificates": [good, bad]}, headers=keys["admin"]
    )
    assert located(answer) == {"/certificates/1/signature"} | {
        f"/certificates/1/events/{i}/signature" for i in range(2)
    }
    assert api.get("/api/v1/certificates", headers=keys["admin"]).json()["items"] == []
