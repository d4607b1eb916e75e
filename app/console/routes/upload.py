"""Uploading a BOM from the console: checked first without storing anything (the verdict
for a destination, its blockers and warnings), or stored as the visitor's organisation. A
refused document is shown with each located error against the lines of the document it
names. For integrators and administrators, as `POST /api/v1/boms`."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from app.bom.locate import Excerpt, excerpts
from app.console.guard import ConsolePage, Visitor, checked_form, runtime_of
from app.console.pages import render
from app.domain import errors
from app.domain.access import Role, Viewer
from app.domain.decision import Decision
from app.domain.errors import (
    InvalidRequestError,
    Located,
    PayloadTooLargeError,
    PermissionDeniedError,
    RequestTimeoutError,
)
from app.domain.product_slice import Question
from app.services.console_sessions import SignedIn
from app.services.dry_run import dry_run
from app.services.ingest import publish_bom

router = APIRouter(route_class=ConsolePage, include_in_schema=False)

UPLOADERS = frozenset({Role.ADMIN, Role.INTEGRATOR})
# What a multipart form adds around the document: its boundaries and small fields.
FORM_ALLOWANCE = 64 * 1024
DESTINATION_LENGTH = 64
CHECK, STORE = "check", "upload"

# How a refusal is answered on this page; anything else is the console's error page.
_REFUSALS: tuple[tuple[type[errors.ExportgateError], int], ...] = (
    (errors.LimitExceededError, 413),
    (RequestTimeoutError, 408),
    (errors.InputRejectedError, 422),
    (errors.ConflictError, 409),
)
_REFUSED = tuple(kind for kind, _ in _REFUSALS)


def uploads(signed: Visitor) -> SignedIn:
    if not signed.principal.roles & UPLOADERS:
        raise PermissionDeniedError("uploading BOMs needs one of the roles: admin, integrator")
    return signed


Uploader = Annotated[SignedIn, Depends(uploads)]


@dataclass(frozen=True, slots=True)
class Sent:
    """What the upload form carried."""

    action: str
    destination: str
    filename: str
    data: bytes


async def _body(request: Request, limit: int) -> bytes:
    """The request's body, refused as soon as it is known to be larger than `limit`."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLargeError(
            f"the form is {declared} bytes; a BOM may be at most {limit - FORM_ALLOWANCE}",
            limit_name="max_upload_bytes",
            limit=limit - FORM_ALLOWANCE,
        )
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLargeError(
                f"the form exceeds the limit of {limit - FORM_ALLOWANCE} bytes for a BOM",
                limit_name="max_upload_bytes",
                limit=limit - FORM_ALLOWANCE,
            )
    return bytes(body)


async def _sent(request: Request, signed: SignedIn) -> Sent:
    """The form, read within the upload limits and checked for the session's token."""
    settings = runtime_of(request).settings
    try:
        async with asyncio.timeout(settings.body_timeout_seconds):
            body = await _body(request, settings.max_upload_bytes + FORM_ALLOWANCE)
    except TimeoutError:
        raise RequestTimeoutError(
            f"the upload was not received within {settings.body_timeout_seconds:g} seconds"
        ) from None

    async def replay() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    received = Request(request.scope, replay)
    try:
        form = await received.form(max_files=1, max_fields=8)
    except HTTPException as unreadable:
        raise InvalidRequestError(
            "the form could not be read", [Located("form", str(unreadable.detail))]
        ) from None
    try:
        await checked_form(received, signed)
        part = form.get("bom")
        if not isinstance(part, UploadFile) or not part.filename:
            raise InvalidRequestError(
                "no file was chosen", [Located("form/bom", "choose a CycloneDX JSON or XML file")]
            )
        data = await part.read()
        if len(data) > settings.max_upload_bytes:
            raise PayloadTooLargeError(
                f"the file is {len(data)} bytes; the limit is {settings.max_upload_bytes}",
                limit_name="max_upload_bytes",
                limit=settings.max_upload_bytes,
            )
        action, destination = form.get("action"), form.get("to")
        return Sent(
            STORE if action == STORE else CHECK,
            destination.strip() if isinstance(destination, str) else "",
            part.filename,
            data,
        )
    finally:
        await form.close()


def _page(request: Request, signed: SignedIn, *, status_code: int = 200, **shown: Any) -> Response:
    context: dict[str, Any] = {
        "asked": {"to": "", "filename": ""},
        "refusal": None,
        "located": [],
        "answer": None,
        "verdict": None,
        "stored": None,
        "created": False,
    }
    context.update(shown)
    return render(request, "upload.html", visitor=signed, status_code=status_code, **context)


@router.get("/upload")
def upload_page(request: Request, signed: Uploader) -> Response:
    return _page(request, signed)


@router.post("/upload")
async def upload(request: Request, signed: Uploader) -> Response:
    try:
        sent = await _sent(request, signed)
    except _REFUSED as refused:
        return await _refused(request, signed, refused, b"", {"to": "", "filename": ""})
    asked = {"to": sent.destination, "filename": sent.filename}
    try:
        if sent.action == CHECK:
            return await _check(request, signed, sent, asked)
        return await _store(request, signed, sent, asked)
    except _REFUSED as refused:
        return await _refused(request, signed, refused, sent.data, asked)


async def _check(request: Request, signed: SignedIn, sent: Sent, asked: dict[str, str]) -> Response:
    if not sent.destination:
        raise InvalidRequestError(
            "a check needs a destination",
            [Located("form/to", "name a country (DE) or a destination group (EU)")],
        )
    question = Question(sent.destination, dt.datetime.now(dt.UTC).date(), None)
    result = await run_in_threadpool(
        dry_run,
        runtime_of(request),
        sent.data,
        None,
        question,
        viewer=Viewer.of(signed.principal),
        where="form/to",
    )
    answer = result.for_caller()
    return _page(request, signed, asked=asked, answer=answer, verdict=Decision(answer["decision"]))


async def _store(request: Request, signed: SignedIn, sent: Sent, asked: dict[str, str]) -> Response:
    principal = signed.principal
    view, created = await run_in_threadpool(
        publish_bom,
        runtime_of(request),
        sent.data,
        None,
        Viewer.of(principal),
        uploaded_by=principal.actor,
        organisation=principal.organisation,
        administrator=Role.ADMIN in principal.roles,
    )
    return _page(
        request,
        signed,
        status_code=201 if created else 200,
        asked=asked,
        stored=view,
        created=created,
    )


async def _refused(
    request: Request,
    signed: SignedIn,
    refused: errors.ExportgateError,
    data: bytes,
    asked: dict[str, str],
) -> Response:
    status = next(code for kind, code in _REFUSALS if isinstance(refused, kind))
    located: list[Excerpt] = []
    if isinstance(refused, errors.BomRejectedError):
        # Following pointers through a large document takes a while: not on the event loop.
        located = await run_in_threadpool(excerpts, data, refused.errors)
    elif isinstance(refused, errors.InputRejectedError):
        located = [Excerpt(e.location, e.message, None, ()) for e in refused.errors]
    return _page(
        request,
        signed,
        status_code=status,
        asked=asked,
        refusal={"title": refused.title, "detail": refused.detail},
        located=located,
    )
