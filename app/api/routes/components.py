"""Components for procurement: search, status, where-used, classification records."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.api.conditional import NOT_MODIFIED, Fresh
from app.api.convert import (
    classification_read,
    component_read,
    component_status_read,
    product_use_read,
)
from app.api.dependencies import RuntimeDep
from app.api.paging import page_read
from app.api.params import Paging, PathId, today
from app.api.problems import responses
from app.api.schemas.components import (
    ClassificationCreate,
    ClassificationPage,
    ClassificationRead,
    ComponentPage,
    ComponentReportRead,
    HeldCertificateRead,
    LineageRead,
    ReadinessRead,
    ReviewReadinessRead,
    WhereUsedRead,
)
from app.api.security import Reader, admits
from app.domain import limits
from app.domain.access import Principal, Role, Viewer
from app.services.classification import list_classifications, record_classification
from app.services.components import search_components, uses_of_component
from app.services.lineage import lineage
from app.services.procurement import component_report
from app.services.readiness import readiness

router = APIRouter(prefix="/api/v1/components", tags=["components"])

# Reviewers read back the classifications they may record.
ClassificationReader = Annotated[
    Principal,
    Depends(admits(Role.INTEGRATOR, Role.PROCUREMENT, Role.AUDITOR, Role.REVIEWER)),
]
Classifier = Annotated[Principal, Depends(admits(Role.REVIEWER, Role.PROCUREMENT))]


@router.get(
    "",
    response_model=ComponentPage,
    summary="Search components, in id order",
)
def search_components_route(
    *,
    runtime: RuntimeDep,
    principal: Reader,
    paging: Paging,
    purl: Annotated[
        str | None,
        Query(max_length=limits.PURL, description="Exact purl (normalised before matching)"),
    ] = None,
    name: Annotated[
        str | None,
        Query(
            max_length=limits.NAME,
            description="Case-insensitive substring of the name, taken literally (% and _ "
            "are characters, not wildcards)",
        ),
    ] = None,
    type: Annotated[
        str | None, Query(max_length=32, description="CycloneDX type, or 'service'")
    ] = None,
    ai: Annotated[bool | None, Query(description="Only AI (true) or non-AI (false)")] = None,
    hash: Annotated[
        str | None,
        Query(max_length=1024, description="A hash value any BOM gives the component (hex)"),
    ] = None,
) -> ComponentPage:
    page = search_components(
        runtime,
        purl=purl,
        name=name,
        type_=type,
        ai=ai,
        paging=paging,
        hash_value=hash,
        viewer=Viewer.of(principal),
    )
    return page_read(ComponentPage, page, component_read)


@router.get(
    "/{component_id}",
    response_model=ComponentReportRead,
    summary="Is it AI and why, its certificates, what it needs for a destination, its users",
    responses=responses(404, also=NOT_MODIFIED),
)
def get_component_route(
    component_id: PathId,
    runtime: RuntimeDep,
    principal: Reader,
    _fresh: Fresh,
    *,
    to: Annotated[
        str | None, Query(pattern="^[A-Za-z]{2}$", description="A destination to weigh")
    ] = None,
    on: Annotated[dt.date | None, Query(description="Date; today when absent")] = None,
    sector: Annotated[
        str | None, Query(max_length=limits.SECTOR, description="A sector to weigh")
    ] = None,
) -> ComponentReportRead:
    day = on or today()
    report = component_report(
        runtime,
        component_id,
        day=day,
        destination=to,
        sector=sector,
        viewer=Viewer.of(principal),
    )
    return ComponentReportRead(
        **component_status_read(report.status).model_dump(),
        certificates=[
            HeldCertificateRead.model_validate(held, from_attributes=True)
            for held in report.certificates
        ],
        readiness=(
            ReadinessRead.model_validate(report.readiness, from_attributes=True)
            if report.readiness
            else None
        ),
        used_by=[product_use_read(use) for use in report.used_by],
        classifications=[classification_read(c, day) for c in report.classifications],
    )


@router.get(
    "/{component_id}/readiness",
    response_model=ReviewReadinessRead,
    summary="What its model card offers an ethical reviewer, per dimension, and what is missing",
    description="Advice for an AI component's review (docs/readiness.md); it never changes a "
    "verdict. Facts come only from BOMs you may see, each with the BOM it came from.",
    responses=responses(404, also=NOT_MODIFIED),
)
def get_component_readiness(
    component_id: PathId,
    runtime: RuntimeDep,
    principal: Reader,
    _fresh: Fresh,
    *,
    on: Annotated[dt.date | None, Query(description="Date; today when absent")] = None,
) -> ReviewReadinessRead:
    answer = readiness(runtime, component_id, day=on or today(), viewer=Viewer.of(principal))
    return ReviewReadinessRead.model_validate(answer.document())


@router.get(
    "/{component_id}/where-used",
    response_model=WhereUsedRead,
    summary="Every product whose closure holds the component, with a shortest path",
    responses=responses(404, also=NOT_MODIFIED),
)
def list_where_used(
    component_id: PathId,
    runtime: RuntimeDep,
    principal: Reader,
    _fresh: Fresh,
    paging: Paging,
) -> WhereUsedRead:
    component, page = uses_of_component(runtime, component_id, Viewer.of(principal), paging=paging)
    return WhereUsedRead(
        component_id=component.id,
        component=component.identity_key,
        used_by=[product_use_read(use) for use in page.items],
        next_cursor=page.next_cursor,
    )


@router.get(
    "/{component_id}/lineage",
    response_model=list[LineageRead],
    summary="What a model was made from: its datasets and base models",
    responses=responses(404, also=NOT_MODIFIED),
)
def get_lineage(
    component_id: PathId, runtime: RuntimeDep, principal: Reader, _fresh: Fresh
) -> list[LineageRead]:
    links = lineage(runtime, component_id, Viewer.of(principal))
    return [
        LineageRead(
            kind=link.kind, component=component_read(link.component), bom_ids=list(link.bom_ids)
        )
        for link in links
    ]


@router.post(
    "/{component_id}/classifications",
    response_model=ClassificationRead,
    status_code=201,
    summary="Record that a component is, or is not, an AI component",
    description="Overrides suspected-AI hints, never the explicit signals. A reviewer's or "
    "administrator's record speaks for every product; a procurement key's only for its own "
    "organisation's products. The actor is the key that sends it; records are appended, "
    "never edited, and appear in the audit trail.",
    responses=responses(403, 404, 422),
)
def record_classification_route(
    component_id: PathId, body: ClassificationCreate, runtime: RuntimeDep, principal: Classifier
) -> ClassificationRead:
    recorded = record_classification(
        runtime,
        principal,
        str(component_id),
        is_ai=body.is_ai,
        reason=body.reason,
        expires=body.expires,
    )
    return classification_read(recorded, today())


@router.get(
    "/{component_id}/classifications",
    response_model=ClassificationPage,
    summary="A component's classification records, oldest first, in force or not",
    description="Global records and the caller's own organisation's.",
    responses=responses(404, also=NOT_MODIFIED),
)
def list_classifications_route(
    component_id: PathId,
    runtime: RuntimeDep,
    principal: ClassificationReader,
    _fresh: Fresh,
    paging: Paging,
    *,
    on: Annotated[dt.date | None, Query(description="In force as of; today when absent")] = None,
) -> ClassificationPage:
    page = list_classifications(runtime, component_id, Viewer.of(principal), paging=paging)
    day = on or today()
    return page_read(ClassificationPage, page, lambda c: classification_read(c, day))
