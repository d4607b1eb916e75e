"""A live server under hostile clients: a flood of idle connections, a slowloris, junk that is
not HTTP. Each keeps /healthz and authenticated requests answering, and the log small
(decision record 11). Every client here talks to 127.0.0.1 only, bounded in count and time."""

from __future__ import annotations

import logging
import resource
import socket
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import httpx2 as httpx

from app.api.serving import RESERVED_FILES
from app.cli.serving import backlog_for
from app.services.runtime import Runtime
from tests.conftest import bearer
from tests.export_cases import CAMERA
from tests.hostile.flood import open_idle, raise_open_files
from tests.live import Server, serving

log = logging.getLogger(__name__)

FLOOD = 20_000
FLOOD_PROCESSES = 2
ANSWER_SECONDS = 1.0
MAX_LOG_GROWTH = 1_000_000


def most_files(max_connections: int) -> int:
    """What a server may hold at once by design: its connections, those accepted in one
    turn of the event loop and those closed in the turn before, and its own files."""
    return max_connections + 2 * backlog_for(_open_files_limit()) + RESERVED_FILES


def _open_files_limit() -> int:
    # The server raises its soft limit to the hard one, which it inherits from this process.
    return resource.getrlimit(resource.RLIMIT_NOFILE)[1]


def _timed(base: str, path: str, headers: dict[str, str] | None = None) -> float:
    """Seconds to a 200 answer (a second connection per call, as a new client makes)."""
    started = time.monotonic()
    response = httpx.get(f"{base}{path}", headers=headers, timeout=10)
    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.text
    return elapsed


def _product_id(base: str, headers: dict[str, str]) -> int:
    found = httpx.get(f"{base}/api/v1/components", params={"purl": CAMERA}, headers=headers)
    product_id: int = found.json()["items"][0]["id"]
    return product_id


def _closed_by_server(connection: socket.socket, within: float) -> bool:
    connection.settimeout(within)
    try:
        return connection.recv(1) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


class Watch(threading.Thread):
    """Every 0.2 s until stopped: the server's open files, and how long /healthz takes."""

    def __init__(self, server: Server) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.stop = threading.Event()
        self.open_files: list[int] = []
        self.healthz: list[float] = []

    def run(self) -> None:
        deadline = time.monotonic() + 120  # bounded whatever happens to the test
        while not self.stop.wait(0.2) and time.monotonic() < deadline:
            self.open_files.append(self.server.open_files())
            started = time.monotonic()
            try:
                httpx.get(f"{self.server.base}/healthz", timeout=10)
            except httpx.TransportError:
                self.healthz.append(float("inf"))
            else:
                self.healthz.append(time.monotonic() - started)


