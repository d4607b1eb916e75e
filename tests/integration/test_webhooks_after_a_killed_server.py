"""At least once, across a crash: `exportgate serve` killed with SIGKILL while its webhook
messages are pending (one in flight, the others waiting) delivers every one after it is
started again, none more than twice."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import httpx2 as httpx

from app.config import Settings
from app.domain.access import Role
from tests.builders import bom, component
from tests.conftest import bearer, issue_key
from tests.live import serving
from tests.webhook_receiver import running_receiver

JSON_TYPE = "application/vnd.cyclonedx+json"
UPLOADS = 4
# The lease outlives the request timeout by ten seconds (app/services/webhook_delivery.py).
TIMEOUT_SECONDS = 1
REDELIVERED_WITHIN = 60


def device(index: int) -> bytes:
    return bom(component("d", f"device-{index}", type_="device", purl=f"pkg:generic/k/d@{index}"))


def test_every_pending_message_is_delivered_after_the_server_is_killed_and_started_again(
    database_url: str, tmp_path: Path
) -> None:
    environment = {
        "EXPORTGATE_BACKGROUND_JOBS": "true",
        "EXPORTGATE_WEBHOOK_ALLOW_PRIVATE_NETWORKS": "true",
        "EXPORTGATE_WEBHOOK_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS),
    }
    settings = Settings(database_url=database_url)
    key = bearer(issue_key(settings, Role.INTEGRATOR, organisation="acme"))
    with running_receiver() as receiver:
        # The receiver takes the first request and holds its answer: that message is in
        # flight when the server dies, and the rest wait behind it.
        receiver.hold = threading.Event()
        with serving(database_url, log_path=tmp_path / "first.log", environment=environment) as up:
            created = httpx.post(
                f"{up.base}/api/v1/webhooks",
                json={"url": receiver.url, "events": ["bom.ingested"]},
                headers=key,
            )
            assert created.status_code == 201, created.text
            receiver.secret = created.json()["secret"]
            for index in range(UPLOADS):
                stored = httpx.post(
                    f"{up.base}/api/v1/boms",
                    content=device(index),
                    headers={**key, "content-type": JSON_TYPE},
                )
                assert stored.status_code == 201, stored.text
            assert receiver.arrived.wait(30), "the first message never left"
            os.kill(up.pid, signal.SIGKILL)
        held, receiver.hold = receiver.hold, None
        held.set()
        (in_flight,) = receiver.ids()
        with serving(database_url, log_path=tmp_path / "again.log", environment=environment):
            # The waiting ones go at once; the one in flight once its lease has run out.
            deadline = time.monotonic() + REDELIVERED_WITHIN
            while time.monotonic() < deadline and not (
                len(set(receiver.ids())) == UPLOADS and receiver.ids().count(in_flight) == 2
            ):
                time.sleep(0.1)
        ids = receiver.ids()
    assert len(set(ids)) == UPLOADS, "every message was delivered"
    assert max(ids.count(webhook_id) for webhook_id in ids) <= 2
    assert ids.count(in_flight) == 2, "the one in flight was sent again, with the same id"
    subjects = sorted(json.loads(r.body)["data"]["subject"] for r in receiver.received)
    assert len(set(subjects)) == UPLOADS
    assert len(receiver.verified()) == len(ids)
