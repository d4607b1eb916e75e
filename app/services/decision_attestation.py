"""A decision record as a signed CycloneDX 1.6 attestation: the answer as claims an assessor
(exportgate) makes about the product, with the certificates it relied on as evidence, signed
with the service's key in JSON Signature Format."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from importlib.metadata import version as installed_version
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from app.domain.access import Viewer
from app.domain.bom import MentionRole
from app.report.model import CertificateView, DecisionReport
from app.report.render import iso_moment
from app.services.decision_report import decision_report
from app.signing.canonical import canonical_sha256
from app.signing.jsf import jsf_signed

if TYPE_CHECKING:
    from app.services.runtime import Runtime

SPEC_VERSION = "1.6"
MEDIA_TYPE = "application/vnd.cyclonedx+json; version=1.6"
# Names the serial numbers of attestations: UUIDv5 of the record id and the key id within it.
SERIAL_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:exportgate:decision-attestation")

ASSESSOR = "assessor-exportgate"
DOCUMENT = "decision-record"
PRODUCT = "product"
REQUIREMENT = "export-rule-requirement"
CLAIM = "claim-export-rule"
INPUTS = "evidence-inputs"

# Component types the 1.6 schema allows; a product stored from a later version's type is
# named an application rather than written into a document the schema would refuse.
_COMPONENT_TYPES = frozenset({
    "application", "framework", "library", "container", "platform", "operating-system",
    "device", "device-driver", "firmware", "file", "machine-learning-model", "data",
    "cryptographic-asset",
})  # fmt: skip


def decision_attestation(
    runtime: Runtime, decision_id: int, viewer: Viewer | None = None
) -> dict[str, Any]:
    """The decision as this caller may read it (see `decision_report`), as a CycloneDX 1.6
    document with `declarations`, signed by the service's key. The same record, key and
    caller give the same bytes: the serial number is derived from the record and the key,
    the timestamp is the decision's, and Ed25519 signatures are deterministic."""
    report = decision_report(runtime, decision_id, viewer)
    product = _product(runtime, report)
    signer = runtime.signer
    serial = uuid.uuid5(SERIAL_NAMESPACE, f"{decision_id}:{signer.key_id}")
    declarations = {
        "assessors": [
            {
                "bom-ref": ASSESSOR,
                # exportgate makes the claims itself, as the service that operates it.
                "thirdParty": False,
                "organization": {"name": "exportgate"},
            }
        ],
        "attestations": [_attestation(report)],
        "claims": [_claim(report)],
        "evidence": _evidence(report),
        "targets": {"components": [product]},
    }
    document = {
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": serial.urn,
        "version": 1,
        "metadata": _metadata(report, canonical_sha256(declarations)),
        "definitions": {"standards": [_standard(report)]},
        "declarations": declarations,
    }
    return jsf_signed(document, signer)


def _metadata(report: DecisionReport, declared: str) -> dict[str, Any]:
    """`declared` is the SHA-256 of the declarations: the subject's version, so that each
    copy of the decision (as each caller may read it) is a subject of its own."""
    answer = report.answer
    return {
        "timestamp": iso_moment(report.decided_at),
        "tools": {
            "components": [{"type": "application", "name": "exportgate", "version": _version()}]
        },
        # The subject is this decision document, never the product: ingesting the
        # attestation must not become a BOM of the product (a new current BOM of it, or a
        # change of what it holds). The product is named only among the declarations'
        # targets, which are not read into the graph.
        "component": {
            "type": "data",
            "bom-ref": DOCUMENT,
            "group": "exportgate",
            "name": f"decision record {report.decision_id}",
            "version": declared,
            "description": (
                f"exportgate's export decision about {report.product_name} for "
                f"{answer['destination']} on {answer['date']} under ruleset {answer['ruleset']}"
            ),
        },
        "properties": [
            {"name": "exportgate:decision", "value": report.decision},
            {"name": "exportgate:decision-record", "value": str(report.decision_id)},
            {"name": "exportgate:evidence-sha256", "value": report.evidence_sha256},
            # The record's own signature, where it has one: the attestation's signature
            # covers this document, the record's covers the record.
            *(
                {"name": name, "value": value}
                for name, value in (
                    ("exportgate:record-signature", report.signature),
                    ("exportgate:record-signing-key-id", report.signing_key_id),
                )
                if value
            ),
        ],
    }


