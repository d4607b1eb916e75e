"""One product: its name and its status per destination group (the blocking paths come
with the product page proper)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from app.console.guard import ConsolePage, Reader, runtime_of
from app.console.pages import render
from app.domain.access import Viewer
from app.domain.limits import MAX_ID
from app.services.standings import StandingQuestion, product_standing

router = APIRouter(route_class=ConsolePage, include_in_schema=False)


@router.get("/products/{product_id}")
def product_page(
    request: Request, signed: Reader, product_id: Annotated[int, Path(ge=1, le=MAX_ID)]
) -> Response:
    day = dt.datetime.now(dt.UTC).date()
    standing = product_standing(
        runtime_of(request), Viewer.of(signed.principal), StandingQuestion(None, day), product_id
    )
    return render(
        request,
        "product.html",
        visitor=signed,
        standing=standing,
        day=day,
    )
