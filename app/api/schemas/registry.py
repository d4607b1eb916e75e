"""The certificate registry: reviewers, certificates, their impact, imports and ruleset versions."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from app.api.schemas.components import PathStepRead


class AccreditationRead(BaseModel):
    start: dt.date = Field(alias="from")
    end: dt.date | None = Field(alias="to")

    model_config = {"populate_by_name": True}


class ReviewerRead(BaseModel):
    id: str
    name: str
    public_key: str | None
    accreditations: list[AccreditationRead]


SIGNATURE = (
    "The reviewer's Ed25519 signature (unpadded base64url) over the RFC 8785 canonical form "
    "described in docs/registry.md; absent when unsigned"
)


class StatusEventRead(BaseModel):
    status: str
    date: dt.date
    reason: str
    actor: str
    signature: str | None = Field(default=None, description=SIGNATURE)


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
    signature: str | None = Field(default=None, description=SIGNATURE)


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


class ReviewerPage(BaseModel):
    items: list[ReviewerRead]
    next_cursor: str | None


class RulesetVersionPage(BaseModel):
    items: list[RulesetVersionRead]
    next_cursor: str | None
