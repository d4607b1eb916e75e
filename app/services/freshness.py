"""What a read answer depends on, in one digest per caller: an unchanged digest means an
unchanged answer, so an HTTP client can be told "not modified" before anything is computed.

The digest holds only what the caller's answers are made of, so that nothing another
organisation keeps to itself moves it (PRODUCT.md section 7): the BOMs it may see (and which
of them are current), the hidden BOMs that the products it may see are made of (a verdict
uses every BOM of the product; leaving them out would answer "not modified" to a verdict
that changed), the registry (everyone's to read), the classification records that can
apply to what it sees, and the day. Administrators see everything, so for them it is the
whole database's generation.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from app.domain.access import Viewer
from app.services.portfolio import PortfolioCache
from app.services.visibility import bom_visibility, shows_any_bom, visible_boms
from app.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from app.services.runtime import Runtime


def read_state(runtime: Runtime, viewer: Viewer | None) -> str:
    """The digest of what the viewer's answers depend on (see the module)."""
    with runtime.reading() as uow:
        return _read_state(uow, runtime.cache, viewer)


def _read_state(uow: UnitOfWork, cache: PortfolioCache, viewer: Viewer | None) -> str:
    visible = visible_boms(uow, viewer)
    visibility = bom_visibility(uow, viewer)
    if visible is None or visibility is None or viewer is None:
        parts: tuple[object, ...] = (
            "everything",
            uow.graph.generation(),
            uow.registry.generation(),
            uow.classifications.generation(),
        )
    else:
        # The graph is the one every answer reads; built once per database generation.
        graph = cache.current(uow)
        current = graph.current_bom_ids()
        reached: set[int] = set()
        for product in graph.products():
            if shows_any_bom(visible, product.bom_ids):
                reached.update(graph.boms_of(product.component_id))
        hidden = frozenset(reached - visible)
        parts = (
            sorted(visible),
            sorted(visible & current),
            sorted(hidden),
            uow.registry.generation(),
            uow.classifications.generation_for(visibility, hidden),
        )
    return hashlib.sha256(repr(parts).encode()).hexdigest()
