"""GET /api/v1/components/{id}/readiness: what a model card offers an ethical reviewer, per
dimension, as the BOMs the caller may see give it; another organisation's private model is
answered like one that does not exist, and its facts never reach anyone else."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.domain.access import Role
from tests.builders import bom, component, model
from tests.conftest import bearer, issue_key

JSON_TYPE = "application/vnd.cyclonedx+json"
MODEL = "pkg:huggingface/hikari/weld-inspector@1.0"
DATASET: dict[str, Any] = {
    "type": "dataset",
    "name": "weld images",
    "contents": {"url": "https://example.com/welds"},
    "classification": "confidential",
    "sensitiveData": ["faces of welders"],
    "governance": {"owners": [{"organization": {"name": "Hikari"}}]},
}
FULL_CARD: dict[str, Any] = {
    "modelParameters": {"approach": {"type": "supervised"}, "datasets": [{"ref": "welds"}]},
    "quantitativeAnalysis": {"performanceMetrics": [{"type": "recall", "value": "0.97"}]},
    "considerations": {
        "users": ["line inspectors"],
        "useCases": ["weld defect detection"],
        "technicalLimitations": ["reflective surfaces"],
        "ethicalConsiderations": [{"name": "welder privacy", "mitigationStrategy": "blur"}],
        "fairnessAssessments": [{"groupAtRisk": "night-shift welders", "harms": "missed"}],
    },
}


def _full_bom() -> bytes:
    return bom(
        component("station", "weld-station", type_="device", version="2.0"),
        [
            model(
                "inspector",
                MODEL,
                modelCard=FULL_CARD,
                properties=[{"name": "exportgate:human-oversight", "value": "true"}],
            ),
            component("welds", "weld-images", type_="data", data=[DATASET]),
            component("plc", "plc-firmware", type_="firmware"),
        ],
        {"station": ["inspector", "plc"]},
    )


def _thin_bom() -> bytes:
    """Another organisation's product with the same model, whose card gives use cases only."""
    return bom(
        component("kiosk", "retail-kiosk", type_="device", version="1.0"),
        [model("m", MODEL, modelCard={"considerations": {"useCases": ["shelf audits"]}})],
        {"kiosk": ["m"]},
    )


def _upload(api: TestClient, document: bytes, key: dict[str, str]) -> dict[str, Any]:
    stored = api.post("/api/v1/boms", content=document, headers={**key, "content-type": JSON_TYPE})
    assert stored.status_code == 201, stored.text
    body: dict[str, Any] = stored.json()
    return body


def _model_id(api: TestClient, key: dict[str, str]) -> int:
    found = api.get("/api/v1/components", params={"purl": MODEL}, headers=key).json()["items"]
    assert len(found) == 1
    return int(found[0]["id"])


def _dimensions(answer: dict[str, Any]) -> dict[str, int]:
    return {d["dimension"]: d["percent"] for d in answer["dimensions"]}


def test_a_full_model_card_is_ready_on_every_dimension_with_each_fact_located(
    settings: Settings,
) -> None:
    acme = bearer(issue_key(settings, Role.INTEGRATOR, organisation="acme"))
    with TestClient(create_app(settings)) as api:
        stored = _upload(api, _full_bom(), acme)
        model_id = _model_id(api, acme)
        answer = api.get(f"/api/v1/components/{model_id}/readiness", headers=acme)
        assert answer.status_code == 200
        body = answer.json()
        assert body["applies"] is True
        assert body["bom_ids"] == [stored["id"]]
        assert _dimensions(body) == {
            "algorithmic_bias": 100,
            "data_privacy": 100,
            "system_controllability": 100,
        }
        items = {item["item"]: item for item in body["items"]}
        assert items["dataset_classification"]["found"] == [
            {
                "bom_id": stored["id"],
                "pointer": "welds:/data/0/classification",
                "value": "confidential",
            }
        ]
        assert items["human_oversight"]["found"][0]["pointer"] == "/properties/0"
        assert all(item["missing_in"] == [] for item in body["items"])


def test_another_organisations_private_model_is_not_found_exactly_like_its_component(
    settings: Settings,
) -> None:
    acme = bearer(issue_key(settings, Role.INTEGRATOR, organisation="acme"))
    rival = bearer(issue_key(settings, Role.PROCUREMENT, organisation="rival"))
    with TestClient(create_app(settings)) as api:
        stored = _upload(api, _full_bom(), acme)
        model_id = _model_id(api, acme)
        hidden = api.get(f"/api/v1/components/{model_id}/readiness", headers=rival)
        component_answer = api.get(f"/api/v1/components/{model_id}", headers=rival)
        absent = api.get("/api/v1/components/999999/readiness", headers=rival)
        assert hidden.status_code == component_answer.status_code == absent.status_code == 404
        assert hidden.json()["detail"] == component_answer.json()["detail"]
        assert hidden.json()["detail"] == absent.json()["detail"].replace("999999", str(model_id))
        # Made public by its owner, the rival may read it.
        api.put(
            f"/api/v1/boms/{stored['id']}/visibility",
            json={"visibility": "public"},
            headers=acme,
        )
        shown = api.get(f"/api/v1/components/{model_id}/readiness", headers=rival)
        assert shown.status_code == 200
        assert _dimensions(shown.json())["data_privacy"] == 100


