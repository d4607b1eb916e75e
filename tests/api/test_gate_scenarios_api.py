"""The gate cannot be talked into a wrong answer over HTTP: ownership, lineages, BOM-Link, AI
nobody marked, and another organisation's BOMs (PRODUCT.md sections 3 and 7)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.domain.access import Role
from tests import gate_scenarios as scenario
from tests.builders import CAMERA_PURL, MODULE_PURL, camera_bom, supplier_module_bom
from tests.conftest import bearer, issue_key

JSON_TYPE = "application/vnd.cyclonedx+json"
XML_TYPE = "application/vnd.cyclonedx+xml"
Headers = dict[str, str]


def media_type(document: bytes) -> str:
    return XML_TYPE if document.lstrip().startswith(b"<") else JSON_TYPE


class Gate:
    """The API as several organisations and an administrator use it."""

    def __init__(self, api: TestClient, settings: Settings) -> None:
        self.api = api
        self.admin = bearer(issue_key(settings, Role.ADMIN, organisation="operator"))
        self.keys: dict[str, Headers] = {}
        self.settings = settings

    def key(self, organisation: str) -> Headers:
        if organisation not in self.keys:
            self.keys[organisation] = bearer(
                issue_key(
                    self.settings,
                    Role.INTEGRATOR,
                    Role.PROCUREMENT,
                    Role.AUDITOR,
                    organisation=organisation,
                )
            )
        return self.keys[organisation]

    def upload(self, organisation: str, document: bytes, **params: Any) -> Any:
        return self.api.post(
            "/api/v1/boms",
            content=document,
            params=params,
            headers={**self.key(organisation), "content-type": media_type(document)},
        )

    def registry(self, *subjects: str) -> None:
        response = self.api.post(
            "/api/v1/registry/import", json=scenario.registry(*subjects), headers=self.admin
        )
        assert response.status_code == 200, response.text

    def product(self, purl: str, headers: Headers | None = None) -> int:
        found = self.api.get(
            "/api/v1/components", params={"purl": purl}, headers=headers or self.admin
        ).json()["items"]
        assert found, purl
        return int(found[0]["id"])

    def check(
        self, purl: str, organisation: str | None = None, to: str = "DE", on: str = scenario.DAY
    ) -> Any:
        headers = self.key(organisation) if organisation else self.admin
        response = self.api.get(
            f"/api/v1/products/{self.product(purl)}/export-check",
            params={"to": to, "on": on},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def gate(settings: Settings) -> Any:
    with TestClient(create_app(settings)) as api:
        yield Gate(api, settings)


def blocking(answer: Any) -> list[tuple[str, str]]:
    return [(b["component"]["name"], b["reason"]) for b in answer["blocking"]]


def warning_codes(answer: Any) -> set[str]:
    return {w["code"] for w in answer["warnings"]}


def test_a_rival_cannot_publish_for_a_subject_it_does_not_own(gate: Gate) -> None:
    gate.registry(CAMERA_PURL, MODULE_PURL)
    assert gate.upload("hikari", camera_bom()).status_code == 201
    assert gate.upload("deepinspect", supplier_module_bom()).status_code == 201
    before = gate.check(CAMERA_PURL, "hikari")
    assert before["decision"] == "ineligible"

    refused = gate.upload("rival", scenario.hijack_module_bom())

    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["type"].endswith("subject-owned")
    # It names no one's private data: not the owner, not its BOMs.
    assert "deepinspect" not in refused.text
    after = gate.check(CAMERA_PURL, "hikari")
    assert after["decision"] == "ineligible"
    assert blocking(after) == blocking(before)
    # The real owner still has its product; the rival learns nothing about it.
    module = gate.product(MODULE_PURL)
    owner = gate.api.get(f"/api/v1/owners/{module}", headers=gate.key("deepinspect")).json()
    assert owner["owner"] == "deepinspect"
    assert [e["kind"] for e in owner["events"]] == ["claimed"]
    assert (
        gate.api.get(f"/api/v1/products/{module}", headers=gate.key("deepinspect")).status_code
        == 200
    )
    assert (
        gate.api.get(f"/api/v1/products/{module}/export-check?to=DE", headers=gate.key("rival"))
    ).status_code == 404
    decisions = gate.api.get("/api/v1/decisions", headers=gate.key("rival")).json()["items"]
    assert decisions == []


def test_an_owner_delegates_and_an_administrator_transfers(gate: Gate) -> None:
    assert gate.upload("deepinspect", supplier_module_bom()).status_code == 201
    module = gate.product(MODULE_PURL)
    assert gate.upload("partner", scenario.hijack_module_bom()).status_code == 409
    # Only the owner delegates.
    assert (
        gate.api.post(
            f"/api/v1/owners/{module}/delegates",
            json={"organisation": "partner"},
            headers=gate.key("partner"),
        ).status_code
        == 404
    )
    delegated = gate.api.post(
        f"/api/v1/owners/{module}/delegates",
        json={"organisation": "partner"},
        headers=gate.key("deepinspect"),
    )
    assert delegated.status_code == 200, delegated.text
    assert delegated.json()["delegates"] == ["partner"]
    published = gate.upload("partner", scenario.hijack_module_bom())
    assert published.status_code == 201
    # The delegate's BOM is private: the owner's answer counts it in, and names nothing of it.
    owners_view = gate.api.get(
        f"/api/v1/products/{module}/export-check",
        params={"to": "DE", "on": scenario.DAY},
        headers=gate.key("deepinspect"),
    )
    assert owners_view.status_code == 200, owners_view.text
    assert "several_current_boms" in warning_codes(owners_view.json())
    for private in (published.json()["serial_number"], "zlib"):
        assert private not in json.dumps(owners_view.json()["warnings"]), private
    assert [b["id"] for b in owners_view.json()["boms"]] != []
    assert published.json()["id"] not in [b["id"] for b in owners_view.json()["boms"]]
    # Transfer is an administrator's act, audited with its reason.
    assert (
        gate.api.post(
            f"/api/v1/owners/{module}/transfer",
            json={"organisation": "partner", "reason": "acquired"},
            headers=gate.key("deepinspect"),
        ).status_code
        == 403
    )
    moved = gate.api.post(
        f"/api/v1/owners/{module}/transfer",
        json={"organisation": "partner", "reason": "acquired"},
        headers=gate.admin,
    ).json()
    assert moved["owner"] == "partner"
    assert [e["kind"] for e in moved["events"]] == ["claimed", "delegated", "transferred"]
    # Each is in the audit trail, its actor the key that acted; an organisation that is
    # neither owner nor named sees none of them.
    trail = gate.api.get("/api/v1/audit-trail", params={"limit": 500}, headers=gate.admin)
    changes = [e for e in trail.json()["items"] if e["kind"] == "ownership_changed"]
    assert [e["detail"].split(":")[0] for e in changes] == [
        "claimed deepinspect",
        "delegated partner",
        "transferred partner",
    ]
    assert changes[1]["actor"].startswith("deepinspect/key-")
    assert changes[2]["actor"].startswith("operator/key-")
    outsider = gate.api.get(
        "/api/v1/audit-trail", params={"limit": 500}, headers=gate.key("outsider")
    ).json()
    assert not [e for e in outsider["items"] if e["kind"] == "ownership_changed"]


def test_the_same_bytes_from_a_delegate_are_its_own_bom(gate: Gate) -> None:
    document = supplier_module_bom()
    first = gate.upload("deepinspect", document)
    # Not a delegate: refused, and nothing says another organisation holds these bytes.
    refused = gate.upload("rival", document)
    assert refused.status_code == 409
    assert str(first.json()["id"]) not in refused.json()["detail"]
    module = gate.product(MODULE_PURL)
    gate.api.post(
        f"/api/v1/owners/{module}/delegates",
        json={"organisation": "rival"},
        headers=gate.key("deepinspect"),
    )
    second = gate.upload("rival", document)
    assert second.status_code == 201
    assert second.json()["id"] != first.json()["id"]
    assert second.json()["organisation"] == "rival"
    assert gate.upload("rival", document).json()["id"] == second.json()["id"]


@pytest.mark.parametrize("module_first", [True, False], ids=["module-first", "camera-first"])
@pytest.mark.parametrize(
    ("versioned", "via_dependency"),
    [(True, False), (False, False), (True, True)],
    ids=["external-reference", "unversioned", "dependency-ref"],
)
def test_a_module_joined_only_by_bom_link_blocks_the_camera(
    gate: Gate, module_first: bool, versioned: bool, via_dependency: bool
) -> None:
    gate.registry(scenario.LINKED_CAMERA_PURL)
    camera = scenario.linked_camera_bom(versioned=versioned, via_dependency=via_dependency)
    uploads = [("supplier", scenario.linked_module_bom()), ("hikari", camera)]
    for organisation, document in uploads if module_first else reversed(uploads):
        assert gate.upload(organisation, document).status_code == 201

    assert gate.check(scenario.LINKED_CAMERA_PURL, "hikari")["decision"] == "ineligible"
    answer = gate.check(scenario.LINKED_CAMERA_PURL)  # an administrator sees inside

    assert answer["decision"] == "ineligible"
    assert blocking(answer) == [("defect-detector@2.1.0", "no_certificate")]
    kinds = [step["kind"] for step in answer["blocking"][0]["path"]]
    assert "bom_link" in kinds
    assert "linked_bom_missing" not in warning_codes(answer)


def test_a_bom_link_to_a_bom_not_held_is_said_and_blocks_under_the_switch(gate: Gate) -> None:
    gate.registry(scenario.LINKED_CAMERA_PURL)
    assert gate.upload("hikari", scenario.linked_camera_bom()).status_code == 201

    answer = gate.check(scenario.LINKED_CAMERA_PURL, "hikari")
    assert answer["decision"] == "not_in_scope"
    assert (answer["not_in_scope_code"], answer["not_in_scope_reason"]) == (
        "not_ai_bearing",
        "the product holds no AI component",
    )
    assert "linked_bom_missing" in warning_codes(answer)

    strict = {"version": "strict-1", "block_on_incomplete_inventory": True}
    assert gate.api.post("/api/v1/ruleset", json=strict, headers=gate.admin).status_code == 201
    blocked = gate.check(scenario.LINKED_CAMERA_PURL, "hikari")
    assert blocked["decision"] == "ineligible"
    assert [b["reason"] for b in blocked["blocking"]] == ["inventory_incomplete"]


@pytest.mark.parametrize("sbom_last", [True, False], ids=["sbom-last", "aibom-last"])
def test_an_sbom_and_an_ai_bom_of_one_product_count_together(gate: Gate, sbom_last: bool) -> None:
    gate.registry(scenario.APP_PURL)
    documents = [scenario.application_aibom(), scenario.application_sbom()]
    for document in documents if sbom_last else reversed(documents):
        assert gate.upload("acme", document).status_code == 201

    answer = gate.check(scenario.APP_PURL, "acme")

    assert answer["decision"] == "ineligible"
    assert blocking(answer) == [("assistant-llm@1.0", "no_certificate")]
    assert "several_current_boms" in warning_codes(answer)
    assert len(answer["boms"]) == 2


def test_supersession_and_retirement_end_a_bom_and_are_recorded(gate: Gate) -> None:
    gate.registry(scenario.APP_PURL, "pkg:huggingface/acme/assistant-llm@1.0")
    ai_serial = "urn:uuid:11111111-2222-4333-8444-555555555555"
    sbom = gate.upload("acme", scenario.application_sbom()).json()
    ai = gate.upload("acme", scenario.application_aibom(ai_serial)).json()
    assert gate.check(scenario.APP_PURL, "acme")["decision"] == "eligible"
    # Naming a serial that is not current is refused whole, with its location.
    wrong = gate.upload(
        "acme", scenario.application_aibom(), supersedes="urn:uuid:00000000-0000-4000-8000-0"
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["location"] == "supersedes[0]"
    # A new AI-BOM ending the old one: the union is now SBOM + the new AI-BOM.
    newer = gate.upload("acme", scenario.application_aibom(), supersedes=ai_serial)
    assert newer.status_code == 201, newer.text
    answer = gate.check(scenario.APP_PURL, "acme")
    assert {b["id"] for b in answer["boms"]} == {sbom["id"], newer.json()["id"]}
    # Retiring is the owner's to do; afterwards only the SBOM is current, and nothing is AI.
    assert (
        gate.api.post(
            f"/api/v1/boms/{newer.json()['id']}/retire",
            json={"reason": "model withdrawn"},
            headers=gate.key("rival"),
        ).status_code
        == 404
    )
    retired = gate.api.post(
        f"/api/v1/boms/{newer.json()['id']}/retire",
        json={"reason": "model withdrawn"},
        headers=gate.key("acme"),
    )
    assert retired.status_code == 200, retired.text
    trail = gate.api.get("/api/v1/audit-trail", params={"limit": 500}, headers=gate.key("acme"))
    ended = [e for e in trail.json()["items"] if e["kind"] == "bom_ended"]
    assert [e["detail"] for e in ended] == [
        f"BOM {ai['id']} superseded: superseded by BOM {newer.json()['id']}",
        f"BOM {newer.json()['id']} retired: model withdrawn",
    ]
    final = gate.check(scenario.APP_PURL, "acme")
    assert final["decision"] == "not_in_scope"
    assert [b["id"] for b in final["boms"]] == [sbom["id"]]
    assert ai["id"] not in {b["id"] for b in final["boms"]}


@pytest.mark.parametrize("case", sorted(scenario.unmarked_ai_boms()))
def test_ai_that_no_bom_marks_is_suspected_and_blocks(gate: Gate, case: str) -> None:
    gate.registry(scenario.INSPECTOR_PURL)
    assert gate.upload("acme", scenario.unmarked_ai_boms()[case]).status_code == 201

    answer = gate.check(scenario.INSPECTOR_PURL, "acme")

    assert answer["decision"] == "ineligible", answer
    assert [b["reason"] for b in answer["blocking"]] == ["no_certificate"]
    assert answer["blocking"][0]["detail"].startswith("suspected AI component")
    # With the switch off, the same product is not in scope, and the answer says why to look.
    lenient = {"version": "lenient-1", "suspected_ai_is_ai": False}
    assert gate.api.post("/api/v1/ruleset", json=lenient, headers=gate.admin).status_code == 201
    relaxed = gate.check(scenario.INSPECTOR_PURL, "acme")
    assert relaxed["decision"] == "not_in_scope"
    assert "suspected_ai_component" in warning_codes(relaxed)


def test_weight_files_nested_in_a_declared_model_are_that_model_not_more_models(
    gate: Gate,
) -> None:
    assert gate.upload("acme", scenario.declared_model_with_nested_weights_bom()).status_code == 201

    # Only the model itself needs a certificate: its weight files are not models of their own.
    uncertified = gate.check(scenario.INSPECTOR_PURL, "acme")
    assert uncertified["decision"] == "ineligible", uncertified
    assert sorted(b["component"]["identity"] for b in uncertified["blocking"]) == sorted(
        [scenario.INSPECTOR_PURL, scenario.MODEL_PURL]
    )
    assert "suspected_ai_component" not in warning_codes(uncertified)

    gate.registry(scenario.INSPECTOR_PURL, scenario.MODEL_PURL)
    answer = gate.check(scenario.INSPECTOR_PURL, "acme")
    assert answer["decision"] == "eligible", answer
    assert answer["blocking"] == []
    assert "suspected_ai_component" not in warning_codes(answer)


def test_another_organisations_bom_cannot_poison_a_shared_library(gate: Gate) -> None:
    assert gate.upload("acme", scenario.opencv_product_bom()).status_code == 201
    assert gate.check(scenario.INSPECTOR_PURL, "acme")["decision"] == "not_in_scope"

    assert gate.upload("rival", scenario.poisoning_bom()).status_code == 201

    answer = gate.check(scenario.INSPECTOR_PURL, "acme")
    assert answer["decision"] == "not_in_scope"
    assert answer["blocking"] == []
    # Said to administrators, who see every BOM; never to the product's organisation.
    assert "ai_claimed_elsewhere" not in warning_codes(answer)
    claimed = gate.check(scenario.INSPECTOR_PURL)
    assert claimed["decision"] == "not_in_scope"
    assert [w["component"] for w in claimed["warnings"] if w["code"] == "ai_claimed_elsewhere"] == [
        "opencv-python@4.10.0.84"
    ]
    # The rival's own product is judged by its own word.
    assert gate.check("pkg:generic/rival/q@1.0", "rival")["decision"] == "ineligible"


def test_classification_records_settle_suspected_ai_for_their_owner_only(gate: Gate) -> None:
    gate.registry(scenario.INSPECTOR_PURL)
    hub = scenario.unmarked_ai_boms()["hub purl typed library"]
    assert gate.upload("acme", hub).status_code == 201
    detector = gate.product("pkg:huggingface/acme/detector@1.0")

    def classify(headers: Headers, *, is_ai: bool) -> None:
        recorded = gate.api.post(
            f"/api/v1/components/{detector}/classifications",
            json={"is_ai": is_ai, "reason": "read the model card"},
            headers=headers,
        )
        assert recorded.status_code == 201, recorded.text

    # Another organisation's procurement says "not AI" (it may know the component: the BOM
    # is public): that speaks for its own products only.
    [stored] = gate.api.get("/api/v1/boms", headers=gate.key("acme")).json()["items"]
    public = gate.api.put(
        f"/api/v1/boms/{stored['id']}/visibility",
        json={"visibility": "public"},
        headers=gate.key("acme"),
    )
    assert public.status_code == 200, public.text
    # Records count from the day they are decided: ask about today.
    today = dt.datetime.now(dt.UTC).date().isoformat()
    classify(gate.key("rival"), is_ai=False)
    assert gate.check(scenario.INSPECTOR_PURL, "acme", on=today)["decision"] == "ineligible"
    # The owner's own record settles it for its product, from today on.
    classify(gate.key("acme"), is_ai=False)
    assert gate.check(scenario.INSPECTOR_PURL, "acme", on=today)["decision"] == "not_in_scope"
    assert gate.check(scenario.INSPECTOR_PURL, "acme")["decision"] == "ineligible"
    # An administrator's record that it is AI after all wins: disagreement fails closed.
    classify(gate.admin, is_ai=True)
    assert gate.check(scenario.INSPECTOR_PURL, "acme", on=today)["decision"] == "ineligible"


def test_a_classification_never_overrides_an_explicit_signal(gate: Gate) -> None:
    gate.registry(scenario.APP_PURL)
    assert gate.upload("acme", scenario.application_aibom()).status_code == 201
    llm = gate.product("pkg:huggingface/acme/assistant-llm@1.0")
    recorded = gate.api.post(
        f"/api/v1/components/{llm}/classifications",
        json={"is_ai": False, "reason": "we say so"},
        headers=gate.admin,
    )
    assert recorded.status_code == 201, recorded.text
    answer = gate.check(scenario.APP_PURL, "acme")
    assert answer["decision"] == "ineligible"
    assert blocking(answer) == [("assistant-llm@1.0", "no_certificate")]
