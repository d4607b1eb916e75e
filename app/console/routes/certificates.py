"""The certificate registry (every signed-in visitor reads it, as through the API):
expiring soon first, filtered and paged; one certificate with its history, its reviewer,
and what it would break if revoked, among the products the visitor may see."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.console.guard import ConsolePage, Visitor, runtime_of
from app.console.pages import pager, render
from app.domain import limits
from app.domain.access import Viewer
from app.domain.errors import ExportgateError, InvalidRequestError, Located
from app.domain.paging import CERTIFICATES, MAX_CURSOR_LENGTH, PageRequest
from app.domain.registry import Certificate, CertificateStatus
from app.services.components import search_components
from app.services.impact import certificate_impact
from app.services.registry import get_certificate, list_certificates, list_reviewers, ruleset_on
from app.services.registry import status_on as status_today
from app.services.runtime import Runtime

router = APIRouter(route_class=ConsolePage, include_in_schema=False)

PAGE_SIZE = 25
# What a person reads as a certificate's status: the recorded ones, and two from its dates.
STATUSES = ("not_issued", "expired", *(status.value for status in CertificateStatus))
DESTINATIONS_ASKED = 8


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _soonest_first(certificates: list[Certificate], day: dt.date) -> list[Certificate]:
    """Those still running, the soonest to expire first; then those expired, the most
    recently expired first."""
    return sorted(
        certificates,
        key=lambda c: (
            c.expires < day,
            (c.expires - day).days if c.expires >= day else (day - c.expires).days,
            c.number,
        ),
    )


@router.get("/certificates")
def certificates_page(
    request: Request,
    signed: Visitor,
    *,
    status: Annotated[str, Query(max_length=16)] = "",
    reviewer: Annotated[str, Query(max_length=limits.REVIEWER_ID)] = "",
    subject: Annotated[str, Query(max_length=limits.SUBJECT)] = "",
    cursor: Annotated[str, Query(max_length=MAX_CURSOR_LENGTH)] = "",
    limit: Annotated[int, Query(ge=1, le=200)] = PAGE_SIZE,
) -> Response:
    runtime = runtime_of(request)
    day = _today()
    status, reviewer, subject = status.strip(), reviewer.strip(), subject.strip()
    if status and status not in STATUSES:
        raise InvalidRequestError(
            "unknown status",
            [Located("query/status", f"{status!r} is not one of: {', '.join(STATUSES)}")],
        )
    # The registry is small next to the portfolio: read whole, filtered and ordered here.
    every = list_certificates(runtime, subject=None, reviewer=reviewer or None).items
    wanted = [
        c
        for c in every
        if (not status or status_today(c, day) == status)
        and (not subject or subject.casefold() in c.subject.casefold())
    ]
    page = CERTIFICATES.page_within(
        _soonest_first(wanted, day),
        lambda c: c.number,
        PageRequest(cursor or None, limit, "query/cursor"),
    )
    filters = {"status": status, "reviewer": reviewer, "subject": subject}
    kept: dict[str, str | int] = {**filters, **({"limit": limit} if limit != PAGE_SIZE else {})}
    return render(
        request,
        "certificates.html",
        visitor=signed,
        day=day,
        page=page,
        status_of={c.number: status_today(c, day) for c in page.items},
        statuses=STATUSES,
        filters=filters,
        filtered=any(filters.values()),
        registry_empty=not every,
        pages=pager("/certificates", kept, cursor, page.next_cursor),
    )


def _subject_component(runtime: Runtime, subject: str, viewer: Viewer) -> int | None:
    """The component the certificate names, when the visitor may see it (by its purl)."""
    if not subject.startswith("pkg:"):
        return None
    try:
        found = search_components(
            runtime,
            purl=subject,
            name=None,
            type_=None,
            ai=None,
            paging=PageRequest(limit=1),
            viewer=viewer,
        )
    except ExportgateError:
        return None
    return found.items[0].id if found.items else None


@router.get("/certificates/{number}")
def certificate_page(
    request: Request,
    signed: Visitor,
    number: Annotated[str, Path(min_length=1, max_length=limits.CERTIFICATE_NUMBER)],
    *,
    to: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    runtime = runtime_of(request)
    viewer = Viewer.of(signed.principal)
    day = _today()
    certificate = get_certificate(runtime, number)
    asked = [name for name in to.replace(",", " ").split() if name][:DESTINATIONS_ASKED]
    destinations = asked or sorted(ruleset_on(runtime, day).country_groups)
    # Without a destination to weigh (a ruleset without groups, none asked) nothing is.
    impact = (
        certificate_impact(runtime, number, destinations, day, viewer) if destinations else None
    )
    reviewers = {r.id: r for r in list_reviewers(runtime).items}
    return render(
        request,
        "certificate.html",
        visitor=signed,
        day=day,
        certificate=certificate,
        status=status_today(certificate, day),
        reviewer=reviewers.get(certificate.reviewer_id),
        subject_id=_subject_component(runtime, certificate.subject, viewer),
        impact=impact,
        impacts=sorted(
            impact.products if impact else (), key=lambda p: (not p.breaks, p.product.display_name)
        ),
        asked=" ".join(destinations),
    )
