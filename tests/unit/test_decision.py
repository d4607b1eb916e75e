"""The export decision of PRODUCT.md section 4: scope, verification of every AI component,
reason codes, warnings, policy switches, dates, and the invariants the decision keeps."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zlib
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.decision import Decision, ExportCheck, Verdicts, check, group_status, scope_of
from app.domain.decision_warnings import changed_since_certificate
from app.domain.ids import IdentityKey
from app.domain.portfolio import BomFacts
from app.domain.product_slice import ASSEMBLY_TYPES, Member, ProductSlice, Question, Registry
from app.domain.reasons import ReasonCode, ScopeReason, WarningCode
from app.domain.registry import (
    ALL,
    Certificate,
    CertificateStatus,
    Dimension,
    Period,
    Reviewer,
    Ruleset,
    StatusEvent,
)
from app.domain.verification import verify

ACTIVE = CertificateStatus.ACTIVE
REVOKED = CertificateStatus.REVOKED
SUSPENDED = CertificateStatus.SUSPENDED
UNDER_REVIEW = CertificateStatus.UNDER_REVIEW
REJECTED = CertificateStatus.REJECTED

ISSUED = dt.date(2026, 6, 1)
EXPIRES = dt.date(2027, 5, 31)
# After the rule is in force, so every foreign destination is in scope.
DAY = dt.date(2026, 8, 1)
PILOT_DAY = dt.date(2026, 5, 15)
EU = frozenset({"DE", "FR", "IT"})

PRODUCT = "camera"
MODEL = "vision"


# --- builders -------------------------------------------------------------------------------


def member(
    key: str,
    *,
    ai: bool = True,
    type_: str = "machine-learning-model",
    contents_known: bool = False,
    claims: Sequence[str] = (),
    suspected: str | None = None,
) -> Member:
    """A component of the closure; its name is its key, its id is derived from the key."""
    return Member(
        component_id=zlib.crc32(key.encode()),
        identity_key=IdentityKey(key),
        name=key,
        type=type_,
        is_ai=ai,
        contents_known=contents_known,
        claimed_certificates=tuple(claims),
        suspected=suspected,
    )


def product_member(key: str = PRODUCT, *, ai: bool = False, claims: Sequence[str] = ()) -> Member:
    return member(key, ai=ai, type_="device", contents_known=True, claims=claims)


def event(day: dt.date, status: CertificateStatus) -> StatusEvent:
    return StatusEvent(day, status, reason=f"{status} on {day}", actor="registry")


def cert(
    number: str,
    subject: str,
    *,
    reviewer_id: str = "R1",
    dimensions: Iterable[Dimension] = tuple(Dimension),
    issued: dt.date = ISSUED,
    expires: dt.date = EXPIRES,
    destinations: Iterable[str] = (ALL,),
    sectors: Iterable[str] = (ALL,),
    events: Sequence[StatusEvent] | None = None,
) -> Certificate:
    """An active certificate covering every dimension, destination and sector by default."""
    return Certificate(
        number=number,
        subject=IdentityKey(subject),
        reviewer_id=reviewer_id,
        dimensions=frozenset(dimensions),
        issued=issued,
        expires=expires,
        destinations=frozenset(destinations),
        sectors=frozenset(sectors),
        events=tuple(events) if events is not None else (event(issued, ACTIVE),),
    )


def reviewer(
    id_: str = "R1", from_: dt.date = dt.date(2026, 1, 1), to: dt.date | None = None
) -> Reviewer:
    return Reviewer(id=id_, name=f"Reviewer {id_}", accreditations=(Period(from_, to),))


def ruleset(
    *,
    require_product_certificate: bool = True,
    accept_under_review_upstream: bool = False,
    block_on_incomplete_inventory: bool = False,
    expiry_warning_days: int = 90,
    pilot_countries: Iterable[str] = ("SG", "AE"),
) -> Ruleset:
    return Ruleset(
        version="test-1",
        pilot_countries=frozenset(pilot_countries),
        country_groups={"EU": EU},
        require_product_certificate=require_product_certificate,
        accept_under_review_upstream=accept_under_review_upstream,
        block_on_incomplete_inventory=block_on_incomplete_inventory,
        expiry_warning_days=expiry_warning_days,
    )


def registry(
    *certificates: Certificate,
    reviewers: Sequence[Reviewer] = (reviewer("R1"),),
    rules: Ruleset | None = None,
) -> Registry:
    by_subject: dict[IdentityKey, list[Certificate]] = {}
    for certificate in certificates:
        by_subject.setdefault(certificate.subject, []).append(certificate)
    return Registry(
        certificates=by_subject,
        reviewers={r.id: r for r in reviewers},
        ruleset=rules if rules is not None else ruleset(),
    )


def product_slice(
    *members: Member,
    product: Member | None = None,
    sector: str | None = None,
    incomplete: Sequence[str] = (),
    oversight: bool = False,
    **fields: Any,
) -> ProductSlice:
    """The camera holding the given members (the vision model by default)."""
    return ProductSlice(
        product=product if product is not None else product_member(),
        members=members if members else (member(MODEL),),
        sector=sector,
        incomplete_aggregates=tuple(incomplete),
        human_oversight=oversight,
        **fields,
    )


def ask(destination: str = "US", day: dt.date = DAY, sector: str | None = None) -> Question:
    return Question(destination, day, sector)


def product_cert() -> Certificate:
    return cert("C-P", PRODUCT)


def model_cert(number: str = "C-V", **fields: Any) -> Certificate:
    return cert(number, MODEL, **fields)


def blockers_of(result: ExportCheck) -> list[tuple[str, ReasonCode, str | None]]:
    return [(b.component.name, b.reason, b.certificate) for b in result.blockers]


def warnings_of(result: ExportCheck) -> list[tuple[WarningCode, str | None]]:
    return [(w.code, w.component) for w in result.warnings]


# --- 1. every reason code -------------------------------------------------------------------


class Case(NamedTuple):
    product: ProductSlice
    registry: Registry
    question: Question
    component: str
    reason: ReasonCode
    certificate: str | None


def _model_case(
    *model_certs: Certificate,
    reason: ReasonCode,
    certificate: str | None,
    reviewers: Sequence[Reviewer] = (reviewer("R1"),),
    question: Question | None = None,
    sector: str | None = None,
) -> Case:
    """The camera holds a valid certificate; the vision model holds the ones given."""
    return Case(
        product_slice(sector=sector),
        registry(product_cert(), *model_certs, reviewers=reviewers),
        question or ask(),
        MODEL,
        reason,
        certificate,
    )


REASON_CASES: dict[str, Case] = {
    "no-certificate-none-in-registry": _model_case(
        reason=ReasonCode.NO_CERTIFICATE, certificate=None
    ),
    "no-certificate-issued-after-the-date": _model_case(
        model_cert(issued=dt.date(2026, 9, 1)), reason=ReasonCode.NO_CERTIFICATE, certificate="C-V"
    ),
    "no-certificate-rejected": _model_case(
        model_cert(events=[event(dt.date(2026, 5, 1), UNDER_REVIEW), event(ISSUED, REJECTED)]),
        reason=ReasonCode.NO_CERTIFICATE,
        certificate="C-V",
    ),
    "product-certificate-missing": Case(
        product_slice(),
        registry(model_cert()),
        ask(),
        PRODUCT,
        ReasonCode.PRODUCT_CERTIFICATE_MISSING,
        None,
    ),
    "expired": _model_case(
        model_cert(expires=dt.date(2026, 7, 31)),
        reason=ReasonCode.CERTIFICATE_EXPIRED,
        certificate="C-V",
    ),
    "suspended": _model_case(
        model_cert(events=[event(ISSUED, ACTIVE), event(dt.date(2026, 7, 1), SUSPENDED)]),
        reason=ReasonCode.CERTIFICATE_SUSPENDED,
        certificate="C-V",
    ),
    "revoked": _model_case(
        model_cert(events=[event(ISSUED, ACTIVE), event(dt.date(2026, 7, 1), REVOKED)]),
        reason=ReasonCode.CERTIFICATE_REVOKED,
        certificate="C-V",
    ),
    "under-review": _model_case(
        model_cert(events=[event(ISSUED, UNDER_REVIEW)]),
        reason=ReasonCode.CERTIFICATE_UNDER_REVIEW,
        certificate="C-V",
    ),
    "issuer-accredited-only-after-issue": _model_case(
        model_cert(reviewer_id="R2"),
        reason=ReasonCode.ISSUER_NOT_ACCREDITED,
        certificate="C-V",
        reviewers=(reviewer("R1"), reviewer("R2", from_=dt.date(2026, 7, 1))),
    ),
    "issuer-accreditation-ended-before-issue": _model_case(
        model_cert(reviewer_id="R2"),
        reason=ReasonCode.ISSUER_NOT_ACCREDITED,
        certificate="C-V",
        reviewers=(reviewer("R1"), reviewer("R2", dt.date(2025, 1, 1), dt.date(2026, 5, 31))),
    ),
    "issuer-unknown": _model_case(
        model_cert(reviewer_id="R404"),
        reason=ReasonCode.ISSUER_NOT_ACCREDITED,
        certificate="C-V",
    ),
    "dimension-missing": _model_case(
        model_cert(dimensions=[Dimension.ALGORITHMIC_BIAS, Dimension.DATA_PRIVACY]),
        reason=ReasonCode.DIMENSION_MISSING,
        certificate="C-V",
    ),
    "destination-not-covered": _model_case(
        model_cert(destinations=["JP"]),
        reason=ReasonCode.DESTINATION_NOT_COVERED,
        certificate="C-V",
    ),
    "destination-group-eu-not-covering-us": _model_case(
        model_cert(destinations=["EU"]),
        reason=ReasonCode.DESTINATION_NOT_COVERED,
        certificate="C-V",
        question=ask("US"),
    ),
    "sector-not-covered-asked": _model_case(
        model_cert(sectors=["hiring"]),
        reason=ReasonCode.SECTOR_NOT_COVERED,
        certificate="C-V",
        question=ask(sector="credit-scoring"),
    ),
    "sector-not-covered-product-sector": _model_case(
        model_cert(sectors=["hiring"]),
        reason=ReasonCode.SECTOR_NOT_COVERED,
        certificate="C-V",
        sector="credit-scoring",
    ),
    "sector-not-covered-no-sector-known": _model_case(
        model_cert(sectors=["hiring"]),
        reason=ReasonCode.SECTOR_NOT_COVERED,
        certificate="C-V",
    ),
    "inventory-incomplete-when-blocking": Case(
        product_slice(incomplete=["incomplete"]),
        registry(product_cert(), model_cert(), rules=ruleset(block_on_incomplete_inventory=True)),
        ask(),
        PRODUCT,
        ReasonCode.INVENTORY_INCOMPLETE,
        None,
    ),
}


class TestReasonCodes:
    @pytest.mark.parametrize("case", list(REASON_CASES.values()), ids=list(REASON_CASES))
    def test_ineligible_with_reason_when_component_fails(self, case: Case) -> None:
        result = check(case.product, case.registry, case.question)

        assert result.decision is Decision.INELIGIBLE
        assert result.scope_reason is None
        assert blockers_of(result) == [(case.component, case.reason, case.certificate)]
        assert result.blockers[0].detail

    def test_table_names_every_reason_code_when_listed(self) -> None:
        assert {case.reason for case in REASON_CASES.values()} == set(ReasonCode)

    def test_eligible_when_reviewer_accredited_on_issue_date_but_not_today(self) -> None:
        accredited_then = reviewer("R2", dt.date(2026, 1, 1), dt.date(2026, 6, 30))
        result = check(
            product_slice(),
            registry(
                product_cert(),
                model_cert(reviewer_id="R2"),
                reviewers=(reviewer("R1"), accredited_then),
            ),
            ask(day=DAY),
        )

        assert not accredited_then.accredited_on(DAY)
        assert result.decision is Decision.ELIGIBLE

    @pytest.mark.parametrize("destination", ["DE", "FR", "de"])
    def test_eligible_when_group_scope_covers_destination(self, destination: str) -> None:
        result = check(
            product_slice(),
            registry(product_cert(), model_cert(destinations=["EU"])),
            ask(destination),
        )

        assert result.decision is Decision.ELIGIBLE

    @pytest.mark.parametrize(
        ("asked", "product_sector"),
        [
            pytest.param("hiring", None, id="asked"),
            pytest.param(None, "hiring", id="product-sector"),
            pytest.param("hiring", "credit-scoring", id="asked-wins-over-product-sector"),
        ],
    )
    def test_eligible_when_sector_covered(
        self, asked: str | None, product_sector: str | None
    ) -> None:
        result = check(
            product_slice(sector=product_sector, oversight=True),
            registry(product_cert(), model_cert(sectors=["hiring"])),
            ask(sector=asked),
        )

        assert result.decision is Decision.ELIGIBLE
        assert result.question.sector == "hiring"

    def test_every_blocking_component_named_when_several_fail(self) -> None:
        members = (
            member("asr"),
            member("helper-lib", ai=False, type_="library"),
            member(MODEL),
            member("llm-api", type_="service", contents_known=True),
        )
        result = check(
            product_slice(*members),
            registry(model_cert(), cert("C-L", "llm-api", destinations=["JP"])),
            ask(),
        )

        assert result.decision is Decision.INELIGIBLE
        assert blockers_of(result) == [
            (PRODUCT, ReasonCode.PRODUCT_CERTIFICATE_MISSING, None),
            ("asr", ReasonCode.NO_CERTIFICATE, None),
            ("llm-api", ReasonCode.DESTINATION_NOT_COVERED, "C-L"),
        ]
        assert result.verified == ((MODEL, "C-V"),)


# --- 2. every warning code ------------------------------------------------------------------


class WarningCase(NamedTuple):
    product: ProductSlice
    registry: Registry
    question: Question
    code: WarningCode
    component: str


WARNING_CASES: dict[str, WarningCase] = {
    "certificate-expiring": WarningCase(
        product_slice(),
        registry(product_cert(), model_cert(expires=DAY + dt.timedelta(days=45))),
        ask(),
        WarningCode.CERTIFICATE_EXPIRING,
        MODEL,
    ),
    "certificate-expiring-today": WarningCase(
        product_slice(),
        registry(product_cert(), model_cert(expires=DAY)),
        ask(),
        WarningCode.CERTIFICATE_EXPIRING,
        MODEL,
    ),
    "inventory-incomplete": WarningCase(
        product_slice(incomplete=["unknown"]),
        registry(product_cert(), model_cert()),
        ask(),
        WarningCode.INVENTORY_INCOMPLETE,
        PRODUCT,
    ),
    "claimed-certificate-absent": WarningCase(
        product_slice(member(MODEL, claims=["C-NOWHERE"])),
        registry(product_cert(), model_cert()),
        ask(),
        WarningCode.CLAIMED_CERTIFICATE_UNVERIFIED,
        MODEL,
    ),
    "claimed-certificate-of-another-subject": WarningCase(
        product_slice(member(MODEL, claims=["C-P"])),
        registry(product_cert(), model_cert()),
        ask(),
        WarningCode.CLAIMED_CERTIFICATE_UNVERIFIED,
        MODEL,
    ),
    "claimed-certificate-revoked": WarningCase(
        product_slice(member(MODEL, claims=["C-OLD"])),
        registry(
            product_cert(),
            model_cert(),
            model_cert(
                "C-OLD", events=[event(ISSUED, ACTIVE), event(dt.date(2026, 7, 1), REVOKED)]
            ),
        ),
        ask(),
        WarningCode.CLAIMED_CERTIFICATE_UNVERIFIED,
        MODEL,
    ),
    "claimed-certificate-not-covering-destination": WarningCase(
        product_slice(product=product_member(claims=["C-P-EU"])),
        registry(product_cert(), cert("C-P-EU", PRODUCT, destinations=["EU"]), model_cert()),
        ask("US"),
        WarningCode.CLAIMED_CERTIFICATE_UNVERIFIED,
        PRODUCT,
    ),
    "sensitive-domain-asked": WarningCase(
        product_slice(),
        registry(product_cert(), model_cert()),
        ask(sector="hiring"),
        WarningCode.SENSITIVE_DOMAIN_WITHOUT_OVERSIGHT,
        PRODUCT,
    ),
    "sensitive-domain-product-sector": WarningCase(
        product_slice(sector="credit-scoring"),
        registry(product_cert(), model_cert()),
        ask(),
        WarningCode.SENSITIVE_DOMAIN_WITHOUT_OVERSIGHT,
        PRODUCT,
    ),
    **{
        f"assembly-{type_}": WarningCase(
            product_slice(member(MODEL), member("box", ai=False, type_=type_)),
            registry(product_cert(), model_cert()),
            ask(),
            WarningCode.ASSEMBLY_WITHOUT_BOM,
            "box",
        )
        for type_ in sorted(ASSEMBLY_TYPES)
    },
    "linked-bom-missing": WarningCase(
        product_slice(
            missing_links=((7, "module", "urn:cdx:0f3c0d2e-0000-4000-8000-000000000001/1"),)
        ),
        registry(product_cert(), model_cert()),
        ask(),
        WarningCode.LINKED_BOM_MISSING,
        "module",
    ),
    "suspected-ai-component-not-counted": WarningCase(
        product_slice(
            member(MODEL),
            member("weights.gguf", ai=False, type_="file", suspected="a model-weights file"),
        ),
        registry(product_cert(), model_cert()),
        ask(),
        WarningCode.SUSPECTED_AI_COMPONENT,
        "weights.gguf",
    ),
    "several-current-boms": WarningCase(
        product_slice(
            boms=(BomFacts(1, "urn:uuid:a", 1), BomFacts(2, "urn:uuid:b", 3)),
            current_boms=(1, 2),
        ),
        registry(product_cert(), model_cert()),
        ask(),
        WarningCode.SEVERAL_CURRENT_BOMS,
        PRODUCT,
    ),
}


class TestWarnings:
    @pytest.mark.parametrize("case", list(WARNING_CASES.values()), ids=list(WARNING_CASES))
    def test_warns_and_stays_eligible_when_warning_applies(self, case: WarningCase) -> None:
        result = check(case.product, case.registry, case.question)

        assert result.decision is Decision.ELIGIBLE
        assert result.blockers == ()
        assert warnings_of(result) == [(case.code, case.component)]
        assert result.warnings[0].message

    @pytest.mark.parametrize("case", list(WARNING_CASES.values()), ids=list(WARNING_CASES))
    def test_warns_and_stays_ineligible_when_another_component_blocks(
        self, case: WarningCase
    ) -> None:
        blocked = dataclasses.replace(
            case.product, members=(*case.product.members, member("uncertified"))
        )

        result = check(blocked, case.registry, case.question)

        assert result.decision is Decision.INELIGIBLE
        assert blockers_of(result) == [("uncertified", ReasonCode.NO_CERTIFICATE, None)]
        assert (case.code, case.component) in warnings_of(result)

    def test_table_names_every_warning_code_when_listed(self) -> None:
        # Computed apart: from BOM history (TestChangedSinceCertificate), and from BOMs
        # outside the product (the API's gate scenarios).
        apart = {WarningCode.PRODUCT_CHANGED_SINCE_CERTIFICATE, WarningCode.AI_CLAIMED_ELSEWHERE}
        assert {case.code for case in WARNING_CASES.values()} == set(WarningCode) - apart

    @pytest.mark.parametrize("days_left", [91, 120, 300])
    def test_no_expiry_warning_when_expiry_is_further_away(self, days_left: int) -> None:
        result = check(
            product_slice(),
            registry(product_cert(), model_cert(expires=DAY + dt.timedelta(days=days_left))),
            ask(),
        )

        assert result.decision is Decision.ELIGIBLE
        assert result.warnings == ()

    def test_expiry_window_follows_ruleset_when_days_configured(self) -> None:
        certificates = (product_cert(), model_cert(expires=DAY + dt.timedelta(days=45)))

        narrow = check(
            product_slice(), registry(*certificates, rules=ruleset(expiry_warning_days=30)), ask()
        )
        wide = check(
            product_slice(), registry(*certificates, rules=ruleset(expiry_warning_days=60)), ask()
        )

        assert narrow.warnings == ()
        assert warnings_of(wide) == [(WarningCode.CERTIFICATE_EXPIRING, MODEL)]

    def test_no_claim_warning_when_claimed_certificate_is_valid(self) -> None:
        result = check(
            product_slice(member(MODEL, claims=["C-V"]), product=product_member(claims=["C-P"])),
            registry(product_cert(), model_cert()),
            ask(),
        )

        assert result.decision is Decision.ELIGIBLE
        assert result.warnings == ()

    def test_no_claim_warning_when_claimed_certificate_accepted_under_review(self) -> None:
        result = check(
            product_slice(member(MODEL, claims=["C-V"])),
            registry(
                product_cert(),
                model_cert(events=[event(ISSUED, UNDER_REVIEW)]),
                rules=ruleset(accept_under_review_upstream=True),
            ),
            ask(),
        )

        assert result.decision is Decision.ELIGIBLE
        assert (MODEL, "C-V") in result.verified
        assert result.warnings == ()

    @pytest.mark.parametrize("sector", ["hiring", "credit-scoring", "content-moderation"])
    def test_no_sensitive_domain_warning_when_oversight_shown(self, sector: str) -> None:
        result = check(
            product_slice(sector=sector, oversight=True),
            registry(product_cert(), model_cert()),
            ask(),
        )

        assert result.warnings == ()

    @pytest.mark.parametrize("sector", [None, "cross-border-marketing"])
    def test_no_sensitive_domain_warning_when_sector_not_sensitive(
        self, sector: str | None
    ) -> None:
        result = check(product_slice(), registry(product_cert(), model_cert()), ask(sector=sector))

        assert result.warnings == ()

    @pytest.mark.parametrize("type_", sorted(ASSEMBLY_TYPES))
    def test_no_assembly_warning_when_contents_known(self, type_: str) -> None:
        result = check(
            product_slice(member(MODEL), member("box", ai=False, type_=type_, contents_known=True)),
            registry(product_cert(), model_cert()),
            ask(),
        )

        assert result.warnings == ()

    @pytest.mark.parametrize("type_", ["library", "framework", "data", "file"])
    def test_no_assembly_warning_when_type_is_not_an_assembly(self, type_: str) -> None:
        result = check(
            product_slice(member(MODEL), member("part", ai=False, type_=type_)),
            registry(product_cert(), model_cert()),
            ask(),
        )

        assert result.warnings == ()

    def test_no_assembly_warning_when_the_assembly_is_the_product_itself(self) -> None:
        bare_product = member(PRODUCT, ai=False, type_="device", contents_known=False)

        result = check(
            product_slice(product=bare_product), registry(product_cert(), model_cert()), ask()
        )

        assert result.warnings == ()


# --- 3. scope -------------------------------------------------------------------------------


class TestScope:
    @pytest.mark.parametrize(
        ("question", "reason"),
        [
            pytest.param(ask("CN"), ScopeReason.DOMESTIC, id="domestic"),
            pytest.param(ask("cn"), ScopeReason.DOMESTIC, id="domestic-lowercase"),
            pytest.param(ask("CN", PILOT_DAY), ScopeReason.DOMESTIC, id="domestic-in-pilot"),
            pytest.param(
                ask("US", dt.date(2026, 4, 23)), ScopeReason.BEFORE_PILOT, id="before-pilot"
            ),
            pytest.param(
                ask("SG", dt.date(2025, 12, 1)), ScopeReason.BEFORE_PILOT, id="before-pilot-sg"
            ),
            pytest.param(
                ask("US", PILOT_DAY), ScopeReason.NOT_A_PILOT_COUNTRY, id="pilot-non-pilot"
            ),
            pytest.param(
                ask("US", dt.date(2026, 6, 30)),
                ScopeReason.NOT_A_PILOT_COUNTRY,
                id="pilot-last-day",
            ),
        ],
    )
    def test_not_in_scope_when_rule_does_not_apply(
        self, question: Question, reason: ScopeReason
    ) -> None:
        result = check(product_slice(), registry(), question)

        assert result.decision is Decision.NOT_IN_SCOPE
        assert result.scope_reason is reason
        assert result.blockers == ()
        assert result.warnings == ()
        assert result.verified == ()
        assert result.ruleset == "test-1"

    def test_not_in_scope_when_product_holds_no_ai_component(self) -> None:
        plain = product_slice(member("lib", ai=False, type_="library"))

        result = check(plain, registry(), ask())

        assert result.decision is Decision.NOT_IN_SCOPE
        assert result.scope_reason is ScopeReason.NOT_AI_BEARING

    @pytest.mark.parametrize(
        "question",
        [
            pytest.param(ask("SG", PILOT_DAY), id="pilot-country-in-pilot"),
            pytest.param(ask("sg", PILOT_DAY), id="pilot-country-lowercase"),
            pytest.param(ask("AE", dt.date(2026, 4, 24)), id="pilot-first-day"),
            pytest.param(ask("US", dt.date(2026, 7, 1)), id="any-country-on-in-force"),
            pytest.param(ask("US", DAY), id="any-country-after-in-force"),
        ],
    )
    def test_in_scope_when_rule_applies(self, question: Question) -> None:
        early = dt.date(2026, 4, 1)
        certificates = (cert("C-P", PRODUCT, issued=early), model_cert(issued=early))

        result = check(product_slice(), registry(*certificates), question)

        assert result.scope_reason is None
        assert result.decision is Decision.ELIGIBLE

    def test_in_scope_when_pilot_countries_name_a_group(self) -> None:
        rules = ruleset(pilot_countries=["EU"])

        assert scope_of(product_slice(), rules, ask("DE", PILOT_DAY)) is None
        assert scope_of(product_slice(), rules, ask("US", PILOT_DAY)) is (
            ScopeReason.NOT_A_PILOT_COUNTRY
        )

    def test_in_scope_when_product_itself_is_the_only_ai_component(self) -> None:
        model_product = ProductSlice(product=product_member(ai=True), members=())

        result = check(model_product, registry(), ask())

        assert result.decision is Decision.INELIGIBLE
        assert blockers_of(result) == [(PRODUCT, ReasonCode.PRODUCT_CERTIFICATE_MISSING, None)]


# --- 4. dates -------------------------------------------------------------------------------


class TestDates:
    @pytest.mark.parametrize(
        ("day", "decision"),
        [
            pytest.param(dt.date(2026, 8, 31), Decision.ELIGIBLE, id="day-before-revocation"),
            pytest.param(dt.date(2026, 9, 1), Decision.INELIGIBLE, id="day-of-revocation"),
            pytest.param(dt.date(2026, 10, 1), Decision.INELIGIBLE, id="after-revocation"),
        ],
    )
    def test_revocation_applies_from_its_date_when_checked(
        self, day: dt.date, decision: Decision
    ) -> None:
        revoked_later = model_cert(
            events=[event(ISSUED, ACTIVE), event(dt.date(2026, 9, 1), REVOKED)]
        )

        result = check(product_slice(), registry(product_cert(), revoked_later), ask(day=day))

        assert result.decision is decision
        if decision is Decision.INELIGIBLE:
            assert blockers_of(result) == [(MODEL, ReasonCode.CERTIFICATE_REVOKED, "C-V")]

    @pytest.mark.parametrize(
        ("day", "decision"),
        [
            pytest.param(dt.date(2027, 5, 30), Decision.ELIGIBLE, id="day-before-expiry"),
            pytest.param(EXPIRES, Decision.ELIGIBLE, id="expiry-date-itself"),
            pytest.param(dt.date(2027, 6, 1), Decision.INELIGIBLE, id="day-after-expiry"),
        ],
    )
    def test_expiry_applies_after_its_date_when_checked(
        self, day: dt.date, decision: Decision
    ) -> None:
        longer_product_cert = cert("C-P", PRODUCT, expires=dt.date(2028, 1, 1))

        result = check(product_slice(), registry(longer_product_cert, model_cert()), ask(day=day))

        assert result.decision is decision
        if decision is Decision.INELIGIBLE:
            assert blockers_of(result) == [(MODEL, ReasonCode.CERTIFICATE_EXPIRED, "C-V")]

    @pytest.mark.parametrize(
        ("day", "blockers"),
        [
            pytest.param(dt.date(2026, 6, 30), [], id="before-suspension"),
            pytest.param(
                dt.date(2026, 7, 1),
                [(MODEL, ReasonCode.CERTIFICATE_SUSPENDED, "C-V")],
                id="suspended",
            ),
            pytest.param(
                dt.date(2026, 8, 31),
                [(MODEL, ReasonCode.CERTIFICATE_SUSPENDED, "C-V")],
                id="day-before-reinstatement",
            ),
            pytest.param(dt.date(2026, 9, 1), [], id="reinstated"),
            pytest.param(dt.date(2026, 12, 1), [], id="after-reinstatement"),
        ],
    )
    def test_eligible_again_when_suspension_is_lifted(
        self, day: dt.date, blockers: list[tuple[str, ReasonCode, str | None]]
    ) -> None:
        suspended_then_reinstated = model_cert(
            events=[
                event(ISSUED, ACTIVE),
                event(dt.date(2026, 7, 1), SUSPENDED),
                event(dt.date(2026, 9, 1), ACTIVE),
            ]
        )

        result = check(
            product_slice(),
            registry(product_cert(), suspended_then_reinstated),
            ask("SG", day),  # a pilot country, so the first day is in scope too
        )

        assert blockers_of(result) == blockers
        assert result.decision is (Decision.INELIGIBLE if blockers else Decision.ELIGIBLE)

    @pytest.mark.parametrize(
        ("day", "status"),
        [
            pytest.param(dt.date(2026, 5, 31), None, id="before-first-event"),
            pytest.param(dt.date(2026, 6, 1), UNDER_REVIEW, id="on-first-event"),
            pytest.param(dt.date(2026, 6, 14), UNDER_REVIEW, id="between-events"),
            pytest.param(dt.date(2026, 6, 15), ACTIVE, id="on-second-event"),
            pytest.param(dt.date(2026, 8, 1), SUSPENDED, id="same-day-events-last-recorded"),
            pytest.param(dt.date(2027, 1, 1), SUSPENDED, id="long-after"),
        ],
    )
    def test_status_is_last_event_on_or_before_when_asked(
        self, day: dt.date, status: CertificateStatus | None
    ) -> None:
        # Recorded out of date order; two events share 2026-08-01 and the later one wins.
        history = [
            event(dt.date(2026, 6, 15), ACTIVE),
            event(dt.date(2026, 6, 1), UNDER_REVIEW),
            event(dt.date(2026, 8, 1), REVOKED),
            event(dt.date(2026, 8, 1), SUSPENDED),
        ]

        assert model_cert(events=history).recorded_status_on(day) is status

    def test_last_month_truth_when_check_is_dated_last_month(self) -> None:
        history = [event(ISSUED, ACTIVE), event(dt.date(2026, 9, 10), REVOKED)]
        reg = registry(product_cert(), model_cert(events=history))

        august = check(product_slice(), reg, ask(day=dt.date(2026, 8, 15)))
        october = check(product_slice(), reg, ask(day=dt.date(2026, 10, 15)))

        assert august.decision is Decision.ELIGIBLE
        assert october.decision is Decision.INELIGIBLE


# --- 5. policy switches ---------------------------------------------------------------------


class TestPolicySwitches:
    def test_upstream_under_review_passes_when_switch_on(self) -> None:
        under_review = model_cert(events=[event(ISSUED, UNDER_REVIEW)])

        strict = check(product_slice(), registry(product_cert(), under_review), ask())
        lenient = check(
            product_slice(),
            registry(
                product_cert(), under_review, rules=ruleset(accept_under_review_upstream=True)
            ),
            ask(),
        )

        assert strict.decision is Decision.INELIGIBLE
        assert blockers_of(strict) == [(MODEL, ReasonCode.CERTIFICATE_UNDER_REVIEW, "C-V")]
        assert lenient.decision is Decision.ELIGIBLE
        assert lenient.verified == ((PRODUCT, "C-P"), (MODEL, "C-V"))

    def test_product_under_review_still_blocks_when_switch_on(self) -> None:
        product_under_review = cert("C-P", PRODUCT, events=[event(ISSUED, UNDER_REVIEW)])

        result = check(
            product_slice(),
            registry(
                product_under_review, model_cert(), rules=ruleset(accept_under_review_upstream=True)
            ),
            ask(),
        )

        assert result.decision is Decision.INELIGIBLE
        assert blockers_of(result) == [(PRODUCT, ReasonCode.CERTIFICATE_UNDER_REVIEW, "C-P")]

    def test_upstream_under_review_still_checked_otherwise_when_switch_on(self) -> None:
        under_review_elsewhere = model_cert(
            events=[event(ISSUED, UNDER_REVIEW)], destinations=["JP"]
        )

        result = check(
            product_slice(),
            registry(
                product_cert(),
                under_review_elsewhere,
                rules=ruleset(accept_under_review_upstream=True),
            ),
            ask("US"),
        )

        assert blockers_of(result) == [(MODEL, ReasonCode.DESTINATION_NOT_COVERED, "C-V")]

    def test_eligible_without_product_certificate_when_not_required(self) -> None:
        result = check(
            product_slice(),
            registry(model_cert(), rules=ruleset(require_product_certificate=False)),
            ask(),
        )

        assert result.decision is Decision.ELIGIBLE
        assert result.blockers == ()
        assert result.verified == ((MODEL, "C-V"),)

    def test_ineligible_without_product_certificate_when_upstream_unverified(self) -> None:
        result = check(
            product_slice(),
            registry(rules=ruleset(require_product_certificate=False)),
            ask(),
        )

        assert result.decision is Decision.INELIGIBLE
        assert blockers_of(result) == [(MODEL, ReasonCode.NO_CERTIFICATE, None)]

    def test_ai_product_still_judged_when_product_certificate_not_required(self) -> None:
        model_product = product_slice(product=product_member(ai=True))

        result = check(
            model_product,
            registry(model_cert(), rules=ruleset(require_product_certificate=False)),
            ask(),
        )

        assert result.decision is Decision.INELIGIBLE
        assert [b.component.name for b in result.blockers] == [PRODUCT]

    def test_incomplete_inventory_only_warns_when_switch_off(self) -> None:
        result = check(
            product_slice(incomplete=["incomplete_first_party_only"]),
            registry(product_cert(), model_cert()),
            ask(),
        )

        assert result.decision is Decision.ELIGIBLE
        assert warnings_of(result) == [(WarningCode.INVENTORY_INCOMPLETE, PRODUCT)]


# --- 6. several certificates ----------------------------------------------------------------


def _revoked(number: str) -> Certificate:
    return model_cert(number, events=[event(ISSUED, ACTIVE), event(dt.date(2026, 7, 1), REVOKED)])


class TestSeveralCertificates:
    @pytest.mark.parametrize("valid_number", ["C-0", "C-2", "C-9"])
    def test_verified_when_one_certificate_among_invalid_ones_is_valid(
        self, valid_number: str
    ) -> None:
        invalid = [
            _revoked("C-1"),
            model_cert("C-3", expires=dt.date(2026, 7, 1)),
            model_cert("C-5", destinations=["JP"]),
        ]

        result = check(
            product_slice(),
            registry(product_cert(), *invalid, model_cert(valid_number)),
            ask(),
        )

        assert result.decision is Decision.ELIGIBLE
        assert result.verified == ((PRODUCT, "C-P"), (MODEL, valid_number))

    @pytest.mark.parametrize(
        ("revoked_number", "elsewhere_number"),
        [pytest.param("C-1", "C-2", id="fitting-numbered-first"), pytest.param("C-2", "C-1")],
    )
    def test_the_fitting_certificate_is_named_when_failure_counts_tie(
        self, revoked_number: str, elsewhere_number: str
    ) -> None:
        # Each fails one condition; the revoked one was issued for what is asked, so its
        # revocation is the news (before issue 9 the other one's destination was named).
        certificates = [_revoked(revoked_number), model_cert(elsewhere_number, destinations=["JP"])]

        for ordered in (certificates, certificates[::-1]):
            result = check(product_slice(), registry(product_cert(), *ordered), ask())

            assert blockers_of(result) == [(MODEL, ReasonCode.CERTIFICATE_REVOKED, revoked_number)]

    @pytest.mark.parametrize(
        ("suspended_number", "partial_number"),
        [pytest.param("C-1", "C-2", id="suspended-numbered-first"), pytest.param("C-2", "C-1")],
    )
    def test_a_suspended_certificate_outranks_an_active_one_missing_a_dimension(
        self, suspended_number: str, partial_number: str
    ) -> None:
        certificates = [
            model_cert(suspended_number, events=[event(ISSUED, ACTIVE), event(DAY, SUSPENDED)]),
            model_cert(partial_number, dimensions=FULL - {Dimension.SYSTEM_CONTROLLABILITY}),
        ]

        for ordered in (certificates, certificates[::-1]):
            result = check(product_slice(), registry(product_cert(), *ordered), ask())

            (blocker,) = result.blockers
            assert (blocker.reason, blocker.certificate) == (
                ReasonCode.CERTIFICATE_SUSPENDED,
                suspended_number,
            )
            assert blocker.detail == f"{suspended_number} is suspended"
            assert [
                (c.certificate, [f.reason for f in c.failures]) for c in blocker.certificates
            ] == [
                (suspended_number, [ReasonCode.CERTIFICATE_SUSPENDED]),
                (partial_number, [ReasonCode.DIMENSION_MISSING]),
            ]

    def test_the_certificate_failing_fewest_conditions_is_named_whatever_they_are(self) -> None:
        # Revoked and expired (2 failures) against an active one that misses a dimension,
        # the destination and the sector (3): the first is closer.
        worn = model_cert(
            "C-1",
            expires=dt.date(2026, 7, 31),
            events=[event(ISSUED, ACTIVE), event(dt.date(2026, 7, 1), REVOKED)],
        )
        narrow = model_cert(
            "C-2", dimensions=[Dimension.DATA_PRIVACY], destinations=["JP"], sectors=["hiring"]
        )

        verdict = verify([narrow, worn], registry(worn, narrow), ask(sector="credit-scoring"))

        assert (verdict.reason, verdict.certificate) == (ReasonCode.CERTIFICATE_REVOKED, "C-1")
        assert verdict.detail == "C-1 is revoked; C-1 expired on 2026-07-31"
        assert [(c.certificate, [f.reason for f in c.failures]) for c in verdict.certificates] == [
            ("C-1", [ReasonCode.CERTIFICATE_REVOKED, ReasonCode.CERTIFICATE_EXPIRED]),
            (
                "C-2",
                [
                    ReasonCode.DIMENSION_MISSING,
                    ReasonCode.DESTINATION_NOT_COVERED,
                    ReasonCode.SECTOR_NOT_COVERED,
                ],
            ),
        ]

    def test_every_failing_condition_of_a_certificate_is_listed_in_rule_order(self) -> None:
        everything_wrong = model_cert(
            "C-X",
            reviewer_id="R404",
            dimensions=[Dimension.ALGORITHMIC_BIAS],
            expires=dt.date(2026, 7, 15),
            destinations=["JP"],
            sectors=["hiring"],
            events=[event(ISSUED, ACTIVE), event(dt.date(2026, 7, 1), SUSPENDED)],
        )

        verdict = verify([everything_wrong], registry(everything_wrong), ask(sector="retail"))

        (considered,) = verdict.certificates
        assert [(f.reason, f.detail) for f in considered.failures] == [
            (ReasonCode.CERTIFICATE_SUSPENDED, "C-X is suspended"),
            (ReasonCode.CERTIFICATE_EXPIRED, "C-X expired on 2026-07-15"),
            (ReasonCode.ISSUER_NOT_ACCREDITED, "R404 was not accredited on 2026-06-01"),
            (
                ReasonCode.DIMENSION_MISSING,
                "C-X does not cover data_privacy, system_controllability",
            ),
            (ReasonCode.DESTINATION_NOT_COVERED, "C-X does not cover US"),
            (ReasonCode.SECTOR_NOT_COVERED, "C-X does not cover retail"),
        ]
        assert verdict.reason is ReasonCode.CERTIFICATE_SUSPENDED

    @pytest.mark.parametrize(
        ("failing", "named"),
        [
            pytest.param(
                [
                    _revoked("C-1"),
                    model_cert("C-2", events=[event(ISSUED, SUSPENDED)]),
                    model_cert("C-3", events=[event(ISSUED, UNDER_REVIEW)]),
                ],
                "C-3",
                id="under-review-beats-suspended-and-revoked",
            ),
            pytest.param(
                [
                    model_cert("C-1", expires=dt.date(2026, 7, 1)),
                    model_cert("C-2", reviewer_id="R404"),
                    model_cert("C-3", dimensions=[Dimension.DATA_PRIVACY]),
                ],
                # A lapsed certificate that fits outranks ones that never fitted (before
                # issue 9 the dimension, checked last, was named).
                "C-1",
                id="expiry-beats-issuer-and-dimension",
            ),
            pytest.param(
                [
                    model_cert("C-1", reviewer_id="R404"),
                    model_cert("C-2", dimensions=[Dimension.DATA_PRIVACY]),
                ],
                "C-2",
                id="dimension-beats-issuer",
            ),
            pytest.param(
                [
                    model_cert("C-1", issued=dt.date(2026, 9, 1)),
                    model_cert("C-2", sectors=["hiring"]),
                    model_cert("C-3", destinations=["JP"]),
                ],
                "C-2",
                id="sector-beats-destination-and-not-yet-issued",
            ),
        ],
    )
    def test_the_latest_rule_reached_breaks_a_tie_between_equal_kinds(
        self, failing: list[Certificate], named: str
    ) -> None:
        reg = registry(*failing)

        for ordered in (failing, failing[::-1]):
            verdict = verify(ordered, reg, ask(sector="credit-scoring"))

            assert not verdict.verified
            assert verdict.certificate == named
            assert verdict.certificates[0].certificate == named
            assert {c.certificate for c in verdict.certificates} == {c.number for c in failing}

    def test_lowest_number_reported_when_closest_reasons_tie(self) -> None:
        tied = [model_cert("C-B", destinations=["JP"]), model_cert("C-A", destinations=["BR"])]

        for ordered in (tied, tied[::-1]):
            result = check(product_slice(), registry(product_cert(), *ordered), ask())

            assert blockers_of(result) == [(MODEL, ReasonCode.DESTINATION_NOT_COVERED, "C-A")]
            assert "C-A" in result.blockers[0].detail

    def test_no_certificate_without_number_when_verify_gets_none(self) -> None:
        verdict = verify([], registry(), ask())

        assert not verdict.verified
        assert verdict.reason is ReasonCode.NO_CERTIFICATE
        assert verdict.certificate is None


# --- 7. eligible ----------------------------------------------------------------------------


class TestEligible:
    def test_eligible_with_each_component_verified_when_all_certified(self) -> None:
        members = (
            member(MODEL),
            member("lib", ai=False, type_="library"),
            member("llm-api", type_="service", contents_known=True),
            member("flag-ai", type_="library"),
        )

        result = check(
            product_slice(*members),
            registry(
                product_cert(),
                model_cert(),
                cert("C-L", "llm-api"),
                cert("C-F", "flag-ai", destinations=["US", "EU"]),
            ),
            ask("US"),
        )

        assert result.decision is Decision.ELIGIBLE
        assert result.scope_reason is None
        assert result.blockers == ()
        assert result.warnings == ()
        assert result.verified == (
            (PRODUCT, "C-P"),
            (MODEL, "C-V"),
            ("llm-api", "C-L"),
            ("flag-ai", "C-F"),
        )
        assert result.ruleset == "test-1"
        assert result.question == Question("US", DAY, None)


# --- 8. properties --------------------------------------------------------------------------

KEYS = ("m1", "m2", "m3", "m4")
DAYS = (
    dt.date(2026, 4, 1),
    dt.date(2026, 5, 15),
    dt.date(2026, 6, 1),
    dt.date(2026, 7, 15),
    dt.date(2026, 10, 1),
    dt.date(2027, 7, 1),
)
QUESTION_DAY = dt.date(2026, 10, 1)
FULL = frozenset(Dimension)
T = TypeVar("T")


class World(NamedTuple):
    product: ProductSlice
    registry: Registry
    question: Question


def mostly(usual: T, *others: T) -> st.SearchStrategy[T]:
    """Usually `usual`, sometimes one of the others: valid data is common enough that eligible
    answers occur often, and every kind of failure still occurs."""
    return st.sampled_from([usual] * (2 * len(others) + 2) + list(others))


@st.composite
def certificates_for(draw: st.DrawFn, subject: str) -> list[Certificate]:
    found = []
    for index in range(draw(st.sampled_from([1, 1, 0, 2, 3]))):
        issued = draw(mostly(dt.date(2026, 4, 1), *DAYS[1:4]))
        starts_active = draw(st.sampled_from([True, True, True, False]))
        history = [event(issued, ACTIVE)] if starts_active else []
        history += [
            event(day, status)
            for day, status in draw(
                st.lists(
                    st.tuples(st.sampled_from(DAYS), st.sampled_from(CertificateStatus)),
                    max_size=draw(mostly(0, 1, 2)),
                )
            )
        ]
        found.append(
            cert(
                f"C-{subject}-{index}",
                subject,
                reviewer_id=draw(mostly("R1", "R2", "R404")),
                dimensions=draw(mostly(FULL, FULL - {Dimension.DATA_PRIVACY})),
                issued=issued,
                expires=issued + dt.timedelta(days=draw(mostly(400, 30, 200))),
                destinations=draw(mostly(frozenset({ALL}), frozenset({"EU"}), frozenset({"US"}))),
                sectors=draw(mostly(frozenset({ALL}), frozenset({"hiring"}))),
                events=history,
            )
        )
    return found


@st.composite
def members_strategy(draw: st.DrawFn) -> tuple[Member, ...]:
    keys = draw(st.lists(st.sampled_from(KEYS), unique=True, min_size=1, max_size=len(KEYS)))
    return tuple(
        member(
            key,
            ai=draw(st.booleans()),
            type_=draw(st.sampled_from(["machine-learning-model", "library", "service", "device"])),
            contents_known=draw(st.booleans()),
            claims=draw(st.sampled_from([(), (f"C-{key}-0",), ("C-unknown",)])),
        )
        for key in keys
    )


@st.composite
def worlds(draw: st.DrawFn) -> World:
    members = draw(members_strategy())
    product = member(PRODUCT, ai=draw(st.booleans()), type_="device", contents_known=True)
    certificates: list[Certificate] = []
    for subject in (PRODUCT, *KEYS):
        certificates += draw(certificates_for(subject))
    rules = ruleset(
        require_product_certificate=draw(st.booleans()),
        accept_under_review_upstream=draw(st.booleans()),
        block_on_incomplete_inventory=draw(st.booleans()),
        pilot_countries=draw(st.sampled_from([("SG",), ("SG", "EU")])),
    )
    reviewers = (reviewer("R1"), reviewer("R2", dt.date(2026, 5, 1), dt.date(2026, 6, 30)))
    product_slice_ = ProductSlice(
        product=product,
        members=members,
        sector=draw(st.sampled_from([None, "hiring", "cross-border-marketing"])),
        incomplete_aggregates=draw(mostly((), ("incomplete",))),
        human_oversight=draw(st.booleans()),
    )
    question = Question(
        draw(mostly("US", "DE", "de", "SG", "JP", "CN")),
        # Mostly after the rule is in force, where every foreign destination is in scope.
        draw(mostly(QUESTION_DAY, *DAYS)),
        draw(mostly(None, "hiring", "credit-scoring")),
    )
    return World(
        product_slice_, registry(*certificates, reviewers=reviewers, rules=rules), question
    )


def _with_certificates(world: World, certificates: Iterable[Certificate]) -> World:
    by_subject: dict[IdentityKey, list[Certificate]] = {}
    for certificate in certificates:
        by_subject.setdefault(certificate.subject, []).append(certificate)
    reg = world.registry
    return world._replace(registry=Registry(by_subject, reg.reviewers, reg.ruleset))


def _all_certificates(world: World) -> list[Certificate]:
    return [c for group in world.registry.certificates.values() for c in group]


def _with_drawn_scopes(world: World, data: st.DataObject) -> World:
    """The world with each certificate's destinations drawn again: some cover one country of
    the EU group, or one and a country outside it."""
    scopes = st.sampled_from(
        [frozenset({ALL}), frozenset({"EU"}), frozenset({"DE"}), frozenset({"FR", "US"})]
    )
    return _with_certificates(
        world,
        [dataclasses.replace(c, destinations=data.draw(scopes)) for c in _all_certificates(world)],
    )


class TestProperties:
    @settings(max_examples=200, deadline=None)
    @given(world=worlds(), data=st.data())
    def test_a_group_answers_each_of_its_countries_as_asking_it_alone(
        self, world: World, data: st.DataObject
    ) -> None:
        redrawn = _with_drawn_scopes(world, data)
        day, sector = redrawn.question.day, redrawn.question.sector
        grouped = check(redrawn.product, redrawn.registry, Question("EU", day, sector))
        for country in grouped.countries:
            alone = check(
                redrawn.product, redrawn.registry, Question(country.destination, day, sector)
            )
            assert country.decision is alone.decision
            # (A blocker merged across countries names every country it fails for.)
            named = {
                (b.component.component_id, b.reason, b.certificate)
                for b in grouped.blockers
                if country.destination in b.countries
            }
            assert named == {
                (b.component.component_id, b.reason, b.certificate) for b in alone.blockers
            }
        alone_answers = [
            check(redrawn.product, redrawn.registry, Question(c.destination, day, sector))
            for c in grouped.countries
        ]
        assert grouped.warnings == tuple(
            dict.fromkeys(w for answer in alone_answers for w in answer.warnings)
        )
        assert grouped.verified == tuple(
            dict.fromkeys(v for answer in alone_answers for v in answer.verified)
        )
        assert [c.scope_reason for c in grouped.countries] == [
            a.countries[0].scope_reason for a in alone_answers
        ]

    @settings(max_examples=200, deadline=None)
    @given(world=worlds(), data=st.data())
    def test_a_group_status_sums_up_the_check_of_the_group(
        self, world: World, data: st.DataObject
    ) -> None:
        # Stored statuses come from group_status, which answers one country for a group
        # whose countries stand alike: it must say what the whole check says.
        redrawn = _with_drawn_scopes(world, data)
        day, sector = redrawn.question.day, redrawn.question.sector
        for group in ("EU", "de", "US"):
            answer = check(redrawn.product, redrawn.registry, Question(group, day, sector))
            status = group_status(redrawn.product, redrawn.registry, group, day, sector)
            assert status.group == answer.question.destination
            assert status.decision is answer.decision
            assert status.destinations == tuple(c.destination for c in answer.countries)
            assert status.ineligible == answer.ineligible_countries
            assert status.reasons == tuple(dict.fromkeys(b.reason for b in answer.blockers))

    @settings(max_examples=100, deadline=None)
    @given(first=worlds(), second=worlds())
    def test_verdicts_kept_across_products_of_one_registry_change_no_answer(
        self, first: World, second: World
    ) -> None:
        # Settling weighs hundreds of products with one memo of certificate verdicts.
        shared = second._replace(registry=first.registry)
        verdicts = Verdicts()
        for world in (first, shared, first):
            for destination in ("EU", world.question.destination):
                question = dataclasses.replace(world.question, destination=destination)
                assert check(world.product, world.registry, question, verdicts) == check(
                    world.product, world.registry, question
                )

    @settings(max_examples=200, deadline=None)
    @given(world=worlds(), data=st.data())
    def test_never_eligible_when_an_uncertified_ai_member_is_added(
        self, world: World, data: st.DataObject
    ) -> None:
        stranger = member(
            "uncertified",
            type_=data.draw(st.sampled_from(["machine-learning-model", "service", "library"])),
        )
        members = list(world.product.members)
        members.insert(data.draw(st.integers(0, len(members))), stranger)
        grown = ProductSlice(
            world.product.product,
            tuple(members),
            world.product.sector,
            world.product.incomplete_aggregates,
            world.product.human_oversight,
        )

        result = check(grown, world.registry, world.question)

        assert result.decision is not Decision.ELIGIBLE
        if scope_of(grown, world.registry.ruleset, result.question) is None:
            assert result.decision is Decision.INELIGIBLE
            assert ("uncertified", ReasonCode.NO_CERTIFICATE, None) in blockers_of(result)

    @settings(max_examples=200, deadline=None)
    @given(world=worlds(), data=st.data())
    def test_never_becomes_eligible_when_a_certificate_is_revoked(
        self, world: World, data: st.DataObject
    ) -> None:
        certificates = _all_certificates(world)
        index = data.draw(st.integers(0, max(len(certificates) - 1, 0)))
        revoked_on = data.draw(st.dates(dt.date(2026, 1, 1), world.question.day))
        if certificates:
            target = certificates[index]
            certificates[index] = Certificate(
                target.number,
                target.subject,
                target.reviewer_id,
                target.dimensions,
                target.issued,
                target.expires,
                target.destinations,
                target.sectors,
                target.evidence,
                (*target.events, event(revoked_on, REVOKED)),
            )
        revoked = _with_certificates(world, certificates)

        before = check(*world)
        after = check(*revoked)

        if before.decision is not Decision.ELIGIBLE:
            assert after.decision is not Decision.ELIGIBLE
        assert {name for name, _ in after.verified} <= {name for name, _ in before.verified}
        assert after.scope_reason == before.scope_reason

    @settings(max_examples=200, deadline=None)
    @given(world=worlds(), data=st.data())
    def test_same_answer_when_inputs_repeat_or_certificates_are_reordered(
        self, world: World, data: st.DataObject
    ) -> None:
        shuffled = _with_certificates(
            world,
            [
                certificate
                for subject in data.draw(st.permutations(list(world.registry.certificates)))
                for certificate in data.draw(
                    st.permutations(list(world.registry.certificates[subject]))
                )
            ],
        )

        first = check(*world)
        second = check(*world)
        reordered = check(*shuffled)

        assert first == second
        assert reordered.decision is first.decision
        assert {(b.component.name, b.reason) for b in reordered.blockers} == {
            (b.component.name, b.reason) for b in first.blockers
        }
        assert reordered == first


def test_the_longest_valid_certificate_is_named_when_several_verify() -> None:
    ending = model_cert("C-A", expires=DAY + dt.timedelta(days=30))
    lasting = model_cert("C-B", expires=DAY + dt.timedelta(days=300))
    result = check(product_slice(), registry(product_cert(), ending, lasting), ask())
    assert result.decision is Decision.ELIGIBLE
    assert (MODEL, "C-B") in result.verified
    assert not [w for w in result.warnings if w.component == MODEL]


# --- status per destination group -----------------------------------------------------------


class TestGroupStatus:
    def test_group_is_ineligible_naming_the_countries_when_one_member_is_not_covered(self) -> None:
        certificates = registry(product_cert(), model_cert(destinations=("DE", "FR")))
        status = group_status(product_slice(), certificates, "eu", DAY)
        assert status.group == "EU"
        assert status.decision is Decision.INELIGIBLE
        assert status.destinations == ("DE", "FR", "IT")
        assert status.ineligible == ("IT",)
        assert status.reasons == (ReasonCode.DESTINATION_NOT_COVERED,)

    def test_group_is_eligible_when_every_member_country_is_covered(self) -> None:
        certificates = registry(product_cert(), model_cert(destinations=("EU",)))
        status = group_status(product_slice(), certificates, "EU", DAY)
        assert (status.decision, status.ineligible, status.reasons) == (Decision.ELIGIBLE, (), ())

    @pytest.mark.parametrize(
        ("group", "day", "destinations"),
        [
            pytest.param("CN", DAY, ("CN",), id="domestic"),
            pytest.param("EU", PILOT_DAY, ("DE", "FR", "IT"), id="pilot-without-eu-countries"),
        ],
    )
    def test_group_is_not_in_scope_when_no_member_country_is(
        self, group: str, day: dt.date, destinations: tuple[str, ...]
    ) -> None:
        status = group_status(product_slice(), registry(), group, day)
        assert status.decision is Decision.NOT_IN_SCOPE
        assert status.destinations == destinations
        assert status.ineligible == ()

    def test_a_name_the_ruleset_does_not_define_is_one_country(self) -> None:
        status = group_status(product_slice(), registry(product_cert()), "us", DAY)
        assert status.destinations == ("US",)
        assert status.decision is Decision.INELIGIBLE
        assert status.reasons == (ReasonCode.NO_CERTIFICATE,)


# --- a group of destinations asked at once --------------------------------------------------


def _per_country(result: ExportCheck) -> list[tuple[str, Decision]]:
    return [(c.destination, c.decision) for c in result.countries]


class TestGroupQuestions:
    def test_ineligible_naming_the_countries_each_blocker_blocks(self) -> None:
        result = check(
            product_slice(),
            registry(product_cert(), model_cert(destinations=("DE", "FR"))),
            ask("eu"),
        )

        assert result.question.destination == "EU"
        assert result.decision is Decision.INELIGIBLE
        assert result.ineligible_countries == ("IT",)
        assert _per_country(result) == [
            ("DE", Decision.ELIGIBLE),
            ("FR", Decision.ELIGIBLE),
            ("IT", Decision.INELIGIBLE),
        ]
        (blocker,) = result.blockers
        assert (blocker.component.name, blocker.reason, blocker.certificate, blocker.countries) == (
            MODEL,
            ReasonCode.DESTINATION_NOT_COVERED,
            "C-V",
            ("IT",),
        )
        assert blocker.detail == "C-V does not cover IT"

    def test_one_blocker_for_every_country_it_blocks_for_the_same_reason(self) -> None:
        result = check(
            product_slice(), registry(product_cert(), model_cert(destinations=("JP",))), ask("EU")
        )

        assert result.ineligible_countries == ("DE", "FR", "IT")
        (blocker,) = result.blockers
        assert blocker.countries == ("DE", "FR", "IT")
        assert blocker.detail == "C-V does not cover DE, FR, IT"
        (considered,) = blocker.certificates
        assert [f.detail for f in considered.failures] == ["C-V does not cover DE, FR, IT"]

    def test_each_country_has_its_own_closest_certificate(self) -> None:
        suspended_in_de = model_cert(
            "C-A", destinations=("DE",), events=[event(ISSUED, ACTIVE), event(DAY, SUSPENDED)]
        )
        partial = model_cert("C-B", dimensions=[Dimension.DATA_PRIVACY, Dimension.ALGORITHMIC_BIAS])

        result = check(
            product_slice(), registry(product_cert(), suspended_in_de, partial), ask("EU")
        )

        assert [(b.reason, b.certificate, b.countries) for b in result.blockers] == [
            (ReasonCode.CERTIFICATE_SUSPENDED, "C-A", ("DE",)),
            (ReasonCode.DIMENSION_MISSING, "C-B", ("FR", "IT")),
        ]
        elsewhere = result.blockers[1]
        assert [
            (c.certificate, [f.detail for f in c.failures]) for c in elsewhere.certificates
        ] == [
            ("C-B", ["C-B does not cover system_controllability"]),
            ("C-A", ["C-A is suspended", "C-A does not cover FR, IT"]),
        ]

    def test_eligible_when_every_country_is(self) -> None:
        result = check(
            product_slice(), registry(product_cert(), model_cert(destinations=("EU",))), ask("EU")
        )

        assert result.decision is Decision.ELIGIBLE
        assert result.blockers == ()
        assert result.verified == ((PRODUCT, "C-P"), (MODEL, "C-V"))
        assert {d for _, d in _per_country(result)} == {Decision.ELIGIBLE}

    def test_eligible_when_the_rest_is_out_of_scope(self) -> None:
        rules = Ruleset(version="asia", country_groups={"ASIA": frozenset({"CN", "JP"})})

        result = check(
            product_slice(), registry(product_cert(), model_cert(), rules=rules), ask("ASIA")
        )

        assert result.decision is Decision.ELIGIBLE
        assert [(c.destination, c.decision, c.scope_reason) for c in result.countries] == [
            ("CN", Decision.NOT_IN_SCOPE, ScopeReason.DOMESTIC),
            ("JP", Decision.ELIGIBLE, None),
        ]

    def test_not_in_scope_when_no_country_is(self) -> None:
        result = check(product_slice(), registry(), ask("EU", day=PILOT_DAY))

        assert result.decision is Decision.NOT_IN_SCOPE
        assert result.scope_reason is ScopeReason.NOT_A_PILOT_COUNTRY
        assert result.blockers == ()
        assert [(c.destination, c.scope_reason) for c in result.countries] == [
            (country, ScopeReason.NOT_A_PILOT_COUNTRY) for country in sorted(EU)
        ]

    @settings(max_examples=150, deadline=None)
    @given(world=worlds())
    def test_a_group_answer_is_its_countries_answers(self, world: World) -> None:
        asked = Question("EU", world.question.day, world.question.sector)

        group = check(world.product, world.registry, asked)
        alone = [
            check(world.product, world.registry, Question(country, asked.day, asked.sector))
            for country in sorted(EU)
        ]

        assert _per_country(group) == [(a.question.destination, a.decision) for a in alone]
        decisions = {a.decision for a in alone}
        if Decision.INELIGIBLE in decisions:
            assert group.decision is Decision.INELIGIBLE
        elif Decision.ELIGIBLE in decisions:
            assert group.decision is Decision.ELIGIBLE
        else:
            assert group.decision is Decision.NOT_IN_SCOPE
        blocked = {
            (b.component.name, b.reason, b.certificate, a.question.destination)
            for a in alone
            for b in a.blockers
        }
        assert {
            (b.component.name, b.reason, b.certificate, country)
            for b in group.blockers
            for country in b.countries
        } == blocked


class TestHeadlineProperties:
    @settings(max_examples=200, deadline=None)
    @given(world=worlds())
    def test_the_headline_certificate_fails_fewest_conditions_and_all_are_listed(
        self, world: World
    ) -> None:
        result = check(*world)

        for blocker in result.blockers:
            held = world.registry.certificates.get(blocker.component.identity_key, ())
            if blocker.reason is ReasonCode.INVENTORY_INCOMPLETE:
                continue
            assert {c.certificate for c in blocker.certificates} == {c.number for c in held}
            if not held:
                assert blocker.certificate is None
                continue
            counts = [len(c.failures) for c in blocker.certificates]
            assert all(counts)
            assert blocker.certificate == blocker.certificates[0].certificate
            assert counts[0] == min(counts)
            assert blocker.reason is blocker.certificates[0].failures[0].reason


class TestChangedSinceCertificate:
    def test_names_ai_components_no_bom_named_when_the_certificate_was_issued(self) -> None:
        slice_ = product_slice(member(MODEL), member("newer-model"), member("lib", ai=False))
        baseline = frozenset({member(MODEL).component_id, member("lib").component_id})

        warning = changed_since_certificate(slice_, product_cert(), baseline)

        assert warning is not None
        assert (warning.code, warning.component) == (
            WarningCode.PRODUCT_CHANGED_SINCE_CERTIFICATE,
            PRODUCT,
        )
        assert "newer-model" in warning.message
        assert MODEL not in warning.message.split(" came")[0]

    def test_no_warning_when_nothing_new_or_no_history(self) -> None:
        slice_ = product_slice(member(MODEL))
        assert changed_since_certificate(slice_, product_cert(), frozenset()) is not None
        assert (
            changed_since_certificate(
                slice_, product_cert(), frozenset({member(MODEL).component_id})
            )
            is None
        )
        assert changed_since_certificate(slice_, product_cert(), None) is None


class TestSectorsThatDisagree:
    def test_only_a_certificate_for_every_sector_passes_when_the_boms_name_different_sectors(
        self,
    ) -> None:
        both = ("hiring", "industrial-quality-inspection")
        slice_ = product_slice(sector=None, sectors=both)

        scoped = check(slice_, registry(product_cert(), model_cert(sectors=[both[1]])), ask())
        every = check(slice_, registry(product_cert(), model_cert()), ask())

        assert blockers_of(scoped) == [(MODEL, ReasonCode.SECTOR_NOT_COVERED, "C-V")]
        assert every.decision is Decision.ELIGIBLE

    def test_a_sensitive_sector_any_bom_names_is_warned_of(self) -> None:
        slice_ = product_slice(sector=None, sectors=("credit-scoring", "retail"))

        result = check(slice_, registry(product_cert(), model_cert()), ask())

        assert (WarningCode.SENSITIVE_DOMAIN_WITHOUT_OVERSIGHT, PRODUCT) in warnings_of(result)
