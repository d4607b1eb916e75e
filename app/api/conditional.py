"""ETag / If-None-Match on reads that walk the graph: a client polling a product's status
or a component's users is told 304 before anything is computed when nothing it depends on
has changed. `If-None-Match: *` matches only a resource that exists and that the caller may
see: whether it does is known once the route has answered, so that one case is answered
after the route (a success becomes the 304, anything else stands)."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.dependencies import RuntimeDep
from app.api.params import today
from app.api.security import Caller
from app.domain.access import Viewer
from app.services.freshness import read_state

NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: nothing this answer depends on changed since the ETag"}
}


class NotModifiedError(Exception):
    """Raised by the dependency to end the request with a bodiless 304."""

    def __init__(self, etag: str) -> None:
        super().__init__(etag)
        self.etag = etag


# Where a request that sent `If-None-Match: *` keeps its ETag for `StarMatch` to read.
_STAR = "exportgate.if_none_match_star"


def _offered(header: str | None) -> set[str]:
    if not header:
        return set()
    return {tag.strip().removeprefix("W/") for tag in header.split(",")}


def answer_if_changed(
    request: Request, response: Response, runtime: RuntimeDep, principal: Caller
) -> str:
    """Declare after the route's role-checked principal, so a caller without the role is
    refused before it learns anything, even that nothing changed."""
    state = read_state(runtime, Viewer.of(principal))
    # Answers without an explicit date are today's, so the day is part of what they depend on.
    seed = f"{request.method} {request.url.path}?{request.url.query}|{state}|{today()}"
    etag = f'"{hashlib.sha256(seed.encode()).hexdigest()[:40]}"'
    offered = _offered(request.headers.get("if-none-match"))
    if etag in offered:
        raise NotModifiedError(etag)
    if "*" in offered:
        # Not here: a resource that does not exist, or that the caller may not see, must be
        # answered 404 exactly as without the header, and only the route knows which it is.
        request.scope[_STAR] = etag
    response.headers["ETag"] = etag
    # A route that builds its own Response sets the header from this.
    return etag


Fresh = Annotated[str, Depends(answer_if_changed)]


async def _not_modified(_request: Request, error: Exception) -> Response:
    assert isinstance(error, NotModifiedError)  # noqa: S101 - registered for this type only
    return Response(status_code=304, headers={"ETag": error.etag})


class StarMatch:
    """Turns a successful answer to a request with `If-None-Match: *` into a bodiless 304:
    the route answered, so the resource exists and the caller may see it."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or b"*" not in _header(scope, b"if-none-match"):
            await self._app(scope, receive, send)
            return
        matched = False

        async def relay(message: Message) -> None:
            nonlocal matched
            if message["type"] == "http.response.start":
                etag = scope.get(_STAR)
                if etag is not None and 200 <= message["status"] < 300:
                    matched = True
                    headers = [(b"etag", str(etag).encode())]
                    await send({"type": "http.response.start", "status": 304, "headers": headers})
                    return
            elif matched:
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self._app(scope, receive, relay)


def _header(scope: Scope, name: bytes) -> bytes:
    return b",".join(value for key, value in scope.get("headers", ()) if key.lower() == name)


def register_not_modified(app: FastAPI) -> None:
    app.add_exception_handler(NotModifiedError, _not_modified)
    app.add_middleware(StarMatch)
