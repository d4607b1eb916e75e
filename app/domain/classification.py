"""Classification records: a person's decision that a component is, or is not, an AI
component, and how the records in force settle into one answer (PRODUCT.md section 3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from app.domain.errors import Located

# Long enough for a paragraph of justification, short enough that a reason is a reason and
# not a stored document.
MAX_REASON_LENGTH = 2000


class ClassificationScope(StrEnum):
    """Whose products a record speaks for."""

    GLOBAL = "global"  # recorded by an administrator or reviewer key: everyone's products
    ORGANISATION = "organisation"  # recorded by a procurement key: its organisation's only


@dataclass(frozen=True, slots=True)
class Classification:
    """One recorded decision; appended, never edited. `actor` is the key that acted, taken
    from the credentials, never from what the caller sent."""

    id: int
    component_id: int
    is_ai: bool
    reason: str
    expires: dt.date | None
    decided_at: dt.datetime
    actor: str
    organisation: str
    scope: ClassificationScope

    def in_force_on(self, day: dt.date) -> bool:
        """Decided on or before `day` and not yet expired (the expiry day itself counts)."""
        return self.decided_at.date() <= day and (self.expires is None or day <= self.expires)

    def applies_to(self, owner_organisation: str | None) -> bool:
        """Whether the record speaks for a product owned by `owner_organisation`."""
        return self.scope is ClassificationScope.GLOBAL or (
            owner_organisation is not None and self.organisation == owner_organisation
        )


def settle(
    classifications: Iterable[Classification], day: dt.date, owner_organisation: str | None
) -> bool | None:
    """What the records in force on `day` that apply to a product of `owner_organisation`
    say: None when none applies; True when any says AI, because a gate that is unsure
    must fail closed; False only when every applicable record says not AI."""
    verdicts = [
        c.is_ai for c in classifications if c.in_force_on(day) and c.applies_to(owner_organisation)
    ]
    if not verdicts:
        return None
    return any(verdicts)


def refusals(reason: str, expires: dt.date | None, decided_on: dt.date) -> list[Located]:
    """Why a new record with this reason and expiry cannot be kept; empty when it can."""
    problems = []
    if not reason.strip():
        problems.append(Located("/reason", "a classification needs a reason"))
    elif len(reason) > MAX_REASON_LENGTH:
        problems.append(
            Located("/reason", f"a reason is at most {MAX_REASON_LENGTH} characters long")
        )
    elif "\x00" in reason:  # no database stores a NUL in text
        problems.append(Located("/reason", "a reason may not contain NUL characters"))
    if expires is not None and expires < decided_on:
        problems.append(
            Located("/expires", f"the expiry {expires} is before the decision date {decided_on}")
        )
    return problems
