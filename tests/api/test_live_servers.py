"""Two live API servers (separate processes, one database): a write through one is the
answer of the other on its very next read."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx2 as httpx
import pytest

from app.services.runtime import Runtime
from tests.builders import bom, component, model
from tests.conftest import bearer
from tests.export_cases import CHATBOT


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def live_server(database_url: str) -> Iterator[str]:
    port = _free_port()
    environment = {**os.environ, "EXPORTGATE_DATABASE_URL": database_url}
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli.main", "serve", "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail("the server did not start")
            time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


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
