"""Table rows. Schema changes go through Alembic; these classes describe what it built.
Newer tables live in a module of this package named after what they hold (imported last)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.expression import false

from app.store.documents import IDENTITY
from app.store.rows.columns import Id, SurrogateKey, UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(row: type[Base]) -> Table:
    """The Core table behind a row class, for bulk and column-only queries."""
    return Base.metadata.tables[row.__tablename__]


class ComponentRow(Base):
    """A component as one identity shared by every BOM that mentions it."""

    __tablename__ = "components"

    id: Mapped[SurrogateKey]
    # Identity keys are unbounded text (long purls); uniqueness is enforced on their digest.
    identity_digest: Mapped[str] = mapped_column(String(64), unique=True)
    identity_kind: Mapped[str] = mapped_column(String(16))
    identity_key: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    version: Mapped[str | None] = mapped_column(Text)
    group: Mapped[str | None] = mapped_column("group_name", Text)
    purl: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    # No index on name or purl: a purl is found by its identity digest, and names are
    # searched case-insensitively by substring, which no plain index serves.


class BomRow(Base):
    """One uploaded document, kept verbatim forever and never edited."""

    __tablename__ = "boms"

    id: Mapped[SurrogateKey]
    sha256: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(8))
    spec_version: Mapped[str] = mapped_column(String(8))
    serial_number: Mapped[str | None] = mapped_column(Text)
    bom_version: Mapped[int] = mapped_column(BigInteger)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    # Deferred: the verbatim document is read only when someone asks for it. Stored packed
    # (app/store/documents.py); `size_bytes` and `sha256` are of the bytes as uploaded.
    document: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    document_encoding: Mapped[str] = mapped_column(String(16), server_default=IDENTITY)
    subject_id: Mapped[int] = mapped_column(ForeignKey("components.id"))
    is_inventory: Mapped[bool] = mapped_column(Boolean)
    sector: Mapped[str | None] = mapped_column(Text)
    human_oversight: Mapped[bool] = mapped_column(Boolean, server_default=false())
    incomplete_aggregates: Mapped[list[str]] = mapped_column(JSON)
    warnings: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    component_count: Mapped[int] = mapped_column(Integer)
    ai_component_count: Mapped[int] = mapped_column(Integer)
    edge_count: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[str | None] = mapped_column(Text)
    uploaded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    # The organisation the BOM belongs to; who else may see inside it (PRODUCT.md section 7).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    visibility: Mapped[str] = mapped_column(String(16), server_default="private")

    # Covers the window that picks each subject's current BOM without reading the rows (whose
    # documents are large).
    __table_args__ = (
        Index("ix_boms_subject_id", "subject_id", "bom_version", "uploaded_at", "id"),
        Index("ix_boms_serial_number", "serial_number"),
        # The same bytes are one BOM per organisation (PRODUCT.md section 7); NULLs are
        # distinct in a unique constraint, so BOMs of no organisation have an index of their own.
        UniqueConstraint("sha256", "organisation_id", name="uq_boms_sha256"),
        Index(
            "uq_boms_sha256_unowned",
            "sha256",
            unique=True,
            sqlite_where=text("organisation_id IS NULL"),
            postgresql_where=text("organisation_id IS NULL"),
        ),
    )


class OccurrenceRow(Base):
    """A component as one BOM describes it, with the raw fields later rules read."""

    __tablename__ = "occurrences"

    id: Mapped[SurrogateKey]
    bom_id: Mapped[int] = mapped_column(ForeignKey("boms.id", ondelete="CASCADE"))
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id"))
    bom_ref: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    location: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(Text)
    version: Mapped[str | None] = mapped_column(Text)
    supplier: Mapped[str | None] = mapped_column(Text)
    is_ai: Mapped[bool] = mapped_column(Boolean)
    ai_reasons: Mapped[list[str]] = mapped_column(JSON)
    claimed_certificates: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    hashes: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)
    # File names, URLs and endpoints the mention carries, read by the suspected-AI hints;
    # None when it carries none (most do not).
    artifacts: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))

    __table_args__ = (
        UniqueConstraint("bom_id", "bom_ref", name="uq_occurrences_bom_id_bom_ref"),
        # Covers the facts the graph keeps of each mention (decision record 15), so a change
        # to the graph reads them without touching these wide rows.
        Index("ix_occurrences_component_facts", "component_id", "bom_id", "type", "is_ai"),
        Index(
            "ix_occurrences_component_artifacts",
            "component_id",
            sqlite_where=text("artifacts IS NOT NULL"),
            postgresql_where=text("artifacts IS NOT NULL"),
        ),
    )


class EdgeRow(Base):
    """source contains or depends on target (or, for lineage kinds, was made from it)."""

    __tablename__ = "edges"

    id: Mapped[SurrogateKey]
    bom_id: Mapped[int] = mapped_column(ForeignKey("boms.id", ondelete="CASCADE"))
    # No foreign keys to components here: an ingest takes both ids from the components it
    # has just ensured in the same transaction, and checking each of a BOM's hundreds of
    # thousands of edges against the components table would double the cost of storing it.
    source_id: Mapped[int] = mapped_column(Id)
    target_id: Mapped[int] = mapped_column(Id)
    kind: Mapped[str] = mapped_column(String(16))

    # Edges are read by BOM, as the portfolio graph is built; the translator already keeps
    # them distinct, and a composite unique index would cost more than the insert itself.
    __table_args__ = (Index("ix_edges_bom_id", "bom_id"),)


class ReviewerRow(Base):
    """An accredited review institution; `code` is the operator's stable identifier."""

    __tablename__ = "reviewers"

    id: Mapped[SurrogateKey]
    code: Mapped[str] = mapped_column(String(128), unique=True)
    name: Mapped[str] = mapped_column(Text)
    public_key: Mapped[str | None] = mapped_column(Text)
    # [{"from": "2026-05-01", "to": null}, …], replaced whole when the roster changes.
    accreditations: Mapped[list[dict[str, str | None]]] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class ReviewerChangeRow(Base):
    """A reviewer body as one change left it (added, renamed, re-keyed, accreditations
    replaced), and who changed it. Appended, never edited: the roster row holds only the
    latest state."""

    __tablename__ = "reviewer_changes"

    id: Mapped[SurrogateKey]
    reviewer_code: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(Text)
    public_key: Mapped[str | None] = mapped_column(Text)
    accreditations: Mapped[list[dict[str, str | None]]] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class CertificateRow(Base):
    """An AI Export Ethical Compliance Certificate; its fields never change once recorded."""

    __tablename__ = "certificates"

    id: Mapped[SurrogateKey]
    number: Mapped[str] = mapped_column(String(128), unique=True)
    subject_key: Mapped[str] = mapped_column(Text)
    subject_digest: Mapped[str] = mapped_column(String(64))
    reviewer_code: Mapped[str] = mapped_column(String(128))
    dimensions: Mapped[list[str]] = mapped_column(JSON)
    issued: Mapped[dt.date] = mapped_column(Date)
    expires: Mapped[dt.date] = mapped_column(Date)
    destinations: Mapped[list[str]] = mapped_column(JSON)
    sectors: Mapped[list[str]] = mapped_column(JSON)
    evidence_url: Mapped[str | None] = mapped_column(Text)
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    # The key (or command) that recorded it; None for records kept before actors were.
    recorded_by: Mapped[str | None] = mapped_column(Text)
    # The issuing reviewer's Ed25519 signature (unpadded base64url); None when unsigned.
    signature: Mapped[str | None] = mapped_column(String(128))

    __table_args__ = (Index("ix_certificates_subject_digest", "subject_digest"),)


