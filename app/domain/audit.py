"""The audit trail's entries: who did what, when, to which subject, in one time order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Every kind of record the trail holds: the store reads no other, and the console offers
# these as its filter's choices.
TRAIL_KINDS: tuple[str, ...] = (
    "bom_uploaded", "bom_ended", "ownership_changed", "certificate_recorded",
    "certificate_event", "reviewer_changed", "component_classified", "ruleset_published",
    "decision_made", "key_issued", "key_revoked", "organisation_created", "record_changed",
)  # fmt: skip

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
    # The record's entry in the audit chain: its sequence number and hash.
    chain_seq: int | None = None
    chain_hash: str | None = None


@dataclass(frozen=True, slots=True)
class ChainProblem:
    """What `audit verify` found wrong, and where: the chain entry's sequence number (None
    for an audited record that no entry vouches for), the record's kind and id."""

    problem: str  # broken_link | entry_altered | record_altered | record_deleted | unchained
    seq: int | None
    kind: str | None
    record_id: int | None
    detail: str

    def __str__(self) -> str:
        where = f"seq {self.seq}" if self.seq is not None else "no chain entry"
        record = f" {self.kind} {self.record_id}" if self.kind is not None else ""
        return f"{self.problem} at {where}{record}: {self.detail}"


@dataclass(frozen=True, slots=True)
class ChainVerification:
    """The chain walked from its first entry: how many entries, the head's hash, and every
    problem found, the first in chain order first."""

    entries: int
    head: str
    problems: tuple[ChainProblem, ...]

    @property
    def intact(self) -> bool:
        return not self.problems


# Who acted when exportgate acts on its own (a subscription disabled after failures, or
# because the key it sees with can no longer be used).
SYSTEM_ACTOR = "exportgate (automatic)"
