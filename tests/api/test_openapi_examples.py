"""The examples in the OpenAPI document come from sbom_samples/ and are true: each request
example is accepted as shown, and each answer example is what the samples answer today."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.services.runtime import Runtime
from tests.conftest import SAMPLE_REGISTRY, SAMPLES

# Fields that name rows of one database (ids) or the moment of asking.
_PER_DATABASE = {"id", "decision_id", "bom_ids", "decided_at", "evidence_sha256"}


def _examples(client: TestClient, path: str, method: str) -> dict[str, tuple[str, Any]]:
    """Example name -> (media type, value) of one operation's request body."""
    body = client.get("/openapi.json").json()["paths"][path][method]["requestBody"]
    return {
        name: (media_type, example["value"])
        for media_type, content in body["content"].items()
        for name, example in content.get("examples", {}).items()
    }


def _without_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if k not in _PER_DATABASE}
    if isinstance(value, list):
        return [_without_ids(item) for item in value]
    return value


def _send(client: TestClient, path: str, media_type: str, value: Any, **params: str) -> int:
    content = value if isinstance(value, str) else json.dumps(value)
    response = client.post(
        path, content=content.encode(), headers={"content-type": media_type}, params=params
    )
    assert response.status_code < 300, response.text
    return response.status_code


def test_every_main_request_has_an_example_from_the_samples(client: TestClient) -> None:
    expected = {
        ("/api/v1/boms", "post"): {"smart-camera", "aoi-station"},
        ("/api/v1/export-checks", "post"): {"smart-camera", "aoi-station"},
        ("/api/v1/registry/import", "post"): {"registry"},
        ("/api/v1/certificates", "post"): {"certificate"},
        ("/api/v1/ruleset", "post"): {"ruleset"},
        ("/api/v1/certificates/{number}/events", "post"): {"suspension"},
    }
    for (path, method), names in expected.items():
        assert set(_examples(client, path, method)) == names, path


@pytest.mark.parametrize("name", ["smart-camera", "aoi-station"])
def test_the_upload_examples_are_stored_and_checked_as_shown(client: TestClient, name: str) -> None:
    media_type, value = _examples(client, "/api/v1/boms", "post")[name]
    assert _send(client, "/api/v1/boms", media_type, value) == 201
    assert _send(client, "/api/v1/export-checks", media_type, value, to="DE") == 200


def test_the_registry_examples_are_recorded_as_shown(client: TestClient) -> None:
    registry = json.loads(SAMPLE_REGISTRY.read_text())
    for reviewer in registry["reviewers"]:
        body = {k: v for k, v in reviewer.items() if k != "id"}
        assert client.put(f"/api/v1/reviewers/{reviewer['id']}", json=body).status_code == 201
    media_type, ruleset = _examples(client, "/api/v1/ruleset", "post")["ruleset"]
    assert _send(client, "/api/v1/ruleset", media_type, ruleset) == 201
    media_type, certificate = _examples(client, "/api/v1/certificates", "post")["certificate"]
    assert _send(client, "/api/v1/certificates", media_type, certificate) == 201
    number = certificate["number"]
    examples = _examples(client, "/api/v1/certificates/{number}/events", "post")
    media_type, event = examples["suspension"]
    assert _send(client, f"/api/v1/certificates/{number}/events", media_type, event) == 201
    media_type, whole = _examples(client, "/api/v1/registry/import", "post")["registry"]
    assert _send(client, "/api/v1/registry/import", media_type, whole) == 200


def test_the_answer_examples_are_what_the_samples_answer(
    client: TestClient, samples: Runtime
) -> None:
    stored_files = sorted((SAMPLES / "answers").glob("*.json"))
    assert stored_files
    document = client.get("/openapi.json").json()
    for file in stored_files:
        stored = json.loads(file.read_text())
        question = stored["question"]
        found = client.get("/api/v1/components", params={"purl": question["product"]})
        product = found.json()["items"][0]["id"]
        path = stored["path"].replace("{product_id}", str(product))
        answer = client.get(path, params={"to": question["to"], "on": question["on"]}).json()
        assert _without_ids(answer) == _without_ids(stored["answer"]), file.name
        operation = document["paths"][stored["path"]]["get"]
        examples = operation["responses"]["200"]["content"]["application/json"]["examples"]
        assert examples[file.stem]["value"] == stored["answer"]
