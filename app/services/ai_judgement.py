"""How AI status is judged inside one product: its own BOMs' signals, then classification
records, then the ruleset's suspected-AI hints."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.ai import suspected_hint
from app.domain.classification import settle
from app.domain.portfolio import PortfolioNode
from app.domain.product_slice import ASSEMBLY_TYPES
from app.domain.registry import Ruleset
from app.services.registry_cache import RegistrySnapshot
from app.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from app.graph.portfolio import PortfolioGraph
    from app.graph.scope import Scope


@dataclass(frozen=True, slots=True)
class AiJudgement:
    """How AI status is judged inside one product on one day: explicit signals of its own
    BOMs first, never overridden; then classification records that apply to the product's
    owner, settling a component either way; then the ruleset's suspected-AI hints."""

    ruleset: Ruleset
    classified: Mapping[int, bool] = dataclasses.field(default_factory=dict)
    # Whether classification records inside the product were weighed: then who owns the
    # product (which records speak for it) mattered too.
    read_records: bool = False

    def of(self, graph: PortfolioGraph, scope: Scope, component_id: int) -> tuple[bool, str | None]:
        """(counts as an AI component, why it is suspected of being one)."""
        if scope.is_ai(component_id):
            return True, None
        settled = self.classified.get(component_id)
        if settled is not None:
            return settled, None
        suspected = suspicion(graph, scope, component_id, self.ruleset)
        return suspected is not None and self.ruleset.suspected_ai_is_ai, suspected


def ai_judgement(
    uow: UnitOfWork, snapshot: RegistrySnapshot, scope: Scope, day: dt.date
) -> AiJudgement:
    """The judgement for one product: its ruleset on the day, and the classification records
    in force then that speak for its owner (global ones, or its owner's own)."""
    inside = scope.closure
    records = {c: found for c, found in snapshot.classifications.items() if c in inside}
    owner = None
    if records:
        owner_id = uow.ownership.owner(scope.product_id)
        organisation = uow.access.organisation_by_id(owner_id) if owner_id is not None else None
        owner = organisation.code if organisation is not None else None
    classified = {
        c: settled
        for c, found in records.items()
        if (settled := settle(found, day, owner)) is not None
    }
    return AiJudgement(snapshot.ruleset_on(day), classified, read_records=bool(records))


def suspicion(
    graph: PortfolioGraph, scope: Scope, component_id: int, ruleset: Ruleset
) -> str | None:
    node = graph.node(component_id)
    return suspected_hint(
        type_=node.type,
        name=node.name,
        purl=node.purl,
        artifacts=scope.artifacts(component_id),
        nested_in_ai=node.type in ("file", "data") and scope.nested_in_ai(component_id),
        hints=ruleset.ai_hints,
    )


def relevant_members(graph: PortfolioGraph, scope: Scope, judgement: AiJudgement) -> list[int]:
    """The members the decision looks at, in identity order: AI components (by the
    product's own BOMs, by classification, or suspected by a hint), components joined by
    BOM-Link, and assemblies nothing is known to be inside (the only ones a warning is
    about). Which components could be any of these is known once per graph and ruleset;
    each check then decides only for those inside its product."""
    hints = judgement.ruleset.ai_hints

    def could_matter(node: PortfolioNode, linked: bool) -> bool:
        return (
            bool(node.ai_boms)
            or linked
            or node.type in ASSEMBLY_TYPES
            or suspected_hint(
                type_=node.type,
                name=node.name,
                purl=node.purl,
                artifacts=[a for _, found in node.artifacts for a in found],
                nested_in_ai=False,
                hints=hints,
            )
            is not None
        )

    candidates = graph.nodes_where(("relevant", hints), could_matter)
    inside = scope.closure
    relevant = []
    for component in (candidates | judgement.classified.keys()) & inside.keys():
        if component == scope.product_id:
            continue
        node = graph.node(component)
        if (
            scope.is_ai(component)
            or judgement.classified.get(component) is True
            or graph.links_of(component)
            or (
                node.type in ASSEMBLY_TYPES
                and not graph.is_product(component)
                and not scope.holds_anything(component)
            )
            or suspicion(graph, scope, component, judgement.ruleset) is not None
        ):
            relevant.append(component)
    return sorted(relevant, key=lambda c: (graph.node(c).identity_key, c))
