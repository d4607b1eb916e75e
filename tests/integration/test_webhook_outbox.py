"""The webhook outbox under failure: a sender killed mid-delivery loses its lease and the
message goes out again (at least once, each webhook-id at most twice); a message rolls back
with the change it tells of; `certificate.expiring` is sent once per threshold."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from app.config import Settings
from app.domain.access import Role, Viewer
from app.domain.errors import RegistryRejectedError
from app.domain.webhooks import WebhookEvent
from app.services.access import authenticate
from app.services.ingest import ingest_bom
from app.services.registry import import_registry
from app.services.runtime import Runtime
from app.services.webhook_delivery import deliver_due, lease_of
from app.services.webhook_expiry import announce_expiring_certificates
from app.services.webhooks import list_deliveries, subscribe
from tests.builders import camera_bom
from tests.conftest import REPO, SAMPLE_REGISTRY, issue_key
from tests.webhook_receiver import Receiver, running_receiver

SENDER = """
import datetime as dt, sys
from app.config import load_settings
from app.services.runtime import Runtime
from app.services.webhook_delivery import deliver_due
deliver_due(Runtime(load_settings()), now=dt.datetime.fromisoformat(sys.argv[1]))
"""


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Receivers in these tests listen on 127.0.0.1, which only an operator may allow."""
    return Settings(
        database_url=database_url, webhook_allow_private_networks=True, webhook_timeout_seconds=5
    )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


def _subscribed(
    runtime: Runtime, settings: Settings, receiver: Receiver, role: Role, *events: WebhookEvent
) -> int:
    principal = authenticate(runtime, issue_key(settings, role, organisation="acme"))
    created = subscribe(runtime, principal, receiver.url, events)
    receiver.secret = created.secret
    return created.subscription.id


def _soon() -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)


def test_a_message_whose_sender_was_killed_is_delivered_again_after_its_lease_expires(
    settings: Settings, runtime: Runtime, receiver: Receiver, database_url: str
) -> None:
    hook = _subscribed(runtime, settings, receiver, Role.INTEGRATOR, WebhookEvent.BOM_INGESTED)
    ingest_bom(runtime, camera_bom(), None, organisation="acme", uploaded_by="acme/key-1")
    # The receiver takes the request and holds its answer: the sender is killed mid-send.
    receiver.hold = threading.Event()
    now = _soon()
    environment = {
        **os.environ,
        "EXPORTGATE_DATABASE_URL": database_url,
        "EXPORTGATE_WEBHOOK_ALLOW_PRIVATE_NETWORKS": "true",
        "EXPORTGATE_WEBHOOK_TIMEOUT_SECONDS": str(settings.webhook_timeout_seconds),
    }
    sender = subprocess.Popen(
        [sys.executable, "-c", SENDER, now.isoformat()], cwd=REPO, env=environment
    )
    try:
        assert receiver.arrived.wait(60), "the sender never reached the receiver"
    finally:
        os.kill(sender.pid, signal.SIGKILL)
        sender.wait(10)
    held, receiver.hold = receiver.hold, None
    held.set()
    (first,) = receiver.ids()
    # Its lease still runs: no other sender takes the message.
    assert deliver_due(runtime, now=now) == 0
    # Once it has run out, the message is sent again, with the same webhook-id.
    later = now + lease_of(settings) + dt.timedelta(seconds=1)
    assert deliver_due(runtime, now=later) == 1
    assert receiver.ids() == [first, first]
    assert len(receiver.verified()) == 2
    assert deliver_due(runtime, now=later + dt.timedelta(days=2)) == 0
    assert receiver.ids() == [first, first]
    viewer = Viewer("acme")
    (delivery,) = list_deliveries(runtime, hook, viewer).items
    assert (delivery.state, delivery.attempts) == ("delivered", 2)
    # The killed sender never recorded its attempt; the second one is in the log.
    assert [(a.attempt, a.status_code) for a in delivery.log] == [(2, 204)]


def test_a_message_rolls_back_with_the_change_it_tells_of(
    settings: Settings, runtime: Runtime, receiver: Receiver
) -> None:
    _subscribed(
        runtime, settings, receiver, Role.PROCUREMENT, WebhookEvent.CERTIFICATE_STATUS_CHANGED
    )
    registry: dict[str, Any] = json.loads(SAMPLE_REGISTRY.read_bytes())
    broken = {**registry, "certificates": [*registry["certificates"], {"number": "AIEC-X"}]}
    with pytest.raises(RegistryRejectedError):
        import_registry(runtime, broken, actor="tests")
    assert deliver_due(runtime, now=_soon()) == 0
    import_registry(runtime, registry, actor="tests")
    events = sum(len(c["events"]) for c in registry["certificates"])
    assert deliver_due(runtime, now=_soon()) == events
    assert len(receiver.verified()) == events
    # Imported again, nothing is new, and nothing is announced.
    import_registry(runtime, registry, actor="tests")
    assert deliver_due(runtime, now=_soon()) == 0


def test_a_certificate_is_announced_as_expiring_once_per_threshold(
    settings: Settings, runtime: Runtime, receiver: Receiver
) -> None:
    import_registry(runtime, json.loads(SAMPLE_REGISTRY.read_bytes()), actor="tests")
    _subscribed(runtime, settings, receiver, Role.PROCUREMENT, WebhookEvent.CERTIFICATE_EXPIRING)
    expires = dt.date(2027, 6, 14)  # AIEC-2026-000123's expiry

    def announced_on(day: dt.date) -> list[dict[str, Any]]:
        before = len(receiver.verified())
        announce_expiring_certificates(runtime, day)
        deliver_due(runtime, now=_soon())
        return [p["data"] for p in receiver.verified()[before:]
                if p["data"]["certificate"] == "AIEC-2026-000123"]  # fmt: skip

    # First seen 30 days out: announced once, at the nearest threshold it has reached.
    (first,) = announced_on(expires - dt.timedelta(days=30))
    assert (first["threshold_days"], first["days_left"]) == (30, 30)
    assert first["expires"] == "2027-06-14"
    # The same day again, and the next, tell nothing new.
    assert announce_expiring_certificates(runtime, expires - dt.timedelta(days=30)) == 0
    assert announced_on(expires - dt.timedelta(days=29)) == []
    (last,) = announced_on(expires - dt.timedelta(days=6))
    assert (last["threshold_days"], last["days_left"]) == (7, 6)
    assert announced_on(expires - dt.timedelta(days=1)) == []
