"""`exportgate serve` in a process of its own, for the tests that need a real server: one
way to start it, wait for it to answer and stop it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
import pytest

START_SECONDS = 30
STOP_SECONDS = 15


@dataclass(frozen=True)
class Server:
    base: str
    port: int
    pid: int
    log: Path

    def log_size(self) -> int:
        return self.log.stat().st_size

    def open_files(self) -> int:
        return sum(1 for _ in Path(f"/proc/{self.pid}/fd").iterdir())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(
    database_url: str,
    *options: str,
    log_path: Path = Path(os.devnull),
    environment: Mapping[str, str] | None = None,
) -> Iterator[Server]:
    """A server on a free port of 127.0.0.1 over this database, once /healthz answers; its
    whole output goes to `log_path` (nowhere unless named)."""
    port = free_port()
    with log_path.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "app.cli.main", "serve", "--port", str(port), *options],
            env={**os.environ, "EXPORTGATE_DATABASE_URL": database_url, **(environment or {})},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail(f"the server did not start: {log_path.read_text()[-2000:]}")
            time.sleep(0.1)
        yield Server(base, port, server.pid, log_path)
    finally:
        server.terminate()
        server.wait(timeout=STOP_SECONDS)


@contextmanager
def live_server(
    database_url: str, *options: str, environment: Mapping[str, str] | None = None
) -> Iterator[str]:
    """The base URL of a server started as `serving` starts it, for tests that only talk."""
    with serving(database_url, *options, environment=environment) as server:
        yield server.base
