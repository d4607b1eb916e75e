"""A decision record as a printable report: the stored answer as the caller may read it, with
the certificates it relied on (from the registry) and the BOMs it used (with their digests)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from app.domain.access import Viewer
from app.domain.registry import Certificate, Reviewer
from app.report.model import BomView, CertificateView, DecisionReport, EventView
from app.report.render import render_html, render_pdf
from app.services.decisions import get_decision
from app.services.registry import certificate_in, list_reviewers, status_on
from app.services.visibility import visible_boms

if TYPE_CHECKING:
    import datetime as dt

    from app.services.runtime import Runtime
    from app.store.unit_of_work import UnitOfWork


def decision_report(
    runtime: Runtime, decision_id: int, viewer: Viewer | None = None
) -> DecisionReport:
    """What the report of one decision shows this caller: the answer redacted exactly as
    `get_decision` redacts it (and not found where it is), the BOMs it may see with their
    digests and a count of the others, and the certificates relied on.

    A restricted caller is shown only the certificates of the product itself: a stored
    record names its verified components but not whether the caller reaches them through
    BOMs it may see, and a certificate's subject would name a component of a BOM it may
    not. Nor is it told how many others there are: its copy of the record leaves the
    verified components out altogether."""
    shown = get_decision(runtime, decision_id, viewer)
    reviewers = {reviewer.id: reviewer for reviewer in list_reviewers(runtime).items}
    with runtime.reading() as uow:
        record = uow.decisions.get(decision_id)
        if record is None:  # pragma: no cover - records are never deleted
            raise LookupError(decision_id)
        restricted = visible_boms(uow, viewer) is not None
        used = [bom["id"] for bom in record.answer.get("boms", ())]
        visible = [bom for bom in shown.get("boms", ()) if bom["id"] in used]
        digests = uow.boms.digests(bom["id"] for bom in visible)
        relied_on = _relied_on(uow, record.answer)
        signed = uow.decisions.signature_of(decision_id)
    day = record.on_date
    product_identity = shown["product"]["identity"]
    certificates = [c for c in relied_on if not restricted or str(c.subject) == product_identity]
    return DecisionReport(
        decision_id=decision_id,
        answer=shown,
        decided_at=record.decided_at,
        certificates=tuple(_certificate_view(c, day, reviewers) for c in certificates),
        only_product_certificates=restricted,
        boms=tuple(
            BomView(bom["id"], bom.get("serial_number"), bom.get("version"), digests[bom["id"]])
            for bom in visible
        ),
        hidden_boms=len(used) - len(visible),
        # Records made before records were signed carry none, and the report says so.
        signature=None if signed is None else signed.value,
        signing_key_id=None if signed is None else signed.key_id,
    )


def decision_report_html(runtime: Runtime, decision_id: int, viewer: Viewer | None = None) -> str:
    return render_html(decision_report(runtime, decision_id, viewer))


def decision_report_pdf(runtime: Runtime, decision_id: int, viewer: Viewer | None = None) -> bytes:
    return render_pdf(decision_report(runtime, decision_id, viewer))


def _relied_on(uow: UnitOfWork, answer: Mapping[str, Any]) -> list[Certificate]:
    """The certificates that verified a component of the product (the product's own among
    them), each once, in the order the answer lists them."""
    numbers = dict.fromkeys(str(v["certificate"]) for v in answer.get("verified", ()))
    return [certificate_in(uow, number) for number in numbers]


def _certificate_view(
    certificate: Certificate, day: dt.date, reviewers: Mapping[str, Reviewer]
) -> CertificateView:
    reviewer = reviewers.get(certificate.reviewer_id)
    evidence = certificate.evidence
    return CertificateView(
        number=certificate.number,
        subject=str(certificate.subject),
        reviewer_id=certificate.reviewer_id,
        reviewer_name=reviewer.name if reviewer else None,
        dimensions=_sorted(certificate.dimensions),
        issued=certificate.issued,
        expires=certificate.expires,
        destinations=_sorted(certificate.destinations),
        sectors=_sorted(certificate.sectors),
        status=status_on(certificate, day),
        evidence_url=evidence.url if evidence else None,
        evidence_sha256=evidence.sha256 if evidence else None,
        events=tuple(
            EventView(e.date, e.status.value, e.reason, e.actor)
            for e in sorted(certificate.events, key=lambda e: e.date)
        ),
    )


def _sorted(values: Iterable[object]) -> tuple[str, ...]:
    return tuple(sorted(str(value) for value in values))