class CertificateEventRow(Base):
    """One status change of a certificate; appended, never edited."""

    __tablename__ = "certificate_events"

    id: Mapped[SurrogateKey]
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"))
    status: Mapped[str] = mapped_column(String(16))
    date: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    # The reviewer's Ed25519 signature (unpadded base64url); None when unsigned.
    signature: Mapped[str | None] = mapped_column(String(128))

    __table_args__ = (
        UniqueConstraint(
            "certificate_id", "status", "date", name="uq_certificate_events_certificate_id"
        ),
    )


class RulesetRow(Base):
    """A published ruleset version; the newest is the one in force."""

    __tablename__ = "rulesets"

    id: Mapped[SurrogateKey]
    version: Mapped[str] = mapped_column(String(64), unique=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    published_by: Mapped[str | None] = mapped_column(Text)


class DecisionRow(Base):
    """A stored export check: what was asked, what was answered, on which evidence."""

    __tablename__ = "decisions"

    id: Mapped[SurrogateKey]
    product_id: Mapped[int] = mapped_column(ForeignKey("components.id"))
    destination: Mapped[str] = mapped_column(String(8))
    on_date: Mapped[dt.date] = mapped_column(Date)
    sector: Mapped[str | None] = mapped_column(Text)
    ruleset_version: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(16))
    answer: Mapped[dict[str, Any]] = mapped_column(JSON)
    evidence_sha256: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    # The key that asked (or the command that did); not part of the evidence digest.
    decided_by: Mapped[str | None] = mapped_column(Text)
    # The service's Ed25519 signature over the record's core, and the key's id (RFC 7638);
    # none on records made before records were signed.
    signature: Mapped[str | None] = mapped_column(Text)
    signing_key_id: Mapped[str | None] = mapped_column(String(64))
    # The audit chain's head hash just before this decision entered it.
    chain_head: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_decisions_product_id", "product_id"),)


