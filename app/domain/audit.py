"""The audit trail's entries: who did what, when, to which subject, in one time order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# (time, kind, id): the trail's order, and where a page ends.
Position = tuple[dt.datetime, str, int]


@dataclass(frozen=True, slots=True)
class AuditRecord:
    at: dt.datetime
    kind: str
    record_id: int
    actor: str | None
    subject: str
    detail: str
