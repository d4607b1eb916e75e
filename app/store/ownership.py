"""Who owns each subject and who else may publish for it, its ownership history, and BOMs
retired by those who may publish them, in SQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select

from app.domain.copying import copied
from app.domain.ownership import OwnershipChange, OwnershipEventKind
from app.store.bulk import insert_many
from app.store.conflicts import inserted
from app.store.repository import Repository
from app.store.rows import (
    OwnershipEventRow,
    SubjectDelegateRow,
    SubjectOwnerRow,
    table_of,
)


class OwnershipRepository(Repository):
    def owner(self, subject_id: int) -> int | None:
        """The owning organisation's id, or None while nobody has published the subject."""
        return self._session.scalar(
            select(SubjectOwnerRow.organisation_id).where(SubjectOwnerRow.subject_id == subject_id)
        )

    def owners(self, subject_ids: list[int]) -> dict[int, int]:
        found: dict[int, int] = {}
        for start in range(0, len(subject_ids), 900):
            chunk = subject_ids[start : start + 900]
            query = select(SubjectOwnerRow.subject_id, SubjectOwnerRow.organisation_id).where(
                SubjectOwnerRow.subject_id.in_(chunk)
            )
            found.update(
                (subject, organisation) for subject, organisation in self._session.execute(query)
            )
        return found

    def claim(self, subject_id: int, organisation_id: int, now: dt.datetime) -> tuple[int, bool]:
        """Make the organisation the owner unless someone already is; (owner, claimed now).
        Two first uploads racing for one subject: the unique key picks exactly one."""
        created = insert_many(
            self._session,
            table_of(SubjectOwnerRow),
            ("subject_id", "organisation_id", "since"),
            [(subject_id, organisation_id, now)],
            ignore_conflicts_on="subject_id",
            returning=("subject_id",),
        )
        owner = self.owner(subject_id)
        if owner is None:  # pragma: no cover - inserted or already there
            raise RuntimeError("subject owner vanished")
        return owner, bool(created)

    def transfer(self, subject_id: int, organisation_id: int, now: dt.datetime) -> None:
        row = self._session.get(SubjectOwnerRow, subject_id)
        if row is None:
            self._session.add(
                SubjectOwnerRow(subject_id=subject_id, organisation_id=organisation_id, since=now)
            )
        else:
            row.organisation_id = organisation_id
            row.since = now
        self._session.flush()

    def delegates(self, subject_id: int) -> list[int]:
        return list(
            self._session.scalars(
                select(SubjectDelegateRow.organisation_id)
                .where(SubjectDelegateRow.subject_id == subject_id)
                .order_by(SubjectDelegateRow.organisation_id)
            )
        )

    def add_delegate(self, subject_id: int, organisation_id: int, now: dt.datetime) -> bool:
        """False when the organisation was a delegate already (or a concurrent request has
        just made it one)."""
        if organisation_id in self.delegates(subject_id):
            return False
        return inserted(
            self._session,
            SubjectDelegateRow(
                subject_id=subject_id, organisation_id=organisation_id, granted_at=now
            ),
        )

    def remove_delegate(self, subject_id: int, organisation_id: int) -> bool:
        """False when the organisation was no delegate (or a concurrent request has just
        removed it): one statement, so two removals never both count."""
        removed = self._session.execute(
            delete(SubjectDelegateRow).where(
                SubjectDelegateRow.subject_id == subject_id,
                SubjectDelegateRow.organisation_id == organisation_id,
            )
        )
        return bool(getattr(removed, "rowcount", 0))

    def record(self, change: OwnershipChange) -> None:
        self._session.add(
            OwnershipEventRow(
                subject_id=change.subject_id,
                kind=change.kind.value,
                organisation_id=change.organisation_id,
                previous_organisation_id=change.previous_organisation_id,
                reason=change.reason,
                actor=change.actor,
                at=change.at,
            )
        )
        self._session.flush()

    def events(self, subject_id: int) -> list[OwnershipChange]:
        query = (
            select(OwnershipEventRow)
            .where(OwnershipEventRow.subject_id == subject_id)
            .order_by(OwnershipEventRow.id)
        )
        return [
            copied(OwnershipChange, row, kind=OwnershipEventKind(row.kind))
            for row in self._session.scalars(query)
        ]
