"""ETag / If-None-Match on reads that walk the graph: a client polling a product's status
or a component's users is told 304 before anything is computed when nothing it depends on
has changed."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response

from app.api.dependencies import RuntimeDep
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


def _matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    offered = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in offered or etag in offered


def answer_if_changed(
    request: Request, response: Response, runtime: RuntimeDep, principal: Caller
) -> str:
    """Declare after the route's role-checked principal, so a caller without the role is
    refused before it learns anything, even that nothing changed."""
    with runtime.reading() as uow:
        state = read_state(uow, Viewer.of(principal))
    # Answers without an explicit date are today's, so the day is part of what they depend on.
    today = dt.datetime.now(dt.UTC).date().isoformat()
    seed = f"{request.method} {request.url.path}?{request.url.query}|{state}|{today}"
    etag = f'"{hashlib.sha256(seed.encode()).hexdigest()[:40]}"'
    if _matches(request.headers.get("if-none-match"), etag):
        raise NotModifiedError(etag)
    response.headers["ETag"] = etag
    # A route that builds its own Response sets the header from this.
    return etag


Fresh = Annotated[str, Depends(answer_if_changed)]


async def _not_modified(_request: Request, error: Exception) -> Response:
    assert isinstance(error, NotModifiedError)  # noqa: S101 - registered for this type only
    return Response(status_code=304, headers={"ETag": error.etag})


def register_not_modified(app: FastAPI) -> None:
    app.add_exception_handler(NotModifiedError, _not_modified)
