"""The status-change feed (PRODUCT.md section 5)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.api.dependencies import RuntimeDep
from app.api.paging import page_read
from app.api.params import CURSOR_PLACE, MAX_ID, Cursor, Limit
from app.api.problems import responses
from app.api.schemas.statuses import (
    CauseRead,
    ChangedProductRead,
    StatusChangePage,
    StatusChangeRead,
)
from app.api.security import admits
from app.domain.access import Principal, Role, Viewer
from app.services.status_feed import FeedFilter, StatusChangeView, status_changes

router = APIRouter(prefix="/api/v1/status-changes", tags=["Products (vendors)"])

Reader = Annotated[Principal, Depends(admits(Role.INTEGRATOR, Role.PROCUREMENT, Role.AUDITOR))]


@router.get(
    "",
    response_model=StatusChangePage,
    summary="Every change of a product's status per destination group, oldest first",
    description="Only products a BOM the caller may see describes. Each change names its "
    "cause: the upload, certificate event, classification, ruleset version or day.",
    responses=responses(404, 422),
)
def list_status_changes(
    runtime: RuntimeDep,
    principal: Reader,
    *,
    product_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only this product's changes")
    ] = None,
    group: Annotated[
        str | None,
        Query(max_length=64, description="Only this destination group (or country)"),
    ] = None,
    since: Annotated[
        dt.datetime | None,
        Query(description="Only changes recorded at or after this moment (UTC if no offset)"),
    ] = None,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> StatusChangePage:
    page = status_changes(
        runtime,
        Viewer.of(principal),
        FeedFilter(product_id, group, since),
        cursor=cursor,
        limit=limit,
        where=CURSOR_PLACE,
    )
    return page_read(StatusChangePage, page, status_change_read)


def status_change_read(view: StatusChangeView) -> StatusChangeRead:
    change, product = view.change, view.product
    return StatusChangeRead(
        id=change.id,
        product=ChangedProductRead(
            id=product.id, name=product.name, version=product.version, purl=product.purl
        ),
        group=change.group,
        old=None if change.old is None else change.old.value,
        new=None if change.new is None else change.new.value,
        cause=CauseRead(
            kind=change.cause.kind.value,
            ref=change.cause.ref,
            bom_id=change.cause.bom_id,
            message=change.cause.sentence,
        ),
        evaluated_on=change.evaluated_on,
        at=change.at,
    )
