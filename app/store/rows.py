"""Table rows. Schema changes go through Alembic; these classes describe what it built."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Integer primary keys autoincrement as BIGINT on PostgreSQL and as ROWID aliases on SQLite.
Id = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Timestamps in UTC on every backend: SQLite keeps no time zone, so it is restored here."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self,
        value: dt.datetime | None,
        dialect: Dialect,  # noqa: ARG002 - the signature SQLAlchemy calls
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must carry a time zone")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self,
        value: dt.datetime | None,
        dialect: Dialect,  # noqa: ARG002 - the signature SQLAlchemy calls
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ComponentRow(Base):
    """A component as one identity shared by every BOM that mentions it."""

    __tablename__ = "components"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    # Identity keys are unbounded text (long purls); uniqueness is enforced on their digest.
    identity_digest: Mapped[str] = mapped_column(String(64), unique=True)
    identity_kind: Mapped[str] = mapped_column(String(16))
    identity_key: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    version: Mapped[str | None] = mapped_column(Text)
    group: Mapped[str | None] = mapped_column("group_name", Text)
    purl: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        Index("ix_components_name", "name"),
        Index("ix_components_purl", "purl"),
    )


class BomRow(Base):
    """One uploaded document, kept verbatim forever and never edited."""

    __tablename__ = "boms"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    media_type: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(8))
    spec_version: Mapped[str] = mapped_column(String(8))
    serial_number: Mapped[str | None] = mapped_column(Text)
    bom_version: Mapped[int] = mapped_column(BigInteger)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    # Deferred: the verbatim document is read only when someone asks for it.
    document: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("components.id"))
    is_inventory: Mapped[bool] = mapped_column(Boolean)
    sector: Mapped[str | None] = mapped_column(Text)
    incomplete_aggregates: Mapped[list[str]] = mapped_column(JSON)
    warnings: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    component_count: Mapped[int] = mapped_column(Integer)
    ai_component_count: Mapped[int] = mapped_column(Integer)
    edge_count: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[str | None] = mapped_column(Text)
    uploaded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_boms_subject_id", "subject_id"),)


class OccurrenceRow(Base):
    """A component as one BOM describes it, with the raw fields later rules read."""

    __tablename__ = "occurrences"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
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

    __table_args__ = (
        UniqueConstraint("bom_id", "bom_ref", name="uq_occurrences_bom_id_bom_ref"),
        Index("ix_occurrences_component_id", "component_id"),
    )


class EdgeRow(Base):
    """source contains or depends on target (or, for lineage kinds, was made from it)."""

    __tablename__ = "edges"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    bom_id: Mapped[int] = mapped_column(ForeignKey("boms.id", ondelete="CASCADE"))
    source_id: Mapped[int] = mapped_column(ForeignKey("components.id"))
    target_id: Mapped[int] = mapped_column(ForeignKey("components.id"))
    kind: Mapped[str] = mapped_column(String(16))

    __table_args__ = (
        UniqueConstraint(
            "bom_id",
            "source_id",
            "target_id",
            "kind",
            name="uq_edges_bom_id_source_id_target_id_kind",
        ),
        Index("ix_edges_target_id", "target_id"),
    )
