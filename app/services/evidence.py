"""What one check reads: the product's slice of the portfolio and its part of the registry,
and that evidence as the document its digest covers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from app.domain.bom import BomContents, Identity
from app.domain.ids import IdentityKey
from app.domain.portfolio import BomFacts
from app.domain.product_slice import Member, ProductSlice, Question, Registry
from app.services.ai_judgement import AiJudgement, ai_judgement, relevant_members
from app.services.registry_cache import RegistrySnapshot
from app.services.registry_file import ruleset_document
from app.signing.evidence_leaves import EVIDENCE_FORMAT
from app.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from app.graph.portfolio import PortfolioGraph
    from app.graph.scope import Scope


def _member(
    graph: PortfolioGraph,
    scope: Scope,
    component_id: int,
    claims: tuple[str, ...],
    judgement: AiJudgement,
) -> Member:
    node = graph.node(component_id)
    is_ai, suspected = judgement.of(graph, scope, component_id)
    return Member(
        component_id=component_id,
        identity_key=IdentityKey(node.identity_key),
        name=node.display_name,
        type=node.type,
        is_ai=is_ai,
        contents_known=(
            graph.is_product(component_id)
            or scope.holds_anything(component_id)
            or any(not link.is_missing for link in graph.links_of(component_id))
        ),
        claimed_certificates=claims,
        suspected=suspected,
    )


def evidence_document(
    product: ProductSlice,
    registry: Registry,
    question: Question,
    bom_digests: list[str],
    identity_of: Callable[[int], str],
) -> dict[str, Any]:
    """Everything the decision used, as the JSON object its digest covers and its evidence
    bundle carries (docs/evidence.md): the same inputs on the same data give the same
    object, and any change to them another. `identity_of` names a stored component."""
    return {
        "format": EVIDENCE_FORMAT,
        "question": {
            "destination": question.destination,
            "date": question.day.isoformat(),
            "sector": question.sector,
        },
        "ruleset": ruleset_document(registry.ruleset),
        "product": product.product.identity_key,
        "facts": {
            "sector": product.sector,
            "incomplete_aggregates": list(product.incomplete_aggregates),
            "human_oversight": product.human_oversight,
        },
        "members": [
            {
                "identity": m.identity_key,
                "type": m.type,
                "is_ai": m.is_ai,
                "contents_known": m.contents_known,
                "claimed_certificates": list(m.claimed_certificates),
                "suspected": m.suspected,
            }
            for m in (product.product, *product.members)
        ],
        "boms": [{"sha256": digest} for digest in sorted(set(bom_digests))],
        "missing_links": [
            {"component": identity_of(source), "name": name, "urn": urn}
            for source, name, urn in product.missing_links
        ],
        # Without derived fields: a status follows from the events and the dates.
        "certificates": [
            {
                "number": c.number,
                "subject": c.subject,
                "reviewer": c.reviewer_id,
                "dimensions": sorted(str(d) for d in c.dimensions),
                "issued": c.issued.isoformat(),
                "expires": c.expires.isoformat(),
                "destinations": sorted(c.destinations),
                "sectors": sorted(c.sectors),
                "events": [
                    {"date": e.date.isoformat(), "status": e.status.value, "reason": e.reason}
                    for e in c.events
                ],
            }
            for key in sorted(registry.certificates)
            for c in registry.certificates[key]
        ],
        "reviewers": [
            {
                "id": r.id,
                "accreditations": [
                    {"start": p.start.isoformat(), "end": p.end.isoformat() if p.end else None}
                    for p in r.accreditations
                ],
            }
            for _, r in sorted(registry.reviewers.items())
        ],
    }


@dataclass(frozen=True, slots=True)
class UnsavedBom:
    """A BOM checked without being stored: it stands in the graph as BOM id 0."""

    contents: BomContents
    sha256: str
    component_ids: Mapping[Identity, int]

    BOM_ID: ClassVar[int] = 0

    def claims(self) -> dict[int, tuple[str, ...]]:
        found: dict[int, dict[str, None]] = {}
        for mention in self.contents.mentions:
            for claim in mention.claimed_certificates:
                found.setdefault(self.component_ids[mention.identity], {})[claim.number] = None
        return {component: tuple(sorted(numbers)) for component, numbers in found.items()}


def _bom_facts(
    uow: UnitOfWork, graph: PortfolioGraph, scope: Scope, unsaved: UnsavedBom | None
) -> tuple[BomFacts, ...]:
    """What every BOM of the product says beyond its parts (the unsaved one from itself)."""
    stored = [bom for bom in scope.boms if bom != UnsavedBom.BOM_ID]
    facts = uow.boms.facts(stored)
    if unsaved is not None and UnsavedBom.BOM_ID in scope.boms:
        contents = unsaved.contents
        facts.insert(
            0,
            BomFacts(
                UnsavedBom.BOM_ID,
                contents.serial_number,
                contents.version,
                contents.sector,
                contents.human_oversight,
                contents.incomplete_aggregates,
                dt.datetime.now(dt.UTC).date(),
                graph.product(scope.product_id).component_id,
            ),
        )
    return tuple(facts)


def product_slice(  # noqa: PLR0917 - the slice's inputs, each a different thing
    graph: PortfolioGraph,
    scope: Scope,
    relevant: list[int],
    claims: Mapping[int, tuple[str, ...]],
    boms: tuple[BomFacts, ...],
    judgement: AiJudgement,
) -> ProductSlice:
    product_id = scope.product_id
    own = [facts for facts in boms if facts.bom_id in graph.product(product_id).bom_ids]
    # Several current BOMs of one product may each name a sector. When they disagree no one
    # of them answers: the check asks as for an unnamed sector, which only a certificate for
    # every sector passes, and the answer says why.
    sectors = sorted({facts.sector for facts in own if facts.sector})
    return ProductSlice(
        product=_member(graph, scope, product_id, claims.get(product_id, ()), judgement),
        members=tuple(_member(graph, scope, c, claims.get(c, ()), judgement) for c in relevant),
        sector=sectors[0] if len(sectors) == 1 else None,
        sectors=tuple(sectors),
        incomplete_aggregates=tuple(
            dict.fromkeys(a for facts in own for a in facts.incomplete_aggregates)
        ),
        human_oversight=any(facts.human_oversight for facts in own),
        boms=boms,
        current_boms=tuple(sorted(graph.product(product_id).bom_ids)),
        missing_links=tuple(
            dict.fromkeys(
                (link.source_id, graph.node(link.source_id).display_name, link.urn)
                for link in scope.missing_links
            )
        ),
    )


def certified_keys(slice_: ProductSlice) -> list[IdentityKey]:
    """The components whose certificates the decision reads: the product and its AI."""
    return [slice_.product.identity_key, *(m.identity_key for m in slice_.members if m.is_ai)]


def claimants(scope: Scope, relevant: list[int]) -> list[int]:
    # Claims matter where certificates do: the product and its AI components.
    return [scope.product_id, *relevant]


def kept_decision_inputs(
    uow: UnitOfWork,
    graph: PortfolioGraph,
    product_id: int,
    *,
    snapshot: RegistrySnapshot,
    day: dt.date,
    scope: Scope | None = None,
) -> tuple[ProductSlice, Registry]:
    """`decision_inputs` of a stored product (whose `scope` the caller may have walked
    already), its slice kept on the graph between calls:
    a certificate's event or a reviewer's accreditation moves no slice, so settling the
    hundreds of products above a revoked certificate weighs only their certificates again.
    The slice is what the product's closure (the graph forgets it when a delta touches
    that), the day, the ruleset in force and the classification records make it; where
    records inside it were weighed, its owner counted too, and it is not kept."""
    ruleset = snapshot.ruleset_on(day)
    key = (day, ruleset.version, snapshot.classifications_generation)
    kept = graph.recall(product_id, "slice", key)
    if isinstance(kept, ProductSlice):
        return kept, snapshot.for_keys(certified_keys(kept), day)
    scope = scope or graph.scope(product_id)
    judgement = ai_judgement(uow, snapshot, scope, day)
    slice_ = _slice(uow, graph, scope, judgement, None)
    if not judgement.read_records:
        graph.keep(product_id, "slice", key, slice_)
    return slice_, snapshot.for_keys(certified_keys(slice_), day)


def decision_inputs(
    uow: UnitOfWork,
    graph: PortfolioGraph,
    scope: Scope,
    *,
    snapshot: RegistrySnapshot,
    day: dt.date,
    unsaved: UnsavedBom | None = None,
) -> tuple[ProductSlice, Registry]:
    """What the decision rule reads about one product: its slice and its registry part (how
    AI status is judged inside it, its members that matter, the certificates its BOMs
    claim for them)."""
    judgement = ai_judgement(uow, snapshot, scope, day)
    slice_ = _slice(uow, graph, scope, judgement, unsaved)
    return slice_, snapshot.for_keys(certified_keys(slice_), day)


def _slice(
    uow: UnitOfWork,
    graph: PortfolioGraph,
    scope: Scope,
    judgement: AiJudgement,
    unsaved: UnsavedBom | None,
) -> ProductSlice:
    relevant = relevant_members(graph, scope, judgement)
    claims: Mapping[int, tuple[str, ...]] = uow.graph.claims_for(
        claimants(scope, relevant), scope.boms
    )
    if unsaved is not None:
        merged = dict(claims)
        for component, numbers in unsaved.claims().items():
            merged[component] = tuple(sorted({*merged.get(component, ()), *numbers}))
        claims = merged
    return product_slice(
        graph, scope, relevant, claims, _bom_facts(uow, graph, scope, unsaved), judgement
    )
