"""Organisations and API keys in SQL, read back as domain values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select, update

from app.domain.access import ApiKey, Organisation, Role
from app.domain.copying import copied
from app.store.bulk import chunks
from app.store.conflicts import inserted
from app.store.repository import Repository
from app.store.rows import ApiKeyRow, OrganisationRow


def _organisation(row: OrganisationRow) -> Organisation:
    return copied(Organisation, row)


def _key(row: ApiKeyRow) -> ApiKey:
    return copied(
        ApiKey,
        row,
        roles=tuple(Role(role) for role in row.roles),
        reviewer_id=row.reviewer_code,
    )


class AccessRepository(Repository):
    def _organisation_row(self, code: str) -> OrganisationRow | None:
        return self._one_row(OrganisationRow, OrganisationRow.code == code)

    def organisation(self, code: str) -> Organisation | None:
        row = self._organisation_row(code)
        return None if row is None else _organisation(row)

    def organisation_by_id(self, organisation_id: int) -> Organisation | None:
        row = self._session.get(OrganisationRow, organisation_id)
        return None if row is None else _organisation(row)

    def organisation_or_new(
        self, code: str, name: str, now: dt.datetime, actor: str
    ) -> tuple[Organisation, bool]:
        """The organisation of this code, created with this name unless it exists (or a
        concurrent request created it first); (it, whether this call created it)."""
        found = self.organisation(code)
        if found is not None:
            return found, False
        row = OrganisationRow(code=code, name=name, created_at=now, created_by=actor)
        if inserted(self._session, row):
            return _organisation(row), True
        raced = self.organisation(code)
        if raced is None:  # pragma: no cover - the unique key has just named it
            raise RuntimeError(f"organisation {code!r} vanished")
        return raced, False

    def organisations(self) -> list[Organisation]:
        query = select(OrganisationRow).order_by(OrganisationRow.code)
        return [_organisation(row) for row in self._session.scalars(query)]

    def organisation_codes(self, organisation_ids: Iterable[int]) -> dict[int, str]:
        """The code of each of these organisations, in one query a chunk, whatever the
        number of organisations on the server."""
        found: dict[int, str] = {}
        for chunk in chunks(sorted(set(organisation_ids))):
            query = select(OrganisationRow.id, OrganisationRow.code).where(
                OrganisationRow.id.in_(chunk)
            )
            found.update((row_id, code) for row_id, code in self._session.execute(query))
        return found

    def organisations_page(
        self, *, after_code: str | None, limit: int | None
    ) -> list[Organisation]:
        """Organisations by code, after `after_code` and at most `limit` of them."""
        query = select(OrganisationRow).order_by(OrganisationRow.code).limit(limit)
        if after_code is not None:
            query = query.where(OrganisationRow.code > after_code)
        return [_organisation(row) for row in self._session.scalars(query)]

    def add_key(
        self,
        *,
        secret_sha256: str,
        prefix: str,
        organisation_id: int,
        roles: Iterable[Role],
        reviewer_id: str | None,
        label: str,
        now: dt.datetime,
        expires_at: dt.datetime | None,
        actor: str,
    ) -> ApiKey:
        row = ApiKeyRow(
            secret_sha256=secret_sha256,
            prefix=prefix,
            organisation_id=organisation_id,
            roles=sorted(set(roles)),
            reviewer_code=reviewer_id,
            label=label,
            created_at=now,
            expires_at=expires_at,
            revoked_at=None,
            issued_by=actor,
        )
        self._session.add(row)
        self._session.flush()
        return _key(row)

    def revoke_key(self, key_id: int, now: dt.datetime, actor: str) -> bool:
        """False when the key was revoked already (or a concurrent request has just revoked
        it): one statement, so the first revocation's time and actor stand."""
        revoked = self._session.execute(
            update(ApiKeyRow)
            .where(ApiKeyRow.id == key_id, ApiKeyRow.revoked_at.is_(None))
            .values(revoked_at=now, revoked_by=actor)
        )
        return bool(getattr(revoked, "rowcount", 0))

    def key_by_secret(self, secret_sha256: str) -> ApiKey | None:
        row = self._one_row(ApiKeyRow, ApiKeyRow.secret_sha256 == secret_sha256)
        return None if row is None else _key(row)

    def key(self, key_id: int) -> ApiKey | None:
        row = self._session.get(ApiKeyRow, key_id)
        return None if row is None else _key(row)

    def keys_page(
        self, *, organisation: str | None, after_id: int | None, limit: int | None
    ) -> list[tuple[ApiKey, str]]:
        """Keys by id, each with its organisation's code (only `organisation`'s when
        given), after `after_id` and at most `limit` of them."""
        query = (
            select(ApiKeyRow, OrganisationRow.code)
            .join(OrganisationRow, OrganisationRow.id == ApiKeyRow.organisation_id)
            .order_by(ApiKeyRow.id)
            .limit(limit)
        )
        if organisation is not None:
            query = query.where(OrganisationRow.code == organisation)
        if after_id is not None:
            query = query.where(ApiKeyRow.id > after_id)
        return [(_key(row), code) for row, code in self._session.execute(query)]

    def all_keys(self) -> list[ApiKey]:
        return [
            _key(row) for row in self._session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id))
        ]
