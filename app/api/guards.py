"""Requests refused before any route runs, as problem+json."""

from __future__ import annotations

import json
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.problems import PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_BASE


def _problem(scope: Scope, status: int, slug: str, title: str, detail: str) -> bytes:
    return json.dumps(
        {
            "type": PROBLEM_TYPE_BASE + slug,
            "title": title,
            "status": status,
            "detail": detail,
            "instance": scope["path"],
        }
    ).encode()


async def _send_problem(
    send: Send, status: int, body: bytes, headers: tuple[tuple[bytes, bytes], ...] = ()
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class LimitRequestsInFlight:
    """Beyond `limit` requests under way at once in this worker, answer 503 at once.

    Requests, not connections: uvicorn's own limit (`limit_concurrency`) counts open
    connections too, so idle connections that never send a byte would turn every real
    request away with 503 (decision record 11)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self._app = app
        self._limit = limit
        self._in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        if self._in_flight >= self._limit:
            detail = f"more than {self._limit} requests at once; retry shortly"
            body = _problem(scope, 503, "overloaded", "service unavailable", detail)
            await _send_problem(send, 503, body, ((b"retry-after", b"1"),))
            return
        self._in_flight += 1
        try:
            await self._app(scope, receive, send)
        finally:
            self._in_flight -= 1


class RefuseNulCharacters:
    """A NUL in the path or query string cannot name anything here, and PostgreSQL refuses
    it in text: answer 422 before it reaches a query."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raw_path = scope.get("raw_path") or scope["path"].encode()
            if b"\x00" in unquote_to_bytes(raw_path) + unquote_to_bytes(scope["query_string"]):
                await self._refuse(scope, send)
                return
        await self._app(scope, receive, send)

    @staticmethod
    async def _refuse(scope: Scope, send: Send) -> None:
        detail = "the path or query string contains a NUL character"
        body = _problem(scope, 422, "invalid-request", "invalid request", detail)
        await _send_problem(send, 422, body)
