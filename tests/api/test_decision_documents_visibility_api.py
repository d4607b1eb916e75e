"""What another organisation reads of a decision's report and attestation: nothing of a
product it may not see (404), and nothing of the BOMs inside it that it may not see."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.bom.schemas import json_validator
from app.config import Settings
from app.domain.access import Role
from app.signing.jsf import jsf_verifies
from app.signing.key_file import load_or_create_signer
from tests.builders import camera_bom, supplier_module_bom
from tests.conftest import bearer, issue_key
from tests.decision_documents import CERTIFIED, JSON_TYPE, ON, own_key_settings, pdf_text, squeezed

# What the supplier's private BOM holds and the maker must never read.
SUPPLIER_SECRETS = ("defect-detector", "defect-images", "deepinspect/defect")


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return own_key_settings(database_url, tmp_path)


@pytest.fixture
def api(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


def assert_nothing_private(*texts: str) -> None:
    """None of the texts names what the supplier's private BOM holds."""
    for text in texts:
        for secret in SUPPLIER_SECRETS:
            assert squeezed(secret) not in squeezed(text), secret


def maker_and_supplier(
    settings: Settings, api: TestClient, *, certified: bool
) -> tuple[dict[str, str], dict[str, str], dict[str, str], int, dict[str, Any]]:
    """(maker, supplier, admin headers, the maker's camera, its answer to DE): the camera
    holds the supplier's vision module, whose private BOM holds the defect-detection model;
    with `certified`, the camera and the model hold certificates."""
    maker = bearer(issue_key(settings, Role.INTEGRATOR, Role.AUDITOR, organisation="maker"))
    supplier = bearer(issue_key(settings, Role.INTEGRATOR, Role.AUDITOR, organisation="supplier"))
    admin = bearer(issue_key(settings, Role.ADMIN, organisation="operator"))
    api.post("/api/v1/boms", content=camera_bom(), headers={**maker, "content-type": JSON_TYPE})
    api.post(
        "/api/v1/boms",
        content=supplier_module_bom(),
        headers={**supplier, "content-type": JSON_TYPE},
    )
    if certified:
        imported = api.post("/api/v1/registry/import", json=CERTIFIED, headers=admin)
        assert imported.status_code == 200
    camera = api.get("/api/v1/products", headers=maker).json()["items"][0]["id"]
    answer = api.get(
        f"/api/v1/products/{camera}/export-check",
        params={"to": "DE", "on": ON.isoformat()},
        headers=maker,
    ).json()
    return maker, supplier, admin, camera, answer


def test_a_blocker_inside_another_organisations_bom_keeps_its_reason_not_its_name(
    settings: Settings, api: TestClient
) -> None:
    maker, supplier, _, _, answer = maker_and_supplier(settings, api, certified=False)
    assert answer["decision"] == "ineligible"
    base = f"/api/v1/decisions/{answer['decision_id']}"
    assert api.get(base + "/report", headers=supplier).status_code == 404
    page = api.get(base + "/report", headers=maker).text
    _, pdf = pdf_text(api.get(base + "/report?format=pdf", headers=maker).content)
    attestation = api.get(base + "/attestation", headers=maker)
    assert_nothing_private(page, pdf, attestation.text)
    # Where the path enters the supplier's BOM, and why it blocks, are said.
    assert "vision-module@3.2.0" in page
    assert "(inside a BOM you may not see)" in page
    assert "no_certificate" in page
    counter = attestation.json()["declarations"]["claims"][0]["counterEvidence"]
    assert len(counter) == len(answer["blocking"])


def test_another_organisation_reads_nothing_private_in_either_document(
    settings: Settings, api: TestClient
) -> None:
    maker, supplier, admin, camera, answer = maker_and_supplier(settings, api, certified=True)
    # Eligible on the supplier's model's certificate, which the maker may not see.
    assert answer["decision"] == "eligible"
    decision = answer["decision_id"]
    base = f"/api/v1/decisions/{decision}"

    # The supplier may not see the maker's product: each document is not found, in the words
    # used for a record that does not exist.
    missing = api.get("/api/v1/decisions/424242/report", headers=supplier).json()["detail"]
    for path in ("/report", "/report?format=pdf", "/attestation"):
        hidden = api.get(base + path, headers=supplier)
        assert hidden.status_code == 404, path
        assert hidden.json()["detail"] == missing.replace("424242", str(decision))

    # The maker reads its decision without a word of the supplier's private BOM.
    page = api.get(base + "/report", headers=maker).text
    pages, pdf = pdf_text(api.get(base + "/report?format=pdf", headers=maker).content)
    attestation = api.get(base + "/attestation", headers=maker)
    assert_nothing_private(page, pdf, attestation.text)
    for text in (page, pdf, attestation.text):
        assert "CERT-MODEL-1" not in text
    assert "CERT-CAMERA-1" in page
    assert "CERT-CAMERA-1" in attestation.text
    assert "Only the product's own certificates are listed" in page
    assert "1 more BOM(s) used, which you may not see" in page
    assert pages >= 1
    assert squeezed(answer["evidence_sha256"]) in pdf
    assert "only the product's own certificates are listed" in attestation.text
    document = attestation.json()
    assert [str(e) for e in json_validator("1.6").iter_errors(document)] == []
    assert jsf_verifies(document, load_or_create_signer(settings.signing_key_file).public_key)

    # An administrator sees everything, the supplier's model and its certificate included.
    whole = api.get(base + "/report", headers=admin).text
    assert "defect-detector" in whole
    assert "CERT-MODEL-1" in whole
    assert "Only the product's own certificates" not in whole
    # Each copy is a subject of its own: the maker's, ingested, is the maker's BOM, and
    # names neither the product as its subject nor the administrator's copy.
    complete = api.get(base + "/attestation", headers=admin).json()
    assert (
        complete["metadata"]["component"]["version"] != document["metadata"]["component"]["version"]
    )
    stored = api.post(
        "/api/v1/boms", content=attestation.content, headers={**maker, "content-type": JSON_TYPE}
    )
    assert stored.status_code == 201, stored.text
    assert stored.json()["product_id"] != camera
