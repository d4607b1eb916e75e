"""Who acted is the key that acted, taken from its credentials, never what a body says; and a
reviewer key speaks for a reviewer body that exists."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.config import Settings
from tests.builders import camera_bom
from tests.conftest import bearer
from tests.hostile.tenant_world import REVIEWER, Tenants, tenants_of
from tests.hostile.tenant_world import certificate as _certificate


@pytest.fixture
def tenants(settings: Settings) -> Iterator[Tenants]:
    with tenants_of(settings) as world:
        yield world


def test_an_actor_named_in_a_certificate_event_body_is_refused(tenants: Tenants) -> None:
    api = tenants.api
    api.put("/api/v1/reviewers/R", json={"name": "R"}, headers=tenants.admin)
    reviewer = tenants.api.post(
        "/api/v1/keys",
        json={"organisation": "operator", "roles": ["reviewer"], "reviewer": "R"},
        headers=tenants.admin,
    ).json()
    key = bearer(reviewer["secret"])
    recorded = api.post("/api/v1/certificates", json=_certificate("C-1"), headers=key)
    assert recorded.status_code == 201, recorded.text
    forged = api.post(
        "/api/v1/certificates/C-1/events",
        json={"status": "suspended", "date": "2026-07-01", "actor": "orga/key-1"},
        headers=key,
    )
    assert forged.status_code == 422
    assert [e["location"] for e in forged.json()["errors"]] == ["body/actor"]
    assert [e["status"] for e in api.get("/api/v1/certificates/C-1", headers=key).json()[
        "events"]] == ["active"]  # fmt: skip
    # Nor may a registry file speak for someone else.
    imported = api.post(
        "/api/v1/registry/import",
        json={"certificates": [{**_certificate("C-2"), "events": [
            {"status": "active", "date": "2026-06-01", "actor": "orga/key-1"}]}]},
        headers=tenants.admin,
    )  # fmt: skip
    assert imported.status_code == 422
    # Without one, the event names the key that sent it.
    sent = api.post(
        "/api/v1/certificates/C-1/events",
        json={"status": "suspended", "date": "2026-07-01"},
        headers=key,
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["events"][-1]["actor"] == f"operator/key-{reviewer['id']}"


def test_a_reviewer_key_is_issued_only_for_a_reviewer_body_that_exists(
    tenants: Tenants,
) -> None:
    refused = tenants.api.post(
        "/api/v1/keys",
        json={"organisation": "operator", "roles": ["reviewer"], "reviewer": "NO-SUCH-BODY"},
        headers=tenants.admin,
    )
    assert refused.status_code == 404
    assert "NO-SUCH-BODY" in refused.json()["detail"]
    keys = tenants.api.get("/api/v1/keys", headers=tenants.admin).json()["items"]
    assert all("reviewer" not in k["roles"] for k in keys)


def test_the_audit_trail_names_the_acting_key_for_every_record_kind(tenants: Tenants) -> None:
    api, admin = tenants.api, tenants.admin
    assert api.post(
        "/api/v1/organisations", json={"code": "newco", "name": "New Co"}, headers=admin
    ).status_code == 201  # fmt: skip
    assert api.put("/api/v1/reviewers/R", json={"name": "R"}, headers=admin).status_code == 201
    issued = api.post(
        "/api/v1/keys",
        json={"organisation": "newco", "roles": ["reviewer"], "reviewer": "R"},
        headers=admin,
    ).json()
    reviewer = bearer(issued["secret"])
    assert api.post(
        "/api/v1/registry/import",
        json={"reviewers": [REVIEWER], "certificates": [_certificate("C-IMPORTED")]},
        headers=admin,
    ).status_code == 200  # fmt: skip
    assert api.post(
        "/api/v1/ruleset", json={"version": "2026.2"}, headers=admin
    ).status_code == 201  # fmt: skip
    own = api.post("/api/v1/certificates", json=_certificate("C-OWN"), headers=reviewer)
    assert own.status_code == 201, own.text
    assert api.post(
        "/api/v1/certificates/C-OWN/events",
        json={"status": "suspended", "date": "2026-07-01"},
        headers=reviewer,
    ).status_code == 201  # fmt: skip
    camera = tenants.upload(tenants.acme, camera_bom())
    api.post(
        f"/api/v1/owners/{camera['product_id']}/delegates",
        json={"organisation": "rival"},
        headers=tenants.acme,
    )
    api.post(
        f"/api/v1/components/{tenants.component_id('mainboard')}/classifications",
        json={"is_ai": False, "reason": "a plain board"},
        headers=tenants.acme,
    )
    api.get(
        f"/api/v1/products/{camera['product_id']}/export-check",
        params={"to": "DE"},
        headers=tenants.acme,
    )
    api.post(f"/api/v1/boms/{camera['id']}/retire", json={"reason": "gone"}, headers=tenants.acme)
    assert api.delete(f"/api/v1/keys/{issued['id']}", headers=admin).status_code == 204

    trail = api.get("/api/v1/audit-trail", params={"limit": 500}, headers=admin).json()["items"]
    admin_actor, acme_actor = tenants.actor_of(admin), tenants.actor_of(tenants.acme)
    reviewer_actor = f"newco/key-{issued['id']}"
    expected = {
        ("organisation_created", "newco"): admin_actor,
        ("reviewer_changed", "R"): admin_actor,
        ("key_issued", f"key {issued['secret'][:12]}…"): admin_actor,
        ("key_revoked", f"key {issued['secret'][:12]}…"): admin_actor,
        ("certificate_recorded", "C-IMPORTED"): admin_actor,
        ("certificate_event", "C-IMPORTED"): admin_actor,
        ("ruleset_published", "2026.2"): admin_actor,
        ("certificate_recorded", "C-OWN"): reviewer_actor,
        ("bom_uploaded", "smart-camera@4.0"): acme_actor,
        ("ownership_changed", "smart-camera@4.0"): acme_actor,
        ("component_classified", "mainboard@1.0"): acme_actor,
        ("decision_made", "smart-camera@4.0"): acme_actor,
        ("bom_ended", "smart-camera@4.0"): acme_actor,
    }
    seen = {(e["kind"], e["subject"]): e["actor"] for e in trail}
    assert {key: seen.get(key) for key in expected} == expected
    events = [
        e["actor"] for e in trail if (e["kind"], e["subject"]) == ("certificate_event", "C-OWN")
    ]
    assert events == [reviewer_actor, reviewer_actor]
