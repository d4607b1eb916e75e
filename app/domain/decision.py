"""The export decision (PRODUCT.md section 4) as a pure function of what it is given."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.domain.ids import IdentityKey
from app.domain.portfolio import BomFacts
from app.domain.registry import ALL, Certificate, CertificateStatus, Reviewer, Ruleset


class Decision(StrEnum):
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    NOT_IN_SCOPE = "not_in_scope"


class ReasonCode(StrEnum):
    """Why a component blocks a product. Listed in the order a certificate is checked (the
    order of PRODUCT.md section 4), which breaks the last ties between certificates."""

    NO_CERTIFICATE = "no_certificate"
    PRODUCT_CERTIFICATE_MISSING = "product_certificate_missing"
    CERTIFICATE_REVOKED = "certificate_revoked"
    CERTIFICATE_SUSPENDED = "certificate_suspended"
    CERTIFICATE_UNDER_REVIEW = "certificate_under_review"
    CERTIFICATE_EXPIRED = "certificate_expired"
    ISSUER_NOT_ACCREDITED = "issuer_not_accredited"
    DIMENSION_MISSING = "dimension_missing"
    DESTINATION_NOT_COVERED = "destination_not_covered"
    SECTOR_NOT_COVERED = "sector_not_covered"
    # Only when the ruleset's block_on_incomplete_inventory switch is on.
    INVENTORY_INCOMPLETE = "inventory_incomplete"


_CHECK_ORDER = {code: rank for rank, code in enumerate(ReasonCode)}
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


class WarningCode(StrEnum):
    CERTIFICATE_EXPIRING = "certificate_expiring"
    INVENTORY_INCOMPLETE = "inventory_incomplete"
    CLAIMED_CERTIFICATE_UNVERIFIED = "claimed_certificate_unverified"
    SENSITIVE_DOMAIN_WITHOUT_OVERSIGHT = "sensitive_domain_without_oversight"
    ASSEMBLY_WITHOUT_BOM = "assembly_without_bom"
    LINKED_BOM_MISSING = "linked_bom_missing"
    SUSPECTED_AI_COMPONENT = "suspected_ai_component"
    SEVERAL_CURRENT_BOMS = "several_current_boms"
    PRODUCT_CHANGED_SINCE_CERTIFICATE = "product_changed_since_certificate"
    # Administrators only: a BOM outside the product calls one of its components AI.
    AI_CLAIMED_ELSEWHERE = "ai_claimed_elsewhere"


class ScopeReason(StrEnum):
    """Why the rule does not apply to a question; `sentence` says it in words."""

    DOMESTIC = "domestic"
    BEFORE_PILOT = "before_pilot"
    NOT_A_PILOT_COUNTRY = "not_a_pilot_country"
    NOT_AI_BEARING = "not_ai_bearing"

    @property
    def sentence(self) -> str:
        return _SCOPE_SENTENCES[self]


_SCOPE_SENTENCES = {
    ScopeReason.DOMESTIC: "the destination is the domestic country",
    ScopeReason.BEFORE_PILOT: "the date is before the pilot period",
    ScopeReason.NOT_A_PILOT_COUNTRY: "in the pilot period the destination is not a pilot country",
    ScopeReason.NOT_AI_BEARING: "the product holds no AI component",
}


# Upstream assemblies whose insides are unknown unless they have a BOM of their own.
ASSEMBLY_TYPES = frozenset({"device", "firmware", "application", "platform", "service"})


@dataclass(frozen=True, slots=True)
class Member:
    """A component the decision looks at (the service explains how it is introduced)."""

    component_id: int
    identity_key: IdentityKey
    name: str
    type: str
    is_ai: bool
    # Whether anything is known of what it holds: its own BOM, or parts listed under it.
    contents_known: bool = False
    claimed_certificates: tuple[str, ...] = ()
    # Why it is suspected of being an AI component though no BOM says so (a ruleset hint),
    # when it is; `is_ai` already says whether the ruleset counts it as one.
    suspected: str | None = None


@dataclass(frozen=True, slots=True)
class ProductSlice:
    """What the decision needs of one product: itself, the members of its closure that
    matter (AI components, assemblies, claimants), and what its current BOM declares."""

    product: Member
    members: tuple[Member, ...]
    # The product's sector, when its BOMs name one; None when they name none or disagree,
    # so that only a certificate covering every sector passes (the stricter reading).
    sector: str | None = None
    incomplete_aggregates: tuple[str, ...] = ()
    human_oversight: bool = False
    # Every sector the product's current BOMs name, in order.
    sectors: tuple[str, ...] = ()
    # The product's current BOMs and every BOM its closure is expanded through.
    boms: tuple[BomFacts, ...] = ()
    current_boms: tuple[int, ...] = ()
    # (component id, name, BOM-Link) for each link to a BOM exportgate does not hold.
    missing_links: tuple[tuple[int, str, str], ...] = ()

    @property
    def is_ai_bearing(self) -> bool:
        return self.product.is_ai or any(member.is_ai for member in self.members)


@dataclass(frozen=True, slots=True)
class Registry:
    """The registry as of the check: certificates by subject, reviewers, the ruleset."""

    certificates: Mapping[IdentityKey, Sequence[Certificate]]
    reviewers: Mapping[str, Reviewer]
    ruleset: Ruleset

    def certificates_of(self, member: Member) -> Sequence[Certificate]:
        return self.certificates.get(member.identity_key, ())


@dataclass(frozen=True, slots=True)
class Question:
    """May it go to `destination` on `day` (for `sector`, else the product's own)?"""

    destination: str
    day: dt.date
    sector: str | None = None


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
class Blocker:
    """A component that keeps the product from going to `countries`. `reason`, `detail`
    and `certificate` are the headline: those of the certificate that came closest, the
    first of `certificates`, which lists every one considered and why each fails."""

    component: Member
    reason: ReasonCode
    detail: str
    certificate: str | None = None
    certificates: tuple[CertificateFailures, ...] = ()
    countries: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DecisionWarning:
    code: WarningCode
    message: str
    component: str | None = None
    # The component it is about, so that an answer can be cut to what a caller may see.
    component_id: int | None = None


@dataclass(frozen=True, slots=True)
class CountryDecision:
    """The answer for one country of the question (the only one, or one of a group's)."""

    destination: str
    decision: Decision
    scope_reason: ScopeReason | None = None


@dataclass(frozen=True, slots=True)
class ExportCheck:
    """The answer. `question.destination` is what was asked (a country or a group);
    `countries` holds the answer for each country it names, in code order."""

    decision: Decision
    question: Question
    ruleset: str
    scope_reason: ScopeReason | None = None
    blockers: tuple[Blocker, ...] = ()
    warnings: tuple[DecisionWarning, ...] = ()
    # (component name, certificate number) for every component found verified.
    verified: tuple[tuple[str, str], ...] = ()
    countries: tuple[CountryDecision, ...] = ()

    @property
    def ineligible_countries(self) -> tuple[str, ...]:
        return tuple(c.destination for c in self.countries if c.decision is Decision.INELIGIBLE)


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether one component is verified; if not, the closest certificate and why, and
    every certificate considered (closest first) with all the conditions each fails."""

    verified: bool
    reason: ReasonCode | None = None
    detail: str = ""
    certificate: str | None = None
    certificates: tuple[CertificateFailures, ...] = ()


def _not_covering(number: str, countries: Sequence[str]) -> str:
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
                ReasonCode.DESTINATION_NOT_COVERED, _not_covering(number, [question.destination])
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
    return (len(failures), misfits, -_CHECK_ORDER[failures[0].reason], considered.certificate)


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


def scope_of(product: ProductSlice, ruleset: Ruleset, question: Question) -> ScopeReason | None:
    """Why the rule does not apply, or None when it does."""
    if question.destination == ruleset.domestic_country:
        return ScopeReason.DOMESTIC
    if question.day < ruleset.pilot_start:
        return ScopeReason.BEFORE_PILOT
    in_pilot = question.day <= ruleset.pilot_end and question.day < ruleset.in_force
    if in_pilot and question.destination not in ruleset.expand(ruleset.pilot_countries):
        return ScopeReason.NOT_A_PILOT_COUNTRY
    if not product.is_ai_bearing:
        return ScopeReason.NOT_AI_BEARING
    return None


def check(product: ProductSlice, registry: Registry, question: Question) -> ExportCheck:
    """May this product go where and when the question asks? The destination is a country
    or a group the ruleset defines: a group is answered for each of its countries, and is
    ineligible when any of them is, else eligible when any is, else not in scope.
    Deterministic: blockers and warnings follow the order of the members given (the caller
    orders them by identity), then the order of the countries."""
    question = Question(
        question.destination.upper(), question.day, question.sector or product.sector
    )
    ruleset = registry.ruleset
    if not ruleset.is_group(question.destination):
        return _check_country(product, registry, question)
    answers = [
        _check_country(product, registry, dataclasses.replace(question, destination=country))
        for country in ruleset.countries_of(question.destination)
    ]
    return _combined(product, question, ruleset, answers)


def _check_country(product: ProductSlice, registry: Registry, question: Question) -> ExportCheck:
    ruleset = registry.ruleset
    here = (question.destination,)
    scope = scope_of(product, ruleset, question)
    if scope is ScopeReason.NOT_AI_BEARING:
        # No AI is known inside; what is unknown is said, and blocks under the switch, since
        # an assembly of unknown contents may hold AI.
        unknown = _incomplete_blockers(product, ruleset, here)
        decision = Decision.INELIGIBLE if unknown else Decision.NOT_IN_SCOPE
        reason = None if unknown else scope
        return ExportCheck(
            decision,
            question,
            ruleset.version,
            scope_reason=reason,
            blockers=tuple(unknown),
            warnings=tuple(_warnings(product, registry, question)),
            countries=(CountryDecision(question.destination, decision, reason),),
        )
    if scope is not None:
        return ExportCheck(
            Decision.NOT_IN_SCOPE,
            question,
            ruleset.version,
            scope_reason=scope,
            countries=(CountryDecision(question.destination, Decision.NOT_IN_SCOPE, scope),),
        )
    blockers: list[Blocker] = []
    warnings: list[DecisionWarning] = []
    verified: list[tuple[str, str]] = []

    def judge(member: Member, *, upstream: bool) -> None:
        certificates = registry.certificates_of(member)
        verdict = verify(
            certificates,
            registry,
            question,
            accept_under_review=upstream and ruleset.accept_under_review_upstream,
        )
        if verdict.verified and verdict.certificate is not None:
            verified.append((member.name, verdict.certificate))
            held = next(c for c in certificates if c.number == verdict.certificate)
            if held.expires_within(question.day, ruleset.expiry_warning_days):
                warnings.append(
                    DecisionWarning(
                        WarningCode.CERTIFICATE_EXPIRING,
                        f"{held.number} expires on {held.expires}, within "
                        f"{ruleset.expiry_warning_days} days",
                        member.name,
                        member.component_id,
                    )
                )
            return
        reason = verdict.reason or ReasonCode.NO_CERTIFICATE
        if not upstream and verdict.certificate is None:
            reason = ReasonCode.PRODUCT_CERTIFICATE_MISSING
        detail = verdict.detail
        if member.suspected is not None:
            detail = f"suspected AI component: {member.suspected}; {detail}"
        blockers.append(
            Blocker(member, reason, detail, verdict.certificate, verdict.certificates, here)
        )

    if ruleset.require_product_certificate or product.product.is_ai:
        judge(product.product, upstream=False)
    for member in product.members:
        if member.is_ai:
            judge(member, upstream=True)
    warnings.extend(_warnings(product, registry, question))
    blockers.extend(_incomplete_blockers(product, ruleset, here))
    decision = Decision.INELIGIBLE if blockers else Decision.ELIGIBLE
    return ExportCheck(
        decision,
        question,
        ruleset.version,
        blockers=tuple(blockers),
        warnings=tuple(warnings),
        verified=tuple(verified),
        countries=(CountryDecision(question.destination, decision),),
    )


def _combined(
    product: ProductSlice, question: Question, ruleset: Ruleset, answers: Sequence[ExportCheck]
) -> ExportCheck:
    """One answer for a group from the answers for each of its countries: a blocker that
    blocks several countries for the same reason and certificate is named once, with them."""
    decisions = {answer.decision for answer in answers}
    decision = next(
        (d for d in (Decision.INELIGIBLE, Decision.ELIGIBLE) if d in decisions),
        Decision.NOT_IN_SCOPE,
    )
    # Not in scope anywhere: each country keeps its own reason in `countries`; the first
    # country's is the answer's.
    scope = None
    if decision is Decision.NOT_IN_SCOPE:
        scope = next((a.scope_reason for a in answers), None)
    same: dict[tuple[int, ReasonCode, str | None], list[Blocker]] = {}
    for answer in answers:
        for blocker in answer.blockers:
            key = (blocker.component.component_id, blocker.reason, blocker.certificate)
            same.setdefault(key, []).append(blocker)
    # The order one country's blockers follow: the product, its members, then the
    # product's inventory; of one component, first seen first (sorted is stable).
    place = {m.component_id: index for index, m in enumerate(product.members, start=1)}
    place[product.product.component_id] = 0

    def order(blocker: Blocker) -> int:
        if blocker.reason is ReasonCode.INVENTORY_INCOMPLETE:
            return len(place)
        return place.get(blocker.component.component_id, len(place))

    merged = sorted((_merged(group) for group in same.values()), key=order)
    return ExportCheck(
        decision,
        question,
        ruleset.version,
        scope_reason=scope,
        blockers=tuple(merged),
        warnings=tuple(dict.fromkeys(w for answer in answers for w in answer.warnings)),
        verified=tuple(dict.fromkeys(v for answer in answers for v in answer.verified)),
        countries=tuple(country for answer in answers for country in answer.countries),
    )


def _merged(blockers: Sequence[Blocker]) -> Blocker:
    """Blockers of one component, reason and certificate in several countries, as one. Only
    the destination condition depends on the country, so its words name every country it
    fails for; every other failure reads the same in each."""
    first = blockers[0]
    countries = tuple(c for blocker in blockers for c in blocker.countries)
    failures: dict[str, dict[ReasonCode, Failure]] = {}
    uncovered: dict[str, list[str]] = {}
    for blocker in blockers:
        for considered in blocker.certificates:
            kept = failures.setdefault(considered.certificate, {})
            for failure in considered.failures:
                kept.setdefault(failure.reason, failure)
                if failure.reason is ReasonCode.DESTINATION_NOT_COVERED:
                    uncovered.setdefault(considered.certificate, []).extend(blocker.countries)

    def worded(number: str, failure: Failure) -> Failure:
        if failure.reason is ReasonCode.DESTINATION_NOT_COVERED:
            return Failure(failure.reason, _not_covering(number, uncovered[number]))
        return failure

    certificates = tuple(
        CertificateFailures(
            number,
            tuple(
                worded(number, failure)
                for failure in sorted(kept.values(), key=lambda f: _CHECK_ORDER[f.reason])
            ),
        )
        for number, kept in failures.items()
    )
    detail = first.detail
    if certificates and first.certificate == certificates[0].certificate:
        detail = "; ".join(failure.detail for failure in certificates[0].failures)
    return Blocker(
        first.component, first.reason, detail, first.certificate, certificates, countries
    )


def _incomplete_blockers(
    product: ProductSlice, ruleset: Ruleset, here: tuple[str, ...]
) -> list[Blocker]:
    """Under block_on_incomplete_inventory: an inventory declared incomplete, and BOM-Links
    to BOMs not held, block the product."""
    if not ruleset.block_on_incomplete_inventory:
        return []
    found = []
    if product.incomplete_aggregates:
        found.append(
            Blocker(
                product.product,
                ReasonCode.INVENTORY_INCOMPLETE,
                f"the BOM declares its inventory {', '.join(product.incomplete_aggregates)}",
                countries=here,
            )
        )
    if product.missing_links:
        found.append(
            Blocker(
                product.product,
                ReasonCode.INVENTORY_INCOMPLETE,
                "BOM-Links lead to BOMs exportgate does not hold: "
                + ", ".join(f"{name} ({urn})" for _, name, urn in product.missing_links),
                countries=here,
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class GroupStatus:
    """A product's standing for a named group of destinations (such as EU), or one country:
    ineligible when any country of it is, else eligible when any is, else not in scope."""

    group: str
    decision: Decision
    destinations: tuple[str, ...]
    ineligible: tuple[str, ...]
    reasons: tuple[ReasonCode, ...]


def group_status(
    product: ProductSlice, registry: Registry, group: str, day: dt.date, sector: str | None = None
) -> GroupStatus:
    """A product's standing for a group the ruleset defines, or one country, summed up the
    way a shipping desk reads it: the check of the group, without its paths."""
    answer = check(product, registry, Question(group, day, sector))
    return GroupStatus(
        group=answer.question.destination,
        decision=answer.decision,
        destinations=tuple(country.destination for country in answer.countries),
        ineligible=answer.ineligible_countries,
        reasons=tuple(dict.fromkeys(blocker.reason for blocker in answer.blockers)),
    )


def _claim_warnings(
    member: Member, registry: Registry, question: Question, *, upstream: bool
) -> list[DecisionWarning]:
    known = {certificate.number: certificate for certificate in registry.certificates_of(member)}
    found = []
    for number in member.claimed_certificates:
        certificate = known.get(number)
        if certificate is None:
            message = f"the BOM claims {number}; the registry holds no such certificate for it"
        elif not verify(
            [certificate],
            registry,
            question,
            accept_under_review=upstream and registry.ruleset.accept_under_review_upstream,
        ).verified:
            message = f"the BOM claims {number}, which is not valid for this destination and date"
        else:
            continue
        found.append(
            DecisionWarning(
                WarningCode.CLAIMED_CERTIFICATE_UNVERIFIED,
                message,
                member.name,
                member.component_id,
            )
        )
    return found


def changed_since_certificate(
    product: ProductSlice, certificate: Certificate, baseline: frozenset[int] | None
) -> DecisionWarning | None:
    """The AI components in the product that no BOM of it (or of an assembly inside it)
    named when its product certificate was issued; `baseline` is every component those BOMs
    named then, None when none of the product's BOMs existed yet (nothing to compare)."""
    if baseline is None:
        return None
    newer = [m.name for m in product.members if m.is_ai and m.component_id not in baseline]
    if not newer:
        return None
    return DecisionWarning(
        WarningCode.PRODUCT_CHANGED_SINCE_CERTIFICATE,
        f"{', '.join(newer)} came into the product after {certificate.number} was issued on "
        f"{certificate.issued}: the product certificate may not cover them",
        product.product.name,
        product.product.component_id,
    )


def _warnings(
    product: ProductSlice, registry: Registry, question: Question
) -> list[DecisionWarning]:
    found: list[DecisionWarning] = []
    if len(product.current_boms) > 1:
        # The BOMs are not named here: some may be another organisation's private ones (a
        # delegate's), and the answer's `boms` lists those the caller may see.
        disagree = (
            "; they name different sectors, so the check asks as for an unnamed sector "
            "unless a sector is asked"
            if len(product.sectors) > 1
            else ""
        )
        found.append(
            DecisionWarning(
                WarningCode.SEVERAL_CURRENT_BOMS,
                f"several current BOMs describe the product: its contents are all of them "
                f"together{disagree}",
                product.product.name,
                product.product.component_id,
            )
        )
    for component_id, name, urn in product.missing_links:
        found.append(
            DecisionWarning(
                WarningCode.LINKED_BOM_MISSING,
                f"{name} is described by {urn}, a BOM exportgate does not hold: what it "
                "holds is unknown",
                name,
                component_id,
            )
        )
    if product.incomplete_aggregates:
        found.append(
            DecisionWarning(
                WarningCode.INVENTORY_INCOMPLETE,
                f"the BOM declares its inventory {', '.join(product.incomplete_aggregates)}: "
                "components may be missing from this answer",
                product.product.name,
                product.product.component_id,
            )
        )
    for member in (product.product, *product.members):
        if member.suspected is not None and not member.is_ai:
            found.append(
                DecisionWarning(
                    WarningCode.SUSPECTED_AI_COMPONENT,
                    f"{member.name} may be an AI component: {member.suspected} (the ruleset "
                    "does not count suspected AI components; record a classification)",
                    member.name,
                    member.component_id,
                )
            )
        found.extend(
            _claim_warnings(member, registry, question, upstream=member is not product.product)
        )
        if (
            member is not product.product
            and member.type in ASSEMBLY_TYPES
            and not member.contents_known
        ):
            found.append(
                DecisionWarning(
                    WarningCode.ASSEMBLY_WITHOUT_BOM,
                    f"{member.type} {member.name} has no BOM of its own and lists no parts; "
                    "what it holds is unknown",
                    member.name,
                    member.component_id,
                )
            )
    # Asked for one sector, that one; else every sector the product's BOMs name.
    sectors = (question.sector,) if question.sector else product.sectors
    sensitive = [s for s in sectors if s in registry.ruleset.sensitive_domains]
    if sensitive and not product.human_oversight:
        sector = sensitive[0]
        found.append(
            DecisionWarning(
                WarningCode.SENSITIVE_DOMAIN_WITHOUT_OVERSIGHT,
                f"{sector} is a sensitive domain and the BOM shows no human oversight "
                "(property exportgate:human-oversight=true)",
                product.product.name,
                product.product.component_id,
            )
        )
    return found
