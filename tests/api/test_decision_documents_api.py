"""A decision record as a printable report (HTML, PDF) and as a signed CycloneDX 1.6
attestation, over HTTP: what they say, and that the attestation validates, re-ingests and
verifies. What another organisation reads of them: test_decision_documents_visibility_api."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.routes.decision_documents import wants_pdf
from app.bom.reader import ReadLimits, read_bom
from app.bom.schemas import json_validator
from app.config import Settings
from app.domain.product_slice import Question
from app.services.checks import check_export
from app.services.decision_attestation import SERIAL_NAMESPACE
from app.services.runtime import Runtime
from app.signing.ed25519 import Signer, generate_private_pem, private_key_from_pem
from app.signing.jsf import jsf_verifies
from tests.decision_documents import CERTIFIED, JSON_TYPE, ON, own_key_settings, pdf_text, squeezed
from tests.export_cases import CAMERA, DETECTOR_CERTIFICATE, MODULE


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return own_key_settings(database_url, tmp_path)


def decided(runtime: Runtime, product: str, to: str = "DE") -> int:
    """A decision record about the product, made as the command line makes one."""
    result = check_export(runtime, product, Question(to, ON), record=True)
    assert result.decision_id is not None
    return result.decision_id


def recorded(runtime: Runtime, client: TestClient, product: str) -> tuple[int, dict[str, Any]]:
    """A decision about the product to DE, and its record as an administrator reads it."""
    decision = decided(runtime, product)
    return decision, client.get(f"/api/v1/decisions/{decision}").json()


def verifies(runtime: Runtime, document: dict[str, Any]) -> bool:
    return jsf_verifies(document, runtime.signer.public_key)


class TestReport:
    def test_an_eligible_report_names_the_product_verdict_certificates_and_digests(
        self, samples: Runtime, client: TestClient
    ) -> None:
        decision, record = recorded(samples, client, MODULE)
        answered = client.get(f"/api/v1/decisions/{decision}/report")
        assert answered.status_code == 200
        assert answered.headers["content-type"].startswith("text/html")
        assert "default-src 'none'" in answered.headers["content-security-policy"]
        page = answered.text
        for text in (
            record["product"]["name"],
            MODULE,
            "eligible",
            record["evidence_sha256"],
            record["ruleset"],
            "2026-12-01",
            # Every certificate relied on, with its reviewer and its history.
            DETECTOR_CERTIFICATE,
            "AIEC-2026-000124",
            "CAICT AI Ethics Review Centre (sample)",
            "2026-06-15",
            # How to check it: where the keys are.
            "/api/v1/signing-keys",
            "exportgate decisions verify",
        ):
            assert text in page, text
        bom = record["boms"][0]
        document = client.get(f"/api/v1/boms/{bom['id']}")
        assert document.json()["sha256"] in page
        assert re.search(r"Blocking components</h2>\s*<p>None.</p>", page)
        # The record's own signature and key, exactly as its evidence bundle carries them.
        signature = json.loads(client.get(f"/api/v1/decisions/{decision}/evidence").content)
        assert signature["signature"]["value"] in page
        assert signature["signature"]["kid"] in page
        assert "not signed" not in page

    def test_an_ineligible_report_names_each_blocker_its_reason_and_path(
        self, samples: Runtime, client: TestClient
    ) -> None:
        decision, record = recorded(samples, client, CAMERA)
        assert record["decision"] == "ineligible"
        page = client.get(f"/api/v1/decisions/{decision}/report").text
        assert "ineligible" in page
        for blocker in record["blocking"]:
            assert blocker["component"]["name"] in page
            assert blocker["reason"] in page
            for step in blocker["path"]:
                assert step["child"] in page

    def test_a_group_destination_shows_each_countrys_answer(
        self, samples: Runtime, client: TestClient
    ) -> None:
        decision = decided(samples, CAMERA, to="EU")
        page = client.get(f"/api/v1/decisions/{decision}/report").text
        assert "Answer for each country of EU" in page
        assert re.search(r"<td>FR</td>\s*<td>ineligible</td>", page)

    def test_the_pdf_renders_with_the_product_verdict_and_digest(
        self, samples: Runtime, client: TestClient
    ) -> None:
        decision, record = recorded(samples, client, CAMERA)
        answered = client.get(f"/api/v1/decisions/{decision}/report", params={"format": "pdf"})
        assert answered.status_code == 200
        assert answered.headers["content-type"] == "application/pdf"
        assert answered.content.startswith(b"%PDF")
        pages, text = pdf_text(answered.content)
        assert pages >= 1
        for expected in (record["product"]["name"], "ineligible", record["evidence_sha256"]):
            assert squeezed(expected) in text, expected
        # The same document when Accept asks for PDF.
        accepted = client.get(
            f"/api/v1/decisions/{decision}/report", headers={"Accept": "application/pdf"}
        )
        assert accepted.headers["content-type"] == "application/pdf"

    @pytest.mark.parametrize(
        ("format_", "accept", "pdf"),
        [
            (None, "", False),
            (None, "*/*", False),
            (None, "application/pdf", True),
            (None, "text/html, application/pdf;q=0.5", False),
            (None, "text/html;q=0.2, application/pdf", True),
            (None, "application/pdf;q=bad", False),
            ("html", "application/pdf", False),
            ("pdf", "text/html", True),
        ],
    )
    def test_the_format_is_chosen_by_the_query_then_accept(
        self, format_: str | None, accept: str, pdf: bool
    ) -> None:
        assert wants_pdf(format_, accept) is pdf

    @pytest.mark.usefixtures("samples")
    def test_an_unknown_decision_is_a_404_problem(self, client: TestClient) -> None:
        for path in ("report", "report?format=pdf", "attestation"):
            answered = client.get(f"/api/v1/decisions/424242/{path}")
            assert answered.status_code == 404, path
            assert answered.headers["content-type"] == "application/problem+json"
            assert "424242" in answered.json()["detail"]


class TestAttestation:
    def test_it_validates_against_the_1_6_schema_and_its_signature_verifies(
        self, samples: Runtime, client: TestClient
    ) -> None:
        # Eligible, ineligible, ineligible for a group, and not in scope (the domestic market).
        for product, to in ((MODULE, "DE"), (CAMERA, "DE"), (CAMERA, "EU"), (MODULE, "CN")):
            decision = decided(samples, product, to)
            answered = client.get(f"/api/v1/decisions/{decision}/attestation")
            assert answered.status_code == 200
            assert answered.headers["content-type"].startswith(JSON_TYPE)
            document = answered.json()
            assert [str(e) for e in json_validator("1.6").iter_errors(document)] == []
            # The reader that ingest uses accepts it whole.
            read_bom(answered.content, JSON_TYPE, ReadLimits())
            assert verifies(samples, document)
            signature = document["signature"]
            assert signature["algorithm"] == "Ed25519"
            assert signature["keyId"] == samples.signer.key_id
            assert set(signature["publicKey"]) == {"kty", "crv", "x"}

    def test_not_in_scope_is_attested_as_the_rule_not_applying(
        self, samples: Runtime, client: TestClient
    ) -> None:
        decision = decided(samples, MODULE, "CN")
        declarations = client.get(f"/api/v1/decisions/{decision}/attestation").json()[
            "declarations"
        ]
        claim = declarations["claims"][0]
        assert claim["predicate"].startswith("The export rule does not apply to")
        assert "meets" not in claim["predicate"]
        rationale = declarations["attestations"][0]["map"][0]["conformance"]["rationale"]
        assert rationale.startswith("not in scope")

    def test_an_evidence_url_the_schema_would_refuse_stays_text(
        self, samples: Runtime, client: TestClient
    ) -> None:
        unusual = "see the review file share \\\\reports\\AIEC-X"
        certificate = json.loads(json.dumps(CERTIFIED["certificates"][0]))
        certificate |= {
            "number": "CERT-MODULE-9",
            "subject": MODULE,
            "issued": "2026-07-03",
            "events": [{"status": "active", "date": "2026-07-03"}],
            "evidence": {"url": unusual, "sha256": "c" * 64},
        }
        registry = {"reviewers": CERTIFIED["reviewers"], "certificates": [certificate]}
        assert client.post("/api/v1/registry/import", json=registry).status_code == 200
        decision = decided(samples, MODULE)
        document = client.get(f"/api/v1/decisions/{decision}/attestation").json()
        assert [str(e) for e in json_validator("1.6").iter_errors(document)] == []
        evidence = {e["bom-ref"]: e for e in document["declarations"]["evidence"]}
        entry = evidence["evidence-certificate-CERT-MODULE-9"]
        assert [item["name"] for item in entry["data"]] == ["certificate"]
        held = json.loads(entry["data"][0]["contents"]["attachment"]["content"])
        assert held["evidence"] == {"url": unusual, "sha256": "c" * 64}
        # A URL that is one keeps its place.
        linked = evidence[f"evidence-certificate-{DETECTOR_CERTIFICATE}"]["data"][1]
        assert linked["contents"]["url"].startswith("https://")

    def test_one_changed_character_fails_the_signature(
        self, samples: Runtime, client: TestClient
    ) -> None:
        decision = decided(samples, MODULE)
        document = client.get(f"/api/v1/decisions/{decision}/attestation").json()
        assert verifies(samples, document)
        claim = document["declarations"]["claims"][0]
        changed = json.loads(json.dumps(document))
        changed["declarations"]["claims"][0]["predicate"] = claim["predicate"].replace(
            "meets", "meats"
        )
        assert not verifies(samples, changed)
        value = document["signature"]["value"]
        forged = json.loads(json.dumps(document))
        forged["signature"]["value"] = ("B" if value[0] != "B" else "C") + value[1:]
        assert not verifies(samples, forged)
        # Another key does not verify it.
        other = Signer(private_key_from_pem(generate_private_pem()))
        assert not jsf_verifies(document, other.public_key)

    def test_an_eligible_claim_is_supported_by_each_certificate_relied_on(
        self, samples: Runtime, client: TestClient
    ) -> None:
        decision = decided(samples, MODULE)
        document = client.get(f"/api/v1/decisions/{decision}/attestation").json()
        declarations = document["declarations"]
        assert declarations["assessors"][0]["organization"]["name"] == "exportgate"
        claim = declarations["claims"][0]
        assert claim["predicate"] == (
            "DI-VM3 Vision Module@3.2.0 meets the export rule for destination DE on "
            "2026-12-01 under ruleset 2026-07-01.1."
        )
        target = declarations["targets"]["components"][0]
        assert (claim["target"], target["bom-ref"], target["purl"]) == (
            "product",
            "product",
            MODULE,
        )
        evidence = {entry["bom-ref"]: entry for entry in declarations["evidence"]}
        certificate = evidence[f"evidence-certificate-{DETECTOR_CERTIFICATE}"]
        assert f"evidence-certificate-{DETECTOR_CERTIFICATE}" in claim["evidence"]
        held = json.loads(certificate["data"][0]["contents"]["attachment"]["content"])
        assert held["reviewer"]["id"] == "CAICT-ER"
        assert held["events"][0]["status"] == "active"
        assert held["evidence"]["url"] == certificate["data"][1]["contents"]["url"]
        assert "counterEvidence" not in claim
        conformance = declarations["attestations"][0]["map"][0]["conformance"]
        assert conformance["score"] == 1
        # Its subject is the decision document, timestamped at the decision.
        record = client.get(f"/api/v1/decisions/{decision}").json()
        assert document["metadata"]["component"]["name"] == f"decision record {decision}"
        decided_at = dt.datetime.fromisoformat(record["decided_at"]).replace(microsecond=0)
        assert document["metadata"]["timestamp"] == decided_at.strftime("%Y-%m-%dT%H:%M:%SZ")

    def test_an_ineligible_claim_is_answered_by_counter_evidence_and_scores_zero(
        self, samples: Runtime, client: TestClient
    ) -> None:
        decision, record = recorded(samples, client, CAMERA)
        declarations = client.get(f"/api/v1/decisions/{decision}/attestation").json()[
            "declarations"
        ]
        claim = declarations["claims"][0]
        assert len(claim["counterEvidence"]) == len(record["blocking"])
        assert declarations["attestations"][0]["map"][0]["conformance"]["score"] == 0
        assert "ineligible" in claim["reasoning"]
        described = " ".join(e.get("description", "") for e in declarations["evidence"])
        for blocker in record["blocking"]:
            assert blocker["component"]["name"] in described

    def test_the_same_decision_gives_the_same_document(
        self, samples: Runtime, client: TestClient
    ) -> None:
        decision = decided(samples, CAMERA)
        first = client.get(f"/api/v1/decisions/{decision}/attestation").content
        again = client.get(f"/api/v1/decisions/{decision}/attestation").content
        assert first == again
        serial = uuid.uuid5(SERIAL_NAMESPACE, f"{decision}:{samples.signer.key_id}")
        assert json.loads(first)["serialNumber"] == serial.urn

    def test_ingesting_it_back_leaves_the_products_boms_and_answer_alone(
        self, samples: Runtime, client: TestClient
    ) -> None:
        decision, record = recorded(samples, client, CAMERA)
        product = record["product"]["id"]
        before = client.get(f"/api/v1/products/{product}").json()
        attestation = client.get(f"/api/v1/decisions/{decision}/attestation").content
        stored = client.post(
            "/api/v1/boms", content=attestation, headers={"content-type": JSON_TYPE}
        )
        assert stored.status_code == 201, stored.text
        assert stored.json()["product_id"] != product
        assert client.get(f"/api/v1/products/{product}").json() == before
        again = client.get(
            f"/api/v1/products/{product}/export-check", params={"to": "DE", "on": ON.isoformat()}
        ).json()
        assert (again["decision"], again["evidence_sha256"]) == (
            record["decision"],
            record["evidence_sha256"],
        )
