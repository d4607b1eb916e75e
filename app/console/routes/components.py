"""A component's review readiness: what its model card offers an ethical reviewer, per
dimension, as the BOMs the visitor's organisation may see give it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from app.console.guard import ConsolePage, Reader, runtime_of
from app.console.pages import render
from app.domain.access import Viewer
from app.domain.limits import MAX_ID
from app.services.readiness import readiness

router = APIRouter(route_class=ConsolePage, include_in_schema=False)


@router.get("/components/{component_id}/readiness")
def readiness_page(
    request: Request, signed: Reader, component_id: Annotated[int, Path(ge=1, le=MAX_ID)]
) -> Response:
    day = dt.datetime.now(dt.UTC).date()
    answer = readiness(
        runtime_of(request), component_id, day=day, viewer=Viewer.of(signed.principal)
    )
    return render(
        request, "readiness.html", visitor=signed, answer=answer, document=answer.document()
    )
