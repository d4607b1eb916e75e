"""What the audit chain vouches for: each audited table, the columns of its rows a record's
digest covers, and the digest itself (SHA-256 of the RFC 8785 form of those columns).

A digest covers the columns that never change after insert, plus those that change only
through a change recorded in `record_changes` (whose entry carries the record's digest
after the change). Columns that are working state (a BOM's packed document and its derived
counts, a webhook subscription's failure counters and disabled flag, a reviewer's current
fields, whose every version is a reviewer change of its own) are left out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table

from app.store.rows import (
    ApiKeyRow,
    Base,
    BomEndingRow,
    BomRow,
    CertificateEventRow,
    CertificateRow,
    ClassificationRow,
    DecisionRow,
    OrganisationRow,
    OwnershipEventRow,
    ReviewerChangeRow,
    ReviewerRow,
    RulesetRow,
    SubjectDelegateRow,
    SubjectOwnerRow,
    table_of,
)
from app.store.rows.chain import RecordChangeRow
from app.store.rows.webhooks import WebhookSubscriptionRow

# The lowercase hex SHA-256 of a value's RFC 8785 bytes: app.signing.canonical's, handed to
# the store by the service layer (the store does not import the signing adapter).
Canonical = Callable[[object], str]

# The largest integer every JSON reader keeps exactly (RFC 8785 numbers are doubles).
_EXACT = 2**53


@dataclass(frozen=True, slots=True)
class AuditedKind:
    kind: str
    row: type[Base]
    key: str  # the column a chain entry's record_id names
    columns: tuple[str, ...]  # what the record's digest covers
    actor: str | None  # the column naming who acted
    at: str | None  # the record's own time, for the order existing rows enter the chain

    @property
    def table(self) -> Table:
        return table_of(self.row)


AUDITED: tuple[AuditedKind, ...] = (
    AuditedKind("organisation", OrganisationRow, "id",
                ("code", "name", "created_at", "created_by"), "created_by", "created_at"),
    AuditedKind("api_key", ApiKeyRow, "id",
                ("secret_sha256", "prefix", "organisation_id", "roles", "reviewer_code", "label",
                 "created_at", "expires_at", "issued_by", "revoked_at", "revoked_by"),
                "issued_by", "created_at"),
    AuditedKind("reviewer", ReviewerRow, "id", ("code",), None, "updated_at"),
    AuditedKind("reviewer_change", ReviewerChangeRow, "id",
                ("reviewer_code", "name", "public_key", "accreditations", "actor", "at"),
                "actor", "at"),
    AuditedKind("ruleset", RulesetRow, "id",
                ("version", "document", "published_at", "published_by"),
                "published_by", "published_at"),
    AuditedKind("certificate", CertificateRow, "id",
                ("number", "subject_key", "subject_digest", "reviewer_code", "dimensions",
                 "issued", "expires", "destinations", "sectors", "evidence_url",
                 "evidence_sha256", "recorded_at", "recorded_by", "signature"),
                "recorded_by", "recorded_at"),
    AuditedKind("certificate_event", CertificateEventRow, "id",
                ("certificate_id", "status", "date", "reason", "actor", "recorded_at",
                 "signature"),
                "actor", "recorded_at"),
    AuditedKind("bom", BomRow, "id",
                ("sha256", "media_type", "format", "spec_version", "serial_number",
                 "bom_version", "size_bytes", "subject_id", "is_inventory", "uploaded_by",
                 "uploaded_at", "organisation_id", "visibility"),
                "uploaded_by", "uploaded_at"),
    AuditedKind("bom_ending", BomEndingRow, "id",
                ("bom_id", "kind", "by_bom_id", "reason", "actor", "at"), "actor", "at"),
    AuditedKind("subject_owner", SubjectOwnerRow, "subject_id",
                ("subject_id", "organisation_id", "since"), None, "since"),
    AuditedKind("delegation", SubjectDelegateRow, "id",
                ("subject_id", "organisation_id", "granted_at"), None, "granted_at"),
    AuditedKind("ownership_event", OwnershipEventRow, "id",
                ("subject_id", "kind", "organisation_id", "previous_organisation_id", "reason",
                 "actor", "at"),
                "actor", "at"),
    AuditedKind("classification", ClassificationRow, "id",
                ("component_id", "is_ai", "reason", "expires", "decided_at", "actor",
                 "organisation_id", "scope"),
                "actor", "decided_at"),
    AuditedKind("webhook_subscription", WebhookSubscriptionRow, "id",
                ("organisation_id", "url", "events", "secret", "created_by_key_id",
                 "created_by", "created_at"),
                "created_by", "created_at"),
    AuditedKind("decision", DecisionRow, "id",
                ("product_id", "destination", "on_date", "sector", "ruleset_version",
                 "decision", "answer", "evidence_sha256", "decided_at", "decided_by",
                 "signature", "signing_key_id", "chain_head"),
                "decided_by", "decided_at"),
    AuditedKind("record_change", RecordChangeRow, "id",
                ("record_kind", "record_id", "change", "detail", "record_digest", "actor", "at"),
                "actor", "at"),
)  # fmt: skip

BY_KIND: dict[str, AuditedKind] = {kind.kind: kind for kind in AUDITED}
BY_ROW: dict[type[Base], AuditedKind] = {kind.row: kind for kind in AUDITED}
BY_TABLE: dict[str, AuditedKind] = {kind.row.__tablename__: kind for kind in AUDITED}


def plain(value: Any) -> Any:
    """A column value as JSON RFC 8785 writes one way only: times in UTC to the
    microsecond, dates as ISO dates, integers beyond a double's reach as text."""
    plained: Any = value
    if isinstance(value, dt.datetime):
        plained = value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    elif isinstance(value, dt.date):
        plained = value.isoformat()
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _EXACT:
        plained = str(value)
    elif isinstance(value, Mapping):
        plained = {str(key): plain(item) for key, item in value.items()}
    elif isinstance(value, list | tuple):
        plained = [plain(item) for item in value]
    return plained


def record_digest(canonical: Canonical, kind: AuditedKind, values: Mapping[str, Any]) -> str:
    """The digest of one record: its kind and its covered columns' values."""
    return canonical(
        {"kind": kind.kind, "columns": {name: plain(values[name]) for name in kind.columns}}
    )


GENESIS = "0" * 64


def entry_hash(
    canonical: Canonical,
    *,
    seq: int,
    kind: str,
    record_id: int,
    digest: str,
    at: dt.datetime,
    actor: str | None,
    prev: str,
) -> str:
    """The hash of chain entry `seq`: SHA-256 over the canonical form of its fields and the
    hash of the entry before it (GENESIS for the first)."""
    return canonical(
        {"seq": seq, "kind": kind, "record_id": record_id, "record_digest": digest,
         "at": plain(at), "actor": actor, "prev": prev}
    )  # fmt: skip
