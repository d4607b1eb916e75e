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
        revoke_key(runtime, key_id, actor="tests")
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


class TestAdministrationOverHttp:
    def test_an_organisation_and_its_key_are_made_used_and_revoked_over_http(
        self, client: TestClient, settings: Settings
    ) -> None:
        created = client.post(
            "/api/v1/organisations", json={"code": "hikari-vision", "name": "Hikari Vision"}
        )
        assert created.status_code == 201, created.text
        assert "hikari-vision" in [
            o["code"] for o in client.get("/api/v1/organisations").json()["items"]
        ]
        issued = client.post(
            "/api/v1/keys",
            json={"organisation": "hikari-vision", "roles": ["integrator"], "label": "ci"},
        )
        assert issued.status_code == 201, issued.text
        key = issued.json()
        listed = client.get("/api/v1/keys", params={"organisation": "hikari-vision"}).json()[
            "items"
        ]
        assert [(k["id"], k["roles"], k["label"]) for k in listed] == [
            (key["id"], ["integrator"], "ci")
        ]
        assert key["secret"].startswith(listed[0]["prefix"])
        assert key["secret"] not in client.get("/api/v1/keys").text
        with TestClient(create_app(settings)) as anonymous:
            headers = bearer(key["secret"])
            assert anonymous.get("/api/v1/boms", headers=headers).status_code == 200
            assert anonymous.get("/api/v1/keys", headers=headers).status_code == 403
            assert client.delete(f"/api/v1/keys/{key['id']}").status_code == 204
            assert anonymous.get("/api/v1/boms", headers=headers).status_code == 401
        assert client.delete(f"/api/v1/keys/{key['id']}").status_code == 204
        assert client.get("/api/v1/keys").json()["items"][-1]["revoked_at"] is not None

    @pytest.mark.parametrize(
        ("body", "status"),
        [
            pytest.param({"organisation": "nobody", "roles": ["integrator"]}, 404, id="no-org"),
            pytest.param({"organisation": "maker", "roles": []}, 422, id="no-role"),
            pytest.param({"organisation": "maker", "roles": ["root"]}, 422, id="unknown-role"),
            pytest.param({"organisation": "maker", "roles": ["reviewer"]}, 409, id="no-body"),
        ],
    )
    def test_a_key_that_cannot_be_issued_is_refused_saying_why(
        self, client: TestClient, body: dict[str, object], status: int
    ) -> None:
        client.post("/api/v1/organisations", json={"code": "maker", "name": "Maker"})
        before = client.get("/api/v1/keys").json()["items"]
        response = client.post("/api/v1/keys", json=body)
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == PROBLEM
        assert client.get("/api/v1/keys").json()["items"] == before

    def test_an_organisation_is_created_once(self, client: TestClient) -> None:
        body = {"code": "maker", "name": "Maker"}
        first = client.post("/api/v1/organisations", json=body)
        assert first.status_code == 201
        # The same organisation asked for again is that one (idempotent, as under races).
        again = client.post("/api/v1/organisations", json=body)
        assert again.status_code == 200
        assert again.json() == first.json()
        renamed = client.post("/api/v1/organisations", json={"code": "maker", "name": "Other"})
        assert renamed.status_code == 409
        assert "maker" in renamed.json()["detail"]
        bad = client.post("/api/v1/organisations", json={"code": "Has Spaces", "name": "x"})
        assert bad.status_code == 422

    def test_revoking_an_unknown_key_is_not_found(self, client: TestClient) -> None:
        assert client.delete("/api/v1/keys/987654").status_code == 404

    def test_a_reviewer_body_is_recorded_and_updated_in_place(self, client: TestClient) -> None:
        body = {"name": "Nova Review", "accreditations": [{"from": "2026-05-01", "to": None}]}
        first = client.put("/api/v1/reviewers/NOVA", json=body)
        assert first.status_code == 201, first.text
        assert client.put("/api/v1/reviewers/NOVA", json=body).status_code == 200
        ended = {**body, "accreditations": [{"from": "2026-05-01", "to": "2026-10-31"}]}
        assert client.put("/api/v1/reviewers/NOVA", json=ended).status_code == 201
        roster = {r["id"]: r for r in client.get("/api/v1/reviewers").json()["items"]}
        assert roster["NOVA"]["accreditations"] == [{"from": "2026-05-01", "to": "2026-10-31"}]
        refused = client.put("/api/v1/reviewers/NOVA", json={"name": ""})
        assert refused.status_code == 422

    def test_the_last_administrator_key_is_not_revoked(
        self, client: TestClient, settings: Settings
    ) -> None:
        keys = client.get("/api/v1/keys").json()["items"]
        (admin,) = [k for k in keys if "admin" in k["roles"]]
        refused = client.delete(f"/api/v1/keys/{admin['id']}")
        assert refused.status_code == 409
        assert "last usable administrator key" in refused.json()["detail"]
        assert client.get("/api/v1/keys").status_code == 200
        organisation = admin["organisation"]
        spare = client.post("/api/v1/keys", json={"organisation": organisation, "roles": ["admin"]})
        assert client.delete(f"/api/v1/keys/{admin['id']}").status_code == 204
        assert client.get("/api/v1/keys").status_code == 401
        with TestClient(create_app(settings), headers=bearer(spare.json()["secret"])) as other:
            assert other.get("/api/v1/keys").status_code == 200
