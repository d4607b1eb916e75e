"""What the server writes to its log, and how much of it an unauthenticated client can make
it write (decision record 11).

Every request gets one access line naming the API key that made it. Lines that name no key
(a wrong key, no key, a path that does not exist, junk that is not HTTP) and the server's own
warnings are held to a budget per kind of line, so a flood of them grows the log by a
bounded amount; a line that names a valid key is always written, since whoever holds the
key answers for it.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("exportgate.access")

# Set on scope["state"] by the security dependency once a key is valid.
CALLER_STATE = "exportgate_caller"
# Set on a log record that names a valid key: never dropped.
ATTRIBUTABLE = "exportgate_attributable"
MAX_TARGET_CHARS = 200
BURST_LINES = 100
MAX_KINDS = 64


def _printable(raw: bytes) -> str:
    """Request bytes as one line: a line break in a path must not forge a log line."""
    text = raw.decode("ascii", "backslashreplace")
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


def request_target(scope: Scope) -> str:
    raw = scope.get("raw_path") or scope["path"].encode()
    if scope.get("query_string"):
        raw += b"?" + scope["query_string"]
    if len(raw) > MAX_TARGET_CHARS:
        return f"{_printable(raw[:MAX_TARGET_CHARS])}…({len(raw)} bytes)"
    return _printable(raw)


class AccessLog:
    """One line per request: client, method, target (shortened), status, time, API key."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})
        started = time.perf_counter()
        status = 500  # what the server answers when the application raised before a response

        async def observe(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self._app(scope, receive, observe)
        finally:
            caller = state.get(CALLER_STATE)
            client = scope.get("client")
            logger.info(
                '%s "%s %s" %d %.0fms %s',
                f"{client[0]}:{client[1]}" if client else "-",
                _printable(scope["method"].encode()),
                request_target(scope),
                status,
                (time.perf_counter() - started) * 1000,
                caller or "no-key",
                extra={ATTRIBUTABLE: caller is not None},
            )


class LogBudget(logging.Filter):
    """A token bucket per kind of line (logger and message template): `BURST_LINES` at once,
    then `per_second`. The next line written of a kind says how many of it were not."""

    def __init__(self, per_second: float = 10.0) -> None:
        super().__init__()
        self._per_second = per_second
        self._buckets: dict[tuple[str, str], list[float]] = {}
        self._dropped: dict[tuple[str, str], int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, ATTRIBUTABLE, False):
            return True
        key = (record.name, str(record.msg))
        if key not in self._buckets and len(self._buckets) >= MAX_KINDS:
            key = (record.name, "")  # templates built from data: one budget for them all
        now = time.monotonic()
        tokens, last = self._buckets.get(key, (float(BURST_LINES), now))
        tokens = min(float(BURST_LINES), tokens + (now - last) * self._per_second)
        if tokens < 1:
            self._buckets[key] = [tokens, now]
            self._dropped[key] = self._dropped.get(key, 0) + 1
            return False
        self._buckets[key] = [tokens - 1, now]
        dropped = self._dropped.pop(key, 0)
        if dropped:
            record.msg = f"{record.msg} [{dropped} more like this not logged]"
        return True
