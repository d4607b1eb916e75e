"""What a component was made from (datasets, base models), as the BOMs a viewer may see declare."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.access import Viewer
from app.domain.stored import ComponentRecord
from app.services.components import component_status, get_component
from app.services.portfolio import PortfolioCache
from app.services.visibility import declared_visibly, visible_boms
from app.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from app.services.runtime import Runtime


@dataclass(frozen=True, slots=True)
class LineageLink:
    """What a component was made from, as one BOM declares: a dataset or a base model."""

    kind: str
    component: ComponentRecord
    bom_ids: tuple[int, ...]


def lineage(runtime: Runtime, component_id: int, viewer: Viewer | None = None) -> list[LineageLink]:
    """What a component the viewer may see (404 otherwise) was made from, as the BOMs it
    may see declare."""
    with runtime.reading() as uow:
        component_status(uow, runtime.cache, component_id, viewer)
        return _lineage(uow, runtime.cache, component_id, viewer)


def _lineage(
    uow: UnitOfWork, cache: PortfolioCache, component_id: int, viewer: Viewer | None
) -> list[LineageLink]:
    component = get_component(uow, component_id)
    graph = cache.current(uow)
    if component.id not in graph:
        return []
    visible = visible_boms(uow, viewer)
    steps = [step for step in graph.lineage(component.id) if declared_visibly(step, visible)]
    views = {row.id: row for row in uow.components.many(s.target_id for s in steps)}
    return [
        LineageLink(
            kind=",".join(sorted({d.kind.value for d in step.declarations})),
            component=views[step.target_id],
            bom_ids=tuple(sorted({d.bom_id for d in step.declarations})),
        )
        for step in steps
    ]
