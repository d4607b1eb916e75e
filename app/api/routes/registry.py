"""The certificate registry, reviewer roster and ruleset."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query
from fastapi.responses import JSONResponse

from app.api.conditional import NOT_MODIFIED, Fresh
from app.api.convert import certificate_read, path_read, reviewer_read
from app.api.dependencies import RuntimeDep
from app.api.paging import page_read
from app.api.params import Paging, today
from app.api.problems import responses
from app.api.schemas.registry import (
    CertificatePage,
    CertificateRead,
    ImpactedProductRead,
    ImpactRead,
    ImportReportRead,
    ReviewerPage,
    ReviewerRead,
    RulesetVersionPage,
    RulesetVersionRead,
)
from app.api.security import EVERYONE, admit, admits
from app.domain import limits
from app.domain.access import Principal, Role, Viewer
from app.services.impact import certificate_impact
from app.services.registry import (
    add_status_event,
    get_certificate,
    import_registry,
    list_certificates,
    publish_ruleset,
    record_certificate,
    ruleset_on,
    save_reviewer,
)
from app.services.registry import list_reviewers as reviewer_roster
from app.services.registry_file import (
    CertificateEntry,
    EventEntry,
    ReviewerEntry,
    ReviewerUpdate,
    ruleset_document,
)
from app.services.ruleset_versions import ruleset_version, ruleset_versions

router = APIRouter(tags=["registry"])
certificates_router = APIRouter(tags=["certificates"])


@router.post(
    "/api/v1/registry/import",
    response_model=ImportReportRead,
    summary="Apply a registry file: reviewers, certificates with events, ruleset",
    description="Refused whole with each failing entry located; importing it again changes "
    "nothing.",
    responses=responses(422),
)
def import_registry_route(
    runtime: RuntimeDep,
    document: Annotated[dict[str, Any], Body()],
    principal: Annotated[Principal, Depends(admits())],
) -> ImportReportRead:
    report = import_registry(runtime, document, actor=principal.actor)
    return ImportReportRead.model_validate(report, from_attributes=True)


@certificates_router.get(
    "/api/v1/certificates",
    response_model=CertificatePage,
    summary="Certificates by number",
    dependencies=[admit(*EVERYONE)],
)
def list_certificates_route(
    runtime: RuntimeDep,
    paging: Paging,
    *,
    subject: Annotated[
        str | None, Query(max_length=limits.SUBJECT, description="A purl or identity key")
    ] = None,
    expiring_within: Annotated[
        int | None, Query(ge=0, le=3650, description="Only those expiring within N days")
    ] = None,
    reviewer: Annotated[
        str | None, Query(max_length=limits.REVIEWER_ID, description="Only this reviewer's")
    ] = None,
    on: Annotated[dt.date | None, Query(description="Status as of; today when absent")] = None,
) -> CertificatePage:
    day = on or today()
    expiring = None
    if expiring_within is not None:
        expiring = (day, day + dt.timedelta(days=expiring_within))
    page = list_certificates(
        runtime,
        subject=subject,
        paging=paging,
        reviewer=reviewer,
        expiring_between=expiring,
    )
    return page_read(CertificatePage, page, lambda c: certificate_read(c, day))


@certificates_router.post(
    "/api/v1/certificates",
    response_model=CertificateRead,
    status_code=201,
    summary="Record one certificate (with its first status events)",
    description="A reviewer key records certificates of its own reviewer body only.",
    responses=responses(403, 409, 422),
)
def create_certificate(
    runtime: RuntimeDep,
    entry: CertificateEntry,
    principal: Annotated[Principal, Depends(admits(Role.REVIEWER))],
) -> CertificateRead:
    certificate = record_certificate(runtime, entry, actor=principal.actor, principal=principal)
    return certificate_read(certificate, today())


@certificates_router.get(
    "/api/v1/certificates/{number}",
    response_model=CertificateRead,
    summary="One certificate, with its status on a date and its events",
    responses=responses(404),
    dependencies=[admit(*EVERYONE)],
)
def get_certificate_route(
    number: str,
    runtime: RuntimeDep,
    on: Annotated[dt.date | None, Query(description="Status as of; today when absent")] = None,
) -> CertificateRead:
    return certificate_read(get_certificate(runtime, number), on or today())


@certificates_router.post(
    "/api/v1/certificates/{number}/events",
    response_model=CertificateRead,
    summary="Suspend, revoke, reinstate… as of a date; history is appended, never rewritten",
    description="A reviewer key changes certificates of its own reviewer body only.",
    responses=responses(403, 404, 422, also={200: {"description": "Already recorded"}}),
    status_code=201,
)
def add_certificate_event(
    number: str,
    runtime: RuntimeDep,
    entry: EventEntry,
    principal: Annotated[Principal, Depends(admits(Role.REVIEWER))],
) -> Any:
    certificate, added = add_status_event(
        runtime, number, entry, actor=principal.actor, principal=principal
    )
    read = certificate_read(certificate, today())
    return read if added else JSONResponse(read.model_dump(mode="json"), status_code=200)


@certificates_router.get(
    "/api/v1/certificates/{number}/impact",
    response_model=ImpactRead,
    summary="What becomes ineligible if this certificate is revoked or lapses",
    description="Changes nothing: every product above the certificate's subject, checked now "
    "and as if the certificate were revoked on the date asked.",
    responses=responses(404, 422, also=NOT_MODIFIED),
)
def get_certificate_impact(
    number: str,
    runtime: RuntimeDep,
    principal: Annotated[Principal, Depends(admits(*EVERYONE))],
    _fresh: Fresh,
    to: Annotated[list[str], Query(description="Destinations to weigh")] = ["DE"],  # noqa: B006 - FastAPI reads the default
    on: Annotated[dt.date | None, Query(description="Date; today when absent")] = None,
) -> ImpactRead:
    destinations = [d.upper() for d in to]
    day = on or today()
    result = certificate_impact(runtime, number, destinations, day, Viewer.of(principal))
    return ImpactRead(
        certificate=number,
        subject=result.certificate.subject,
        date=result.day,
        breaking=len(result.breaking),
        products=[
            ImpactedProductRead(
                product_id=p.product.id,
                product=p.product.display_name,
                destination=p.destination,
                now=p.now.value,
                if_revoked=p.after.value,
                breaks=p.breaks,
                path=path_read(p.path),
            )
            for p in result.products
        ],
    )


@router.get(
    "/api/v1/reviewers",
    response_model=ReviewerPage,
    summary="The reviewer roster, by id",
    dependencies=[admit(*EVERYONE)],
)
def list_reviewers(runtime: RuntimeDep, paging: Paging) -> ReviewerPage:
    # The operation keeps its name (the OpenAPI operationId); the use case is imported
    # under another.
    roster = reviewer_roster(runtime, paging=paging)
    return page_read(ReviewerPage, roster, reviewer_read)


@router.put(
    "/api/v1/reviewers/{reviewer_id}",
    response_model=ReviewerRead,
    summary="Add a reviewer body, or bring its name, key and accreditations up to date",
    description="Answers 201 when something changed, 200 when it was already so.",
    responses=responses(422, also={201: {"description": "Recorded"}}),
)
def save_reviewer_route(
    reviewer_id: Annotated[str, Path(min_length=1, max_length=128)],
    runtime: RuntimeDep,
    entry: ReviewerUpdate,
    principal: Annotated[Principal, Depends(admits())],
) -> Any:
    reviewer, changed = save_reviewer(
        runtime,
        ReviewerEntry.model_validate({"id": reviewer_id, **entry.model_dump(by_alias=True)}),
        actor=principal.actor,
    )
    read = reviewer_read(reviewer)
    return JSONResponse(
        read.model_dump(mode="json", by_alias=True), status_code=201 if changed else 200
    )


AsOf = Annotated[dt.date | None, Query(description="In force on; today when absent")]


@router.get(
    "/api/v1/ruleset",
    summary="The ruleset in force on a date",
    description="The published version in force (see the versions list); the built-in "
    "defaults while none is.",
    dependencies=[admit(*EVERYONE)],
)
def get_ruleset(runtime: RuntimeDep, on: AsOf = None) -> dict[str, Any]:
    return ruleset_document(ruleset_on(runtime, on or today()))


@router.post(
    "/api/v1/ruleset",
    summary="Publish a new ruleset version",
    description="It governs checks dated from its effective_from (from the beginning when "
    "absent); its groups hold ISO 3166-1 alpha-2 codes.",
    status_code=201,
    responses=responses(409, 422),
)
def publish_ruleset_route(
    runtime: RuntimeDep,
    document: Annotated[dict[str, Any], Body()],
    principal: Annotated[Principal, Depends(admits())],
) -> dict[str, Any]:
    return ruleset_document(publish_ruleset(runtime, document, actor=principal.actor))


@router.get(
    "/api/v1/ruleset/versions",
    response_model=RulesetVersionPage,
    summary="Every published ruleset version, oldest first",
    dependencies=[admit(*EVERYONE)],
)
def list_ruleset_versions(
    runtime: RuntimeDep, paging: Paging, on: AsOf = None
) -> RulesetVersionPage:
    versions = ruleset_versions(runtime, on or today(), paging=paging)
    return page_read(
        RulesetVersionPage,
        versions,
        lambda v: RulesetVersionRead.model_validate(v, from_attributes=True),
    )


@router.get(
    "/api/v1/ruleset/versions/{version}",
    summary="One published ruleset version, as decisions that name it used it",
    responses=responses(404),
    dependencies=[admit(*EVERYONE)],
)
def get_ruleset_version(
    version: Annotated[str, Path(max_length=64)], runtime: RuntimeDep
) -> dict[str, Any]:
    return ruleset_document(ruleset_version(runtime, version))
