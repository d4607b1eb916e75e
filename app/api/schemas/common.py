"""Shapes every part of the API shares: text rules and the health answer."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from app.domain import limits

# No database stores a NUL in text, and PostgreSQL refuses one with an error: refused here,
# located, like any other text that cannot be kept.
NO_NUL = "^[^\x00]*$"
OrganisationCode = Annotated[
    str, Field(min_length=1, max_length=limits.ORGANISATION_CODE, pattern=NO_NUL)
]


class Health(BaseModel):
    status: str
    database: str
