"""Who owns a subject and who may publish BOMs for it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from app.api.dependencies import RuntimeDep
from app.api.params import PathId
from app.api.problems import responses
from app.api.schemas.common import NO_NUL, OrganisationCode
from app.api.security import Reader, admits
from app.domain import limits
from app.domain.access import Principal, Role, Viewer
from app.services.ownership import Ownership, delegate, ownership, transfer

router = APIRouter(prefix="/api/v1/owners", tags=["owners"])

Owner = Annotated[Principal, Depends(admits(Role.INTEGRATOR))]
Administrator = Annotated[Principal, Depends(admits(Role.ADMIN))]


class OwnershipEventRead(BaseModel):
    kind: str = Field(description="claimed, delegated, undelegated or transferred")
    organisation: str
    previous_organisation: str | None
    reason: str
    actor: str = Field(description="The key or command that acted")
    at: dt.datetime


class OwnershipRead(BaseModel):
    component_id: int
    component: str
    owner: str | None = Field(description="The organisation that may publish BOMs for it")
    delegates: list[str] = Field(description="Other organisations it lets publish (owner only)")
    events: list[OwnershipEventRead] = Field(description="History (owner and admins only)")


class DelegateRequest(BaseModel):
    organisation: OrganisationCode
    revoke: bool = Field(default=False, description="Stop the delegation instead")


class TransferRequest(BaseModel):
    organisation: OrganisationCode
    reason: Annotated[str, Field(min_length=1, max_length=limits.REASON, pattern=NO_NUL)]


def _read(found: Ownership) -> OwnershipRead:
    # The service's ownership and its events carry the answer's field names, one for one.
    return OwnershipRead.model_validate(found, from_attributes=True)


@router.get(
    "/{component_id}",
    response_model=OwnershipRead,
    summary="Who owns a subject, and (for its owner) who else may publish for it",
    responses=responses(404),
)
def get_owner(component_id: PathId, runtime: RuntimeDep, principal: Reader) -> OwnershipRead:
    return _read(ownership(runtime, str(component_id), Viewer.of(principal)))


@router.post(
    "/{component_id}/delegates",
    response_model=OwnershipRead,
    summary="Let another organisation publish BOMs for your subject (or stop letting it)",
    responses=responses(403, 404, 409, 422),
)
def set_delegate(
    component_id: PathId, body: DelegateRequest, runtime: RuntimeDep, principal: Owner
) -> OwnershipRead:
    return _read(
        delegate(
            runtime,
            str(component_id),
            body.organisation,
            viewer=Viewer.of(principal),
            actor=principal.actor,
            revoke=body.revoke,
        )
    )


@router.post(
    "/{component_id}/transfer",
    response_model=OwnershipRead,
    summary="Move a subject's ownership to another organisation (administrators)",
    responses=responses(404, 409, 422),
)
def transfer_ownership(
    component_id: PathId, body: TransferRequest, runtime: RuntimeDep, principal: Administrator
) -> OwnershipRead:
    return _read(
        transfer(
            runtime, str(component_id), body.organisation, reason=body.reason, actor=principal.actor
        )
    )
