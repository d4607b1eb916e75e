"""Export checks and the decisions kept of them, and the audit trail that lists them."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from app.api.schemas.common import NOT_IN_SCOPE_CODE, NOT_IN_SCOPE_REASON


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


class DecisionRecordRead(ExportCheckRead):
    """A stored decision as it was answered, with the audit chain's head before it."""

    chain_head: str | None = Field(
        description="The hash of the audit chain's last entry before the decision entered "
        "it (docs/audit.md)"
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
    chain_head: str | None = Field(description="The audit chain head before this decision")


class DecisionPage(BaseModel):
    items: list[DecisionSummaryRead]
    next_cursor: str | None


class AuditEntryRead(BaseModel):
    at: dt.datetime
    kind: str = Field(
        description="bom_uploaded, bom_ended, ownership_changed, certificate_recorded, "
        "certificate_event, reviewer_changed, component_classified, ruleset_published, "
        "decision_made, key_issued, key_revoked, organisation_created or record_changed "
        "(an audited record changed in place or removed: a BOM's visibility, a subject's "
        "owner, a delegation, a webhook subscription)"
    )
    record_id: int = Field(description="The id of the record within its kind")
    actor: str | None = Field(
        description="Who did it: the API key that acted and its organisation "
        "(`<organisation>/key-<id>`), or the command line's operator (`cli (<user>)`); "
        "null only for records kept before actors were recorded"
    )
    subject: str
    detail: str
    chain_seq: int | None = Field(
        default=None,
        description="The record's entry in the audit chain (docs/audit.md); administrators "
        "only, as its gaps would count other organisations' records",
    )
    chain_hash: str | None = Field(default=None, description="That entry's hash")


class AuditPage(BaseModel):
    items: list[AuditEntryRead]
    next_cursor: str | None


class ChainProblemRead(BaseModel):
    problem: str = Field(
        description="broken_link, entry_altered, record_altered, record_deleted or unchained"
    )
    seq: int | None = Field(description="The chain entry; null for a record no entry names")
    kind: str | None
    record_id: int | None
    detail: str


class AuditVerificationRead(BaseModel):
    intact: bool = Field(description="Every entry and every audited record matched")
    entries: int
    head: str | None = Field(description="The last entry's hash; null when a link broke")
    problems: list[ChainProblemRead] = Field(description="The first in chain order first")
