"""The codes a check answers with, and their words: why a component blocks a product, what
a warning is about, why the rule does not apply. Codes are kept and compared; words are
only shown."""

from __future__ import annotations

from enum import StrEnum


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


CHECK_ORDER = {code: rank for rank, code in enumerate(ReasonCode)}


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
