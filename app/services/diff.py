"""What changes between two BOMs of one product: components and AI components added or
removed, and the blockers that appear or disappear for a destination and date.

Both BOMs must be ones the caller may see (any other is not found); the verdicts use every
BOM, and a blocker the caller does not reach through BOMs it may see is named as in a
check answer (app.services.visibility)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.access import Viewer
from app.domain.decision import Decision
from app.domain.errors import ConflictError
from app.domain.portfolio import PortfolioNode, Product
from app.domain.product_slice import Question
from app.domain.stored import ComponentRecord
from app.services.boms import bom_view
from app.services.checks import CheckResult, evaluate
from app.services.components import get_component
from app.services.visibility import shown_component, sight_of, visible_boms

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
    identity: str | None  # None for a component inside a BOM the caller may not see
    reason: str


@dataclass(frozen=True, slots=True)
class BomDiff:
    product: ComponentRecord
    old_bom_id: int
    new_bom_id: int
    question: Question
    added: tuple[ChangedComponent, ...]
    removed: tuple[ChangedComponent, ...]
    old_decision: Decision
    new_decision: Decision
    blockers_added: tuple[ChangedBlocker, ...]
    blockers_removed: tuple[ChangedBlocker, ...]


def _as_current(runtime: Runtime, uow: UnitOfWork, bom_id: int, product: ComponentRecord,
                question: Question, *, visible: frozenset[int] | None) -> CheckResult:  # fmt: skip
    """The product's answer were this BOM its current one, with what the caller sees of it."""
    portfolio = runtime.cache.current(uow)
    graph = portfolio.with_bom(
        Product(product.id, (bom_id,)),
        nodes=uow.graph.nodes_of(bom_id),
        edges=uow.graph.edges_of(bom_id),
        links=uow.graph.links(portfolio.current_bom_ids(), declared_by=bom_id),
    )
    result = evaluate(
        uow, graph, product, question, path_limit=0, snapshot=runtime.registry.current(uow)
    )
    return dataclasses.replace(result, sight=sight_of(graph, product.id, visible))


def _changed(
    ids: set[int], nodes: dict[int, PortfolioNode], product_id: int
) -> tuple[ChangedComponent, ...]:
    found = sorted((nodes[c] for c in ids if c != product_id), key=lambda n: n.identity_key)
    return tuple(
        ChangedComponent(n.component_id, n.display_name, n.identity_key, n.is_ai_anywhere)
        for n in found
    )


def _blockers(result: CheckResult) -> dict[tuple[str, str], ChangedBlocker]:
    """Each blocker by what it is (identity and reason), as the caller may see it."""
    found = {}
    for explained in result.blockers:
        component, reason = explained.blocker.component, explained.blocker.reason.value
        _, name, identity = shown_component(
            component.component_id, component.name, explained.identity, result.sight
        )
        found[explained.identity, reason] = ChangedBlocker(name, identity, reason)
    return found


def _only_in(
    these: dict[tuple[str, str], ChangedBlocker], those: dict[tuple[str, str], ChangedBlocker]
) -> tuple[ChangedBlocker, ...]:
    # In identity order, hidden ones last: where one sorts would say what it is called.
    keys = sorted(these.keys() - those.keys(), key=lambda key: (these[key].identity is None, key))
    return tuple(these[key] for key in keys)


def diff_boms(
    runtime: Runtime,
    old_bom_id: int,
    new_bom_id: int,
    question: Question,
    viewer: Viewer | None = None,
) -> BomDiff:
    with runtime.reading() as uow:
        old, new = bom_view(uow, old_bom_id, viewer), bom_view(uow, new_bom_id, viewer)
        visible = visible_boms(uow, viewer)
        if old.product_id != new.product_id:
            raise ConflictError(
                f"BOM {old_bom_id} describes {old.product} and BOM {new_bom_id} {new.product}; "
                "a diff compares two BOMs of one product"
            )
        product = get_component(uow, old.product_id)
        before = {n.component_id: n for n in uow.graph.nodes_of(old_bom_id)}
        after = {n.component_id: n for n in uow.graph.nodes_of(new_bom_id)}

        old_answer = _as_current(runtime, uow, old_bom_id, product, question, visible=visible)
        new_answer = _as_current(runtime, uow, new_bom_id, product, question, visible=visible)
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
        blockers_added=_only_in(new_blockers, old_blockers),
        blockers_removed=_only_in(old_blockers, new_blockers),
    )
