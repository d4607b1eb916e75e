"""Kept evidence, the secret of its salts, and the service's signing keys, in SQL."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import Connection, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.domain.signed_records import SigningKeyRecord
from app.store.repository import Repository
from app.store.rows import table_of
from app.store.rows.evidence import EvidenceRow, EvidenceSecretRow, SigningKeyRow


def _insert_if_absent(session: Session, table: Table, values: dict[str, Any]) -> None:
    """Insert unless a row with the same key exists: concurrent checks (or workers) keeping
    the same thing at once both succeed, and one row is kept."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(table).values(**values).on_conflict_do_nothing())


class EvidenceRepository(Repository):
    def secret(self) -> bytes:
        """The secret evidence salts are derived with, drawn by migration 0015. A database
        emptied since (tables truncated) draws another, committed at once on a connection of
        its own so that every reader, even one that only reads, derives with the same."""
        found = self._session.scalar(select(EvidenceSecretRow.secret))
        if found is not None:
            return bytes(found)
        table = table_of(EvidenceSecretRow)
        bind = self._session.get_bind()
        engine = bind.engine if isinstance(bind, Connection) else bind
        with engine.connect() as connection:
            with Session(connection) as session:
                _insert_if_absent(session, table, {"id": 1, "secret": secrets.token_bytes(32)})
                session.commit()
            kept: bytes = connection.execute(select(table.c.secret)).scalar_one()
        return bytes(kept)

    def keep(self, sha256: str, document: dict[str, Any]) -> None:
        _insert_if_absent(
            self._session, table_of(EvidenceRow), {"sha256": sha256, "document": document}
        )

    def get(self, sha256: str) -> dict[str, Any] | None:
        row = self._session.get(EvidenceRow, sha256)
        return None if row is None else dict(row.document)


class SigningKeyRepository(Repository):
    def register(self, key_id: str, jwk: dict[str, str], at: dt.datetime) -> None:
        """Keep a public key (unless kept already: a retired key stays retired)."""
        _insert_if_absent(
            self._session,
            table_of(SigningKeyRow),
            {"key_id": key_id, "jwk": jwk, "created_at": at, "retired_at": None},
        )

    def retire_all_but(self, key_id: str, at: dt.datetime) -> None:
        self._session.execute(
            update(SigningKeyRow)
            .where(SigningKeyRow.key_id != key_id, SigningKeyRow.retired_at.is_(None))
            .values(retired_at=at)
        )

    def get(self, key_id: str) -> SigningKeyRecord | None:
        row = self._session.get(SigningKeyRow, key_id)
        return None if row is None else _record(row)

    def all(self) -> list[SigningKeyRecord]:
        """Every key, the newest first."""
        rows = self._session.scalars(
            select(SigningKeyRow).order_by(SigningKeyRow.created_at.desc(), SigningKeyRow.key_id)
        )
        return [_record(row) for row in rows]


def _record(row: SigningKeyRow) -> SigningKeyRecord:
    return SigningKeyRecord(row.key_id, dict(row.jwk), row.created_at, row.retired_at)
