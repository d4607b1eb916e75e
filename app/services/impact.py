"""What breaks if a certificate is revoked or lapses: every product above its subject,
checked as the registry stands and as it would stand, with nothing changed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.bom.identity import identity_from_reference
from app.domain.decision import Decision, Question, Registry
from app.domain.portfolio import Product
from app.domain.registry import Certificate, CertificateStatus, StatusEvent
from app.services.catalogue import ComponentView, PathStep, describe_path, get_component
from app.services.export import evaluate
from app.services.registry import get_certificate

if TYPE_CHECKING:
    from app.services.runtime import Runtime


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


def certificate_impact(
    runtime: Runtime, number: str, destinations: list[str], day: dt.date
) -> Impact:
    """Each product that holds the certificate's subject (itself included when it is a
    product), for each destination: its decision now and if the certificate were revoked."""
    with runtime.reading() as uow:
        certificate = get_certificate(uow, number)
        component = uow.components.find_by_identity(identity_from_reference(certificate.subject))
        graph = runtime.cache.current(uow)
        if component is None or component.id not in graph:
            return Impact(certificate, day, ())
        holders: list[tuple[Product, tuple[PathStep, ...]]] = []
        if graph.is_product(component.id):
            holders.append((graph.product(component.id), ()))
        holders += [
            (product, describe_path(uow, graph, path))
            for product, path in graph.where_used(component.id)
        ]

        def without_it(registry: Registry) -> Registry:
            certificates = dict(registry.certificates)
            held = certificates.get(certificate.subject, ())
            certificates[certificate.subject] = [
                _revoked(c, day) if c.number == number else c for c in held
            ]
            return dataclasses.replace(registry, certificates=certificates)

        impacts = []
        for product, path in holders:
            view = get_component(uow, product.component_id)
            for destination in destinations:
                question = Question(destination, day)
                now = evaluate(uow, graph, view, question, path_limit=0)
                after = evaluate(uow, graph, view, question, path_limit=0, what_if=without_it)
                impacts.append(
                    ProductImpact(
                        view,
                        tuple(path),
                        now.check.question.destination,
                        now.check.decision,
                        after.check.decision,
                    )
                )
    return Impact(certificate, day, tuple(impacts))
