"""Every operation declares the roles it admits and refuses everyone else: no key 401, a
key of the wrong role 403, both as problem+json. Keys themselves: digests, expiry, revocation."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.domain.access import Role
from app.services.access import revoke_key
from app.services.runtime import Runtime
from tests.conftest import bearer, issue_key

PROBLEM = "application/problem+json"
# Liveness probes ask without a key; nothing else may.
PUBLIC = {"/healthz"}
NON_ADMIN = [Role.INTEGRATOR, Role.PROCUREMENT, Role.REVIEWER, Role.AUDITOR]


def _operations(settings: Settings) -> list[tuple[str, str, frozenset[Role] | None]]:
    """(method, path, roles admitted) for every operation of the OpenAPI document."""
    spec = create_app(settings).openapi()
    found = []
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            roles = operation.get("x-exportgate-roles")
            admitted = frozenset(Role(role) for role in roles) if roles else None
            found.append((method.upper(), re.sub(r"\{[^}]+\}", "1", path), admitted))
    return found


def test_every_operation_says_who_may_call_it(settings: Settings) -> None:
    operations = _operations(settings)
    assert len(operations) >= 20
    assert {path for _, path, roles in operations if roles is None} == PUBLIC
    assert all(Role.ADMIN in roles for _, _, roles in operations if roles is not None)
    spec = create_app(settings).openapi()
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            if path not in PUBLIC:
                assert operation["security"] == [{"HTTPBearer": []}], (method, path)
                assert "Roles:" in operation["description"], (method, path)


def test_every_operation_refuses_a_missing_key_and_a_wrong_role(settings: Settings) -> None:
    keys = {role: issue_key(settings, role, reviewer="R") for role in NON_ADMIN}
    checked_forbidden = 0
    with TestClient(create_app(settings)) as anonymous:
        for method, path, roles in _operations(settings):
            if roles is None:
                continue
            refused = anonymous.request(method, path)
            assert refused.status_code == 401, (method, path, refused.text)
            assert refused.headers["content-type"] == PROBLEM
            assert refused.headers["www-authenticate"].startswith("Bearer")
            wrong = next((role for role in NON_ADMIN if role not in roles), None)
            if wrong is None:
                continue  # every role may call it: readable by all
            forbidden = anonymous.request(method, path, headers=bearer(keys[wrong]))
            assert forbidden.status_code == 403, (method, path, wrong, forbidden.text)
            assert forbidden.json()["type"] == "urn:exportgate:problem:permission-denied"
            checked_forbidden += 1
    assert checked_forbidden >= 15


def test_a_stored_digest_revoked_key_or_garbage_is_refused(
    settings: Settings, runtime: Runtime
) -> None:
    secret = issue_key(settings, Role.PROCUREMENT)
    with runtime.reading() as uow:
        stored = next(k for k in uow.access.all_keys() if k.prefix == secret[:12])
        digest, key_id = stored.secret_sha256, stored.id
    with TestClient(create_app(settings)) as api:
        assert api.get("/api/v1/products", headers=bearer(secret)).status_code == 200
        for refused in (digest, "egk_not-a-key", secret + "x"):
            response = api.get("/api/v1/products", headers=bearer(refused))
            assert response.status_code == 401, refused
        with runtime.writing() as uow:
            revoke_key(uow, key_id)
        response = api.get("/api/v1/products", headers=bearer(secret))
        assert response.status_code == 401
        assert "revoked" in response.json()["detail"]


def test_a_reviewer_records_only_for_its_own_body(settings: Settings, samples: Runtime) -> None:
    own = issue_key(settings, Role.REVIEWER, reviewer="CAICT-ER")
    other = issue_key(settings, Role.REVIEWER, reviewer="SHAI-ETHICS")
    event = {"status": "suspended", "date": "2026-11-20", "reason": "audit"}
    with TestClient(create_app(settings)) as api:
        path = "/api/v1/certificates/AIEC-2026-000123/events"  # issued by CAICT-ER
        denied = api.post(path, json=event, headers=bearer(other))
        assert denied.status_code == 403
        assert "SHAI-ETHICS" in denied.json()["detail"]
        allowed = api.post(path, json=event, headers=bearer(own))
        assert allowed.status_code == 201
        assert allowed.json()["events"][-1]["actor"].startswith("tests/key-")


@pytest.mark.parametrize("role", [Role.INTEGRATOR, Role.PROCUREMENT])
def test_the_registry_is_readable_by_every_caller(settings: Settings, role: Role) -> None:
    with TestClient(create_app(settings), headers=bearer(issue_key(settings, role))) as api:
        assert api.get("/api/v1/certificates").status_code == 200
        assert api.get("/api/v1/reviewers").status_code == 200
        assert api.post("/api/v1/ruleset", json={"version": "x"}).status_code == 403
