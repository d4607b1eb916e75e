"""Ownership of a subject as a history of events: who claimed it, whom it delegated to,
where it was transferred. Events are recorded once and never edited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class OwnershipEventKind(StrEnum):
    CLAIMED = "claimed"  # the first BOM published for the subject
    DELEGATED = "delegated"
    UNDELEGATED = "undelegated"
    TRANSFERRED = "transferred"  # an administrator's act, with its reason


@dataclass(frozen=True, slots=True)
class OwnershipChange:
    """One event in a subject's ownership history, by organisation id."""

    subject_id: int
    kind: OwnershipEventKind
    organisation_id: int
    previous_organisation_id: int | None
    reason: str
    actor: str
    at: dt.datetime
