"""Requests refused before any route runs, as problem+json."""

from __future__ import annotations

import json
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.problems import PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_BASE


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
        body = json.dumps(
            {
                "type": PROBLEM_TYPE_BASE + "invalid-request",
                "title": "invalid request",
                "status": 422,
                "detail": "the path or query string contains a NUL character",
                "instance": scope["path"],
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 422,
                "headers": [
                    (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
