"""Request and response shapes of the API (suffix Read for what is returned)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.domain import limits
from app.domain.access import Role, Visibility
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


class Health(BaseModel):
    status: str
    database: str


# -- the export decision -----------------------------------------------------------------


class NamedComponentRead(BaseModel):
    id: int | None = Field(description="None for a component inside a BOM the caller may not see")
    name: str
    identity: str | None


class CheckStepRead(BaseModel):
    parent: str
    child: str
    kind: str
    bom_ids: list[int]


class FailureRead(BaseModel):
    reason: str = Field(description="One of the reason codes of the decision rule")
    detail: str


class ConsideredCertificateRead(BaseModel):
    number: str
    failures: list[FailureRead] = Field(description="Every condition it fails, in rule order")


class BlockingRead(BaseModel):
    component: NamedComponentRead
    reason: str = Field(description="One of the reason codes of the decision rule")
    detail: str
    certificate: str | None = Field(
        description="The certificate that came closest (failed the fewest conditions), if any"
    )
    certificates: list[ConsideredCertificateRead] = Field(
        default=[],
        description="Every certificate considered, closest first, and why each fails",
    )
    countries: list[str] = Field(default=[], description="The countries it blocks")
    path: list[CheckStepRead] = Field(description="The shortest way it is introduced")
    paths: list[list[CheckStepRead]] = Field(
        description="Every distinct way it is introduced, shortest first (bounded)"
    )
    more_paths: int = Field(description="Ways left out by the bound")


class DecisionWarningRead(BaseModel):
    code: str
    message: str
    component: str | None


class VerifiedRead(BaseModel):
    component: str
    certificate: str


class UsedBomRead(BaseModel):
    id: int
    serial_number: str | None
    version: int


class CountryDecisionRead(BaseModel):
    destination: str
    decision: str
    not_in_scope_code: str | None = Field(description=NOT_IN_SCOPE_CODE)
    not_in_scope_reason: str | None = Field(description=NOT_IN_SCOPE_REASON)


class ExportCheckRead(BaseModel):
    decision: str = Field(
        description="eligible, ineligible or not_in_scope; for a group, ineligible when any "
        "of its countries is, else eligible when any is, else not_in_scope"
    )
    product: NamedComponentRead
    destination: str = Field(description="The country or group asked about")
    countries: list[CountryDecisionRead] = Field(
        default=[], description="The answer for each country the destination names"
    )
    ineligible_countries: list[str] = Field(default=[])
    date: dt.date
    sector: str | None
    ruleset: str
    not_in_scope_code: str | None = Field(description=NOT_IN_SCOPE_CODE)
    not_in_scope_reason: str | None = Field(description=NOT_IN_SCOPE_REASON)
    blocking: list[BlockingRead]
    warnings: list[DecisionWarningRead]
    verified: list[VerifiedRead]
    boms: list[UsedBomRead] = Field(
        default=[],
        description="The BOMs the answer used that you may see: the product's current BOMs "
        "and every BOM its closure is expanded through",
    )
    evidence_sha256: str = Field(description="SHA-256 over everything the decision used")
    decision_id: int | None = Field(description="The stored decision record (none for dry runs)")
    decided_at: dt.datetime | None = None


class AccreditationRead(BaseModel):
    start: dt.date = Field(alias="from")
    end: dt.date | None = Field(alias="to")

    model_config = {"populate_by_name": True}


class ReviewerRead(BaseModel):
    id: str
    name: str
    public_key: str | None
    accreditations: list[AccreditationRead]


class StatusEventRead(BaseModel):
    status: str
    date: dt.date
    reason: str
    actor: str


class CertificateRead(BaseModel):
    number: str
    subject: str
    reviewer: str
    dimensions: list[str]
    issued: dt.date
    expires: dt.date
    destinations: list[str]
    sectors: list[str]
    evidence_url: str | None
    evidence_sha256: str | None
    status: str = Field(description="Status on status_date; `expired` is derived from the dates")
    status_date: dt.date
    events: list[StatusEventRead]


class CertificatePage(BaseModel):
    items: list[CertificateRead]
    next_cursor: str | None


class ImpactedProductRead(BaseModel):
    product_id: int
    product: str
    destination: str
    now: str
    if_revoked: str
    breaks: bool
    path: list[PathStepRead]


class ImpactRead(BaseModel):
    certificate: str
    subject: str
    date: dt.date
    breaking: int = Field(description="Product checks that would become ineligible")
    products: list[ImpactedProductRead]


class ImportReportRead(BaseModel):
    reviewers_changed: int
    certificates_added: int
    events_added: int
    ruleset_published: str | None


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


class DecisionSummaryRead(BaseModel):
    id: int
    product_id: int
    destination: str
    date: dt.date
    sector: str | None
    ruleset: str
    decision: str = Field(description="eligible, ineligible or not_in_scope")
    evidence_sha256: str
    decided_at: dt.datetime


class DecisionPage(BaseModel):
    items: list[DecisionSummaryRead]
    next_cursor: str | None


class RulesetVersionRead(BaseModel):
    version: str
    published_at: dt.datetime
    effective_from: dt.date | None = Field(
        description="The first day it governs checks; none: from the beginning"
    )
    in_force: bool = Field(
        description="In force on the date asked: of the versions in effect by then, the one "
        "with the latest effective_from, and of equal dates the last published"
    )


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


class ReviewerPage(BaseModel):
    items: list[ReviewerRead]
    next_cursor: str | None


class RulesetVersionPage(BaseModel):
    items: list[RulesetVersionRead]
    next_cursor: str | None


class OrganisationPage(BaseModel):
    items: list[OrganisationRead]
    next_cursor: str | None


class KeyPage(BaseModel):
    items: list[KeyRead]
    next_cursor: str | None


class AuditEntryRead(BaseModel):
    at: dt.datetime
    kind: str = Field(
        description="bom_uploaded, bom_ended, ownership_changed, certificate_recorded, "
        "certificate_event, reviewer_changed, component_classified, ruleset_published, "
        "decision_made, key_issued, key_revoked or organisation_created"
    )
    record_id: int = Field(description="The id of the record within its kind")
    actor: str | None = Field(
        description="Who did it: the API key that acted and its organisation "
        "(`<organisation>/key-<id>`), or the command line's operator (`cli (<user>)`); "
        "null only for records kept before actors were recorded"
    )
    subject: str
    detail: str


class AuditPage(BaseModel):
    items: list[AuditEntryRead]
    next_cursor: str | None
