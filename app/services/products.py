"""Products: every component that is the subject of a current BOM, as a viewer may see them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.access import Viewer
from app.domain.errors import NotFoundError
from app.domain.stored import BomRecord, ComponentRecord
from app.services.components import ComponentView
from app.services.portfolio import PortfolioCache
from app.services.visibility import (
    closure_document,
    sees_product,
    shown_boms,
    shows_any_bom,
    visible_boms,
)
from app.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from app.graph.portfolio import PortfolioGraph
    from app.services.runtime import Runtime


@dataclass(frozen=True, slots=True)
class ProductSummary:
    product: ComponentView
    current_bom_ids: tuple[int, ...]
    sector: str | None
    closure_size: int
    ai_components: int


def list_products(
    uow: UnitOfWork,
    cache: PortfolioCache,
    viewer: Viewer | None = None,
    *,
    after_id: int = 0,
    limit: int | None = None,
) -> list[ProductSummary]:
    """Products the viewer may see, in identity order; a page starts after the product
    `after_id` (its place in that order, so a page boundary never moves)."""
    graph = cache.current(uow)
    visible = visible_boms(uow, viewer)
    rows = [
        (subject, boms)
        for subject, boms in uow.boms.current_for_subjects()
        if shows_any_bom(visible, (bom.id for bom in boms))
    ]
    if after_id:
        boundary = uow.components.get(after_id)
        if boundary is not None:
            position = (boundary.identity_key, boundary.id)
            rows = [row for row in rows if (row[0].identity_key, row[0].id) > position]
    if limit is not None:
        rows = rows[:limit]
    return [_product_summary(graph, subject, boms, visible) for subject, boms in rows]


def product_summaries(runtime: Runtime, viewer: Viewer | None = None) -> list[ProductSummary]:
    """Every product the viewer may see, in identity order (`list_products`)."""
    with runtime.reading() as uow:
        return list_products(uow, runtime.cache, viewer)


def get_product(
    uow: UnitOfWork, cache: PortfolioCache, product_id: int, viewer: Viewer | None = None
) -> ProductSummary:
    """One product the viewer may see; 404 for anything else, never a hint of what it is."""
    graph = cache.current(uow)
    visible = visible_boms(uow, viewer)
    subject = uow.components.get(product_id)
    if subject is None or not sees_product(graph, product_id, visible):
        raise NotFoundError(f"no product with id {product_id}")
    boms = uow.boms.many(graph.product(product_id).bom_ids)
    if not boms:  # pragma: no cover - the graph was built from these BOMs
        raise NotFoundError(f"no product with id {product_id}")
    return _product_summary(graph, subject, sorted(boms, key=lambda b: b.id), visible)


def _product_summary(
    graph: PortfolioGraph,
    subject: ComponentRecord,
    boms: list[BomRecord],
    visible: frozenset[int] | None,
) -> ProductSummary:
    # Count only what the caller's visible BOMs declare inside the product.
    inside = [
        node
        for node in closure_document(graph, subject.id, visible)["nodes"]
        if node["inside_product"] and node["id"] != subject.id
    ]
    sectors = sorted({bom.sector for bom in boms if bom.sector})
    return ProductSummary(
        product=ComponentView.of(subject),
        current_bom_ids=shown_boms(tuple(bom.id for bom in boms), visible),
        sector=sectors[0] if sectors else None,
        closure_size=len(inside),
        ai_components=sum(node["is_ai"] for node in inside),
    )
