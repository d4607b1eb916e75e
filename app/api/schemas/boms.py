"""BOMs as the API returns them: uploads, their warnings, visibility and diffs."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from app.api.schemas.common import OrganisationCode
from app.domain import limits
from app.domain.access import Visibility


class WarningRead(BaseModel):
    code: str
    message: str
    location: str = ""


class BomRead(BaseModel):
    id: int
    sha256: str
    media_type: str
    spec_version: str
    serial_number: str | None
    version: int = Field(description="The BOM's own version number")
    size_bytes: int
    product_id: int = Field(description="Component id of the BOM's subject")
    product: str
    is_inventory: bool = Field(description="True when the BOM had no metadata.component")
    sector: str | None
    components: int
    ai_components: int
    edges: int
    incomplete_aggregates: list[str]
    warnings: list[WarningRead]
    uploaded_at: dt.datetime
    uploaded_by: str | None
    organisation: str | None = Field(description="The organisation the BOM belongs to")
    visibility: str = Field(description="private (owner and shares) or public")
    shared_with: list[str]


class VisibilityUpdate(BaseModel):
    visibility: Visibility
    share_with: list[OrganisationCode] = Field(
        default=[], max_length=limits.LIST_ITEMS, description="Organisation codes"
    )


class BomPage(BaseModel):
    items: list[BomRead]
    next_cursor: str | None


class ChangedComponentRead(BaseModel):
    component_id: int
    name: str
    identity: str
    is_ai: bool


class ChangedBlockerRead(BaseModel):
    component: str
    identity: str | None = Field(
        description="None for a component inside a BOM the caller may not see"
    )
    reason: str


class BomDiffRead(BaseModel):
    product_id: int
    product: str
    old_bom_id: int
    new_bom_id: int
    destination: str
    date: dt.date
    added: list[ChangedComponentRead]
    removed: list[ChangedComponentRead]
    ai_added: list[ChangedComponentRead]
    ai_removed: list[ChangedComponentRead]
    old_decision: str = Field(description="The answer were the old BOM current")
    new_decision: str = Field(description="The answer were the new BOM current")
    blockers_added: list[ChangedBlockerRead]
    blockers_removed: list[ChangedBlockerRead]
