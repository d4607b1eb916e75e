"""The audit chain: one hash-linked entry per audited record, and the appended history of
records that change in place (a key's revocation, a BOM's visibility, a subject's owner)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.store.rows import Base
from app.store.rows.columns import Id, SurrogateKey, UtcDateTime


class ChainEntryRow(Base):
    """Entry `seq` of the chain: which record it vouches for, that record's digest when it
    entered, and the hash linking it to the entry before."""

    __tablename__ = "audit_chain"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[int] = mapped_column(Id)
    record_digest: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    # Not unique: SQLite numbers a new row after the highest one left, so a record removed
    # (a delegation, a subscription) may lend its id to a later one, whose entry then counts.
    __table_args__ = (
        Index("ix_audit_chain_kind", "kind", "record_id"),
        UniqueConstraint("hash", name="uq_audit_chain_hash"),
    )


class RecordChangeRow(Base):
    """One in-place change of an audited record (or its removal), and the record's digest
    after it: None when the change removed the record. Appended, never edited."""

    __tablename__ = "record_changes"

    id: Mapped[SurrogateKey]
    record_kind: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[int] = mapped_column(Id)
    change: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    record_digest: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_record_changes_record_kind", "record_kind", "record_id"),)
