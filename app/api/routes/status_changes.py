"""The status-change feed (PRODUCT.md section 5)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from app.api.dependencies import RuntimeDep
from app.api.paging import page_read
from app.api.params import OfProduct, Paging
from app.api.problems import responses
from app.api.schemas.statuses import (
    StatusChangePage,
    StatusChangeRead,
)
from app.api.security import Reader
from app.domain.access import Viewer
from app.services.status_feed import (
    FeedFilter,
    StatusChangeView,
    status_change_payload,
    status_changes,
)

router = APIRouter(prefix="/api/v1/status-changes", tags=["status_changes"])


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
    paging: Paging,
    *,
    product_id: OfProduct = None,
    group: Annotated[
        str | None,
        Query(max_length=64, description="Only this destination group (or country)"),
    ] = None,
    since: Annotated[
        dt.datetime | None,
        Query(description="Only changes recorded at or after this moment (UTC if no offset)"),
    ] = None,
) -> StatusChangePage:
    page = status_changes(
        runtime,
        Viewer.of(principal),
        FeedFilter(product_id, group, since),
        paging=paging,
    )
    return page_read(StatusChangePage, page, status_change_read)


def status_change_read(view: StatusChangeView) -> StatusChangeRead:
    # The feed answers with the fields a webhook carries, so the two always tell alike.
    return StatusChangeRead.model_validate(status_change_payload(view.change, view.product))
