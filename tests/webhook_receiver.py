"""A webhook receiver for tests: a small HTTP server on 127.0.0.1 in a thread that verifies
every request's signature with the standardwebhooks library, as a subscriber would."""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified: Any = None  # the payload, when the signature verified

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]


@dataclass
class Receiver:
    url: str = ""
    secret: str | None = None
    # Statuses to answer with, in order; then `default`.
    statuses: deque[int] = field(default_factory=deque)
    default: int = 204
    # While set to an unset event, each request waits for it before answering.
    hold: threading.Event | None = None
    arrived: threading.Event = field(default_factory=threading.Event)
    received: list[Received] = field(default_factory=list)

    def verified(self) -> list[Any]:
        """The payloads whose signature verified with the subscription's secret."""
        return [entry.verified for entry in self.received if entry.verified is not None]

    def ids(self) -> list[str]:
        return [entry.webhook_id for entry in self.received]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            headers = {key.lower(): value for key, value in self.headers.items()}
            entry = Received(headers, body)
            if receiver.secret is not None:
                try:
                    entry.verified = Webhook(receiver.secret).verify(body, headers)
                except WebhookVerificationError:
                    entry.verified = None
            receiver.received.append(entry)
            receiver.arrived.set()
            if receiver.hold is not None:
                receiver.hold.wait(30)
            status = receiver.statuses.popleft() if receiver.statuses else receiver.default
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:  # noqa: ARG002 - a test server keeps quiet
            return

    return Handler


class _Server(ThreadingHTTPServer):
    # A sender sends side by side: the standard library's backlog of five would drop
    # connections (each retried a second later by the kernel).
    request_queue_size = 128


@contextmanager
def running_receiver(path: str = "/hooks") -> Iterator[Receiver]:
    receiver = Receiver()
    server = _Server(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        if receiver.hold is not None:
            receiver.hold.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


def payload(entry: Received) -> Any:
    return json.loads(entry.body)