class OrganisationRow(Base):
    """A company using exportgate; BOMs and keys belong to one."""

    __tablename__ = "organisations"

    id: Mapped[SurrogateKey]
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str | None] = mapped_column(Text)


class ApiKeyRow(Base):
    """An API key, stored as the SHA-256 of the secret: the secret is shown once, never kept."""

    __tablename__ = "api_keys"

    id: Mapped[SurrogateKey]
    secret_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so a person can tell keys apart in a listing.
    prefix: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    roles: Mapped[list[str]] = mapped_column(JSON)
    reviewer_code: Mapped[str | None] = mapped_column(String(128))
    label: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    issued_by: Mapped[str | None] = mapped_column(Text)
    revoked_by: Mapped[str | None] = mapped_column(Text)


class BomShareRow(Base):
    """A private BOM shared with one more organisation."""

    __tablename__ = "bom_shares"

    id: Mapped[SurrogateKey]
    bom_id: Mapped[int] = mapped_column(ForeignKey("boms.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))

    __table_args__ = (UniqueConstraint("bom_id", "organisation_id", name="uq_bom_shares_bom_id"),)


class SubjectOwnerRow(Base):
    """Which organisation owns a subject: the first to publish a BOM for it (PRODUCT.md 3)."""

    __tablename__ = "subject_owners"

    subject_id: Mapped[int] = mapped_column(ForeignKey("components.id"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    since: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class SubjectDelegateRow(Base):
    """Another organisation the owner lets publish BOMs for its subject."""

    __tablename__ = "subject_delegates"

    id: Mapped[SurrogateKey]
    subject_id: Mapped[int] = mapped_column(ForeignKey("components.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    granted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        UniqueConstraint("subject_id", "organisation_id", name="uq_subject_delegates_subject_id"),
    )


class OwnershipEventRow(Base):
    """One change of who may publish for a subject: claimed, delegated, undelegated,
    transferred. Appended, never edited."""

    __tablename__ = "ownership_events"

    id: Mapped[SurrogateKey]
    subject_id: Mapped[int] = mapped_column(Id)
    kind: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[int] = mapped_column(Id)
    previous_organisation_id: Mapped[int | None] = mapped_column(Id)
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_ownership_events_subject_id", "subject_id"),)


class BomEndingRow(Base):
    """A BOM that stopped being current: superseded by a later upload, or retired."""

    __tablename__ = "bom_endings"

    id: Mapped[SurrogateKey]
    bom_id: Mapped[int] = mapped_column(ForeignKey("boms.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    by_bom_id: Mapped[int | None] = mapped_column(Id)
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class BomLinkRow(Base):
    """A component that one BOM says is described by another BOM (CycloneDX BOM-Link):
    resolved when the graph is built, so the order documents arrive in does not matter."""

    __tablename__ = "bom_links"

    id: Mapped[SurrogateKey]
    bom_id: Mapped[int] = mapped_column(ForeignKey("boms.id", ondelete="CASCADE"))
    source_id: Mapped[int] = mapped_column(Id)
    serial_number: Mapped[str] = mapped_column(Text)
    # None: the linked serial's current version.
    linked_version: Mapped[int | None] = mapped_column(BigInteger)
    # A component of the linked BOM (`urn:cdx:…#ref`); None: the linked BOM's subject.
    target_ref: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_bom_links_bom_id", "bom_id"),)


class ClassificationRow(Base):
    """A person's decision that a component is, or is not, an AI component. Appended,
    never edited: a changed mind is a new record (PRODUCT.md section 3)."""

    __tablename__ = "classifications"

    id: Mapped[SurrogateKey]
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id"))
    is_ai: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text)
    expires: Mapped[dt.date | None] = mapped_column(Date)
    decided_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    # The key that acted, from its credentials; never what a caller wrote.
    actor: Mapped[str] = mapped_column(Text)
    # The deciding key's organisation: whose products an organisation-scoped record speaks for.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    scope: Mapped[str] = mapped_column(String(16))

    __table_args__ = (Index("ix_classifications_component_id", "component_id"),)


# Newer tables' modules, imported last (they build on Base): Base.metadata holds every table.
from app.store.rows import chain as chain  # noqa: E402
from app.store.rows import console_sessions as console_sessions  # noqa: E402
from app.store.rows import evidence as evidence  # noqa: E402
from app.store.rows import graph_changes as graph_changes  # noqa: E402
from app.store.rows import statuses as statuses  # noqa: E402
from app.store.rows import webhooks as webhooks  # noqa: E402
