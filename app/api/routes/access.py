"""Organisations and API keys, for administrators: the HTTP side of `exportgate orgs` and
`exportgate keys`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from app.api.dependencies import RuntimeDep
from app.api.paging import page_read
from app.api.params import Paging, PathId
from app.api.problems import responses
from app.api.schemas.access import (
    IssuedKeyRead,
    KeyCreate,
    KeyPage,
    KeyRead,
    OrganisationCreate,
    OrganisationPage,
    OrganisationRead,
)
from app.api.security import admit, admits
from app.domain import limits
from app.domain.access import Principal
from app.services.access import (
    create_key,
    create_organisation,
    list_keys,
    list_organisations,
    revoke_key,
)

router = APIRouter(tags=["access"], dependencies=[admit()])

# The administrator acting, for the records that name who created or issued what.
Administrator = Annotated[Principal, Depends(admits())]


@router.get(
    "/api/v1/organisations",
    response_model=OrganisationPage,
    summary="Every organisation, by code",
)
def list_organisations_route(runtime: RuntimeDep, paging: Paging) -> OrganisationPage:
    page = list_organisations(runtime, paging=paging)
    return page_read(
        OrganisationPage, page, lambda o: OrganisationRead.model_validate(o, from_attributes=True)
    )


@router.post(
    "/api/v1/organisations",
    response_model=OrganisationRead,
    status_code=201,
    summary="Create an organisation; its BOMs are private to it by default",
    description="Creating the same organisation again (code and name) answers 200 with it; "
    "another name for a taken code is a conflict (409).",
    responses=responses(
        409, 422, also={200: {"model": OrganisationRead, "description": "Already created"}}
    ),
)
def add_organisation(
    runtime: RuntimeDep, body: OrganisationCreate, response: Response, principal: Administrator
) -> OrganisationRead:
    organisation, created = create_organisation(
        runtime, body.code, body.name, actor=principal.actor
    )
    response.status_code = 201 if created else 200
    return OrganisationRead.model_validate(organisation, from_attributes=True)


@router.get(
    "/api/v1/keys",
    response_model=KeyPage,
    summary="Every API key, never its secret, in the order they were issued",
)
def list_keys_route(
    runtime: RuntimeDep,
    paging: Paging,
    organisation: Annotated[
        str | None,
        Query(max_length=limits.ORGANISATION_CODE, description="Only this organisation's"),
    ] = None,
) -> KeyPage:
    page = list_keys(runtime, organisation, paging=paging)
    return page_read(KeyPage, page, lambda k: KeyRead.model_validate(k, from_attributes=True))


@router.post(
    "/api/v1/keys",
    response_model=IssuedKeyRead,
    status_code=201,
    summary="Issue a key; its secret is in this answer and nowhere else",
    responses=responses(404, 409, 422),
)
def issue_key(runtime: RuntimeDep, body: KeyCreate, principal: Administrator) -> IssuedKeyRead:
    issued = create_key(
        runtime,
        body.organisation,
        body.roles,
        label=body.label,
        expires_in_days=body.expires_in_days,
        reviewer_id=body.reviewer,
        actor=principal.actor,
    )
    return IssuedKeyRead(
        id=issued.key_id,
        secret=issued.secret,
        organisation=issued.organisation,
        roles=list(issued.roles),
        expires_at=issued.expires_at,
    )


@router.delete(
    "/api/v1/keys/{key_id}",
    status_code=204,
    summary="Revoke a key: refused from now on; revoking it again changes nothing",
    description="The last usable administrator key is not revoked (409): issue another first.",
    responses=responses(404, 409),
)
def revoke_key_route(key_id: PathId, runtime: RuntimeDep, principal: Administrator) -> Response:
    revoke_key(runtime, key_id, actor=principal.actor)
    return Response(status_code=204)
