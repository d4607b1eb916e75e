"""Components for procurement: search, status, where-used."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.api.conditional import NOT_MODIFIED, Fresh
from app.api.convert import component_read, component_status_read, product_use_read
from app.api.dependencies import RuntimeDep
from app.api.params import Cursor, Limit, PathId, cursor_position, page_after
from app.api.problems import responses
from app.api.schemas import (
    ComponentPage,
    ComponentReportRead,
    HeldCertificateRead,
    LineageRead,
    ReadinessRead,
    WhereUsedRead,
)
from app.api.security import admits
from app.domain.access import Principal, Role, Viewer
from app.services.catalogue import component_status, lineage, search_components, where_used
from app.services.procurement import component_report

router = APIRouter(prefix="/api/v1/components", tags=["Components (procurement)"])

Reader = Annotated[Principal, Depends(admits(Role.INTEGRATOR, Role.PROCUREMENT, Role.AUDITOR))]


@router.get(
    "",
    response_model=ComponentPage,
    summary="Search components, in id order",
)
def search_components_route(
    *,
    runtime: RuntimeDep,
    principal: Reader,
    purl: Annotated[
        str | None, Query(description="Exact purl (normalised before matching)")
    ] = None,
    name: Annotated[str | None, Query(description="Case-insensitive substring of the name")] = None,
    type: Annotated[str | None, Query(description="CycloneDX type, or 'service'")] = None,
    ai: Annotated[bool | None, Query(description="Only AI (true) or non-AI (false)")] = None,
    hash: Annotated[
        str | None, Query(description="A hash value any BOM gives the component (hex)")
    ] = None,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ComponentPage:
    after = cursor_position(cursor)
    with runtime.reading() as uow:
        views = search_components(
            uow,
            purl=purl,
            name=name,
            type_=type,
            ai=ai,
            after_id=after,
            limit=limit + 1,
            hash_value=hash,
            viewer=Viewer.of(principal),
        )
    items = [component_read(view) for view in views[:limit]]
    return ComponentPage(items=items, next_cursor=str(items[-1].id) if len(views) > limit else None)


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
    sector: Annotated[str | None, Query(description="A sector to weigh")] = None,
) -> ComponentReportRead:
    report = component_report(
        runtime,
        component_id,
        day=on or dt.datetime.now(dt.UTC).date(),
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
    )


@router.get(
    "/{component_id}/where-used",
    response_model=WhereUsedRead,
    summary="Every product whose closure holds the component, with a shortest path",
    responses=responses(404, also=NOT_MODIFIED),
)
def where_used_route(
    component_id: PathId,
    runtime: RuntimeDep,
    principal: Reader,
    _fresh: Fresh,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> WhereUsedRead:
    viewer = Viewer.of(principal)
    with runtime.reading() as uow:
        component = component_status(uow, runtime.cache, component_id, viewer).component
        uses = where_used(uow, runtime.cache, component_id, viewer)
    page, next_cursor = page_after(uses, lambda use: str(use.product_id), cursor, limit)
    return WhereUsedRead(
        component_id=component.id,
        component=component.identity_key,
        used_by=[product_use_read(use) for use in page],
        next_cursor=next_cursor,
    )


@router.get(
    "/{component_id}/lineage",
    response_model=list[LineageRead],
    summary="What a model was made from: its datasets and base models",
    responses=responses(404, also=NOT_MODIFIED),
)
def lineage_route(
    component_id: PathId, runtime: RuntimeDep, principal: Reader, _fresh: Fresh
) -> list[LineageRead]:
    with runtime.reading() as uow:
        viewer = Viewer.of(principal)
        component_status(uow, runtime.cache, component_id, viewer)  # 404 unless visible
        links = lineage(uow, runtime.cache, component_id, viewer)
    return [
        LineageRead(
            kind=link.kind, component=component_read(link.component), bom_ids=list(link.bom_ids)
        )
        for link in links
    ]
