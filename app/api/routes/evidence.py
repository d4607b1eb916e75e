"""Evidence bundles of decision records, and the public keys that verify their signatures."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from app.api.dependencies import RuntimeDep
from app.api.params import PathId
from app.api.problems import responses
from app.api.security import EVERYONE, admit, admits
from app.domain.access import Principal, Role, Viewer
from app.services.evidence_bundle import evidence_bundle
from app.services.signing_keys import signing_keys

router = APIRouter()

# Who reads decision records reads their evidence: auditors and integrators (admins always).
DecisionReader = Annotated[Principal, Depends(admits(Role.AUDITOR, Role.INTEGRATOR))]


@router.get(
    "/api/v1/decisions/{decision_id}/evidence",
    summary="A decision's evidence bundle: its signed record, the signature and the evidence",
    description=(
        "RFC 8785 canonical JSON, verifiable offline with `exportgate decisions verify` and "
        "the keys of `GET /api/v1/signing-keys` (docs/evidence.md). Entries about components, "
        "BOMs and certificates the caller may not see are given as their leaf digests alone. "
        "409 for a record made before evidence was kept."
    ),
    response_class=Response,
    responses={
        **responses(404, 409),
        200: {"content": {"application/json": {"schema": {"type": "object"}}}},
    },
    tags=["decisions"],
)
def get_evidence_bundle(
    decision_id: PathId, runtime: RuntimeDep, principal: DecisionReader
) -> Response:
    bundle = evidence_bundle(runtime, decision_id, Viewer.of(principal))
    return Response(bundle, media_type="application/json")


@router.get(
    "/api/v1/signing-keys",
    summary="The public keys decision records are signed with, current and retired",
    description=(
        "An RFC 7517 JWK set of RFC 8037 Ed25519 keys (`kid`: the RFC 7638 thumbprint), the "
        "newest first; each says `status` (current or retired), `created` and `retired`."
    ),
    tags=["decisions"],
    dependencies=[admit(*EVERYONE)],
)
def get_signing_keys(runtime: RuntimeDep) -> dict[str, Any]:
    return signing_keys(runtime)
