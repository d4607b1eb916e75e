"""What changes between two BOMs of one product: components and AI components added or
removed, and the blockers that appear or disappear for a destination and date."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.access import Viewer
from app.domain.decision import Decision, Question
from app.domain.errors import ConflictError
from app.domain.portfolio import PortfolioNode, Product
from app.services.catalogue import ComponentView, get_bom, get_component
from app.services.export import CheckResult, evaluate

if TYPE_CHECKING:
    from app.services.runtime import Runtime
    from app.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class ChangedComponent:
    component_id: int
    name: str
    identity: str
    is_ai: bool


@dataclass(frozen=True, slots=True)
class ChangedBlocker:
    component: str
    identity: str
    reason: str


@dataclass(frozen=True, slots=True)
class BomDiff:
    product: ComponentView
    old_bom_id: int
    new_bom_id: int
    question: Question
    added: tuple[ChangedComponent, ...]
    removed: tuple[ChangedComponent, ...]
    old_decision: Decision
    new_decision: Decision
    blockers_added: tuple[ChangedBlocker, ...]
    blockers_removed: tuple[ChangedBlocker, ...]


def _as_current(runtime: Runtime, uow: UnitOfWork, bom_id: int, product: ComponentView,
                question: Question) -> CheckResult:  # fmt: skip
    """The product's answer were this BOM its current one."""
    portfolio = runtime.cache.current(uow)
    graph = portfolio.with_bom(
        Product(product.id, (bom_id,)),
        nodes=uow.graph.nodes_of(bom_id),
        edges=uow.graph.edges_of(bom_id),
        links=uow.graph.links(portfolio.current_bom_ids(), declared_by=bom_id),
    )
    return evaluate(
        uow, graph, product, question, path_limit=0, snapshot=runtime.registry.current(uow)
    )


def _changed(
    ids: set[int], nodes: dict[int, PortfolioNode], product_id: int
) -> tuple[ChangedComponent, ...]:
    found = sorted((nodes[c] for c in ids if c != product_id), key=lambda n: n.identity_key)
    return tuple(
        ChangedComponent(n.component_id, n.display_name, n.identity_key, n.is_ai_anywhere)
        for n in found
    )


def _blockers(result: CheckResult) -> set[ChangedBlocker]:
    return {
        ChangedBlocker(b.blocker.component.name, b.identity, b.blocker.reason.value)
        for b in result.blockers
    }


def diff_boms(
    runtime: Runtime,
    old_bom_id: int,
    new_bom_id: int,
    question: Question,
    viewer: Viewer | None = None,
) -> BomDiff:
    with runtime.reading() as uow:
        old, new = get_bom(uow, old_bom_id, viewer), get_bom(uow, new_bom_id, viewer)
        if old.product_id != new.product_id:
            raise ConflictError(
                f"BOM {old_bom_id} describes {old.product} and BOM {new_bom_id} {new.product}; "
                "a diff compares two BOMs of one product"
            )
        product = get_component(uow, old.product_id)
        before = {n.component_id: n for n in uow.graph.nodes_of(old_bom_id)}
        after = {n.component_id: n for n in uow.graph.nodes_of(new_bom_id)}

        old_answer = _as_current(runtime, uow, old_bom_id, product, question)
        new_answer = _as_current(runtime, uow, new_bom_id, product, question)
    old_blockers, new_blockers = _blockers(old_answer), _blockers(new_answer)
    return BomDiff(
        product=product,
        old_bom_id=old_bom_id,
        new_bom_id=new_bom_id,
        question=new_answer.check.question,
        added=_changed(set(after) - set(before), after, product.id),
        removed=_changed(set(before) - set(after), before, product.id),
        old_decision=old_answer.check.decision,
        new_decision=new_answer.check.decision,
        blockers_added=tuple(
            sorted(new_blockers - old_blockers, key=lambda b: (b.identity, b.reason))
        ),
        blockers_removed=tuple(
            sorted(old_blockers - new_blockers, key=lambda b: (b.identity, b.reason))
        ),
    )