def _standard(report: DecisionReport) -> dict[str, Any]:
    ruleset = str(report.answer["ruleset"])
    return {
        "bom-ref": "export-rule",
        "name": "AI export ethical-review rule",
        "version": ruleset,
        "description": "The export rule for AI-bearing products as exportgate's ruleset "
        f"version {ruleset} states it.",
        "requirements": [
            {
                "bom-ref": REQUIREMENT,
                "identifier": "export-eligibility",
                "title": "Every AI component verified",
                "text": "Every AI component of the product holds a verified ethical-review "
                "certificate for the destination, date and sector, and the product holds one "
                "itself where the ruleset requires it.",
            }
        ],
    }


def _question(report: DecisionReport) -> str:
    answer = report.answer
    return (
        f"for destination {answer['destination']} on {answer['date']} under ruleset "
        f"{answer['ruleset']}" + (f" in sector {answer['sector']}" if answer.get("sector") else "")
    )


def _claim(report: DecisionReport) -> dict[str, Any]:
    """One claim, worded as the rule asks. An ineligible product keeps the claim and is
    answered with counter-evidence (each blocker), and the attestation scores its
    conformance 0: the document says the claim does not hold, never that it does."""
    answer = report.answer
    question = _question(report)
    if report.decision == "not_in_scope":
        predicate = f"The export rule does not apply to {report.product_name} {question}."
        reasoning = str(answer.get("not_in_scope_reason") or "not in scope")
    else:
        predicate = f"{report.product_name} meets the export rule {question}."
        reasoning = _reasoning(report)
    claim: dict[str, Any] = {
        "bom-ref": CLAIM,
        "target": PRODUCT,
        "predicate": predicate,
        "reasoning": reasoning,
        "evidence": [INPUTS, *(_certificate_ref(c) for c in report.certificates)],
    }
    if answer["blocking"]:
        claim["counterEvidence"] = [_blocker_ref(i) for i in range(len(answer["blocking"]))]
    return claim


def _reasoning(report: DecisionReport) -> str:
    answer = report.answer
    if report.decision == "eligible":
        words = "eligible: every AI component, and the product where required, is verified"
    else:
        countries = ", ".join(answer.get("ineligible_countries") or [answer["destination"]])
        words = (
            f"ineligible for {countries}: {len(answer['blocking'])} blocking component(s), "
            "each named in the counter-evidence with its reason"
        )
    hidden = (
        "; only the product's own certificates are listed as evidence, as this copy's "
        "reader may not see every BOM"
        if report.only_product_certificates
        else ""
    )
    return f"exportgate decided {words}{hidden}."


def _attestation(report: DecisionReport) -> dict[str, Any]:
    holds = report.decision != "ineligible"
    return {
        "summary": f"exportgate decision record {report.decision_id}: {report.decision}",
        "assessor": ASSESSOR,
        "map": [
            {
                "requirement": REQUIREMENT,
                "claims": [CLAIM],
                "conformance": {
                    "score": 1 if holds else 0,
                    "rationale": _reasoning(report)
                    if report.decision != "not_in_scope"
                    else f"not in scope: {report.answer.get('not_in_scope_reason')}",
                },
            }
        ],
    }


def _certificate_ref(certificate: CertificateView) -> str:
    return f"evidence-certificate-{certificate.number}"


def _blocker_ref(index: int) -> str:
    return f"evidence-blocker-{index + 1}"


