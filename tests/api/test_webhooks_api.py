"""Webhooks over HTTP: subscriptions answered once with their secret, deliveries signed per
Standard Webhooks and verified by a real receiver, retried with back-off, disabled with the
reason after sustained failure, and never telling one organisation of another's BOMs."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.domain.access import Role
from app.domain.webhooks import DISABLE_AFTER_FAILURES, RETRY_BASE, RETRY_CAP, RETRY_FLOOR
from app.services.registry import import_registry
from app.services.runtime import Runtime
from app.services.webhook_delivery import deliver_due
from tests.builders import camera_bom
from tests.conftest import SAMPLE_REGISTRY, bearer, issue_key
from tests.webhook_receiver import Receiver, running_receiver

JSON_TYPE = "application/vnd.cyclonedx+json"
# Valid JSON, not a valid BOM: two components without the fields the schema requires.
INVALID_BOM = json.dumps(
    {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "x"}, {"a": 1}]}
).encode()


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Receivers in these tests listen on 127.0.0.1, which only an operator may allow."""
    return Settings(
        database_url=database_url,
        webhook_allow_private_networks=True,
        webhook_timeout_seconds=5,
    )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


def _subscribe(
    api: TestClient, key: dict[str, str], receiver: Receiver, *events: str
) -> dict[str, Any]:
    created = api.post("/api/v1/webhooks", json={"url": receiver.url, "events": list(events)},
                       headers=key)  # fmt: skip
    assert created.status_code == 201, created.text
    receiver.secret = created.json()["secret"]
    return dict(created.json())


def _upload(api: TestClient, key: dict[str, str], document: bytes) -> Any:
    return api.post("/api/v1/boms", content=document, headers={**key, "content-type": JSON_TYPE})


def _soon() -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)


def test_a_bom_ingested_is_delivered_signed_when_the_receiver_verifies_it(
    settings: Settings, runtime: Runtime, receiver: Receiver
) -> None:
    acme = bearer(issue_key(settings, Role.INTEGRATOR, organisation="acme"))
    with TestClient(create_app(settings)) as api:
        created = _subscribe(api, acme, receiver, "bom.ingested")
        assert created["secret"].startswith("whsec_")
        assert created["organisation"] == "acme"
        assert created["enabled"] is True
        # The secret is answered once, never again.
        shown = api.get(f"/api/v1/webhooks/{created['id']}", headers=acme).json()
        assert "secret" not in shown
        assert "secret" not in api.get("/api/v1/webhooks", headers=acme).json()["items"][0]
        document = camera_bom()
        bom = _upload(api, acme, document).json()
        assert deliver_due(runtime, now=_soon()) == 1
        (payload,) = receiver.verified()
        assert payload["type"] == "bom.ingested"
        assert payload["data"]["bom_id"] == bom["id"]
        assert payload["data"]["organisation"] == "acme"
        assert payload["data"]["subject"] == "smart-camera@4.0"
        assert set(receiver.received[0].headers) >= {
            "webhook-id", "webhook-timestamp", "webhook-signature"
        }  # fmt: skip
        assert receiver.ids()[0].startswith("msg_")
        log = api.get(f"/api/v1/webhooks/{created['id']}/deliveries", headers=acme).json()
        (delivery,) = log["items"]
        assert delivery["state"] == "delivered"
        assert delivery["webhook_id"] == receiver.ids()[0]
        assert [(a["attempt"], a["status_code"]) for a in delivery["log"]] == [(1, 204)]
        # Delivered is delivered: nothing is sent again.
        assert deliver_due(runtime, now=_soon() + RETRY_CAP) == 0
        # The same bytes again are the same BOM: no new event.
        assert _upload(api, acme, document).status_code == 200
        assert deliver_due(runtime, now=_soon()) == 0


def test_a_bom_event_never_reaches_another_organisations_subscription(
    settings: Settings, runtime: Runtime, admin_key: str
) -> None:
    acme = bearer(issue_key(settings, Role.INTEGRATOR, organisation="acme"))
    rival = bearer(issue_key(settings, Role.INTEGRATOR, Role.PROCUREMENT, organisation="rival"))
    with (
        TestClient(create_app(settings)) as api,
        running_receiver() as rivals,
        running_receiver() as operators,
    ):
        rival_hook = _subscribe(api, rival, rivals, "bom.ingested", "bom.refused")
        _subscribe(api, bearer(admin_key), operators, "bom.ingested", "bom.refused")
        _upload(api, acme, camera_bom())
        assert _upload(api, acme, b'{"bomFormat": "CycloneDX"}').status_code == 422
        deliver_due(runtime, now=_soon())
        assert rivals.received == []
        log = api.get(f"/api/v1/webhooks/{rival_hook['id']}/deliveries", headers=rival).json()
        assert log["items"] == []
        # An administrator's subscription sees every BOM; a refusal is the uploader's own.
        assert [p["type"] for p in operators.verified()] == ["bom.ingested"]


