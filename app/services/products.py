"""Products: every component that is the subject of a current BOM, as a viewer may see them."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.access import Viewer
from app.domain.errors import NotFoundError
from app.domain.paging import PRODUCTS, Page
from app.domain.stored import BomRecord, ComponentRecord
from app.services.portfolio import PortfolioCache
from app.services.visibility import (
    closure_counts,
    knows_component,
    sees_product,
    shown_boms,
    shows_any_bom,
    visible_boms,
)
from app.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from app.domain.portfolio import Product
    from app.graph.portfolio import PortfolioGraph
    from app.services.runtime import Runtime


@dataclass(frozen=True, slots=True)
class ProductSummary:
    product: ComponentRecord
    current_bom_ids: tuple[int, ...]
    sector: str | None
    closure_size: int
    ai_components: int


def list_products(
    uow: UnitOfWork,
    cache: PortfolioCache,
    viewer: Viewer | None = None,
    *,
    cursor: str | None = None,
    limit: int | None = None,
    where: str = "cursor",
) -> Page[ProductSummary]:
    """Products the viewer may see, in identity order, a page of `limit` after `cursor` (all
    of them without a limit), within the caller's unit of work. The products and their
    current BOMs are the graph's (as new as anything committed when the unit of work
    began); only the page's records are read. A cursor naming a component the viewer may
    not know of is refused, exactly like one naming nothing; one naming a component that is
    no product any more still names its place in the order."""
    after = PRODUCTS.after(cursor, where)
    boundary = None
    if after is not None:
        if not knows_component(uow, viewer, after):
            raise PRODUCTS.names_no_item(where)
        known = uow.components.get(after)
        boundary = None if known is None else (known.identity_key, known.id)
    graph = cache.current(uow)
    visible = visible_boms(uow, viewer)
    products = visible_products(graph, visible)
    start = 0
    if boundary is not None:
        start = bisect.bisect_right([graph.sort_key(p.component_id) for p in products], boundary)
    chosen = products[start:] if limit is None else products[start : start + limit + 1]
    page = PRODUCTS.page(chosen, limit, lambda product: product.component_id)
    return Page(tuple(summaries(uow, graph, page.items, visible)), page.next_cursor)


def visible_products(graph: PortfolioGraph, visible: frozenset[int] | None) -> list[Product]:
    """The graph's products a reader who may see the BOMs in `visible` may see, in identity
    order."""
    return [p for p in graph.products() if shows_any_bom(visible, p.bom_ids)]


def summaries(
    uow: UnitOfWork,
    graph: PortfolioGraph,
    products: Sequence[Product],
    visible: frozenset[int] | None,
) -> list[ProductSummary]:
    """These products as listed, their records read in two queries."""
    subjects = {c.id: c for c in uow.components.many(p.component_id for p in products)}
    boms = {b.id: b for b in uow.boms.many(b for p in products for b in p.bom_ids)}
    return [
        _product_summary(
            graph, subjects[p.component_id], [boms[b] for b in sorted(p.bom_ids)], visible
        )
        for p in products
    ]


def product_summaries(runtime: Runtime, viewer: Viewer | None = None) -> list[ProductSummary]:
    """Every product the viewer may see, in identity order (`list_products`)."""
    with runtime.reading() as uow:
        return list(list_products(uow, runtime.cache, viewer).items)


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
    inside, ai_components = closure_counts(graph, subject.id, visible)
    sectors = sorted({bom.sector for bom in boms if bom.sector})
    return ProductSummary(
        product=subject,
        current_bom_ids=shown_boms(tuple(bom.id for bom in boms), visible),
        sector=sectors[0] if sectors else None,
        closure_size=inside,
        ai_components=ai_components,
    )
