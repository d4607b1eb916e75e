"""Upload and read BOMs."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from app.api.convert import bom_read
from app.api.dependencies import RuntimeDep
from app.api.paging import page_read
from app.api.params import OfProduct, Paging, PathId, today
from app.api.problems import responses
from app.api.schemas.boms import (
    BomDiffRead,
    BomPage,
    BomRead,
    ChangedBlockerRead,
    ChangedComponentRead,
    VisibilityUpdate,
)
from app.api.schemas.common import NO_NUL
from app.api.security import Reader, admits
from app.domain import limits
from app.domain.access import Principal, Role, Viewer
from app.domain.errors import (
    BomRejectedError,
    Located,
    PayloadTooLargeError,
    RequestTimeoutError,
)
from app.domain.product_slice import Question
from app.services.boms import get_bom, get_document, list_boms, set_visibility
from app.services.diff import ChangedComponent, diff_boms
from app.services.ingest import publish_bom
from app.services.ownership import retire_bom

router = APIRouter(prefix="/api/v1/boms", tags=["boms"])

Uploader = Annotated[Principal, Depends(admits(Role.INTEGRATOR))]

UPLOAD_MEDIA_TYPES = {
    "application/vnd.cyclonedx+json": {"schema": {"type": "string", "format": "binary"}},
    "application/vnd.cyclonedx+xml": {"schema": {"type": "string", "format": "binary"}},
    "application/json": {"schema": {"type": "object"}},
    "application/xml": {"schema": {"type": "string"}},
    "multipart/form-data": {
        "schema": {
            "type": "object",
            "properties": {"bom": {"type": "string", "format": "binary"}},
            "required": ["bom"],
        }
    },
}


async def _read_limited(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to be over the limit: from the
    declared length before reading anything, or while streaming when none is declared."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLargeError(
            f"the upload is {declared} bytes; the limit is {limit}",
            limit_name="max_upload_bytes",
            limit=limit,
        )
    chunks: list[bytes] = []
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise PayloadTooLargeError(
                f"the upload exceeds the limit of {limit} bytes",
                limit_name="max_upload_bytes",
                limit=limit,
            )
        chunks.append(chunk)
    return b"".join(chunks)


async def _bom_from_multipart(request: Request, body: bytes) -> tuple[bytes, str | None]:
    async def replay() -> dict[str, object]:
        return {"type": "http.request", "body": body, "more_body": False}

    form = await Request(request.scope, replay).form(max_files=1, max_fields=16)
    try:
        part = form.get("bom")
        if not isinstance(part, UploadFile):
            raise BomRejectedError(
                "the multipart upload has no file part named 'bom'",
                [Located("multipart/bom", "attach the BOM as a file part named 'bom'")],
            )
        return await part.read(), part.content_type
    finally:
        await form.close()


async def read_bom_upload(
    request: Request, limit: int, timeout_seconds: float
) -> tuple[bytes, str | None]:
    """The BOM a request carries (raw body or multipart part `bom`) and its media type.
    A client that trickles its body holds a connection and a buffer: past the timeout it
    gets 408 and both are released."""
    try:
        async with asyncio.timeout(timeout_seconds):
            body = await _read_limited(request, limit)
    except TimeoutError:
        raise RequestTimeoutError(
            f"the upload was not received within {timeout_seconds:g} seconds"
        ) from None
    media_type = request.headers.get("content-type")
    if media_type and media_type.split(";", 1)[0].strip().lower() == "multipart/form-data":
        return await _bom_from_multipart(request, body)
    return body, media_type


@router.post(
    "",
    status_code=201,
    response_model=BomRead,
    summary="Upload a CycloneDX BOM (JSON or XML, 1.2-1.7)",
    description=(
        "Validated against the official schema of its declared version and stored whole, "
        "or refused whole with every error located. The same bytes twice are one BOM: the "
        "second upload answers 200 with the first one's id."
    ),
    responses=responses(
        408,
        413,
        409,
        415,
        422,
        also={200: {"model": BomRead, "description": "Already stored (same SHA-256)"}},
    ),
    openapi_extra={"requestBody": {"required": True, "content": UPLOAD_MEDIA_TYPES}},
)
async def upload_bom(
    request: Request,
    response: Response,
    runtime: RuntimeDep,
    principal: Uploader,
    supersedes: Annotated[
        list[Annotated[str, Query(max_length=512)]] | None,
        Query(
            max_length=100,
            description="Serial numbers of the subject's current BOMs this upload ends, or "
            "`all`; each must name a current BOM of the subject (422 otherwise)",
        ),
    ] = None,
) -> BomRead:
    settings = runtime.settings
    body, media_type = await read_bom_upload(
        request, settings.max_upload_bytes, settings.body_timeout_seconds
    )

    view, created = await run_in_threadpool(
        publish_bom,
        runtime,
        body,
        media_type,
        Viewer.of(principal),
        uploaded_by=principal.actor,
        organisation=principal.organisation,
        supersedes=supersedes or (),
        administrator=Role.ADMIN in principal.roles,
    )
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/api/v1/boms/{view.id}"
    return bom_read(view)


@router.get(
    "",
    response_model=BomPage,
    summary="List BOMs, oldest first",
)
def list_boms_route(
    runtime: RuntimeDep,
    principal: Reader,
    paging: Paging,
    product_id: OfProduct = None,
) -> BomPage:
    page = list_boms(
        runtime,
        product_id=product_id,
        paging=paging,
        viewer=Viewer.of(principal),
    )
    return page_read(BomPage, page, bom_read)


@router.get(
    "/{bom_id}",
    response_model=BomRead,
    summary="One BOM: what it describes, its counts and warnings, and who sees it",
    responses=responses(404),
)
def get_bom_route(bom_id: PathId, runtime: RuntimeDep, principal: Reader) -> BomRead:
    return bom_read(get_bom(runtime, bom_id, Viewer.of(principal)))


@router.get(
    "/{bom_id}/document",
    summary="The original document, byte for byte",
    responses=responses(
        404,
        also={
            200: {
                "description": "The document as uploaded",
                "content": {
                    "application/vnd.cyclonedx+json": {},
                    "application/vnd.cyclonedx+xml": {},
                },
            },
            304: {"description": "Not modified: the If-None-Match ETag is the document's"},
        },
    ),
    response_class=Response,
)
def get_bom_document(
    bom_id: PathId,
    runtime: RuntimeDep,
    principal: Reader,
    if_none_match: Annotated[str | None, Header(description="An ETag from an earlier read")] = None,
) -> Response:
    # A stored document never changes, so its SHA-256 is a strong ETag forever.
    media_type, document, sha256 = get_document(runtime, bom_id, Viewer.of(principal))
    etag = f'"{sha256}"'
    if if_none_match is not None and etag in {tag.strip() for tag in if_none_match.split(",")}:
        return Response(status_code=304, headers={"ETag": etag})
    return Response(document, media_type=media_type, headers={"ETag": etag})


@router.get(
    "/{old_bom_id}/diff/{new_bom_id}",
    response_model=BomDiffRead,
    summary="What changes between two BOMs of one product, and what it does to the answer",
    description=(
        "Components and AI components added or removed, and the blockers that appear or "
        "disappear for the destination and date asked, each BOM taken as the current one."
    ),
    responses=responses(404, 409),
)
def diff_boms_route(
    old_bom_id: PathId,
    new_bom_id: PathId,
    runtime: RuntimeDep,
    principal: Reader,
    *,
    to: Annotated[str, Query(pattern="^[A-Za-z]{2}$", description="Destination")] = "DE",
    on: Annotated[dt.date | None, Query(description="Date asked; today when absent")] = None,
) -> BomDiffRead:
    day = on or today()
    question = Question(to.upper(), day)
    diff = diff_boms(runtime, old_bom_id, new_bom_id, question, Viewer.of(principal))

    def components(found: tuple[ChangedComponent, ...]) -> list[ChangedComponentRead]:
        return [ChangedComponentRead(**dataclasses.asdict(c)) for c in found]

    return BomDiffRead(
        product_id=diff.product.id,
        product=diff.product.display_name,
        old_bom_id=diff.old_bom_id,
        new_bom_id=diff.new_bom_id,
        destination=diff.question.destination,
        date=diff.question.day,
        added=components(diff.added),
        removed=components(diff.removed),
        ai_added=components(tuple(c for c in diff.added if c.is_ai)),
        ai_removed=components(tuple(c for c in diff.removed if c.is_ai)),
        old_decision=diff.old_decision.value,
        new_decision=diff.new_decision.value,
        blockers_added=[ChangedBlockerRead(**dataclasses.asdict(b)) for b in diff.blockers_added],
        blockers_removed=[
            ChangedBlockerRead(**dataclasses.asdict(b)) for b in diff.blockers_removed
        ],
    )


@router.put(
    "/{bom_id}/visibility",
    response_model=BomRead,
    summary="Who sees inside this BOM: private (owner and shares) or public",
    description="Only the owning organisation (or an administrator) may change it.",
    responses=responses(403, 404),
)
def set_bom_visibility(
    bom_id: PathId, update: VisibilityUpdate, runtime: RuntimeDep, principal: Uploader
) -> BomRead:
    view = set_visibility(
        runtime,
        bom_id,
        update.visibility,
        update.share_with,
        Viewer.of(principal),
        actor=principal.actor,
    )
    return bom_read(view)


class RetireRequest(BaseModel):
    reason: Annotated[
        str,
        Field(min_length=1, max_length=limits.REASON, pattern=NO_NUL, description="Why it ends"),
    ]


@router.post(
    "/{bom_id}/retire",
    response_model=BomRead,
    summary="Retire a BOM: it stops being current, and stays stored as history",
    responses=responses(403, 404, 409, 422),
)
def retire_bom_route(
    bom_id: PathId, body: RetireRequest, runtime: RuntimeDep, principal: Uploader
) -> BomRead:
    viewer = Viewer.of(principal)
    retire_bom(runtime, bom_id, reason=body.reason, viewer=viewer, actor=principal.actor)
    return bom_read(get_bom(runtime, bom_id, viewer))
