"""The export decision (PRODUCT.md section 4) as a pure function of what it is given."""

from __future__ import annotations

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
    """Why a component blocks a product. Listed in the order a certificate is checked, so a
    later code means a certificate came closer to verifying; the closest one is reported."""

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


_CLOSENESS = {code: rank for rank, code in enumerate(ReasonCode)}


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


class ScopeReason(StrEnum):
    DOMESTIC = "the destination is the domestic country"
    BEFORE_PILOT = "the date is before the pilot period"
    NOT_A_PILOT_COUNTRY = "in the pilot period the destination is not a pilot country"
    NOT_AI_BEARING = "the product holds no AI component"


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
    # The BOMs of the product that introduce it.
    introduced_by: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ProductSlice:
    """What the decision needs of one product: itself, the members of its closure that
    matter (AI components, assemblies, claimants), and what its current BOM declares."""

    product: Member
    members: tuple[Member, ...]
    sector: str | None = None
    incomplete_aggregates: tuple[str, ...] = ()
    human_oversight: bool = False
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
class Blocker:
    component: Member
    reason: ReasonCode
    detail: str
    certificate: str | None = None


@dataclass(frozen=True, slots=True)
class DecisionWarning:
    code: WarningCode
    message: str
    component: str | None = None
    # The component it is about, so that an answer can be cut to what a caller may see.
    component_id: int | None = None


