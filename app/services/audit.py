"""The audit trail an auditor reads: who did what, when, in one time-ordered stream, with
what the caller's organisation may not see left out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.domain.access import Viewer
from app.services.visibility import bom_filter, organisation_id
from app.store.audit import AuditRecord, Position
from app.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class AuditEntry:
    record: AuditRecord

    @property
    def cursor(self) -> str:
        """Where a page that ends here resumes: opaque to callers."""
        record = self.record
        return f"{record.at.isoformat()}|{record.kind}|{record.record_id}"


def position_of(cursor: str | None) -> Position | None:
    """The place a cursor names; an unreadable one starts at the beginning."""
    if not cursor:
        return None
    parts = cursor.split("|")
    if len(parts) != 3 or not parts[2].isdigit():
        return None
    try:
        at = dt.datetime.fromisoformat(parts[0])
    except ValueError:
        return None
    if at.tzinfo is None:
        return None
    return at, parts[1], int(parts[2])


def audit_trail(
    uow: UnitOfWork, viewer: Viewer | None, *, cursor: str | None = None, limit: int = 100
) -> list[AuditEntry]:
    """The next `limit` entries after `cursor`, oldest first."""
    restricted = viewer is not None and not viewer.sees_everything
    owner = organisation_id(uow, viewer) if viewer is not None and restricted else None
    records = uow.audit.records(
        after=position_of(cursor),
        limit=limit,
        boms_visible=bom_filter(uow, viewer),
        organisation_id=owner,
    )
    return [AuditEntry(record) for record in records]