def _flood(server: Server, floods: ExitStack) -> int:
    """FLOOD idle connections from FLOOD_PROCESSES processes, held until `floods` closes;
    how many were opened."""
    flooders = []
    for _ in range(FLOOD_PROCESSES):
        flooder = subprocess.Popen(
            [sys.executable, "-m", "tests.hostile.flood", str(server.port),
             str(FLOOD // FLOOD_PROCESSES), "50"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert flooder.stdin is not None
        assert flooder.stdout is not None
        floods.callback(flooder.wait, timeout=10)
        floods.callback(flooder.stdout.close)
        floods.callback(flooder.stdin.close)  # the flooder's signal to let go
        flooders.append(flooder)
    opened = 0
    for flooder in flooders:
        assert flooder.stdout is not None
        opened += int(flooder.stdout.readline().split()[1])
    return opened


def test_healthz_and_an_export_check_answer_during_a_flood_of_20000_idle_connections(
    database_url: str, samples: Runtime, admin_key: str, tmp_path: Path
) -> None:
    headers = bearer(admin_key)
    with serving(database_url, log_path=tmp_path / "server.log") as server, ExitStack() as floods:
        export_check = f"/api/v1/products/{_product_id(server.base, headers)}/export-check?to=DE"
        _timed(server.base, export_check, headers)  # the graph is built before the flood
        logged_before = server.log_size()
        watch = Watch(server)
        watch.start()
        floods.callback(watch.join, timeout=15)
        floods.callback(watch.stop.set)
        opening = time.monotonic()
        assert _flood(server, floods) == FLOOD
        opening = time.monotonic() - opening
        answers = []
        for _ in range(5):
            answers.append((_timed(server.base, "/healthz"),
                            _timed(server.base, export_check, headers)))  # fmt: skip
            time.sleep(0.2)
        growth = server.log_size() - logged_before
        log.info("%d idle connections opened in %.1f s", FLOOD, opening)
        log.info("while opening: healthz took at most %.2f s", max(watch.healthz))
        log.info("then (healthz, export check): %s", answers)
        log.info("log growth %d bytes; at most %d open files", growth, max(watch.open_files))
        assert max(max(pair) for pair in answers) < ANSWER_SECONDS, answers
        assert growth < MAX_LOG_GROWTH
        assert max(watch.open_files) < most_files(4096)
    assert "Traceback" not in server.log.read_text()


def test_idle_connections_are_closed_and_healthz_answers_when_beyond_the_cap(
    database_url: str, admin_key: str, tmp_path: Path
) -> None:
    raise_open_files(2_200)
    limits = {"EXPORTGATE_MAX_CONNECTIONS": "500", "EXPORTGATE_FIRST_BYTE_TIMEOUT_SECONDS": "1"}
    with serving(database_url, log_path=tmp_path / "server.log", environment=limits) as server:
        idle = open_idle(server.port, 2_000, seconds=10)
        try:
            assert len(idle) == 2_000
            assert _timed(server.base, "/healthz") < ANSWER_SECONDS
            assert _timed(server.base, "/api/v1/boms", bearer(admin_key)) < ANSWER_SECONDS
            assert server.open_files() < most_files(500)
            # The newest idle connections were kept to make room; they go when the time to
            # a first byte is spent.
            assert all(_closed_by_server(c, within=5) for c in idle[-20:])
        finally:
            for connection in idle:
                connection.close()
    assert "Traceback" not in server.log.read_text()


def test_a_slowloris_sending_a_header_byte_a_second_is_cut_off(
    database_url: str, tmp_path: Path
) -> None:
    with serving(database_url, log_path=tmp_path / "server.log",
                 environment={"EXPORTGATE_HEADER_TIMEOUT_SECONDS": "2"}) as server:  # fmt: skip
        started = time.monotonic()
        answer = b""
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as slow:
            slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n")
            time.sleep(0.5)  # a byte a second, half a second off the server's deadline
            try:
                for byte in b"X-Slow: " + b"a" * 20:  # 28 s at most; cut off after 2
                    slow.sendall(bytes([byte]))
                    slow.settimeout(1)
                    try:
                        chunk = slow.recv(4096)
                    except TimeoutError:
                        continue
                    answer += chunk
                    if not chunk:
                        break
            except (BrokenPipeError, ConnectionResetError):
                pass  # cut off: a byte sent after the server closed is answered with a reset
        assert time.monotonic() - started < 6
        assert answer.startswith(b"HTTP/1.1 408"), answer
        assert _timed(server.base, "/healthz") < ANSWER_SECONDS
    assert "Traceback" not in server.log.read_text()


JUNK = [
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)),  # a TLS hello
    bytes(range(256)) * 4,
    b"\r\n\r\n\r\n",
    b"GET / HTTP/9.9\r\n\r\n",
    b"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /api/v1/boms HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"A" * 100_000,
    b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
]


def _exchange(port: int, junk: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        try:
            connection.sendall(junk)
            connection.shutdown(socket.SHUT_WR)
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        except ConnectionResetError:
            return b""
        return b"".join(chunks)


def test_junk_bytes_are_answered_or_closed_without_a_traceback_and_within_the_log_budget(
    database_url: str, admin_key: str, tmp_path: Path
) -> None:
    with serving(database_url, log_path=tmp_path / "server.log") as server:
        for junk in JUNK:
            answer = _exchange(server.port, junk)
            assert answer == b"" or answer.startswith(b"HTTP/1.1 4"), (junk[:40], answer[:200])
        logged_before = server.log.read_text().count("\n")
        rounds = 600  # bounded: about a second of junk and wrong keys
        for _ in range(rounds):
            _exchange(server.port, JUNK[1])
            _exchange(server.port, b"GET /api/v1/boms?x=" + b"y" * 5000 + b" HTTP/1.1\r\n"
                      b"Host: x\r\nAuthorization: Bearer wrong\r\n\r\n")  # fmt: skip
        assert _timed(server.base, "/api/v1/boms", bearer(admin_key)) < ANSWER_SECONDS
        time.sleep(0.5)  # the access line is written after the answer
        text = server.log.read_text()
    lines = text.count("\n") - logged_before
    # 2 x 600 junk requests; the budget is 100 lines of each kind, then 10 a second.
    assert lines < 2 * (100 + 10 * 30) + 10, lines
    assert max(len(line) for line in text.splitlines()) < 1_000
    assert "more like this not logged" in text
    assert "key-" in text.splitlines()[-1] or any("key-" in line for line in text.splitlines())
    assert "Traceback" not in text