def test_facts_from_a_bom_the_caller_may_not_see_never_appear(settings: Settings) -> None:
    acme = bearer(issue_key(settings, Role.INTEGRATOR, organisation="acme"))
    rival = bearer(issue_key(settings, Role.INTEGRATOR, Role.PROCUREMENT, organisation="rival"))
    admin = bearer(issue_key(settings, Role.ADMIN, organisation="operator"))
    with TestClient(create_app(settings)) as api:
        private = _upload(api, _full_bom(), acme)
        own = _upload(api, _thin_bom(), rival)
        model_id = _model_id(api, rival)
        answer = api.get(f"/api/v1/components/{model_id}/readiness", headers=rival)
        assert answer.status_code == 200
        body = answer.json()
        assert body["bom_ids"] == [own["id"]]
        assert _dimensions(body) == {
            "algorithmic_bias": 0,
            "data_privacy": 0,
            "system_controllability": 20,
        }
        for secret in ("night-shift", "welds", "welder", "reflective", "line inspectors"):
            assert secret not in answer.text
        cited = {
            fact["bom_id"]
            for item in body["items"]
            for fact in (*item["found"], *item["missing_in"])
        }
        assert cited == {own["id"]}
        assert private["id"] not in body["bom_ids"]
        # The operator sees both, each fact with its BOM, and where the two disagree.
        everything = api.get(f"/api/v1/components/{model_id}/readiness", headers=admin).json()
        assert everything["bom_ids"] == [private["id"], own["id"]]
        items = {item["item"]: item for item in everything["items"]}
        assert {(f["bom_id"], f["value"]) for f in items["use_cases"]["found"]} == {
            (private["id"], "1 entry"),
            (own["id"], "1 entry"),
        }
        assert items["fairness_assessments"]["present"] is True
        assert [m["bom_id"] for m in items["fairness_assessments"]["missing_in"]] == [own["id"]]
        assert _dimensions(everything)["algorithmic_bias"] == 100


def test_a_component_that_is_not_ai_is_answered_as_such(settings: Settings) -> None:
    acme = bearer(issue_key(settings, Role.INTEGRATOR, organisation="acme"))
    with TestClient(create_app(settings)) as api:
        _upload(api, _full_bom(), acme)
        found = api.get("/api/v1/components", params={"name": "plc-firmware"}, headers=acme)
        plc = found.json()["items"][0]["id"]
        answer = api.get(f"/api/v1/components/{plc}/readiness", headers=acme)
        assert answer.status_code == 200
        body = answer.json()
        assert body["applies"] is False
        assert "AI components" in body["ai_basis"]
        assert body["dimensions"] == []
        assert body["items"] == []


def test_an_empty_model_card_scores_zero_on_each_dimension(settings: Settings) -> None:
    acme = bearer(issue_key(settings, Role.INTEGRATOR, organisation="acme"))
    with TestClient(create_app(settings)) as api:
        _upload(
            api,
            bom(component("box", "box", type_="device"), [model("m", MODEL, modelCard={})]),
            acme,
        )
        body = api.get(f"/api/v1/components/{_model_id(api, acme)}/readiness", headers=acme).json()
        assert body["applies"] is True
        assert "modelCard" in body["ai_basis"] or "machine-learning-model" in body["ai_basis"]
        assert _dimensions(body) == {
            "algorithmic_bias": 0,
            "data_privacy": 0,
            "system_controllability": 0,
        }
        assert all(d["present_items"] == [] for d in body["dimensions"])


def test_the_operation_is_described_in_the_openapi_document(settings: Settings) -> None:
    with TestClient(create_app(settings)) as api:
        document = api.get("/openapi.json").json()
    operation = document["paths"]["/api/v1/components/{component_id}/readiness"]["get"]
    assert operation["operationId"] == "get_component_readiness"
    assert operation["tags"] == ["components"]
    assert "404" in operation["responses"]


def test_a_suspected_ai_component_is_assessed_and_says_why_it_counts(settings: Settings) -> None:
    acme = bearer(issue_key(settings, Role.INTEGRATOR, organisation="acme"))
    hub = "pkg:huggingface/acme/sorter@3.0"
    with TestClient(create_app(settings)) as api:
        _upload(
            api,
            bom(component("box", "box", type_="device"), [component("s", "sorter", purl=hub)]),
            acme,
        )
        found = api.get("/api/v1/components", params={"purl": hub}, headers=acme).json()
        body = api.get(
            f"/api/v1/components/{found['items'][0]['id']}/readiness", headers=acme
        ).json()
        assert body["applies"] is True
        assert body["ai_basis"].startswith("suspected AI component: ")
        assert hub in body["ai_basis"]
        assert [d["percent"] for d in body["dimensions"]] == [0, 0, 0]
