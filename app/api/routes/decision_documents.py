"""A decision record as documents to hand on: a printable report (HTML or PDF) and a signed
CycloneDX attestation."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.dependencies import RuntimeDep
from app.api.params import PathId
from app.api.problems import responses
from app.api.security import admits
from app.domain.access import Principal, Role, Viewer
from app.services.decision_attestation import MEDIA_TYPE as ATTESTATION_TYPE
from app.services.decision_attestation import decision_attestation
from app.services.decision_report import decision_report_html, decision_report_pdf

router = APIRouter(tags=["decisions"])

HTML = "text/html"
PDF = "application/pdf"
# A report names another organisation's nothing, but it is one caller's view of a record:
# never kept by a shared cache; the page loads nothing and runs nothing.
_PRIVATE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
_PAGE = {
    **_PRIVATE,
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
}

Auditing = Annotated[Principal, Depends(admits(Role.AUDITOR, Role.INTEGRATOR))]


def _quality(accept: str, media_type: str) -> float:
    """The weight the Accept header gives exactly this media type (0 when not named)."""
    for item in accept.split(","):
        kind, _, parameters = item.partition(";")
        if kind.strip().lower() != media_type:
            continue
        for parameter in parameters.split(";"):
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    return float(value)
                except ValueError:
                    return 0.0
        return 1.0
    return 0.0


def wants_pdf(format: str | None, accept: str) -> bool:
    """`?format=` decides; without it, PDF only when Accept names it and prefers it to HTML."""
    if format is not None:
        return format == "pdf"
    return _quality(accept, PDF) > _quality(accept, HTML)


@router.get(
    "/api/v1/decisions/{decision_id}/report",
    summary="A decision record as a printable report (HTML or PDF)",
    description=(
        "The product, destination (with each country's answer), date, sector, ruleset, "
        "verdict, each blocker with its reason, the certificates considered and the paths "
        "(redacted as the record is for the caller), every certificate relied on with its "
        "history and reviewer, the BOMs used with their SHA-256, the evidence digest, and how "
        "to verify the record. HTML by default; PDF with `?format=pdf` or an `Accept` header "
        "that prefers `application/pdf`. `?format=` wins over `Accept`."
    ),
    responses=responses(
        404, also={200: {"content": {HTML: {}, PDF: {}}, "description": "The report"}}
    ),
    response_class=Response,
)
def get_decision_report(
    decision_id: PathId,
    request: Request,
    runtime: RuntimeDep,
    principal: Auditing,
    format: Annotated[
        Literal["html", "pdf"] | None,
        Query(description="html or pdf; when absent, chosen by the Accept header"),
    ] = None,
) -> Response:
    viewer = Viewer.of(principal)
    if wants_pdf(format, request.headers.get("accept", "")):
        pdf = decision_report_pdf(runtime, decision_id, viewer)
        disposition = f'inline; filename="decision-{decision_id}.pdf"'
        return Response(
            pdf, media_type=PDF, headers={**_PRIVATE, "Content-Disposition": disposition}
        )
    html = decision_report_html(runtime, decision_id, viewer)
    return Response(html, media_type=HTML, headers=_PAGE)


@router.get(
    "/api/v1/decisions/{decision_id}/attestation",
    summary="A decision record as a signed CycloneDX 1.6 attestation",
    description=(
        "CycloneDX 1.6 `declarations`: exportgate as assessor, a claim that the product meets "
        "the export rule for the destination on the date under the ruleset (with the "
        "certificates relied on as evidence, and each blocker as counter-evidence when it "
        "does not), the product as the target; signed with the service's Ed25519 key as a "
        "JSF signature. Redacted for the caller as the record is."
    ),
    responses=responses(
        404, also={200: {"content": {ATTESTATION_TYPE: {}}, "description": "The attestation"}}
    ),
    response_class=JSONResponse,
)
def get_decision_attestation(
    decision_id: PathId, runtime: RuntimeDep, principal: Auditing
) -> JSONResponse:
    document = decision_attestation(runtime, decision_id, Viewer.of(principal))
    disposition = f'attachment; filename="decision-{decision_id}.cdx.json"'
    return JSONResponse(
        document,
        media_type=ATTESTATION_TYPE,
        headers={**_PRIVATE, "Content-Disposition": disposition},
    )
