"""Two live API servers (separate processes, one database): a write through one is the
answer of the other on its very next read."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import httpx2 as httpx

from app.services.runtime import Runtime
from tests.builders import bom, component, model
from tests.conftest import bearer
from tests.export_cases import CHATBOT
from tests.live import live_server


def _decision(base: str, product_id: int, headers: dict[str, str]) -> str:
    response = httpx.get(
        f"{base}/api/v1/products/{product_id}/export-check",
        params={"to": "DE", "on": "2026-11-27"},
        headers=headers,
        timeout=30,
    )
    assert response.status_code == 200, response.text
    decision: str = response.json()["decision"]
    return decision


def test_a_write_through_one_server_is_read_by_the_other(
    database_url: str, samples: Runtime, admin_key: str
) -> None:
    headers = bearer(admin_key)
    with live_server(database_url) as first, live_server(database_url) as second:
        found = httpx.get(
            f"{second}/api/v1/components", params={"purl": CHATBOT}, headers=headers
        ).json()
        product_id = found["items"][0]["id"]
        assert _decision(second, product_id, headers) == "ineligible"
        reinstated = httpx.post(
            f"{first}/api/v1/certificates/AIEC-2026-000207/events",
            json={"status": "active", "date": "2026-11-10", "reason": "re-review passed"},
            headers=headers,
            timeout=30,
        )
        assert reinstated.status_code == 201
        assert _decision(second, product_id, headers) == "eligible"
        revoked = httpx.post(
            f"{second}/api/v1/certificates/AIEC-2026-000207/events",
            json={"status": "revoked", "date": "2026-11-20", "reason": "second finding"},
            headers=headers,
            timeout=30,
        )
        assert revoked.status_code == 201
        assert _decision(first, product_id, headers) == "ineligible"


def test_a_bom_uploaded_to_one_server_changes_the_others_answers(
    database_url: str, samples: Runtime, admin_key: str
) -> None:
    headers = bearer(admin_key)
    module = "pkg:generic/deepinspect/vision-module@3.2.0"
    newer = bom(
        component("vm", "DI-VM3 Vision Module", version="3.2.0", purl=module),
        [model("extra", "pkg:huggingface/deepinspect/glare-filter@0.1")],
        {"vm": ["extra"]},
        version=9,
    )
    with live_server(database_url) as first, live_server(database_url) as second:
        found = httpx.get(
            f"{second}/api/v1/components", params={"purl": module}, headers=headers
        ).json()
        product_id = found["items"][0]["id"]
        assert _decision(second, product_id, headers) == "eligible"
        uploaded = httpx.post(
            f"{first}/api/v1/boms",
            content=newer,
            headers={**headers, "content-type": "application/vnd.cyclonedx+json"},
            timeout=30,
        )
        assert uploaded.status_code == 201, uploaded.text
        assert _decision(second, product_id, headers) == "ineligible"


def _workers_of(base: str) -> set[int]:
    """The worker processes listening on `base`: those whose parent listens there too (the
    supervisor holds the socket it hands to its workers)."""
    port = base.rsplit(":", 1)[1]
    listing = subprocess.run(
        ["ss", "-Htlnp", f"sport = :{port}"], capture_output=True, text=True, check=False
    ).stdout
    holders = {int(pid) for pid in re.findall(r"pid=(\d+)", listing)}
    parents = {pid: int(Path(f"/proc/{pid}/stat").read_text().split()[3]) for pid in holders}
    return {pid for pid, parent in parents.items() if parent in holders}


def test_every_worker_of_one_server_answers_a_write_at_once(
    database_url: str, samples: Runtime, admin_key: str
) -> None:
    headers = bearer(admin_key)
    with live_server(database_url, "--workers", "2") as base:
        if shutil.which("ss"):
            assert len(_workers_of(base)) == 2
        found = httpx.get(f"{base}/api/v1/components", params={"purl": CHATBOT}, headers=headers)
        product_id = found.json()["items"][0]["id"]
        expected = "ineligible"
        for day, status in [("2026-11-10", "active"), ("2026-11-12", "suspended"),
                            ("2026-11-14", "active"), ("2026-11-16", "revoked")]:  # fmt: skip
            # A fresh connection per request: the two workers share the listening socket
            # and take connections in turn, so both answer across the loop.
            assert _decision(base, product_id, headers) == expected
            changed = httpx.post(
                f"{base}/api/v1/certificates/AIEC-2026-000207/events",
                json={"status": status, "date": day, "reason": "review"},
                headers=headers,
                timeout=30,
            )
            assert changed.status_code == 201, changed.text
            expected = "eligible" if status == "active" else "ineligible"
            assert {_decision(base, product_id, headers) for _ in range(6)} == {expected}


def _raw_exchange(base: str, request: bytes, wait: float) -> bytes:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(request)
        time.sleep(wait)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def test_an_upload_that_trickles_past_the_body_timeout_gets_408(
    database_url: str, admin_key: str
) -> None:
    with live_server(database_url, environment={"EXPORTGATE_BODY_TIMEOUT_SECONDS": "1"}) as base:
        started = (
            "POST /api/v1/boms HTTP/1.1\r\nHost: test\r\n"
            f"Authorization: Bearer {admin_key}\r\n"
            "Content-Type: application/vnd.cyclonedx+json\r\nContent-Length: 5000\r\n"
            'Connection: close\r\n\r\n{"bomFormat": '
        ).encode()
        answer = _raw_exchange(base, started, wait=0)
        assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
        assert b"application/problem+json" in answer
        assert b"within 1 seconds" in answer
        listed = httpx.get(f"{base}/api/v1/boms", headers=bearer(admin_key)).json()
        assert listed["items"] == []
