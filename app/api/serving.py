"""How the server holds its connections under abuse: a cap on open connections, and time
limits on a connection's first byte and on a request's head (decision record 11).

uvicorn keeps a connection that never sends a byte open forever, so enough of them spend
every file the process may open: accepting then fails on each turn of the event loop, and
asyncio logs a traceback for every failure. This protocol is uvicorn's own HTTP/1.1 one
with three additions:

- a connection that sends nothing within `first_byte_timeout_seconds` is closed;
- a request whose head (request line and headers) is not complete `header_timeout_seconds`
  after its first byte is answered 408 and closed (slowloris);
- beyond `max_connections` open connections, the one idle longest (waiting for a first
  request, or for the next one on a kept-alive connection) is closed to make room; a new
  connection is refused only when every other one is busy with a request.

The cap stays below the open-files limit, less room for the connections the event loop
accepts before the closed ones give their files back, so accepting never fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import resource
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import h11
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from app.config import load_settings

logger = logging.getLogger("exportgate.serving")

# Files a worker needs besides its connections: the listening socket, the database's
# connections, the log, the modules it still loads.
RESERVED_FILES = 128
REPORT_EVERY_SECONDS = 60.0

_TIMED_OUT = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\ncontent-length: 42\r\n\r\n"
    b"the request head did not arrive in time.\r\n"
)


@dataclass(frozen=True)
class ConnectionPolicy:
    """The bounds one worker holds its connections to."""

    max_connections: int
    first_byte_timeout: float
    header_timeout: float


def connection_policy(backlog: int) -> ConnectionPolicy:
    """The bounds from the settings, the cap lowered to what the open-files limit allows."""
    settings = load_settings()
    files, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    # One turn of the event loop accepts up to `backlog` connections, and the ones closed to
    # make room for the turn before give their files back only in the next: twice the room.
    room = files - 2 * backlog - RESERVED_FILES
    cap = max(1, min(settings.max_connections, room))
    if cap < settings.max_connections:
        logger.warning(
            "at most %d connections at once (EXPORTGATE_MAX_CONNECTIONS is %d, but this "
            "process may open only %d files)",
            cap,
            settings.max_connections,
            files,
        )
    return ConnectionPolicy(
        max_connections=cap,
        first_byte_timeout=settings.first_byte_timeout_seconds,
        header_timeout=settings.header_timeout_seconds,
    )


class ConnectionGuard:
    """One worker's open connections, the idle ones in the order they fell idle."""

    def __init__(self, policy: ConnectionPolicy) -> None:
        self.policy = policy
        self._open: set[GuardedH11Protocol] = set()
        self._idle: OrderedDict[GuardedH11Protocol, None] = OrderedDict()
        self._closed_for_room = 0
        self._reported_at = float("-inf")

    def admit(self, protocol: GuardedH11Protocol) -> bool:
        """Count a new connection in, closing the longest idle one if that makes one too
        many; False (and the new one closed) when every other connection is busy."""
        self._open.add(protocol)
        if len(self._open) <= self.policy.max_connections:
            self.idle(protocol)
            return True
        if self._idle:
            victim, _ = self._idle.popitem(last=False)
            self._open.discard(victim)
            victim.close_idle()
            self._closed(1)
            self.idle(protocol)
            return True
        self._open.discard(protocol)
        protocol.close_idle()
        self._closed(1)
        return False

    def idle(self, protocol: GuardedH11Protocol) -> None:
        if protocol in self._open:
            self._idle[protocol] = None
            self._idle.move_to_end(protocol)

    def busy(self, protocol: GuardedH11Protocol) -> None:
        self._idle.pop(protocol, None)

    def forget(self, protocol: GuardedH11Protocol) -> None:
        self._open.discard(protocol)
        self._idle.pop(protocol, None)

    def _closed(self, count: int) -> None:
        # One line a minute at most: a flood of connections must not become a flood of lines.
        self._closed_for_room += count
        now = time.monotonic()
        if now - self._reported_at >= REPORT_EVERY_SECONDS:
            logger.warning(
                "%d connections at once: closed %d idle connections to make room "
                "(EXPORTGATE_MAX_CONNECTIONS)",
                self.policy.max_connections,
                self._closed_for_room,
            )
            self._closed_for_room = 0
            self._reported_at = now


# The guard of this process's server (uvicorn runs one server in each worker process). Not a
# WeakKeyDictionary: its look-up builds a weak reference for every connection.
_current: tuple[ServerState, ConnectionGuard] | None = None


def _guard_of(server_state: ServerState, config: Config) -> ConnectionGuard:
    global _current  # noqa: PLW0603 - one server per process, found on every connection
    if _current is None or _current[0] is not server_state:
        _current = (server_state, ConnectionGuard(connection_policy(config.backlog)))
    return _current[1]


class GuardedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, held to a ConnectionPolicy."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._guard = _guard_of(server_state, config)
        self._deadline: asyncio.TimerHandle | None = None
        self._reading_head = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override] # uvicorn narrows the transport type the same way
        super().connection_made(transport)
        if self._guard.admit(self):
            self._set_deadline(self._guard.policy.first_byte_timeout, self.close_idle)

    def data_received(self, data: bytes) -> None:
        if not self._reading_head and self.conn.their_state is h11.IDLE:
            # The first byte of a request: no longer idle, and its head now has a deadline.
            self._guard.busy(self)
            self._reading_head = True
            self._set_deadline(self._guard.policy.header_timeout, self._head_timed_out)
        super().data_received(data)
        if self._reading_head and self.conn.their_state is not h11.IDLE:
            self._reading_head = False
            self._clear_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # Kept alive and waiting for the next request: uvicorn's keep-alive timeout bounds
        # the wait, and the connection may be closed to make room meanwhile.
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._guard.idle(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._clear_deadline()
        self._guard.forget(self)
        super().connection_lost(exc)

    def close_idle(self) -> None:
        """Close a connection with no request under way, as uvicorn's keep-alive timeout
        does: nothing to answer, nothing to log."""
        self._clear_deadline()
        if self.transport.is_closing():
            return
        with contextlib.suppress(h11.LocalProtocolError):  # a state h11 cannot close from
            self.conn.send(h11.ConnectionClosed())
        self.transport.close()

    def _head_timed_out(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            # h11 cannot answer a request it has not read: the bytes are written directly.
            self.transport.write(_TIMED_OUT)
            self.transport.close()

    def _set_deadline(self, seconds: float, action: Callable[[], None]) -> None:
        self._clear_deadline()
        self._deadline = self.loop.call_later(seconds, action)

    def _clear_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
