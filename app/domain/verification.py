"""Whether a component's certificates verify it for a question (PRODUCT.md section 4); if
not, every condition each one fails, and which came closest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.product_slice import Question, Registry
from app.domain.reasons import CHECK_ORDER, ReasonCode
from app.domain.registry import ALL, Certificate, CertificateStatus

# Failures of a certificate's standing on the day (its status or its dates): such a
# certificate was issued for what is asked, and it is the one the product relies on.
_STANDING = frozenset(
    {
        ReasonCode.CERTIFICATE_REVOKED,
        ReasonCode.CERTIFICATE_SUSPENDED,
        ReasonCode.CERTIFICATE_UNDER_REVIEW,
        ReasonCode.CERTIFICATE_EXPIRED,
    }
)


@dataclass(frozen=True, slots=True)
class Failure:
    """One condition a certificate does not meet, with the words that say how."""

    reason: ReasonCode
    detail: str


@dataclass(frozen=True, slots=True)
class CertificateFailures:
    """A certificate considered for a component, and every condition it fails."""

    certificate: str
    failures: tuple[Failure, ...]


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether one component is verified; if not, the closest certificate and why, and
    every certificate considered (closest first) with all the conditions each fails."""

    verified: bool
    reason: ReasonCode | None = None
    detail: str = ""
    certificate: str | None = None
    certificates: tuple[CertificateFailures, ...] = ()


def not_covering(number: str, countries: Sequence[str]) -> str:
    """The words of a destination_not_covered failure."""
    return f"{number} does not cover {', '.join(countries)}"


def _standing_failure(
    certificate: Certificate, day: dt.date, *, accept_under_review: bool
) -> Failure | None:
    """Whether the certificate stood on the day: issued, not rejected, active (or under
    review where that is accepted). A status is one at a time, so at most one failure."""
    number = certificate.number
    status = certificate.recorded_status_on(day)
    if certificate.issued > day or status is None:
        return Failure(ReasonCode.NO_CERTIFICATE, f"{number} was not issued by {day}")
    failures = {
        CertificateStatus.REJECTED: Failure(
            ReasonCode.NO_CERTIFICATE, f"the review behind {number} was rejected"
        ),
        CertificateStatus.REVOKED: Failure(ReasonCode.CERTIFICATE_REVOKED, f"{number} is revoked"),
        CertificateStatus.SUSPENDED: Failure(
            ReasonCode.CERTIFICATE_SUSPENDED, f"{number} is suspended"
        ),
    }
    if status is CertificateStatus.UNDER_REVIEW and not accept_under_review:
        return Failure(ReasonCode.CERTIFICATE_UNDER_REVIEW, f"{number} is still under review")
    return failures.get(status)


def failures_of(
    certificate: Certificate,
    registry: Registry,
    question: Question,
    *,
    accept_under_review: bool = False,
) -> tuple[Failure, ...]:
    """Every condition of PRODUCT.md section 4 the certificate fails for the question, in
    the order stated there; empty when it verifies its subject."""
    day, number, ruleset = question.day, certificate.number, registry.ruleset
    found: list[Failure] = []
    standing = _standing_failure(certificate, day, accept_under_review=accept_under_review)
    if standing is not None:
        found.append(standing)
    if certificate.is_expired_on(day):
        found.append(
            Failure(ReasonCode.CERTIFICATE_EXPIRED, f"{number} expired on {certificate.expires}")
        )
    reviewer = registry.reviewers.get(certificate.reviewer_id)
    if reviewer is None or not reviewer.accredited_on(certificate.issued):
        found.append(
            Failure(
                ReasonCode.ISSUER_NOT_ACCREDITED,
                f"{certificate.reviewer_id} was not accredited on {certificate.issued}",
            )
        )
    missing = sorted(ruleset.required_dimensions - certificate.dimensions)
    if missing:
        found.append(
            Failure(ReasonCode.DIMENSION_MISSING, f"{number} does not cover {', '.join(missing)}")
        )
    if not ruleset.covers_destination(certificate.destinations, question.destination):
        found.append(
            Failure(
                ReasonCode.DESTINATION_NOT_COVERED, not_covering(number, [question.destination])
            )
        )
    sector = question.sector
    if ALL not in certificate.sectors and (sector is None or sector not in certificate.sectors):
        found.append(
            Failure(
                ReasonCode.SECTOR_NOT_COVERED,
                f"{number} does not cover {sector or 'an unnamed sector'}",
            )
        )
    return tuple(found)


def _closeness(considered: CertificateFailures) -> tuple[int, int, int, str]:
    """Sort key, closest first. The certificate that fails the fewest conditions; of equal
    counts, the one with fewer failures of what it covers (issuer, dimensions, destination,
    sector, or not existing on the day) than of its standing (revoked, suspended, under
    review, expired), so a suspended certificate that fits the question outranks an active
    one missing a dimension; then the one whose first failure comes latest in the order
    the conditions are checked; then the lowest number. Never the order given."""
    failures = considered.failures
    misfits = sum(failure.reason not in _STANDING for failure in failures)
    return (len(failures), misfits, -CHECK_ORDER[failures[0].reason], considered.certificate)


def verify(
    certificates: Sequence[Certificate],
    registry: Registry,
    question: Question,
    *,
    accept_under_review: bool = False,
) -> Verdict:
    """Verified when at least one certificate passes every rule on the day asked; of several,
    the one valid longest is named, so an expiry warning means cover really is ending. Else
    the closest certificate (see `_closeness`) gives the reason, and every one is listed."""
    considered: list[CertificateFailures] = []
    valid: list[Certificate] = []
    for certificate in certificates:
        failures = failures_of(
            certificate, registry, question, accept_under_review=accept_under_review
        )
        if failures:
            considered.append(CertificateFailures(certificate.number, failures))
        else:
            valid.append(certificate)
    if valid:
        longest = max(valid, key=lambda c: (c.expires, c.number))
        return Verdict(verified=True, certificate=longest.number)
    if not considered:
        return Verdict(
            verified=False, reason=ReasonCode.NO_CERTIFICATE, detail="the registry holds none"
        )
    ranked = tuple(sorted(considered, key=_closeness))
    closest = ranked[0]
    return Verdict(
        verified=False,
        reason=closest.failures[0].reason,
        detail="; ".join(failure.detail for failure in closest.failures),
        certificate=closest.certificate,
        certificates=ranked,
    )
