"""Checks on the sample supply chain that together produce every reason code and warning of
the decision rule; the CLI and API suites both run them."""

from __future__ import annotations

from dataclasses import dataclass, field

CAMERA = "pkg:generic/hikari-vision/hv-s3-smart-camera@1.0"
MODULE = "pkg:generic/deepinspect/vision-module@3.2.0"
AOI = "pkg:generic/jingce-automation/jc-aoi-560@2.3"
CHATBOT = "pkg:generic/yunlan-software/smartdesk-assistant@3.0.0"
DASHBOARD = "pkg:generic/shuguang-retail/storesight-dashboard@2.6.0"
MARKETING = "pkg:generic/haiyun-digital/crossreach-platform@6.1.0"
FIRMWARE = "pkg:generic/lianfeng-power/lf-psc3000-firmware@2.7.4"
DETECTOR_CERTIFICATE = "AIEC-2026-000123"
TODAY = "2026-11-27"


@dataclass(frozen=True)
class Case:
    """One check: what is asked, what must be in the answer."""

    id: str
    product: str
    to: str
    decision: str
    on: str = TODAY
    sector: str | None = None
    blocking: tuple[tuple[str, str], ...] = ()  # (component name prefix, reason)
    warnings: tuple[str, ...] = ()
    # Status events recorded first: (certificate, status, date).
    events: tuple[tuple[str, str, str], ...] = ()
    # Ruleset fields published as a new version first.
    ruleset: dict[str, object] = field(default_factory=dict)


CASES = [
    Case("no_certificate", CAMERA, "DE", "ineligible",
         blocking=(("privacy-blur", "no_certificate"),), warnings=("assembly_without_bom",)),
    Case("product_certificate_missing", DASHBOARD, "DE", "ineligible",
         blocking=(("StoreSight", "product_certificate_missing"),
                   ("people-counter", "certificate_under_review"))),
    Case("certificate_expired", AOI, "DE", "ineligible",
         blocking=(("solder-joint-classifier", "certificate_expired"),),
         warnings=("claimed_certificate_unverified",)),
    Case("certificate_revoked", CHATBOT, "DE", "ineligible",
         blocking=(("Qianyan", "certificate_revoked"),),
         warnings=("inventory_incomplete", "claimed_certificate_unverified")),
    Case("certificate_suspended", MODULE, "DE", "ineligible",
         blocking=(("defect-detector", "certificate_suspended"),),
         events=((DETECTOR_CERTIFICATE, "suspended", "2026-11-20"),)),
    Case("issuer_not_accredited", MARKETING, "SG", "ineligible",
         blocking=(("product-recommender", "issuer_not_accredited"),
                   ("CrossReach copy generator", "dimension_missing"),
                   ("Qianyan", "certificate_revoked"))),
    Case("destination_not_covered", CAMERA, "US", "ineligible",
         blocking=(("HV-S3", "destination_not_covered"), ("privacy-blur", "no_certificate")),
         warnings=("claimed_certificate_unverified",)),
    Case("sector_not_covered", CHATBOT, "DE", "ineligible", on="2026-09-15", sector="hiring",
         blocking=(("SmartDesk", "sector_not_covered"),),
         warnings=("sensitive_domain_without_oversight",)),
    Case("inventory_incomplete", CHATBOT, "DE", "ineligible", on="2026-09-15",
         blocking=(("SmartDesk", "inventory_incomplete"),),
         ruleset={"version": "2026-07-01.2-strict", "block_on_incomplete_inventory": True}),
    Case("eligible_with_expiry_warning", MODULE, "DE", "eligible",
         warnings=("certificate_expiring",)),
    Case("before_the_revocation", CHATBOT, "DE", "eligible", on="2026-09-15"),
    Case("before_the_expiry", AOI, "DE", "eligible", on="2026-10-15"),
    Case("domestic", CAMERA, "CN", "not_in_scope"),
    Case("before_the_pilot", CAMERA, "DE", "not_in_scope", on="2026-04-01"),
    Case("pilot_country_in_the_pilot", MODULE, "BR", "eligible", on="2026-07-03"),
    Case("not_a_pilot_country_in_the_pilot", MODULE, "US", "not_in_scope", on="2026-06-20"),
    Case("no_ai_at_all", FIRMWARE, "DE", "not_in_scope"),
]  # fmt: skip

EVERY_REASON = {
    "no_certificate", "product_certificate_missing", "certificate_expired",
    "certificate_suspended", "certificate_revoked", "certificate_under_review",
    "issuer_not_accredited", "dimension_missing", "destination_not_covered",
    "sector_not_covered",
}  # fmt: skip
EVERY_WARNING = {
    "certificate_expiring", "inventory_incomplete", "claimed_certificate_unverified",
    "sensitive_domain_without_oversight", "assembly_without_bom",
}  # fmt: skip


def assert_answer(case: Case, answer: dict[str, object]) -> None:
    """The decision, exactly the expected blockers (by name prefix and reason), and at least
    the expected warnings."""
    assert answer["decision"] == case.decision, answer
    blocking = answer["blocking"]
    assert isinstance(blocking, list)
    found = sorted((str(b["component"]["name"]), str(b["reason"])) for b in blocking)
    assert len(found) == len(case.blocking), found
    for prefix, reason in case.blocking:
        assert any(name.startswith(prefix) and r == reason for name, r in found), (prefix, found)
    product = answer["product"]
    assert isinstance(product, dict)
    for blocker in blocking:
        if blocker["component"]["id"] != product["id"]:
            assert blocker["path"], f"an upstream blocker comes with its path: {blocker}"
            assert blocker["path"][0]["parent"] == product["name"]
            assert all(step["bom_ids"] for step in blocker["path"])
    warnings = answer["warnings"]
    assert isinstance(warnings, list)
    codes = {w["code"] for w in warnings}
    assert set(case.warnings) <= codes, codes
