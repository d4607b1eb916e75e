"""Request and response shapes of the API (suffix Read for what is returned)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


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


class BomPage(BaseModel):
    items: list[BomRead]
    next_cursor: str | None


class IdentityRead(BaseModel):
    kind: str
    key: str


class ComponentRead(BaseModel):
    id: int
    identity: IdentityRead
    name: str
    version: str | None
    group: str | None
    purl: str | None


class ComponentPage(BaseModel):
    items: list[ComponentRead]
    next_cursor: str | None


class AppearanceRead(BaseModel):
    bom_id: int
    bom_subject: str
    current: bool
    bom_ref: str
    role: str
    type: str
    is_ai: bool
    ai_reasons: list[str]
    claimed_certificates: list[str]


class ComponentStatusRead(ComponentRead):
    types: list[str]
    is_ai: bool
    ai_reasons: list[str]
    is_product: bool
    appearances: list[AppearanceRead]


class PathStepRead(BaseModel):
    parent: str
    child: str
    kind: str = Field(description="dependency, nesting or inventory")
    bom_ids: list[int] = Field(description="The current BOMs that declare this step")
    boms: list[str]


class ProductUseRead(BaseModel):
    product_id: int
    product: str
    current_bom_id: int
    path: list[PathStepRead]


class WhereUsedRead(BaseModel):
    component_id: int
    component: str
    used_by: list[ProductUseRead]


class ProductRead(BaseModel):
    id: int
    identity: IdentityRead
    name: str
    version: str | None
    current_bom_id: int
    sector: str | None
    components: int = Field(description="Components in the product's closure, itself excluded")
    ai_components: int


class Health(BaseModel):
    status: str
    database: str
