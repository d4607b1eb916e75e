"""Products: every component that is the subject of a BOM."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse

from app.api.conditional import NOT_MODIFIED, Fresh
from app.api.convert import product_read
from app.api.dependencies import RuntimeDep
from app.api.paging import page_read
from app.api.params import CURSOR_PLACE, Cursor, PathId, today
from app.api.problems import responses
from app.api.schemas.components import ProductPage, ProductRead
from app.api.security import Reader
from app.domain import limits
from app.domain.access import Viewer
from app.services.graph_export import product_graph, product_graphml
from app.services.standings import StandingQuestion, product_standing, product_standings

router = APIRouter(prefix="/api/v1/products", tags=["products"])

Groups = Annotated[
    list[str] | None,
    Query(
        description="Destination groups the ruleset defines (such as EU), or country codes; "
        "every group the ruleset defines when absent",
        examples=[["EU", "ASEAN", "US"]],
    ),
]


@dataclass(frozen=True, slots=True)
class StatusQuestion:
    """Where, when and for which sector the listed statuses are asked."""

    to: Groups = None
    on: Annotated[dt.date | None, Query(description="Statuses as of; today when absent")] = None
    sector: Annotated[
        str | None,
        Query(max_length=limits.SECTOR, description="Sector, if not each product's own"),
    ] = None

    @property
    def day(self) -> dt.date:
        return self.on or today()

    @property
    def question(self) -> StandingQuestion:
        return StandingQuestion(self.to, self.day, self.sector)


Asked = Annotated[StatusQuestion, Depends()]


@router.get(
    "",
    response_model=ProductPage,
    summary="Every product, in identity order, with its status per destination group",
    description="A listing, not a decision: nothing is recorded and no paths are traced. "
    "Ask the export check for the blockers and their paths.",
    responses=responses(422, also=NOT_MODIFIED),
)
def list_products_route(
    runtime: RuntimeDep,
    principal: Reader,
    _fresh: Fresh,
    asked: Asked,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ProductPage:
    question = asked.question
    page = product_standings(
        runtime, Viewer.of(principal), question, cursor=cursor, limit=limit, where=CURSOR_PLACE
    )
    return page_read(ProductPage, page, product_read, date=question.day)


@router.get(
    "/{product_id}",
    response_model=ProductRead,
    summary="One product, with its status per destination group",
    description="Its BOM history is GET /api/v1/boms?product_id=…",
    responses=responses(404, 422, also=NOT_MODIFIED),
)
def get_product_route(
    product_id: PathId, runtime: RuntimeDep, principal: Reader, _fresh: Fresh, asked: Asked
) -> ProductRead:
    standing = product_standing(runtime, Viewer.of(principal), asked.question, product_id)
    return product_read(standing)


GRAPHML = "application/graphml+xml"


@router.get(
    "/{product_id}/graph",
    summary="The product's closure as a graph (JSON or GraphML)",
    description=(
        "Components inside the product, the edges between them with the BOMs that declare "
        "them, and the lineage (datasets, base models) of its models, marked as outside."
    ),
    responses=responses(
        404,
        also={
            200: {"content": {"application/json": {}, GRAPHML: {}}, "description": "OK"},
            **NOT_MODIFIED,
        },
    ),
    response_class=Response,
)
def get_product_graph(
    product_id: PathId,
    runtime: RuntimeDep,
    principal: Reader,
    etag: Fresh,
    format: Annotated[Literal["json", "graphml"], Query(description="json or graphml")] = "json",
) -> Response:
    viewer = Viewer.of(principal)
    if format == "graphml":
        graphml = product_graphml(runtime, product_id, viewer)
        return Response(graphml, media_type=GRAPHML, headers={"ETag": etag})
    document = product_graph(runtime, product_id, viewer)
    return JSONResponse(document, headers={"ETag": etag})
