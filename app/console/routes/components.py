"""One component: what it is, why it is (or is suspected to be) an AI component, its
certificates on a time line, where it is used, what it was made from and what its model
card says; and its review readiness. Only what the visitor's organisation may see."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from markupsafe import Markup

from app.console.guard import ConsolePage, Reader, runtime_of
from app.console.pages import pager, render
from app.console.timeline import certificates_timeline_svg
from app.domain.access import Viewer
from app.domain.limits import MAX_ID
from app.domain.paging import MAX_CURSOR_LENGTH, PageRequest
from app.services.classification import list_classifications
from app.services.components import uses_of_component
from app.services.lineage import lineage
from app.services.procurement import component_report
from app.services.readiness import readiness
from app.services.registry import get_certificate

router = APIRouter(route_class=ConsolePage, include_in_schema=False)

USES_SHOWN = 20
# Classification records shown on the page, oldest first; the API lists them all.
RECORDS_SHOWN = 50

ComponentId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/components/{component_id}")
def component_page(
    request: Request,
    signed: Reader,
    component_id: ComponentId,
    *,
    cursor: Annotated[str, Query(max_length=MAX_CURSOR_LENGTH)] = "",
    limit: Annotated[int, Query(ge=1, le=200)] = USES_SHOWN,
) -> Response:
    runtime = runtime_of(request)
    viewer = Viewer.of(signed.principal)
    day = dt.datetime.now(dt.UTC).date()
    # Not found alike whether it does not exist or is only in BOMs the visitor may not see.
    report = component_report(runtime, component_id, day=day, viewer=viewer)
    component = report.status.component
    certificates = [get_certificate(runtime, held.number) for held in report.certificates]
    certificates.sort(key=lambda c: (c.issued, c.number))
    _, uses = uses_of_component(
        runtime,
        component_id,
        viewer,
        paging=PageRequest(cursor or None, limit, "query/cursor"),
    )
    records = list_classifications(
        runtime, component_id, viewer, paging=PageRequest(limit=RECORDS_SHOWN)
    )
    review = readiness(runtime, component_id, day=day, viewer=viewer)
    # Drawn from registry data alone; every name in it is escaped.
    picture = Markup(  # noqa: S704
        certificates_timeline_svg(certificates, day, subject=component.display_name)
    )
    return render(
        request,
        "component.html",
        visitor=signed,
        day=day,
        report=report,
        component=component,
        held={held.number: held for held in report.certificates},
        certificates=certificates,
        timeline=picture,
        uses=uses,
        pages=pager(
            f"/components/{component_id}",
            {"limit": limit} if limit != USES_SHOWN else {},
            cursor,
            uses.next_cursor,
        ),
        records=records.items,
        in_force={record.id for record in report.classifications},
        links=lineage(runtime, component_id, viewer),
        review=review,
        card=[item for item in review.items if item.found],
    )


@router.get("/components/{component_id}/readiness")
def readiness_page(request: Request, signed: Reader, component_id: ComponentId) -> Response:
    day = dt.datetime.now(dt.UTC).date()
    answer = readiness(
        runtime_of(request), component_id, day=day, viewer=Viewer.of(signed.principal)
    )
    return render(
        request, "readiness.html", visitor=signed, answer=answer, document=answer.document()
    )
