"""Stored standings and their changes (PRODUCT.md section 5): every product's status per
destination group is kept current, and each change of it names what caused it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from app.domain.decision import Decision, GroupStatus
from app.domain.reasons import ReasonCode


class CauseKind(StrEnum):
    """What changed, as stored; `Cause.sentence` says it in words."""

    INITIAL = "initial"  # statuses stored for the first time (a new or upgraded database)
    BOM_UPLOADED = "bom_uploaded"
    BOM_SUPERSEDED = "bom_superseded"
    BOM_RETIRED = "bom_retired"
    OWNERSHIP_CHANGED = "ownership_changed"
    CERTIFICATE_RECORDED = "certificate_recorded"
    CERTIFICATE_EVENT = "certificate_event"
    CERTIFICATE_EXPIRED = "certificate_expired"
    CERTIFICATE_TAKES_EFFECT = "certificate_takes_effect"
    CLASSIFICATION = "classification"
    REVIEWER_CHANGED = "reviewer_changed"
    ACCREDITATION_ENDED = "accreditation_ended"
    RULESET_PUBLISHED = "ruleset_published"
    RULESET_IN_FORCE = "ruleset_in_force"
    REGISTRY_IMPORTED = "registry_imported"
    DATE_PASSED = "date_passed"


_SENTENCES = {
    CauseKind.INITIAL: "statuses stored for the first time",
    CauseKind.BOM_UPLOADED: "a BOM was uploaded",
    CauseKind.BOM_SUPERSEDED: "a BOM was superseded",
    CauseKind.BOM_RETIRED: "a BOM was retired",
    CauseKind.OWNERSHIP_CHANGED: "a subject's ownership changed",
    CauseKind.CERTIFICATE_RECORDED: "certificate {ref} was recorded",
    CauseKind.CERTIFICATE_EVENT: "certificate {ref} changed status",
    CauseKind.CERTIFICATE_EXPIRED: "certificate {ref} expired",
    CauseKind.CERTIFICATE_TAKES_EFFECT: "a dated event of certificate {ref} took effect",
    CauseKind.CLASSIFICATION: "a component was classified",
    CauseKind.REVIEWER_CHANGED: "reviewer {ref} was changed",
    CauseKind.ACCREDITATION_ENDED: "the accreditation of reviewer {ref} ended",
    CauseKind.RULESET_PUBLISHED: "ruleset {ref} was published",
    CauseKind.RULESET_IN_FORCE: "ruleset {ref} came into force",
    CauseKind.REGISTRY_IMPORTED: "a registry file was imported",
    CauseKind.DATE_PASSED: "the date passed to {ref}",
}


@dataclass(frozen=True, slots=True)
class Cause:
    """What caused a re-evaluation: its kind and the id of the thing (a certificate number, a
    ruleset version, a classification id, a day). An upload, supersession or retirement
    names its BOM by `bom_id`; `private_to` is the organisation whose own record it was."""

    kind: CauseKind
    ref: str | None = None
    bom_id: int | None = None
    private_to: str | None = None

    @property
    def sentence(self) -> str:
        text = _SENTENCES[self.kind]
        if self.bom_id is not None:
            text += f" (BOM {self.bom_id})"
        return text.format(ref=self.ref or "")

    @property
    def is_specific(self) -> bool:
        """Whether it names one thing, rather than the passing of time or a first pass."""
        return self.kind not in (CauseKind.DATE_PASSED, CauseKind.INITIAL)


@dataclass(frozen=True, slots=True)
class StatusWork:
    """A change not yet settled into stored statuses: the products holding any of `seeds`
    (every product when None) are evaluated again."""

    id: int
    cause: Cause
    seeds: tuple[int, ...] | None


@dataclass(frozen=True, slots=True)
class StoredStatus:
    """A product's standing for a group as stored, and the day and ruleset it was weighed on."""

    product_id: int
    status: GroupStatus
    sector: str | None
    evaluated_on: dt.date
    ruleset_version: str


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One change of a product's standing for a group; `old` None: its first standing,
    `new` None: it is no product any more."""

    id: int
    product_id: int
    group: str
    old: Decision | None
    new: Decision | None
    cause: Cause
    evaluated_on: dt.date
    at: dt.datetime


def stored_group_status(
    group: str,
    decision: str,
    countries: list[str],
    ineligible: list[str],
    reasons: list[str],
) -> GroupStatus:
    """A group status as read back from storage."""
    return GroupStatus(
        group=group,
        decision=Decision(decision),
        destinations=tuple(countries),
        ineligible=tuple(ineligible),
        reasons=tuple(ReasonCode(reason) for reason in reasons),
    )
