"""The status-change feed's shapes."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from app.domain.statuses import CauseKind

CAUSE_KINDS = f"What changed: {', '.join(CauseKind)}"


class CauseRead(BaseModel):
    kind: str = Field(description=CAUSE_KINDS)
    ref: str | None = Field(
        description="The id of what changed: a certificate number, a ruleset version, a "
        "classification record, a reviewer, a day; null where the reader may not be told"
    )
    bom_id: int | None = Field(
        description="The BOM an upload, supersession or retirement concerned, when the "
        "reader may see inside it"
    )
    message: str = Field(description="The same in words")


class ChangedProductRead(BaseModel):
    id: int
    name: str
    version: str | None
    purl: str | None


class StatusChangeRead(BaseModel):
    id: int
    product: ChangedProductRead
    group: str = Field(description="The destination group (or country) whose status changed")
    old: str | None = Field(description="eligible, ineligible or not_in_scope; null: none yet")
    new: str | None = Field(description="The status now; null: it is no product any more")
    cause: CauseRead
    evaluated_on: dt.date = Field(description="The day the new status is for")
    at: dt.datetime = Field(description="When the change was recorded")


class StatusChangePage(BaseModel):
    items: list[StatusChangeRead]
    next_cursor: str | None