@dataclass(frozen=True, slots=True)
class ExportCheck:
    decision: Decision
    question: Question
    ruleset: str
    scope_reason: ScopeReason | None = None
    blockers: tuple[Blocker, ...] = ()
    warnings: tuple[DecisionWarning, ...] = ()
    # (component name, certificate number) for every component found verified.
    verified: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether one component is verified; if not, the closest certificate and why."""

    verified: bool
    reason: ReasonCode | None = None
    detail: str = ""
    certificate: str | None = None


def _first_failure(  # noqa: PLR0911 - one return per rule, in the order PRODUCT.md states them
    certificate: Certificate,
    registry: Registry,
    question: Question,
    *,
    accept_under_review: bool,
) -> tuple[ReasonCode, str] | None:
    day, number = question.day, certificate.number
    status = certificate.recorded_status_on(day)
    if certificate.issued > day or status is None:
        return ReasonCode.NO_CERTIFICATE, f"{number} was not issued by {day}"
    if status is CertificateStatus.REJECTED:
        return ReasonCode.NO_CERTIFICATE, f"the review behind {number} was rejected"
    if status is CertificateStatus.REVOKED:
        return ReasonCode.CERTIFICATE_REVOKED, f"{number} is revoked"
    if status is CertificateStatus.SUSPENDED:
        return ReasonCode.CERTIFICATE_SUSPENDED, f"{number} is suspended"
    if status is CertificateStatus.UNDER_REVIEW and not accept_under_review:
        return ReasonCode.CERTIFICATE_UNDER_REVIEW, f"{number} is still under review"
    if certificate.is_expired_on(day):
        return ReasonCode.CERTIFICATE_EXPIRED, f"{number} expired on {certificate.expires}"
    reviewer = registry.reviewers.get(certificate.reviewer_id)
    if reviewer is None or not reviewer.accredited_on(certificate.issued):
        return (
            ReasonCode.ISSUER_NOT_ACCREDITED,
            f"{certificate.reviewer_id} was not accredited on {certificate.issued}",
        )
    missing = sorted(registry.ruleset.required_dimensions - certificate.dimensions)
    if missing:
        return ReasonCode.DIMENSION_MISSING, f"{number} does not cover {', '.join(missing)}"
    if not registry.ruleset.covers_destination(certificate.destinations, question.destination):
        return ReasonCode.DESTINATION_NOT_COVERED, f"{number} does not cover {question.destination}"
    sector = question.sector
    if ALL not in certificate.sectors and (sector is None or sector not in certificate.sectors):
        return (
            ReasonCode.SECTOR_NOT_COVERED,
            f"{number} does not cover {sector or 'an unnamed sector'}",
        )
    return None


def verify(
    certificates: Sequence[Certificate],
    registry: Registry,
    question: Question,
    *,
    accept_under_review: bool = False,
) -> Verdict:
    """Verified when at least one certificate passes every rule on the day asked; of several,
    the one valid longest is named, so an expiry warning means cover really is ending."""
    closest: tuple[int, str, ReasonCode, str] | None = None
    valid: list[Certificate] = []
    for certificate in sorted(certificates, key=lambda c: c.number):
        failure = _first_failure(
            certificate, registry, question, accept_under_review=accept_under_review
        )
        if failure is None:
            valid.append(certificate)
            continue
        reason, detail = failure
        candidate = (-_CLOSENESS[reason], certificate.number, reason, detail)
        if closest is None or candidate < closest:
            closest = candidate
    if valid:
        longest = max(valid, key=lambda c: (c.expires, c.number))
        return Verdict(verified=True, certificate=longest.number)
    if closest is None:
        return Verdict(
            verified=False, reason=ReasonCode.NO_CERTIFICATE, detail="the registry holds none"
        )
    _, number, reason, detail = closest
    return Verdict(verified=False, reason=reason, detail=detail, certificate=number)


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
    """May this product go where and when the question asks? Deterministic: blockers and
    warnings follow the order of the members given (the caller orders them by identity)."""
    question = Question(
        question.destination.upper(), question.day, question.sector or product.sector
    )
    ruleset = registry.ruleset
    scope = scope_of(product, ruleset, question)
    if scope is ScopeReason.NOT_AI_BEARING:
        # No AI is known inside; what is unknown is said, and blocks under the switch, since
        # an assembly of unknown contents may hold AI.
        unknown = _incomplete_blockers(product, ruleset)
        return ExportCheck(
            Decision.INELIGIBLE if unknown else Decision.NOT_IN_SCOPE,
            question,
            ruleset.version,
            scope_reason=None if unknown else scope,
            blockers=tuple(unknown),
            warnings=tuple(_warnings(product, registry, question)),
        )
    if scope is not None:
        return ExportCheck(Decision.NOT_IN_SCOPE, question, ruleset.version, scope_reason=scope)
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
        blockers.append(Blocker(member, reason, detail, verdict.certificate))

    if ruleset.require_product_certificate or product.product.is_ai:
        judge(product.product, upstream=False)
        product_certificate = next(
            (number for name, number in verified if name == product.product.name), None
        )
    else:
        product_certificate = None
    for member in product.members:
        if member.is_ai:
            judge(member, upstream=True)
    warnings.extend(_warnings(product, registry, question))
    warnings.extend(_changed_since(product, registry, product_certificate))
    blockers.extend(_incomplete_blockers(product, ruleset))
    return ExportCheck(
        Decision.INELIGIBLE if blockers else Decision.ELIGIBLE,
        question,
        ruleset.version,
        blockers=tuple(blockers),
        warnings=tuple(warnings),
        verified=tuple(verified),
    )


def _incomplete_blockers(product: ProductSlice, ruleset: Ruleset) -> list[Blocker]:
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
            )
        )
    if product.missing_links:
        found.append(
            Blocker(
                product.product,
                ReasonCode.INVENTORY_INCOMPLETE,
                "BOM-Links lead to BOMs exportgate does not hold: "
                + ", ".join(f"{name} ({urn})" for _, name, urn in product.missing_links),
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
    """The check for every country a group names (the ruleset defines groups; anything else
    is one country), summed up the way a shipping desk reads it."""
    countries = tuple(sorted(registry.ruleset.expand(frozenset({group.upper()}))))
    checks = [check(product, registry, Question(country, day, sector)) for country in countries]
    decisions = {result.decision for result in checks}
    if Decision.INELIGIBLE in decisions:
        decision = Decision.INELIGIBLE
    elif Decision.ELIGIBLE in decisions:
        decision = Decision.ELIGIBLE
    else:
        decision = Decision.NOT_IN_SCOPE
    return GroupStatus(
        group=group.upper(),
        decision=decision,
        destinations=countries,
        ineligible=tuple(
            country
            for country, result in zip(countries, checks, strict=True)
            if result.decision is Decision.INELIGIBLE
        ),
        reasons=tuple(
            dict.fromkeys(blocker.reason for result in checks for blocker in result.blockers)
        ),
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


def _changed_since(
    product: ProductSlice, registry: Registry, number: str | None
) -> list[DecisionWarning]:
    """AI components that came into the product after its product certificate was issued:
    every BOM of the product that introduces them was uploaded later than that."""
    if number is None:
        return []
    certificate = next(
        (c for c in registry.certificates_of(product.product) if c.number == number), None
    )
    uploaded = {facts.bom_id: facts.uploaded_on for facts in product.boms}
    if certificate is None:  # pragma: no cover - a verified certificate is in the registry
        return []
    newer = [
        member.name
        for member in product.members
        if member.is_ai
        and member.introduced_by
        and all(
            (day := uploaded.get(bom)) is not None and day > certificate.issued
            for bom in member.introduced_by
        )
    ]
    if not newer:
        return []
    return [
        DecisionWarning(
            WarningCode.PRODUCT_CHANGED_SINCE_CERTIFICATE,
            f"{', '.join(newer)} came into the product after {certificate.number} was issued "
            f"on {certificate.issued}: the product certificate may not cover them",
            product.product.name,
            product.product.component_id,
        )
    ]


def _warnings(
    product: ProductSlice, registry: Registry, question: Question
) -> list[DecisionWarning]:
    found: list[DecisionWarning] = []
    if len(product.current_boms) > 1:
        # Named by serial number and version, which the documents carry, not by storage ids,
        # which depend on the order they came in.
        named = sorted(
            f"{facts.serial_number or 'no serial number'} version {facts.version}"
            for facts in product.boms
            if facts.bom_id in product.current_boms
        )
        found.append(
            DecisionWarning(
                WarningCode.SEVERAL_CURRENT_BOMS,
                f"{len(product.current_boms)} current BOMs describe the product "
                f"({'; '.join(named)}): its contents are all of them together",
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
    sector = question.sector
    if sector in registry.ruleset.sensitive_domains and not product.human_oversight:
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
