"""Products: every component that is the subject of a BOM."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse

from app.api.convert import product_read
from app.api.dependencies import RuntimeDep
from app.api.params import PathId
from app.api.problems import responses
from app.api.schemas import ProductRead
from app.api.security import admits
from app.domain.access import Principal, Role, Viewer
from app.services.catalogue import list_products, product_graph, product_graphml

router = APIRouter(prefix="/api/v1/products", tags=["Products (vendors)"])

Reader = Annotated[Principal, Depends(admits(Role.INTEGRATOR, Role.PROCUREMENT, Role.AUDITOR))]


@router.get(
    "",
    response_model=list[ProductRead],
    summary="Every product, in identity order",
)
def list_products_route(runtime: RuntimeDep, principal: Reader) -> list[ProductRead]:
    with runtime.reading() as uow:
        summaries = list_products(uow, runtime.cache, Viewer.of(principal))
    return [product_read(summary) for summary in summaries]


GRAPHML = "application/graphml+xml"


@router.get(
    "/{product_id}/graph",
    summary="The product's closure as a graph (JSON or GraphML)",
    description=(
        "Components inside the product, the edges between them with the BOMs that declare "
        "them, and the lineage (datasets, base models) of its models, marked as outside."
    ),
    responses=responses(
        404, also={200: {"content": {"application/json": {}, GRAPHML: {}}, "description": "OK"}}
    ),
    response_class=Response,
)
def product_graph_route(
    product_id: PathId,
    runtime: RuntimeDep,
    principal: Reader,
    format: Annotated[Literal["json", "graphml"], Query(description="json or graphml")] = "json",
) -> Response:
    with runtime.reading() as uow:
        viewer = Viewer.of(principal)
        if format == "graphml":
            graphml = product_graphml(uow, runtime.cache, product_id, viewer)
            return Response(graphml, media_type=GRAPHML)
        return JSONResponse(product_graph(uow, runtime.cache, product_id, viewer))
