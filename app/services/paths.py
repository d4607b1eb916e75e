"""A path through the portfolio as a person reads it: each step names the BOMs declaring it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from app.graph.paths import Path
    from app.graph.portfolio import PortfolioGraph


@dataclass(frozen=True, slots=True)
class PathStep:
    """One step of a path as a person reads it: which BOM says parent holds child."""

    parent: str
    child: str
    kind: str
    bom_ids: tuple[int, ...]
    boms: tuple[str, ...]


def describe_path(
    uow: UnitOfWork,
    graph: PortfolioGraph,
    path: Path,
    bom_names: Mapping[int, str] | None = None,
) -> tuple[PathStep, ...]:
    """A path as a person reads it; `bom_names` when the caller has them for many paths."""
    if bom_names is None:
        bom_names = uow.boms.subject_names(
            declaration.bom_id for step in path.steps for declaration in step.declarations
        )
    return tuple(
        PathStep(
            parent=graph.node(step.source_id).display_name,
            child=graph.node(step.target_id).display_name,
            kind=",".join(sorted({d.kind.value for d in step.declarations})),
            bom_ids=(ids := tuple(sorted({d.bom_id for d in step.declarations}))),
            boms=tuple(
                f"BOM {bom_id} ({bom_names[bom_id]})"
                if bom_id in bom_names
                else "the unsaved BOM under check"
                for bom_id in ids
            ),
        )
        for step in path.steps
    )
