"""The export decision (PRODUCT.md section 4) as a pure function of what it is given."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.domain.decision_warnings import DecisionWarning, warnings_of
from app.domain.product_slice import Member, ProductSlice, Question, Registry
from app.domain.reasons import CHECK_ORDER, ReasonCode, ScopeReason, WarningCode
from app.domain.registry import Certificate, Ruleset
from app.domain.verification import CertificateFailures, Failure, Verdict, not_covering, verify


class Decision(StrEnum):
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    NOT_IN_SCOPE = "not_in_scope"


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


class Verdicts:
    """What was reached about certificates, kept across the countries of a group and (when
    one caller weighs many products against one registry) across products; one registry
    only. A verdict is keyed by the component's identity, whether under-review upstream is
    accepted, the day, the sector and the country, which is None where every certificate
    covers it (then nothing in the verdict names it)."""

    def __init__(self) -> None:
        self.reached: dict[tuple[str, bool, dt.date, str | None, str | None], Verdict] = {}
        self._covers: dict[tuple[str, str], bool] = {}

    def covers(
        self, ruleset: Ruleset, certificate: Certificate, asked: str, countries: Sequence[str]
    ) -> bool:
        """Whether the certificate's scope covers every country of the destination asked (a
        group's, or the one); the same question is asked of hundreds of products."""
        key = (certificate.number, asked)
        found = self._covers.get(key)
        if found is None:
            found = self._covers[key] = all(
                ruleset.covers_destination(certificate.destinations, c) for c in countries
            )
        return found


def check(
    product: ProductSlice,
    registry: Registry,
    question: Question,
    verdicts: Verdicts | None = None,
) -> ExportCheck:
    """May this product go where and when the question asks? The destination is a country
    or a group the ruleset defines: a group is answered for each of its countries, and is
    ineligible when any of them is, else eligible when any is, else not in scope.
    Deterministic: blockers and warnings follow the order of the members given (the caller
    orders them by identity), then the order of the countries."""
    question = _asked(product, question)
    verdicts = Verdicts() if verdicts is None else verdicts
    ruleset = registry.ruleset
    if not ruleset.is_group(question.destination):
        return _check_country(product, registry, question, verdicts)
    countries = ruleset.countries_of(question.destination)
    if _alike(product, registry, question, countries, verdicts):
        first = _check_country(
            product, registry, dataclasses.replace(question, destination=countries[0]), verdicts
        )
        answers = [first, *(_as_for(first, country) for country in countries[1:])]
        return _combined(product, question, ruleset, answers)
    answers = [
        _check_country(
            product, registry, dataclasses.replace(question, destination=country), verdicts
        )
        for country in countries
    ]
    return _combined(product, question, ruleset, answers)


def _asked(product: ProductSlice, question: Question) -> Question:
    """The question as the rule reads it: the destination in capitals, the product's own
    sector where none is asked."""
    return Question(question.destination.upper(), question.day, question.sector or product.sector)


def _alike(
    product: ProductSlice,
    registry: Registry,
    question: Question,
    countries: Sequence[str],
    verdicts: Verdicts,
) -> bool:
    """Whether the answer is the same for every country of a group but for its name: the
    rule applies to each alike (domestic country, pilot), and every certificate of the
    product and its members covers each (a certificate's failure to cover a country is the
    only failure that names one, and the only one that differs between them)."""
    ruleset = registry.ruleset
    scopes = {
        scope_of(product, ruleset, dataclasses.replace(question, destination=country))
        for country in countries
    }
    if len(scopes) > 1:
        return False
    return all(
        verdicts.covers(ruleset, certificate, question.destination, countries)
        for member in (product.product, *product.members)
        for certificate in registry.certificates_of(member)
    )


def _as_for(answer: ExportCheck, country: str) -> ExportCheck:
    """One country's answer given for another the group holds alike (`_alike`)."""
    return dataclasses.replace(
        answer,
        question=dataclasses.replace(answer.question, destination=country),
        blockers=tuple(dataclasses.replace(b, countries=(country,)) for b in answer.blockers),
        countries=tuple(dataclasses.replace(c, destination=country) for c in answer.countries),
    )


def _check_country(
    product: ProductSlice,
    registry: Registry,
    question: Question,
    verdicts: Verdicts,
    *,
    warned: bool = True,
) -> ExportCheck:
    """One country's answer; `verdicts` keeps what was reached about certificates. Without
    `warned` the answer holds no warnings (they never change a decision): a status does
    not show them, and a settling pass weighs thousands."""
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
            warnings=tuple(warnings_of(product, registry, question)) if warned else (),
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
        accept = upstream and ruleset.accept_under_review_upstream
        # A failure to cover a country names it; nothing else in a verdict does.
        covered = all(verdicts.covers(ruleset, c, question.destination, here) for c in certificates)
        where = None if covered else question.destination
        key = (member.identity_key, accept, question.day, question.sector, where)
        verdict = verdicts.reached.get(key)
        if verdict is None:
            verdict = verdicts.reached[key] = verify(
                certificates, registry, question, accept_under_review=accept
            )
        if verdict.verified and verdict.certificate is not None:
            verified.append((member.name, verdict.certificate))
            held = next(c for c in certificates if c.number == verdict.certificate)
            if warned and held.expires_within(question.day, ruleset.expiry_warning_days):
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
    if warned:
        warnings.extend(warnings_of(product, registry, question))
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
            return Failure(failure.reason, not_covering(number, uncovered[number]))
        return failure

    certificates = tuple(
        CertificateFailures(
            number,
            tuple(
                worded(number, failure)
                for failure in sorted(kept.values(), key=lambda f: CHECK_ORDER[f.reason])
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
    product: ProductSlice,
    registry: Registry,
    group: str,
    day: dt.date,
    sector: str | None = None,
    *,
    verdicts: Verdicts | None = None,
) -> GroupStatus:
    """A product's standing for a group the ruleset defines, or one country, summed up the
    way a shipping desk reads it: the check of the group, without its paths. Where every
    country of the group answers alike, one country's answer stands for all of them."""
    question = _asked(product, Question(group, day, sector))
    ruleset = registry.ruleset
    verdicts = Verdicts() if verdicts is None else verdicts
    if ruleset.is_group(question.destination):
        countries = ruleset.countries_of(question.destination)
        if _alike(product, registry, question, countries, verdicts):
            first = _check_country(
                product,
                registry,
                dataclasses.replace(question, destination=countries[0]),
                verdicts,
                warned=False,
            )
            return GroupStatus(
                group=question.destination,
                decision=first.decision,
                destinations=tuple(countries),
                ineligible=tuple(countries) if first.decision is Decision.INELIGIBLE else (),
                reasons=tuple(dict.fromkeys(blocker.reason for blocker in first.blockers)),
            )
    answer = check(product, registry, question, verdicts)
    return GroupStatus(
        group=answer.question.destination,
        decision=answer.decision,
        destinations=tuple(country.destination for country in answer.countries),
        ineligible=answer.ineligible_countries,
        reasons=tuple(dict.fromkeys(blocker.reason for blocker in answer.blockers)),
    )
