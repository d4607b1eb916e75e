"""What breaks if a certificate is revoked or lapses: every product above its subject,
checked as the registry stands and as it would stand, with nothing changed.

Revoking one certificate changes one fact (whether its subject is verified), so each product
is walked once and its slice judged twice by the pure decision rule; the registry is read
once for all of them. The cost is the products' closures, never the whole portfolio.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.bom.identity import identity_from_reference
from app.domain.access import Viewer
from app.domain.decision import Decision, check
from app.domain.portfolio import Product
from app.domain.product_slice import ProductSlice, Question, Registry
from app.domain.registry import Certificate, CertificateStatus, StatusEvent
from app.domain.stored import ComponentRecord
from app.services.ai_judgement import ai_judgement, relevant_members
from app.services.destinations import question_destinations
from app.services.evidence import certified_keys, product_slice
from app.services.paths import PathStep, describe_path
from app.services.registry import certificate_in
from app.services.visibility import shows_use, visible_boms

if TYPE_CHECKING:
    from app.graph.paths import Path
    from app.graph.portfolio import PortfolioGraph
    from app.graph.scope import Scope
    from app.services.registry_cache import RegistrySnapshot
    from app.services.runtime import Runtime
    from app.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class ProductImpact:
    product: ComponentRecord
    path: tuple[PathStep, ...]
    destination: str
    now: Decision
    after: Decision

    @property
    def breaks(self) -> bool:
        return self.now is not Decision.INELIGIBLE and self.after is Decision.INELIGIBLE


@dataclass(frozen=True, slots=True)
class Impact:
    certificate: Certificate
    day: dt.date
    products: tuple[ProductImpact, ...]

    @property
    def breaking(self) -> tuple[ProductImpact, ...]:
        return tuple(impact for impact in self.products if impact.breaks)


def _revoked(certificate: Certificate, day: dt.date) -> Certificate:
    event = StatusEvent(day, CertificateStatus.REVOKED, "what-if: revoked", "impact")
    return dataclasses.replace(certificate, events=(*certificate.events, event))


def _without(registry: Registry, certificate: Certificate, day: dt.date) -> Registry:
    certificates = dict(registry.certificates)
    certificates[certificate.subject] = [
        _revoked(held, day) if held.number == certificate.number else held
        for held in certificates.get(certificate.subject, ())
    ]
    return dataclasses.replace(registry, certificates=certificates)


def _slices(
    uow: UnitOfWork,
    graph: PortfolioGraph,
    scopes: list[Scope],
    snapshot: RegistrySnapshot,
    day: dt.date,
) -> dict[int, ProductSlice]:
    """Each holder's slice, with its own BOMs' facts; claims only add warnings, not read."""
    facts = {f.bom_id: f for f in uow.boms.facts({b for scope in scopes for b in scope.boms})}
    slices = {}
    for scope in scopes:
        judgement = ai_judgement(uow, snapshot, scope, day)
        relevant = relevant_members(graph, scope, judgement)
        boms = tuple(facts[b] for b in sorted(scope.boms) if b in facts)
        slices[scope.product_id] = product_slice(graph, scope, relevant, {}, boms, judgement)
    return slices


def certificate_impact(
    runtime: Runtime,
    number: str,
    destinations: list[str],
    day: dt.date,
    viewer: Viewer | None = None,
) -> Impact:
    """Each product that holds the certificate's subject (itself included when it is a
    product), for each destination: its decision now and if the certificate were revoked."""
    with runtime.reading() as uow:
        snapshot = runtime.registry.current(uow)
        # Weighed under the ruleset in force on the day, whose groups it may name.
        destinations = list(question_destinations(destinations, snapshot.ruleset_on(day)))
        certificate = certificate_in(uow, number)
        component = uow.components.find_by_identity(identity_from_reference(certificate.subject))
        graph = runtime.cache.current(uow)
        if component is None or component.id not in graph:
            return Impact(certificate, day, ())
        holders: list[tuple[Product, Path | None, Scope]] = list(graph.where_used(component.id))
        if graph.is_product(component.id):
            holders.insert(0, (graph.product(component.id), None, graph.scope(component.id)))
        visible = visible_boms(uow, viewer)
        # A caller weighs only products whose BOMs it may see, reached through them.
        holders = [
            (product, path, scope)
            for product, path, scope in holders
            if shows_use(product, path, visible)
        ]
        snapshot = runtime.registry.current(uow)
        slices = _slices(uow, graph, [scope for _, _, scope in holders], snapshot, day)
        keys = {key for slice_ in slices.values() for key in certified_keys(slice_)}
        now_registry = snapshot.for_keys(keys, day)
        after_registry = _without(now_registry, certificate, day)
        bom_names = uow.boms.subject_names(
            d.bom_id
            for _, path, _ in holders
            if path is not None
            for s in path.steps
            for d in s.declarations
        )
        views = {
            row.id: row
            for row in uow.components.many(product.component_id for product, _, _ in holders)
        }
        impacts = []
        for product, path, _ in holders:
            slice_ = slices[product.component_id]
            view = views[product.component_id]
            steps = describe_path(uow, graph, path, bom_names) if path is not None else ()
            for destination in destinations:
                question = Question(destination, day)
                now = check(slice_, now_registry, question)
                after = check(slice_, after_registry, question)
                impacts.append(
                    ProductImpact(
                        view, steps, now.question.destination, now.decision, after.decision
                    )
                )
    return Impact(certificate, day, tuple(impacts))
