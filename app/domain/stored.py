"""What the store hands back and takes in about BOMs, components and decisions: plain
records, so that no use case ever holds a database row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.domain.bom import AiReason


@dataclass(frozen=True, slots=True)
class ComponentRecord:
    """A stored component: its identity and the display fields it was first seen with."""

    id: int
    identity_kind: str
    identity_key: str
    name: str
    version: str | None
    group: str | None
    purl: str | None

    @property
    def display_name(self) -> str:
        return f"{self.name}@{self.version}" if self.version else self.name


@dataclass(frozen=True, slots=True)
class NewBom:
    """A document about to be stored, with what was read from it."""

    sha256: str
    media_type: str
    format: str
    spec_version: str
    serial_number: str | None
    bom_version: int
    size_bytes: int
    document: bytes
    document_encoding: str
    subject_id: int
    is_inventory: bool
    sector: str | None
    human_oversight: bool
    incomplete_aggregates: list[str]
    warnings: list[dict[str, str]]
    component_count: int
    ai_component_count: int
    edge_count: int
    uploaded_by: str | None
    uploaded_at: dt.datetime
    organisation_id: int | None


@dataclass(frozen=True, slots=True)
class BomRecord:
    """A stored BOM as the use cases read it (the document itself is read apart)."""

    id: int
    sha256: str
    media_type: str
    spec_version: str
    serial_number: str | None
    bom_version: int
    size_bytes: int
    subject_id: int
    is_inventory: bool
    sector: str | None
    incomplete_aggregates: tuple[str, ...]
    warnings: tuple[dict[str, str], ...]
    component_count: int
    ai_component_count: int
    edge_count: int
    uploaded_by: str | None
    uploaded_at: dt.datetime
    organisation_id: int | None
    visibility: str


@dataclass(frozen=True, slots=True)
class OccurrenceRecord:
    """One mention of a component in one BOM, as that BOM describes it."""

    bom_id: int
    bom_ref: str
    role: str
    type: str
    is_ai: bool
    ai_reasons: tuple[AiReason, ...]
    claimed_certificates: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BomEnding:
    """Why and when a BOM stopped being current: superseded by another, or retired."""

    bom_id: int
    kind: str
    by_bom_id: int | None
    reason: str
    actor: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class NewDecision:
    """A check's answer about to be kept as a decision record."""

    product_id: int
    destination: str
    on_date: dt.date
    sector: str | None
    ruleset_version: str
    decision: str
    evidence_sha256: str
    decided_at: dt.datetime
    decided_by: str | None


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """A kept decision record: what was asked, the answer as given, and when."""

    id: int
    product_id: int
    destination: str
    on_date: dt.date
    sector: str | None
    ruleset_version: str
    decision: str
    answer: dict[str, Any]
    evidence_sha256: str
    decided_at: dt.datetime
    decided_by: str | None
    # The audit chain's head hash just before the decision entered it.
    chain_head: str | None = None


@dataclass(frozen=True, slots=True)
class RegistryGeneration:
    """How much the registry holds and its newest entries: it moves whenever anything is
    recorded (certificates and events are appended, reviewers updated in place, rulesets
    published), so a copy of the registry knows whether it is still the committed truth,
    and what to read to become it again."""

    certificates: int
    events: int
    rulesets: int
    reviewers: int
    newest_certificate: int
    newest_event: int
    newest_ruleset: int
    reviewers_updated: object  # as the database reports its newest updated_at