def _evidence(report: DecisionReport) -> list[dict[str, Any]]:
    created = iso_moment(report.decided_at)
    inputs = {
        "evidence_sha256": report.evidence_sha256,
        "boms": [
            {"id": b.id, "serial_number": b.serial_number, "version": b.version, "sha256": b.sha256}
            for b in report.boms
        ],
        "hidden_boms": report.hidden_boms,
    }
    entries = [
        {
            "bom-ref": INPUTS,
            "description": "What the decision was made on: the SHA-256 of its evidence and the "
            "BOMs it used with the SHA-256 of each document (those this copy's reader may see, "
            "and a count of the others).",
            "data": [_json_data("decision inputs", inputs)],
            "created": created,
        }
    ]
    entries.extend(_certificate_evidence(c, report.answer["date"]) for c in report.certificates)
    for index, blocker in enumerate(report.answer["blocking"]):
        component = blocker["component"]
        entries.append(
            {
                "bom-ref": _blocker_ref(index),
                "description": f"{component['name']} blocks the export: {blocker['reason']}"
                + (f" ({blocker['detail']})" if blocker.get("detail") else ""),
                "data": [_json_data("blocker", blocker)],
                "created": created,
            }
        )
    return entries


def _certificate_evidence(certificate: CertificateView, day: str) -> dict[str, Any]:
    reviewer = certificate.reviewer_name or certificate.reviewer_id
    history = [
        {"date": e.date.isoformat(), "status": e.status, "reason": e.reason, "actor": e.actor}
        for e in certificate.events
    ]
    record = {
        "number": certificate.number,
        "subject": certificate.subject,
        "reviewer": {"id": certificate.reviewer_id, "name": certificate.reviewer_name},
        "dimensions": list(certificate.dimensions),
        "issued": certificate.issued.isoformat(),
        "expires": certificate.expires.isoformat(),
        "destinations": list(certificate.destinations),
        "sectors": list(certificate.sectors),
        "status": certificate.status,
        "status_date": day,
        "events": history,
        "evidence": {"url": certificate.evidence_url, "sha256": certificate.evidence_sha256},
    }
    data = [_json_data("certificate", record)]
    if certificate.evidence_url and _linkable(certificate.evidence_url):
        digest = certificate.evidence_sha256 or "not recorded"
        data.append(
            {
                "name": f"review evidence (SHA-256 {digest})",
                "contents": {"url": certificate.evidence_url},
            }
        )
    return {
        "bom-ref": _certificate_ref(certificate),
        "description": f"Certificate {certificate.number} for {certificate.subject}, issued by "
        f"{reviewer} on {certificate.issued.isoformat()}, expiring "
        f"{certificate.expires.isoformat()}; {certificate.status} on {day}.",
        "data": data,
        "created": _midnight(certificate.issued),
        "expires": _midnight(certificate.expires + dt.timedelta(days=1)),
        "author": {"name": f"{reviewer} ({certificate.reviewer_id})"},
    }


def _linkable(url: str) -> bool:
    """Whether the registry's evidence URL may stand as a CycloneDX `url` (an IRI the schema
    accepts): an absolute http(s) URL with a host and no blanks or control characters. Any
    other stays in the certificate's attachment, as text, and the document stays valid."""
    if any(character.isspace() or not character.isprintable() for character in url):
        return False
    try:
        parts = urlsplit(url)
        _ = parts.port  # an impossible port is refused here
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


def _json_data(name: str, value: object) -> dict[str, Any]:
    content = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return {
        "name": name,
        "contents": {"attachment": {"contentType": "application/json", "content": content}},
    }


def _midnight(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _product(runtime: Runtime, report: DecisionReport) -> dict[str, Any]:
    """The product as the claim's target: its stored name, version, group and purl, and its
    type as a BOM of the decision the caller may see declares it as the subject."""
    product_id = int(report.answer["product"]["id"])
    shown = {bom.id for bom in report.boms}
    with runtime.reading() as uow:
        stored = uow.components.get(product_id)
        occurrences = uow.components.occurrences(product_id)
    declared = sorted(
        (occurrence.role != MentionRole.SUBJECT, occurrence.type)
        for occurrence, bom in occurrences
        if bom.id in shown and occurrence.type in _COMPONENT_TYPES
    )
    product: dict[str, Any] = {
        "type": declared[0][1] if declared else "application",
        "bom-ref": PRODUCT,
        "name": stored.name if stored else report.product_name,
        "properties": [{"name": "exportgate:identity", "value": report.product_identity}],
    }
    if stored is not None:
        product |= {
            key: value
            for key, value in (
                ("group", stored.group),
                ("version", stored.version),
                ("purl", stored.purl),
            )
            if value
        }
    return product


def _version() -> str:
    return installed_version("exportgate")
