"""Components and products: identities, where they are used, readiness and classifications."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from app.api.schemas.common import AI_REASON_CODES, AI_REASONS


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
    ai_reason_codes: list[str] = Field(description=AI_REASON_CODES)
    ai_reasons: list[str] = Field(description=AI_REASONS)
    claimed_certificates: list[str]


class ComponentStatusRead(ComponentRead):
    types: list[str]
    is_ai: bool
    ai_reason_codes: list[str] = Field(description=AI_REASON_CODES)
    ai_reasons: list[str] = Field(description=AI_REASONS)
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
    current_bom_ids: list[int] = Field(description="The product's current BOMs you may see")
    path: list[PathStepRead]


class WhereUsedRead(BaseModel):
    component_id: int
    component: str
    used_by: list[ProductUseRead] = Field(description="One page of products, in identity order")
    next_cursor: str | None


class DestinationStatusRead(BaseModel):
    group: str = Field(description="A destination group the ruleset defines, or a country")
    decision: str = Field(
        description="ineligible when any country of the group is; else eligible when any "
        "is; else not_in_scope"
    )
    destinations: list[str] = Field(description="The countries weighed")
    ineligible: list[str] = Field(description="The countries the product may not go to")
    reasons: list[str] = Field(description="Reason codes of the blockers, first seen first")


class ProductRead(BaseModel):
    id: int
    identity: IdentityRead
    name: str
    version: str | None
    current_bom_ids: list[int] = Field(
        description="The product's current BOMs you may see: its contents are all of them"
    )
    sector: str | None
    components: int = Field(description="Components in the product's closure, itself excluded")
    ai_components: int
    statuses: list[DestinationStatusRead] = Field(
        description="Where the product may go on the date asked, per destination group"
    )


class ProductPage(BaseModel):
    date: dt.date = Field(description="The date the statuses are for")
    items: list[ProductRead]
    next_cursor: str | None


class LineageRead(BaseModel):
    kind: str = Field(description="dataset or base_model")
    component: ComponentRead
    bom_ids: list[int]


class HeldCertificateRead(BaseModel):
    number: str
    reviewer: str
    status: str = Field(description="Status today (or on the date asked); expired is derived")
    issued: dt.date
    expires: dt.date
    destinations: list[str]
    sectors: list[str]


class ReadinessRead(BaseModel):
    destination: str
    date: dt.date
    sector: str | None
    verified: bool
    certificate: str | None = Field(description="The certificate that verifies it, or came closest")
    reason: str | None = Field(description="Why it is not verified, as a reason code")
    needs: str = Field(description="What it would need to be verified")


class ClassificationCreate(BaseModel):
    """Who decides is the key that sends it: a field naming an actor is refused."""

    model_config = ConfigDict(extra="forbid")

    is_ai: bool = Field(description="Whether the component is an AI component")
    # Its length and NUL are the domain's to refuse (classification-rejected, /reason).
    reason: str = Field(description="Why; required, at most 2000 characters")
    expires: dt.date | None = Field(
        default=None, description="Last day the record is in force; open-ended when absent"
    )


class ClassificationRead(BaseModel):
    id: int
    component_id: int
    is_ai: bool
    reason: str
    expires: dt.date | None
    decided_at: dt.datetime
    actor: str = Field(description="The key that recorded it")
    organisation: str = Field(description="The recording key's organisation")
    scope: str = Field(
        description="global (every product) or organisation (that organisation's products)"
    )
    in_force: bool = Field(description="In force on the date asked (today when not asked)")


class ClassificationPage(BaseModel):
    items: list[ClassificationRead]
    next_cursor: str | None


class ComponentReportRead(ComponentStatusRead):
    certificates: list[HeldCertificateRead]
    readiness: ReadinessRead | None = Field(description="Only when a destination is asked")
    used_by: list[ProductUseRead]
    classifications: list[ClassificationRead] = Field(
        description="Classification records in force on the date asked that the caller may "
        "see; they override suspected-AI hints, never the explicit signals"
    )


class ReadinessEvidenceRead(BaseModel):
    bom_id: int = Field(description="The BOM that gives this fact")
    pointer: str = Field(
        description="JSON pointer into the component as that BOM gives it; for a dataset "
        "read through its ref, '<bom-ref>:/data/<n>…' into that data component"
    )
    value: str = Field(description="What is there, shortened")


class ReadinessLackRead(BaseModel):
    bom_id: int
    why: str


class ReadinessItemRead(BaseModel):
    item: str = Field(description="Checklist item code (docs/readiness.md)")
    dimension: str
    meaning: str = Field(description="What a reviewer learns from it")
    where: str = Field(description="Where in CycloneDX it is read from")
    present: bool = Field(description="Whether any BOM read gives it")
    found: list[ReadinessEvidenceRead]
    missing_in: list[ReadinessLackRead] = Field(
        description="The BOMs read that do not give it, and why"
    )


class DimensionReadinessRead(BaseModel):
    dimension: str = Field(description="algorithmic_bias, data_privacy or system_controllability")
    present: int
    expected: int
    fraction: float
    percent: int = Field(description="Whole percent, rounded down")
    present_items: list[str]
    missing_items: list[str]


class ReviewReadinessRead(BaseModel):
    """Advice for a reviewer and the BOM's author: it never changes a verdict."""

    component_id: int
    component: str
    date: dt.date
    applies: bool = Field(description="Readiness applies to AI components only")
    ai_basis: str = Field(description="Why it counts as an AI component, or why not")
    active_certificates: list[str] = Field(
        description="Certificates for its identity active on the date; whether one verifies "
        "it for a destination is answered by GET /api/v1/components/{id}?to=…"
    )
    bom_ids: list[int] = Field(description="The BOMs you may see whose mentions were read")
    dimensions: list[DimensionReadinessRead]
    items: list[ReadinessItemRead]
