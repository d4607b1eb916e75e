"""Organisations and API keys in SQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.conflicts import inserted
from app.store.rows import ApiKeyRow, OrganisationRow


class AccessRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def organisation(self, code: str) -> OrganisationRow | None:
        return self._session.scalars(
            select(OrganisationRow).where(OrganisationRow.code == code)
        ).one_or_none()

    def organisation_by_id(self, organisation_id: int) -> OrganisationRow | None:
        return self._session.get(OrganisationRow, organisation_id)

    def organisation_or_new(
        self, code: str, name: str, now: dt.datetime, actor: str
    ) -> tuple[OrganisationRow, bool]:
        """The organisation of this code, created with this name unless it exists (or a
        concurrent request created it first); (it, whether this call created it)."""
        found = self.organisation(code)
        if found is not None:
            return found, False
        row = OrganisationRow(code=code, name=name, created_at=now, created_by=actor)
        if inserted(self._session, row):
            return row, True
        raced = self.organisation(code)
        if raced is None:  # pragma: no cover - the unique key has just named it
            raise RuntimeError(f"organisation {code!r} vanished")
        return raced, False

    def organisations(self) -> list[OrganisationRow]:
        return list(self._session.scalars(select(OrganisationRow).order_by(OrganisationRow.code)))

    def add_key(self, row: ApiKeyRow) -> ApiKeyRow:
        self._session.add(row)
        self._session.flush()
        return row

    def key_by_secret(self, secret_sha256: str) -> ApiKeyRow | None:
        return self._session.scalars(
            select(ApiKeyRow).where(ApiKeyRow.secret_sha256 == secret_sha256)
        ).one_or_none()

    def key(self, key_id: int) -> ApiKeyRow | None:
        return self._session.get(ApiKeyRow, key_id)

    def all_keys(self) -> list[ApiKeyRow]:
        return list(self._session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id)))
