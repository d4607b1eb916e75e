"""Console sessions in SQL, read back as domain values; looked up by the hash of the token."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from app.domain.console_sessions import ConsoleSession
from app.domain.copying import copied
from app.store.repository import Repository
from app.store.rows.console_sessions import ConsoleSessionRow


def _session(row: ConsoleSessionRow) -> ConsoleSession:
    return copied(ConsoleSession, row)


class ConsoleSessionRepository(Repository):
    def add(self, *, token_sha256: str, key_id: int, now: dt.datetime) -> ConsoleSession:
        row = ConsoleSessionRow(
            token_sha256=token_sha256, key_id=key_id, created_at=now, last_seen_at=now
        )
        self._session.add(row)
        self._session.flush()
        return _session(row)

    def by_token(self, token_sha256: str) -> ConsoleSession | None:
        row = self._one_row(ConsoleSessionRow, ConsoleSessionRow.token_sha256 == token_sha256)
        return None if row is None else _session(row)

    def seen(self, session_id: int, now: dt.datetime) -> None:
        self._session.execute(
            update(ConsoleSessionRow)
            .where(ConsoleSessionRow.id == session_id)
            .values(last_seen_at=now)
        )

    def end(self, session_id: int, now: dt.datetime) -> None:
        self._session.execute(
            update(ConsoleSessionRow)
            .where(ConsoleSessionRow.id == session_id, ConsoleSessionRow.ended_at.is_(None))
            .values(ended_at=now)
        )

    def end_for_key(self, key_id: int, now: dt.datetime) -> None:
        """End every session of the key (it was revoked or expired)."""
        self._session.execute(
            update(ConsoleSessionRow)
            .where(ConsoleSessionRow.key_id == key_id, ConsoleSessionRow.ended_at.is_(None))
            .values(ended_at=now)
        )
