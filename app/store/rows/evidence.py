"""Kept evidence, the secret its salts are derived with, and the service's signing keys."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.store.rows import Base
from app.store.rows.columns import UtcDateTime


class EvidenceRow(Base):
    """The evidence of one or more decisions, under its digest: the same evidence from many
    checks is kept once."""

    __tablename__ = "evidence"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)


class EvidenceSecretRow(Base):
    """The one secret every worker derives evidence salts with; written by the migration."""

    __tablename__ = "evidence_secret"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    secret: Mapped[bytes] = mapped_column(LargeBinary)


class SigningKeyRow(Base):
    """A public key the service has signed decision records with; a retired one still
    verifies the records it signed."""

    __tablename__ = "signing_keys"

    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    jwk: Mapped[dict[str, str]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    retired_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
