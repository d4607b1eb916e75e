"""Ruleset versions by date over HTTP (issue 9): a check dated D uses the version in force on
D, names it, and the products list, impact and the ruleset reads follow the same date."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.services.runtime import Runtime
from tests.conftest import SAMPLE_REGISTRY
from tests.export_cases import CHATBOT

FIRST = "2026-07-01.1"
STRICT = "2026-11-15.1-strict"
BEFORE = "2026-09-15"  # the chatbot is eligible then under the first version
AFTER = "2026-11-20"


def sample_ruleset(**fields: Any) -> dict[str, Any]:
    ruleset: dict[str, Any] = json.loads(SAMPLE_REGISTRY.read_bytes())["ruleset"]
    return {**ruleset, **fields}


def product_id(client: TestClient, purl: str) -> int:
    found = client.get("/api/v1/components", params={"purl": purl}).json()["items"]
    return int(found[0]["id"])


def check(client: TestClient, purl: str, on: str) -> dict[str, Any]:
    response = client.get(
        f"/api/v1/products/{product_id(client, purl)}/export-check", params={"to": "DE", "on": on}
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


class TestVersionByDate:
    @pytest.fixture(autouse=True)
    def strict_from_mid_november(self, client: TestClient, samples: Runtime) -> None:  # noqa: ARG002 - the samples load first
        """A stricter version (incomplete inventories block) in force from 2026-11-15,
        published through the registry import."""
        ruleset = sample_ruleset(
            version=STRICT, effective_from="2026-11-15", block_on_incomplete_inventory=True
        )
        response = client.post("/api/v1/registry/import", json={"ruleset": ruleset})
        assert response.status_code == 200, response.text
        assert response.json()["ruleset_published"] == STRICT

    def test_a_check_dated_before_the_new_version_uses_the_old_one(
        self, client: TestClient
    ) -> None:
        answer = check(client, CHATBOT, BEFORE)

        assert (answer["decision"], answer["ruleset"]) == ("eligible", FIRST)
        record = client.get(f"/api/v1/decisions/{answer['decision_id']}").json()
        assert record["ruleset"] == FIRST

    def test_a_check_dated_after_it_uses_the_new_one(self, client: TestClient) -> None:
        answer = check(client, CHATBOT, AFTER)

        assert answer["ruleset"] == STRICT
        assert "inventory_incomplete" in [b["reason"] for b in answer["blocking"]]

    def test_the_products_list_weighs_each_date_under_its_version(self, client: TestClient) -> None:
        chatbot = product_id(client, CHATBOT)
        statuses = {
            on: client.get(f"/api/v1/products/{chatbot}", params={"to": "DE", "on": on}).json()[
                "statuses"
            ][0]
            for on in (BEFORE, AFTER)
        }
        assert statuses[BEFORE]["decision"] == "eligible"
        assert "inventory_incomplete" in statuses[AFTER]["reasons"]

    def test_impact_weighs_the_date_under_its_version(self, client: TestClient) -> None:
        # Revoking the chatbot's own certificate in September breaks it: it is eligible
        # then under the first version (the strict one would already block it).
        impact = client.get(
            "/api/v1/certificates/AIEC-2026-000415/impact", params={"to": "DE", "on": BEFORE}
        ).json()
        (product,) = impact["products"]
        assert (product["now"], product["if_revoked"], product["breaks"]) == (
            "eligible",
            "ineligible",
            True,
        )

    def test_the_ruleset_reads_follow_the_date(self, client: TestClient) -> None:
        assert client.get("/api/v1/ruleset", params={"on": BEFORE}).json()["version"] == FIRST
        strict = client.get("/api/v1/ruleset", params={"on": AFTER}).json()
        assert (strict["version"], strict["effective_from"]) == (STRICT, "2026-11-15")
        for on, in_force in ((BEFORE, FIRST), (AFTER, STRICT)):
            versions = client.get("/api/v1/ruleset/versions", params={"on": on}).json()["items"]
            assert [(v["version"], v["effective_from"], v["in_force"]) for v in versions] == [
                (FIRST, None, in_force == FIRST),
                (STRICT, "2026-11-15", in_force == STRICT),
            ]

    def test_a_version_published_later_with_an_earlier_date_governs_from_then(
        self, client: TestClient
    ) -> None:
        relaxed = sample_ruleset(
            version="2026-09-01.1", effective_from="2026-09-01", require_product_certificate=False
        )
        assert client.post("/api/v1/ruleset", json=relaxed).status_code == 201

        assert check(client, CHATBOT, BEFORE)["ruleset"] == "2026-09-01.1"
        assert check(client, CHATBOT, "2026-08-15")["ruleset"] == FIRST
        assert check(client, CHATBOT, AFTER)["ruleset"] == STRICT


def test_no_published_version_in_force_means_the_defaults(client: TestClient) -> None:
    response = client.post(
        "/api/v1/ruleset", json={"version": "2027.1", "effective_from": "2027-01-01"}
    )
    assert response.status_code == 201, response.text

    assert client.get("/api/v1/ruleset", params={"on": "2026-12-31"}).json()["version"] == "default"
    assert client.get("/api/v1/ruleset", params={"on": "2027-01-01"}).json()["version"] == "2027.1"