def test_a_refused_upload_is_announced_to_the_uploaders_own_subscription(
    settings: Settings, runtime: Runtime, receiver: Receiver
) -> None:
    acme = bearer(issue_key(settings, Role.INTEGRATOR, organisation="acme"))
    with TestClient(create_app(settings)) as api:
        _subscribe(api, acme, receiver, "bom.refused")
        refused = _upload(api, acme, INVALID_BOM)
        assert refused.status_code == 422
        assert api.get("/api/v1/boms", headers=acme).json()["items"] == []
        deliver_due(runtime, now=_soon())
        (payload,) = receiver.verified()
        assert payload["type"] == "bom.refused"
        assert payload["data"]["refusal"] == "bom_rejected"
        assert payload["data"]["organisation"] == "acme"
        assert payload["data"]["errors"] == refused.json()["errors"][:20]
        assert payload["data"]["error_count"] == len(refused.json()["errors"])


def test_a_receiver_answering_500_is_retried_with_back_off_then_disabled_with_the_reason(
    settings: Settings, runtime: Runtime, receiver: Receiver
) -> None:
    receiver.default = 500
    acme = bearer(issue_key(settings, Role.INTEGRATOR, organisation="acme"))
    with TestClient(create_app(settings)) as api:
        hook = _subscribe(api, acme, receiver, "bom.ingested")
        path = f"/api/v1/webhooks/{hook['id']}"
        _upload(api, acme, camera_bom())
        now = _soon()
        assert deliver_due(runtime, now=now) == 1
        (first,) = api.get(f"{path}/deliveries", headers=acme).json()["items"]
        waited = dt.datetime.fromisoformat(first["next_attempt_at"]) - now
        assert RETRY_FLOOR <= waited <= RETRY_BASE
        # Not due again before its back-off has passed.
        assert deliver_due(runtime, now=now) == 0
        attempts = 1
        while api.get(path, headers=acme).json()["enabled"]:
            now += RETRY_CAP + dt.timedelta(seconds=1)
            assert deliver_due(runtime, now=now) == 1
            attempts += 1
            assert attempts <= DISABLE_AFTER_FAILURES, "never disabled"
        assert attempts == DISABLE_AFTER_FAILURES
        disabled = api.get(path, headers=acme).json()
        assert disabled["disabled_reason"] == "failing"
        assert "HTTP 500" in disabled["disabled_detail"]
        assert disabled["consecutive_failures"] == DISABLE_AFTER_FAILURES
        (delivery,) = api.get(f"{path}/deliveries", headers=acme).json()["items"]
        assert delivery["state"] == "pending"
        assert [a["status_code"] for a in delivery["log"]] == [500] * attempts
        # Every attempt carried the same webhook-id, each signature verified.
        assert set(receiver.ids()) == {delivery["webhook_id"]}
        assert len(receiver.verified()) == attempts
        # Disabled: nothing is sent, however late.
        assert deliver_due(runtime, now=now + RETRY_CAP * 4) == 0
        # Enabled again, the pending message goes out at once.
        receiver.default = 204
        enabled = api.post(f"{path}/enable", headers=acme).json()
        assert (enabled["enabled"], enabled["disabled_reason"]) == (True, None)
        assert enabled["consecutive_failures"] == 0
        assert deliver_due(runtime, now=_soon()) == 1
        (delivery,) = api.get(f"{path}/deliveries", headers=acme).json()["items"]
        assert delivery["state"] == "delivered"


