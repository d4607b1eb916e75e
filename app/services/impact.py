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
from app.domain.decision import Decision, ProductSlice, Question, Registry, check
from app.domain.portfolio import Product
from app.domain.registry import Certificate, CertificateStatus, StatusEvent
from app.services.catalogue import ComponentView, PathStep, describe_path, visible_boms
from app.services.destinations import question_destinations
from app.services.export import certified_keys, product_slice, relevant_members
from app.services.registry import get_certificate

if TYPE_CHECKING:
    from app.graph.portfolio import Path, PortfolioGraph
    from app.services.runtime import Runtime
    from app.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class ProductImpact:
    product: ComponentView
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
    uow: UnitOfWork, graph: PortfolioGraph, holders: list[Product]
) -> dict[int, ProductSlice]:
    """Each holder's slice, with its own BOM's facts; claims only add warnings, not read."""
    slices = {}
    boms = {bom.id: bom for bom in uow.boms.many(p.current_bom_id for p in holders)}
    for holder in holders:
        bom = boms[holder.current_bom_id]
        closure = graph.closure(holder.component_id)
        relevant = relevant_members(graph, closure, holder.component_id)
        facts = (bom.sector, tuple(bom.incomplete_aggregates), bom.human_oversight)
        slices[holder.component_id] = product_slice(graph, holder.component_id, relevant, {}, facts)
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
        certificate = get_certificate(uow, number)
        component = uow.components.find_by_identity(identity_from_reference(certificate.subject))
        graph = runtime.cache.current(uow)
        if component is None or component.id not in graph:
            return Impact(certificate, day, ())
        holders: list[tuple[Product, Path | None]] = list(graph.where_used(component.id))
        if graph.is_product(component.id):
            holders.insert(0, (graph.product(component.id), None))
        visible = visible_boms(uow, viewer)
        if visible is not None:
            # A caller weighs only products whose BOMs it may see, reached through them.
            holders = [
                (product, path)
                for product, path in holders
                if product.current_bom_id in visible
                and (
                    path is None
                    or all(any(d.bom_id in visible for d in s.declarations) for s in path.steps)
                )
            ]
        slices = _slices(uow, graph, [product for product, _ in holders])
        keys = {key for slice_ in slices.values() for key in certified_keys(slice_)}
        now_registry = snapshot.for_keys(keys, day)
        after_registry = _without(now_registry, certificate, day)
        bom_names = uow.boms.subject_names(
            d.bom_id
            for _, path in holders
            if path is not None
            for s in path.steps
            for d in s.declarations
        )
        views = {
            row.id: ComponentView.of(row)
            for row in uow.components.many(product.component_id for product, _ in holders)
        }
        impacts = []
        for product, path in holders:
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
