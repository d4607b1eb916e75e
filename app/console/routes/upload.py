"""Uploading a BOM from the browser: checked first as a dry run (nothing stored, not even a
decision record), then stored; a refused document is shown with each located error against
the line of the document it names."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from app.console.guard import ConsolePage, Uploader, UploadSender, runtime_of
from app.console.lines import place_errors
from app.console.pages import render
from app.domain.access import Role, Viewer
from app.domain.decision import Decision
from app.domain.errors import BomRejectedError, ConflictError, InputRejectedError, Located
from app.domain.product_slice import Question
from app.services.console_sessions import SignedIn
from app.services.dry_run import dry_run
from app.services.ingest import publish_bom

router = APIRouter(route_class=ConsolePage, include_in_schema=False)

ASKED_LENGTH = 64
_JSON_MEDIA = "application/json"
_XML_MEDIA = "application/xml"


def _media_type(upload: UploadFile, data: bytes) -> str:
    """What the file is: its name says, else its first character does."""
    name = (upload.filename or "").lower()
    if name.endswith(".xml"):
        return _XML_MEDIA
    if name.endswith(".json"):
        return _JSON_MEDIA
    return _XML_MEDIA if data.lstrip()[:1] == b"<" else _JSON_MEDIA


async def _read(request: Request, upload: UploadFile | None) -> bytes:
    if upload is None or not upload.filename:
        raise BomRejectedError(
            "no file was chosen", [Located("form/bom", "choose a CycloneDX BOM file to upload")]
        )
    limit = runtime_of(request).settings.max_upload_bytes
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise BomRejectedError(
            "the file is too large", [Located("form/bom", f"larger than {limit} bytes")]
        )
    return data


@router.get("/upload")
def upload_form(request: Request, signed: Uploader) -> Response:
    return render(request, "upload.html", visitor=signed, to="", refused=None, answer=None)


@router.post("/upload")
async def upload_route(
    request: Request,
    signed: UploadSender,
    bom: Annotated[UploadFile | None, Form()] = None,
    to: Annotated[str, Form(max_length=ASKED_LENGTH)] = "",
    action: Annotated[str, Form(max_length=16)] = "check",
) -> Response:
    data = b""
    media_type = _JSON_MEDIA
    try:
        data = await _read(request, bom)
        media_type = _media_type(bom, data) if bom is not None else _JSON_MEDIA
        if action == "store":
            return await _store(request, signed, data, media_type)
        answer = await run_in_threadpool(_dry_run, request, signed, data, media_type, to)
    except (InputRejectedError, ConflictError) as refused:
        errors = refused.errors if isinstance(refused, InputRejectedError) else []
        text = data.decode("utf-8", errors="replace")
        return render(
            request,
            "upload.html",
            visitor=signed,
            status_code=409 if isinstance(refused, ConflictError) else 422,
            to=to,
            answer=None,
            refused=refused,
            placed=place_errors(text, errors, is_xml=media_type == _XML_MEDIA),
            filename=bom.filename if bom is not None else "",
        )
    return render(
        request,
        "upload.html",
        visitor=signed,
        to=to,
        refused=None,
        answer=answer,
        verdict=Decision(answer["decision"]),
        filename=bom.filename if bom is not None else "",
    )


def _dry_run(
    request: Request, signed: SignedIn, data: bytes, media_type: str, to: str
) -> dict[str, Any]:
    destination = to.strip()
    if not destination:
        raise InputRejectedError(
            "no destination", [Located("form/to", "name a country (DE) or a group (EU)")]
        )
    day = dt.datetime.now(dt.UTC).date()
    result = dry_run(
        runtime_of(request),
        data,
        media_type,
        Question(destination, day, None),
        viewer=Viewer.of(signed.principal),
        where="form/to",
    )
    return result.for_caller()


async def _store(request: Request, signed: SignedIn, data: bytes, media_type: str) -> Response:
    principal = signed.principal
    view, _created = await run_in_threadpool(
        publish_bom,
        runtime_of(request),
        data,
        media_type,
        Viewer.of(principal),
        uploaded_by=principal.actor,
        organisation=principal.organisation,
        administrator=Role.ADMIN in principal.roles,
    )
    return RedirectResponse(f"/products/{view.product_id}?stored={view.id}", status_code=303)