def test_another_organisation_cannot_see_delete_list_or_read_deliveries_of_a_subscription(
    settings: Settings, receiver: Receiver, admin_key: str
) -> None:
    acme = bearer(issue_key(settings, Role.INTEGRATOR, organisation="acme"))
    rival = bearer(issue_key(settings, Role.INTEGRATOR, Role.PROCUREMENT, organisation="rival"))
    with TestClient(create_app(settings)) as api:
        hook = _subscribe(api, acme, receiver, "bom.ingested")
        path = f"/api/v1/webhooks/{hook['id']}"
        assert api.get("/api/v1/webhooks", headers=rival).json()["items"] == []
        missing = api.get("/api/v1/webhooks/999999", headers=rival)
        for method, suffix in (("GET", ""), ("DELETE", ""), ("GET", "/deliveries"),
                               ("POST", "/enable")):  # fmt: skip
            hidden = api.request(method, path + suffix, headers=rival)
            assert hidden.status_code == 404, (method, suffix)
            assert hidden.json()["detail"] == missing.json()["detail"]
        # Still there for its owner, and for administrators, who list every one.
        assert api.get(path, headers=acme).status_code == 200
        listed = api.get("/api/v1/webhooks", headers=bearer(admin_key)).json()["items"]
        assert [h["id"] for h in listed] == [hook["id"]]
        # Removed by its owner, it is gone.
        assert api.delete(path, headers=acme).status_code == 204
        assert api.get(path, headers=acme).status_code == 404


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:8080/hooks", "loopback"),
        ("http://10.1.2.3/hooks", "private"),
        ("http://169.254.169.254/latest/meta-data", "link-local"),
        ("http://[::1]/hooks", "loopback"),
        ("http://[::ffff:127.0.0.1]/hooks", "loopback"),
        ("http://localhost:8080/hooks", "resolves to"),
        ("https://user:secret@hooks.example.com/", "credentials"),
        ("ftp://hooks.example.com/", "http or https"),
    ],
)
def test_a_receiver_on_a_private_network_is_refused_when_the_operator_does_not_allow_it(
    database_url: str, url: str, why: str
) -> None:
    strict = Settings(database_url=database_url)
    acme = bearer(issue_key(strict, Role.INTEGRATOR, organisation="acme"))
    with TestClient(create_app(strict)) as api:
        refused = api.post("/api/v1/webhooks", json={"url": url, "events": ["bom.ingested"]},
                           headers=acme)  # fmt: skip
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        (error,) = refused.json()["errors"]
        assert error["location"] == "body/url"
        assert why in error["message"]
        assert api.get("/api/v1/webhooks", headers=acme).json()["items"] == []


def test_a_subscription_whose_key_is_revoked_is_disabled_and_sends_nothing(
    settings: Settings, runtime: Runtime, receiver: Receiver, admin_key: str
) -> None:
    admin = bearer(admin_key)
    issue_key(settings, Role.INTEGRATOR, organisation="acme")
    uploader = bearer(issue_key(settings, Role.INTEGRATOR, organisation="acme"))
    with TestClient(create_app(settings)) as api:
        issued = api.post("/api/v1/keys", json={"organisation": "acme", "roles": ["integrator"]},
                          headers=admin).json()  # fmt: skip
        hook = _subscribe(api, bearer(issued["secret"]), receiver, "bom.ingested")
        assert api.delete(f"/api/v1/keys/{issued['id']}", headers=admin).status_code == 204
        _upload(api, uploader, camera_bom())
        assert deliver_due(runtime, now=_soon()) == 0
        assert receiver.received == []
        shown = api.get(f"/api/v1/webhooks/{hook['id']}", headers=uploader).json()
        assert (shown["enabled"], shown["disabled_reason"]) == (False, "key_revoked")
        assert (
            shown["disabled_detail"] == f"the key that created it (key {issued['id']}) was revoked"
        )
        refused = api.post(f"/api/v1/webhooks/{hook['id']}/enable", headers=uploader)
        assert refused.status_code == 409
        # Enabling is refused for the very reason the subscription was disabled, in its words.
        assert refused.json()["detail"] == (
            f"{shown['disabled_detail']}; subscribe again with a usable key"
        )


def test_a_certificate_status_event_reaches_every_subscriber_of_it(
    settings: Settings, runtime: Runtime, receiver: Receiver, admin_key: str
) -> None:
    import_registry(runtime, json.loads(SAMPLE_REGISTRY.read_bytes()), actor="tests")
    buyer = bearer(issue_key(settings, Role.PROCUREMENT, organisation="buyer"))
    with TestClient(create_app(settings)) as api:
        _subscribe(api, buyer, receiver, "certificate.status_changed")
        event = {"status": "suspended", "date": "2026-11-20", "reason": "audit"}
        recorded = api.post("/api/v1/certificates/AIEC-2026-000123/events", json=event,
                            headers=bearer(admin_key))  # fmt: skip
        assert recorded.status_code == 201, recorded.text
        deliver_due(runtime, now=_soon())
        (payload,) = receiver.verified()
        assert payload["type"] == "certificate.status_changed"
        assert payload["data"]["certificate"] == "AIEC-2026-000123"
        assert (payload["data"]["status"], payload["data"]["date"]) == ("suspended", "2026-11-20")
