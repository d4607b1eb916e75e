"""Organisations and API keys, as administrators create and read them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field

from app.api.schemas.common import NO_NUL, OrganisationCode
from app.domain import limits
from app.domain.access import Role


class OrganisationCreate(BaseModel):
    code: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$", examples=["hikari-vision"])]
    name: Annotated[
        str,
        Field(
            min_length=1,
            max_length=limits.ORGANISATION_NAME,
            pattern=NO_NUL,
            examples=["Hikari Vision Ltd"],
        ),
    ]


class OrganisationRead(BaseModel):
    code: str
    name: str
    created_at: dt.datetime


class KeyCreate(BaseModel):
    organisation: OrganisationCode = Field(examples=["hikari-vision"])
    roles: Annotated[
        list[Role], Field(min_length=1, max_length=len(Role), examples=[["integrator"]])
    ]
    label: Annotated[str, Field(max_length=limits.LABEL, pattern=NO_NUL)] = ""
    expires_in_days: Annotated[int | None, Field(ge=1, le=3650)] = None
    reviewer: Annotated[
        str | None,
        Field(
            max_length=limits.REVIEWER_ID,
            pattern=NO_NUL,
            description="The body a reviewer key records for",
        ),
    ] = None


class KeyRead(BaseModel):
    id: int
    prefix: str = Field(description="The first characters of the key, to recognise it by")
    organisation: str
    roles: list[str]
    label: str
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


class IssuedKeyRead(BaseModel):
    id: int
    secret: str = Field(description="The key itself: shown this once, never again")
    organisation: str
    roles: list[str]
    expires_at: dt.datetime | None


class OrganisationPage(BaseModel):
    items: list[OrganisationRead]
    next_cursor: str | None


class KeyPage(BaseModel):
    items: list[KeyRead]
    next_cursor: str | None
