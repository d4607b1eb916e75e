"""What procurement asks of a component before buying it: is it an AI component and why
(with the classification records in force), which certificates it holds (status today,
expiry, scope), what it would need to be verified for a destination, and which products
use it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.access import Viewer
from app.domain.classification import Classification
from app.domain.ids import IdentityKey
from app.domain.product_slice import Question
from app.domain.verification import verify
from app.services.classification import classifications_of
from app.services.components import (
    ComponentStatus,
    ProductUse,
    component_status,
    find_component,
    where_used,
)
from app.services.registry import status_on

if TYPE_CHECKING:
    from app.services.runtime import Runtime


@dataclass(frozen=True, slots=True)
class HeldCertificate:
    number: str
    reviewer: str
    status: str
    issued: dt.date
    expires: dt.date
    destinations: tuple[str, ...]
    sectors: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Readiness:
    """Whether the component is verified for one destination, date and sector, and if not,
    what stands in the way."""

    destination: str
    date: dt.date
    sector: str | None
    verified: bool
    certificate: str | None
    reason: str | None
    needs: str


@dataclass(frozen=True, slots=True)
class ComponentReport:
    status: ComponentStatus
    certificates: tuple[HeldCertificate, ...]
    readiness: Readiness | None
    used_by: tuple[ProductUse, ...]
    # Records in force on the day asked that the viewer may see.
    classifications: tuple[Classification, ...] = ()


def report_on(
    runtime: Runtime,
    reference: str,
    *,
    day: dt.date,
    destination: str | None = None,
    sector: str | None = None,
) -> ComponentReport:
    """`component_report` of the component a reference names, for the operator."""
    component = find_component(runtime, reference)
    return component_report(runtime, component.id, day=day, destination=destination, sector=sector)


def component_report(
    runtime: Runtime,
    component_id: int,
    *,
    day: dt.date,
    destination: str | None = None,
    sector: str | None = None,
    viewer: Viewer | None = None,
) -> ComponentReport:
    with runtime.reading() as uow:
        status = component_status(uow, runtime.cache, component_id, viewer)
        used_by = tuple(where_used(uow, runtime.cache, component_id, viewer))
        classified = tuple(
            c for c in classifications_of(uow, component_id, viewer) if c.in_force_on(day)
        )
        key = IdentityKey(status.component.identity_key)
        registry = runtime.registry.current(uow).for_keys([key], day)
    held = registry.certificates.get(key, ())
    certificates = tuple(
        HeldCertificate(
            c.number, c.reviewer_id, status_on(c, day), c.issued, c.expires,
            tuple(sorted(c.destinations)), tuple(sorted(c.sectors)),
        )
        for c in held
    )  # fmt: skip
    readiness = None
    if destination is not None:
        question = Question(destination.upper(), day, sector)
        verdict = verify(held, registry, question)
        dimensions = ", ".join(sorted(registry.ruleset.required_dimensions))
        needs = (
            "nothing: it is verified"
            if verdict.verified
            else f"an active certificate from a reviewer accredited on its issue date, covering "
            f"{dimensions}, {question.destination}"
            + (f" and the sector {sector}" if sector else "")
            + (f"; closest today: {verdict.detail}" if verdict.certificate else "")
        )
        readiness = Readiness(
            question.destination, day, sector, verdict.verified, verdict.certificate,
            verdict.reason.value if verdict.reason else None, needs,
        )  # fmt: skip
    return ComponentReport(status, certificates, readiness, used_by, classified)
