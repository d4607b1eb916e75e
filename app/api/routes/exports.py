"""The export check for vendors, and the decision records auditors read."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from app.api.dependencies import RuntimeDep
from app.api.paging import page_read
from app.api.params import OfProduct, Paging, PathId, today
from app.api.problems import responses
from app.api.routes.boms import UPLOAD_MEDIA_TYPES, read_bom_upload
from app.api.schemas.checks import (
    AuditEntryRead,
    AuditPage,
    AuditVerificationRead,
    ChainProblemRead,
    DecisionPage,
    DecisionRecordRead,
    DecisionSummaryRead,
    ExportCheckRead,
)
from app.api.security import admit, admits
from app.domain import limits
from app.domain.access import Principal, Role, Viewer
from app.domain.product_slice import Question
from app.services.audit import audit_trail, verify_audit_chain
from app.services.checks import DEFAULT_PATH_LIMIT, check_export
from app.services.decisions import DecisionSummary, get_decision, list_decisions
from app.services.dry_run import dry_run

router = APIRouter()

Destination = Annotated[
    str,
    Query(
        description="An ISO 3166-1 alpha-2 country code, or a group the ruleset in force on "
        "the date defines (such as EU): a group is answered for each of its countries",
        min_length=1,
        max_length=16,
        examples=["DE", "EU"],
    ),
]
# Where a refused destination is reported, in the words of request validation errors.
DESTINATION_PLACE = "query/to"


AskedOn = Annotated[dt.date | None, Query(description="Date asked; today when absent")]
AskedSector = Annotated[
    str | None, Query(max_length=limits.SECTOR, description="Sector, if not the product's")
]
PathLimit = Annotated[int, Query(ge=0, le=100, description="Paths shown per blocker")]


@router.get(
    "/api/v1/products/{product_id}/export-check",
    response_model=ExportCheckRead,
    summary="May this product be exported to this destination on this date?",
    description=(
        "eligible, ineligible (with every blocking component, its reason and the paths "
        "that introduce it) or not_in_scope. Each answer is kept as a decision record."
    ),
    responses=responses(404, 422),
    tags=["export_checks"],
)
def check_export_route(
    product_id: PathId,
    runtime: RuntimeDep,
    principal: Annotated[Principal, Depends(admits(Role.INTEGRATOR, Role.PROCUREMENT))],
    *,
    to: Destination,
    on: AskedOn = None,
    sector: AskedSector = None,
    paths: PathLimit = DEFAULT_PATH_LIMIT,
) -> ExportCheckRead:
    question = Question(to, on or today(), sector)
    result = check_export(
        runtime,
        str(product_id),
        question,
        record=True,
        path_limit=paths,
        viewer=Viewer.of(principal),
        where=DESTINATION_PLACE,
        actor=principal.actor,
    )
    return ExportCheckRead.model_validate(result.for_caller())


@router.post(
    "/api/v1/export-checks",
    response_model=ExportCheckRead,
    summary="Dry run: check the product an unsaved BOM describes",
    description=(
        "The posted BOM (same media types as an upload) stands in for its product's current "
        "BOM; everything stored is used; nothing is stored, not even a decision record."
    ),
    responses=responses(408, 413, 415, 422),
    openapi_extra={"requestBody": {"required": True, "content": UPLOAD_MEDIA_TYPES}},
    tags=["export_checks"],
)
async def check_export_dry_run(
    request: Request,
    runtime: RuntimeDep,
    principal: Annotated[Principal, Depends(admits(Role.INTEGRATOR))],
    *,
    to: Destination,
    on: AskedOn = None,
    sector: AskedSector = None,
    paths: PathLimit = DEFAULT_PATH_LIMIT,
) -> ExportCheckRead:
    settings = runtime.settings
    body, media_type = await read_bom_upload(
        request, settings.max_upload_bytes, settings.body_timeout_seconds
    )
    question = Question(to, on or today(), sector)
    result = await run_in_threadpool(
        dry_run,
        runtime,
        body,
        media_type,
        question,
        path_limit=paths,
        viewer=Viewer.of(principal),
        where=DESTINATION_PLACE,
    )
    return ExportCheckRead.model_validate(result.for_caller())


@router.get(
    "/api/v1/decisions/{decision_id}",
    response_model=DecisionRecordRead,
    summary="A stored decision record, exactly as it was answered",
    tags=["decisions"],
    responses=responses(404),
)
def get_decision_route(
    decision_id: PathId,
    runtime: RuntimeDep,
    principal: Annotated[Principal, Depends(admits(Role.AUDITOR, Role.INTEGRATOR))],
) -> DecisionRecordRead:
    answer = get_decision(runtime, decision_id, Viewer.of(principal))
    return DecisionRecordRead.model_validate(answer)


@router.get(
    "/api/v1/decisions",
    response_model=DecisionPage,
    summary="Decision records in the order they were made",
    description="Only records about products the caller may see; read one for its answer.",
    tags=["decisions"],
)
def list_decisions_route(
    runtime: RuntimeDep,
    principal: Annotated[Principal, Depends(admits(Role.AUDITOR, Role.INTEGRATOR))],
    paging: Paging,
    *,
    product_id: OfProduct = None,
    decision: Annotated[
        Literal["eligible", "ineligible", "not_in_scope"] | None,
        Query(description="Only records with this answer"),
    ] = None,
) -> DecisionPage:
    page = list_decisions(
        runtime,
        Viewer.of(principal),
        product_id=product_id,
        decision=decision,
        paging=paging,
    )
    return page_read(DecisionPage, page, _decision_summary_read)


def _decision_summary_read(summary: DecisionSummary) -> DecisionSummaryRead:
    return DecisionSummaryRead.model_validate(summary, from_attributes=True)


@router.get(
    "/api/v1/audit-trail",
    response_model=AuditPage,
    summary="Who did what, when: uploads, certificates and events, classifications, "
    "rulesets, decisions, keys",
    description="Oldest first. An organisation's auditor sees its own and shared BOMs, "
    "decisions about products it may see, the whole registry, its own keys, and the global "
    "and its own classification records of components it may see.",
    tags=["decisions"],
)
def get_audit_trail(
    runtime: RuntimeDep,
    principal: Annotated[Principal, Depends(admits(Role.AUDITOR))],
    paging: Paging,
) -> AuditPage:
    trail = audit_trail(runtime, Viewer.of(principal), paging=paging)
    return page_read(
        AuditPage, trail, lambda record: AuditEntryRead.model_validate(record, from_attributes=True)
    )


@router.get(
    "/api/v1/audit/verify",
    response_model=AuditVerificationRead,
    summary="Check the audit chain: every entry's link and hash, every audited record's digest",
    description="Administrators only: it reads every organisation's records. Answers 200 "
    "either way; `intact` says whether anything was altered, deleted, inserted or reordered.",
    tags=["decisions"],
    dependencies=[admit()],
)
def check_audit_chain_route(runtime: RuntimeDep) -> AuditVerificationRead:
    found = verify_audit_chain(runtime)
    return AuditVerificationRead(
        intact=found.intact,
        entries=found.entries,
        head=found.head or None,
        problems=[ChainProblemRead.model_validate(p, from_attributes=True) for p in found.problems],
    )
