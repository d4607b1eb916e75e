"""The certificate registry as data: reviewers and their accreditation, certificates and
their status history, and the versioned ruleset. Every question is asked as of a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from app.domain.ai import DEFAULT_AI_HINTS, AiHints
from app.domain.ids import IdentityKey

ALL = "*"


class Dimension(StrEnum):
    """What an ethical review covers (the guidance names three)."""

    ALGORITHMIC_BIAS = "algorithmic_bias"
    DATA_PRIVACY = "data_privacy"
    SYSTEM_CONTROLLABILITY = "system_controllability"


class CertificateStatus(StrEnum):
    """Recorded statuses; `expired` is derived from the dates and never recorded."""

    UNDER_REVIEW = "under_review"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Period:
    """[start, end], end inclusive; an open end means still in force."""

    start: dt.date
    end: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Reviewer:
    """An institution accredited (for some periods) to issue certificates."""

    id: str
    name: str
    accreditations: tuple[Period, ...] = ()
    public_key: str | None = None

    def accredited_on(self, day: dt.date) -> bool:
        return any(period.covers(day) for period in self.accreditations)


@dataclass(frozen=True, slots=True, order=True)
class StatusEvent:
    """A status change with its date; the history is appended to, never rewritten."""

    date: dt.date
    status: CertificateStatus
    reason: str = ""
    actor: str = ""
    # The reviewer's detached signature (unpadded base64url); None when unsigned. Left out
    # of comparisons: a change is the same change whether or not it came signed.
    signature: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Evidence:
    url: str
    sha256: str | None = None


@dataclass(frozen=True, slots=True)
class Certificate:
    """An AI Export Ethical Compliance Certificate for one component identity."""

    number: str
    subject: IdentityKey
    reviewer_id: str
    dimensions: frozenset[Dimension]
    issued: dt.date
    expires: dt.date
    destinations: frozenset[str] = frozenset({ALL})
    sectors: frozenset[str] = frozenset({ALL})
    evidence: Evidence | None = None
    events: tuple[StatusEvent, ...] = ()
    # The issuing reviewer's detached signature (unpadded base64url); None when unsigned.
    signature: str | None = None

    def recorded_status_on(self, day: dt.date) -> CertificateStatus | None:
        """The last event on or before the day; None before the first event."""
        current = None
        for event in sorted(self.events, key=lambda e: e.date):
            if event.date > day:
                break
            current = event.status
        return current

    def is_expired_on(self, day: dt.date) -> bool:
        return day > self.expires

    def expires_within(self, day: dt.date, days: int) -> bool:
        """Still valid on `day` and expiring no later than `days` after it."""
        return day <= self.expires <= day + dt.timedelta(days=days)


@dataclass(frozen=True, slots=True)
class Ruleset:
    """Versioned policy data: the operator maintains it, the code never hard-codes it.

    `effective_from` is the first day a version governs checks; a version without one
    (published before versions had dates) is in force from the beginning. `in_force` is
    something else: the day the export rule itself took effect, after the pilot."""

    version: str
    domestic_country: str = "CN"
    pilot_start: dt.date = dt.date(2026, 4, 24)
    pilot_end: dt.date = dt.date(2026, 6, 30)
    pilot_countries: frozenset[str] = frozenset()
    in_force: dt.date = dt.date(2026, 7, 1)
    required_dimensions: frozenset[Dimension] = frozenset(Dimension)
    sectors: frozenset[str] = frozenset(
        {
            "intelligent-customer-service",
            "industrial-quality-inspection",
            "cross-border-marketing",
            "hiring",
            "credit-scoring",
            "content-moderation",
        }
    )
    sensitive_domains: frozenset[str] = frozenset(
        {"hiring", "credit-scoring", "content-moderation"}
    )
    country_groups: Mapping[str, frozenset[str]] = field(default_factory=dict)
    require_product_certificate: bool = True
    accept_under_review_upstream: bool = False
    block_on_incomplete_inventory: bool = False
    expiry_warning_days: int = 90
    # A suspected AI component counts as one (PRODUCT.md section 3); off, it only warns.
    suspected_ai_is_ai: bool = True
    ai_hints: AiHints = DEFAULT_AI_HINTS
    effective_from: dt.date | None = None

    def is_group(self, destination: str) -> bool:
        return destination in self.country_groups

    def countries_of(self, destination: str) -> tuple[str, ...]:
        """The countries a question about `destination` asks about, in code order: a
        group's members, or the country itself."""
        return tuple(sorted(self.country_groups.get(destination, frozenset({destination}))))

    def expand(self, destinations: frozenset[str]) -> frozenset[str]:
        """Country codes a scope names, with groups (such as EU) expanded."""
        expanded: set[str] = set()
        for destination in destinations:
            expanded |= self.country_groups.get(destination, frozenset({destination}))
        return frozenset(expanded)

    def covers_destination(self, scope: frozenset[str], destination: str) -> bool:
        return ALL in scope or destination in self.expand(scope)


DEFAULT_RULESET = Ruleset(version="default")


def ruleset_in_force(published: Sequence[Ruleset], day: dt.date) -> Ruleset | None:
    """The version that governs a check dated `day`: of those in `published` (oldest
    published first) whose effective_from is on or before the day, the one with the latest
    effective_from, and of equal dates the one published last. None when none is in force
    yet (the caller falls back to the built-in defaults)."""
    in_force = [
        (ruleset.effective_from or dt.date.min, order, ruleset)
        for order, ruleset in enumerate(published)
        if ruleset.effective_from is None or ruleset.effective_from <= day
    ]
    return max(in_force, key=lambda item: item[:2])[2] if in_force else None
