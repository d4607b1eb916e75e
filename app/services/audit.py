"""The audit trail an auditor reads: who did what, when, in one time-ordered stream, with
what the caller's organisation may not see left out."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.access import Viewer
from app.domain.audit import AuditRecord, Position
from app.domain.errors import InvalidRequestError, Located
from app.domain.ids import parse_id
from app.services.visibility import bom_visibility

if TYPE_CHECKING:
    from app.services.runtime import Runtime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    record: AuditRecord

    @property
    def cursor(self) -> str:
        """Where a page that ends here resumes: opaque to callers."""
        record = self.record
        return f"{record.at.isoformat()}|{record.kind}|{record.record_id}"


# time|kind|id, as `AuditEntry.cursor` writes it.
_CURSOR = re.compile(r"([0-9T:.+-]{19,40})\|([a-z_]{1,32})\|([0-9]{1,19})")


def position_of(cursor: str | None, where: str = "cursor") -> Position | None:
    """The place a cursor names; None without one (or an empty one). A cursor this trail
    never answered is refused: a time that is not ISO 8601 with a zone, or that no timestamp
    can hold once brought to UTC (0001-01-01T00:00:00+14:00), an id beyond a 64-bit integer."""
    if not cursor:
        return None
    match = _CURSOR.fullmatch(cursor)
    record_id = parse_id(match.group(3), minimum=0) if match else None
    try:
        at = dt.datetime.fromisoformat(match.group(1)) if match else None
        at = at.astimezone(dt.UTC) if at is not None and at.tzinfo is not None else None
    except (ValueError, OverflowError):
        at = None
    if match is None or at is None or record_id is None:
        raise InvalidRequestError(
            "the cursor is not one this list answered",
            [Located(where, "expected time|kind|id as next_cursor gave it")],
        )
    return at, match.group(2), record_id


def audit_trail(
    runtime: Runtime,
    viewer: Viewer | None,
    *,
    cursor: str | None = None,
    limit: int = 100,
    where: str = "cursor",
) -> list[AuditEntry]:
    """The next `limit` entries after `cursor`, oldest first."""
    with runtime.reading() as uow:
        records = uow.audit.records(
            after=position_of(cursor, where),
            limit=limit,
            boms_visible=bom_visibility(uow, viewer),
        )
    return [AuditEntry(record) for record in records]
