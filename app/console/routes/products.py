"""One product: its status per destination group, and, for the destination, date and sector
asked, the verdict with each blocker, the certificates considered, and the blocking paths
drawn as a picture; its BOMs. Nothing asked here is kept as a decision record: the API and
the command line record the checks that count."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from markupsafe import Markup

from app.console.drawing import blocking_paths_svg
from app.console.guard import ConsolePage, Reader, runtime_of
from app.console.pages import render
from app.domain.access import Viewer
from app.domain.decision import Decision
from app.domain.limits import MAX_ID
from app.domain.paging import PageRequest
from app.domain.product_slice import Question
from app.services.boms import bom_names, list_boms
from app.services.checks import check_export
from app.services.graph_export import product_graphml
from app.services.standings import StandingQuestion, product_standing

router = APIRouter(route_class=ConsolePage, include_in_schema=False)

# The product's BOMs listed on its page, newest last; the rest are a page of the BOM list away.
BOMS_SHOWN = 50
ASKED_LENGTH = 64


@router.get("/products/{product_id}")
def product_page(
    request: Request,
    signed: Reader,
    product_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    *,
    to: Annotated[str, Query(max_length=ASKED_LENGTH)] = "",
    on: dt.date | None = None,
    sector: Annotated[str, Query(max_length=ASKED_LENGTH)] = "",
    stored: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    runtime = runtime_of(request)
    viewer = Viewer.of(signed.principal)
    day = on or dt.datetime.now(dt.UTC).date()
    asked_sector = sector.strip() or None
    standing = product_standing(
        runtime, viewer, StandingQuestion(None, day, asked_sector), product_id
    )
    answer, names, picture = None, {}, None
    if to.strip():
        result = check_export(
            runtime,
            str(product_id),
            Question(to.strip(), day, asked_sector),
            record=False,
            viewer=viewer,
            where="query/to",
        )
        answer = result.for_caller()
        names = bom_names(runtime, viewer, [bom["id"] for bom in answer["boms"]])
        if answer["blocking"]:
            # The drawing escapes every name it is given (names are anybody's uploads).
            picture = Markup(blocking_paths_svg(answer, names))  # noqa: S704
    boms = list_boms(
        runtime, product_id=product_id, viewer=viewer, paging=PageRequest(limit=BOMS_SHOWN)
    )
    return render(
        request,
        "product.html",
        visitor=signed,
        standing=standing,
        day=day,
        asked={"to": to.strip(), "on": day.isoformat(), "sector": sector.strip()},
        answer=answer,
        verdict=None if answer is None else Decision(answer["decision"]),
        bom_names=names,
        picture=picture,
        boms=boms,
        stored=stored if any(bom.id == stored for bom in boms.items) else None,
    )


@router.get("/products/{product_id}/graph.graphml")
def product_graph_download(
    request: Request, signed: Reader, product_id: Annotated[int, Path(ge=1, le=MAX_ID)]
) -> Response:
    """The product's closure as GraphML (for yEd, Gephi, networkx), cut to what the
    visitor's organisation may see, as `GET /api/v1/products/{id}/graph?format=graphml`."""
    graphml = product_graphml(runtime_of(request), product_id, Viewer.of(signed.principal))
    return Response(
        graphml,
        media_type="application/graphml+xml",
        headers={
            "Content-Disposition": f'attachment; filename="product-{product_id}.graphml"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
