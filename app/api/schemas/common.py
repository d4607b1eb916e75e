"""Shapes every part of the API shares: text rules and the health answer."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from app.domain import limits
from app.domain.bom import AiReason
from app.domain.reasons import ScopeReason

# No database stores a NUL in text, and PostgreSQL refuses one with an error: refused here,
# located, like any other text that cannot be kept.
NO_NUL = "^[^\x00]*$"
# Codes for programs, the same in words for people (the words may be reworded, not the codes).
AI_REASON_CODES = f"Why it counts as an AI component: {', '.join(AiReason)}"
AI_REASONS = "The same reasons in words, in the same order"
NOT_IN_SCOPE_CODE = f"Why the rule does not apply: {', '.join(ScopeReason)}; else null"
NOT_IN_SCOPE_REASON = "The same reason in words"
OrganisationCode = Annotated[
    str, Field(min_length=1, max_length=limits.ORGANISATION_CODE, pattern=NO_NUL)
]


class Health(BaseModel):
    status: str
    database: str
