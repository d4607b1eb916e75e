"""A product's closure as a document or GraphML, cut to what the viewer may see."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.domain.access import Viewer
from app.domain.errors import NotFoundError
from app.services.portfolio import PortfolioCache
from app.services.visibility import closure_document, closure_graphml, sees_product, visible_boms
from app.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from app.graph.portfolio import PortfolioGraph
    from app.services.runtime import Runtime


def _product_graph(
    uow: UnitOfWork, cache: PortfolioCache, product_id: int, viewer: Viewer | None
) -> tuple[PortfolioGraph, frozenset[int] | None]:
    graph = cache.current(uow)
    visible = visible_boms(uow, viewer)
    if not sees_product(graph, product_id, visible):
        raise NotFoundError(f"no product with id {product_id}")
    return graph, visible


def product_graph(
    runtime: Runtime, product_id: int, viewer: Viewer | None = None
) -> dict[str, Any]:
    """The product's closure: components, the edges between them with their BOMs, lineage;
    for a caller who may not see every BOM, only what visible BOMs declare."""
    with runtime.reading() as uow:
        graph, visible = _product_graph(uow, runtime.cache, product_id, viewer)
    return closure_document(graph, product_id, visible)


def product_graphml(runtime: Runtime, product_id: int, viewer: Viewer | None = None) -> str:
    with runtime.reading() as uow:
        graph, visible = _product_graph(uow, runtime.cache, product_id, viewer)
    return closure_graphml(graph, product_id, visible)
