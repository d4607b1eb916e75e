"""Destinations over HTTP (issue 9): ISO 3166-1 alpha-2 codes or groups the ruleset defines,
in questions and certificate scopes; anything else is refused and nothing is recorded; a
group is answered for each of its countries and kept as one decision record."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import SAMPLE_REGISTRY, SAMPLES
from tests.export_cases import CAMERA, DETECTOR_CERTIFICATE, MODULE, TODAY

PROBLEM = "application/problem+json"
DETECTOR = "pkg:huggingface/deepinspect/defect-detector@2.1.0"
FULL = ["algorithmic_bias", "data_privacy", "system_controllability"]
EU = json.loads(SAMPLE_REGISTRY.read_bytes())["ruleset"]["country_groups"]["EU"]


def product_id(client: TestClient, purl: str) -> int:
    found = client.get("/api/v1/components", params={"purl": purl}).json()["items"]
    return int(found[0]["id"])


def decisions(client: TestClient) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get("/api/v1/decisions").json()["items"]
    return items


def detector_certificate(number: str, destinations: list[str], **fields: Any) -> dict[str, Any]:
    return {
        "number": number,
        "subject": DETECTOR,
        "reviewer": "CAICT-ER",
        "dimensions": FULL,
        "issued": "2026-11-01",
        "expires": "2027-10-31",
        "destinations": destinations,
        "events": [{"status": "active", "date": "2026-11-01"}],
        **fields,
    }


def assert_refused(response: Any, location: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert location in [e["location"] for e in response.json()["errors"]], response.json()


@pytest.mark.usefixtures("samples")
class TestQuestions:
    @pytest.mark.parametrize("asked", ["XX", "Germany", "ZZZ", "E U", " "])
    def test_an_unknown_destination_is_refused_and_nothing_recorded(
        self, client: TestClient, asked: str
    ) -> None:
        product = product_id(client, MODULE)

        response = client.get(
            f"/api/v1/products/{product}/export-check", params={"to": asked, "on": TODAY}
        )

        assert_refused(response, "query/to")
        assert "neither an ISO 3166-1 alpha-2 country code nor a group" in response.text
        assert decisions(client) == []

    def test_a_lower_case_code_is_the_country_and_an_empty_one_nothing(
        self, client: TestClient
    ) -> None:
        product = product_id(client, MODULE)
        answer = client.get(
            f"/api/v1/products/{product}/export-check", params={"to": "de", "on": TODAY}
        ).json()
        assert (answer["destination"], answer["decision"]) == ("DE", "eligible")
        assert answer["countries"] == [
            {
                "destination": "DE",
                "decision": "eligible",
                "not_in_scope_code": None,
                "not_in_scope_reason": None,
            }
        ]
        empty = client.get(f"/api/v1/products/{product}/export-check", params={"to": ""})
        assert_refused(empty, "query/to")
        assert len(decisions(client)) == 1

    def test_the_dry_run_refuses_an_unknown_destination(self, client: TestClient) -> None:
        response = client.post(
            "/api/v1/export-checks",
            params={"to": "XX", "on": TODAY},
            content=(SAMPLES / "smart-camera-v1.cdx.json").read_bytes(),
            headers={"content-type": "application/vnd.cyclonedx+json"},
        )
        assert_refused(response, "query/to")

    def test_the_dry_run_answers_a_group(self, client: TestClient) -> None:
        response = client.post(
            "/api/v1/export-checks",
            params={"to": "EU", "on": TODAY},
            content=(SAMPLES / "smart-camera-v1.cdx.json").read_bytes(),
            headers={"content-type": "application/vnd.cyclonedx+json"},
        )
        assert response.status_code == 200, response.text
        answer = response.json()
        assert answer["destination"] == "EU"
        assert [c["destination"] for c in answer["countries"]] == sorted(EU)
        assert answer["decision_id"] is None
        assert decisions(client) == []

    def test_the_products_list_refuses_an_unassigned_code(self, client: TestClient) -> None:
        response = client.get("/api/v1/products", params={"to": ["DE", "XX"]})
        assert_refused(response, "to[1]")


@pytest.mark.usefixtures("samples")
class TestGroupQuestions:
    def test_fr_is_covered_by_a_certificate_scoped_to_the_eu(self, client: TestClient) -> None:
        # The detector's own certificate is suspended; a new one covers the EU only.
        client.post(
            f"/api/v1/certificates/{DETECTOR_CERTIFICATE}/events",
            json={"status": "suspended", "date": "2026-11-20"},
        )
        created = client.post("/api/v1/certificates", json=detector_certificate("C-EU", ["EU"]))
        assert created.status_code == 201, created.text
        module = product_id(client, MODULE)

        for asked in ("FR", "EU"):
            answer = client.get(
                f"/api/v1/products/{module}/export-check", params={"to": asked, "on": TODAY}
            ).json()

            assert answer["decision"] == "eligible", answer
            assert {"component": "defect-detector@2.1.0", "certificate": "C-EU"} in answer[
                "verified"
            ]
        assert {c["decision"] for c in answer["countries"]} == {"eligible"}
        assert len(answer["countries"]) == len(EU)

    def test_a_group_names_its_ineligible_countries_and_is_one_record(
        self, client: TestClient
    ) -> None:
        client.post(
            f"/api/v1/certificates/{DETECTOR_CERTIFICATE}/events",
            json={"status": "suspended", "date": "2026-11-20"},
        )
        client.post("/api/v1/certificates", json=detector_certificate("C-DEFR", ["DE", "fr"]))
        module = product_id(client, MODULE)

        answer = client.get(
            f"/api/v1/products/{module}/export-check", params={"to": "eu", "on": TODAY}
        ).json()

        others = sorted(set(EU) - {"DE", "FR"})
        assert answer["decision"] == "ineligible"
        assert answer["destination"] == "EU"
        assert answer["ineligible_countries"] == others
        assert {c["destination"]: c["decision"] for c in answer["countries"]} == {
            country: "eligible" if country in ("DE", "FR") else "ineligible" for country in EU
        }
        (blocker,) = answer["blocking"]
        assert blocker["component"]["name"] == "defect-detector@2.1.0"
        assert blocker["countries"] == others
        assert (blocker["reason"], blocker["certificate"]) == (
            "certificate_suspended",
            DETECTOR_CERTIFICATE,
        )
        assert blocker["path"][0]["parent"] == answer["product"]["name"]
        assert [c["number"] for c in blocker["certificates"]] == [DETECTOR_CERTIFICATE, "C-DEFR"]
        assert blocker["certificates"][1]["failures"] == [
            {
                "reason": "destination_not_covered",
                "detail": f"C-DEFR does not cover {', '.join(others)}",
            }
        ]
        (record,) = decisions(client)
        assert (record["id"], record["destination"], record["decision"]) == (
            answer["decision_id"],
            "EU",
            "ineligible",
        )
        stored = client.get(f"/api/v1/decisions/{answer['decision_id']}").json()
        assert stored["ineligible_countries"] == others
        assert stored["blocking"][0]["countries"] == others

    def test_the_products_list_agrees_with_the_group_check(self, client: TestClient) -> None:
        camera = product_id(client, CAMERA)
        listed = client.get(f"/api/v1/products/{camera}", params={"to": "ASEAN", "on": TODAY})
        answer = client.get(
            f"/api/v1/products/{camera}/export-check", params={"to": "ASEAN", "on": TODAY}
        ).json()
        (status,) = listed.json()["statuses"]
        assert status["decision"] == answer["decision"]
        assert status["ineligible"] == answer["ineligible_countries"]
        assert status["destinations"] == [c["destination"] for c in answer["countries"]]


@pytest.mark.usefixtures("samples")
class TestCertificateScopes:
    @pytest.mark.parametrize("scope", [["XX"], ["DE", "Germany"], ["NARNIA"]])
    def test_a_certificate_scoped_to_no_known_destination_is_refused(
        self, client: TestClient, scope: list[str]
    ) -> None:
        response = client.post("/api/v1/certificates", json=detector_certificate("C-BAD", scope))

        assert_refused(response, f"/destinations/{len(scope) - 1}")
        assert client.get("/api/v1/certificates/C-BAD").status_code == 404

    def test_a_registry_file_with_a_bad_scope_is_refused_whole(self, client: TestClient) -> None:
        document = {
            "certificates": [
                detector_certificate("C-OK", ["EU"]),
                detector_certificate("C-BAD", ["*", "XX"]),
            ]
        }

        response = client.post("/api/v1/registry/import", json=document)

        assert_refused(response, "/certificates/1/destinations/1")
        assert client.get("/api/v1/certificates/C-OK").status_code == 404
        empty = client.post("/api/v1/certificates", json=detector_certificate("C-EMPTY", [""]))
        assert empty.status_code == 422
        assert client.get("/api/v1/certificates/C-EMPTY").status_code == 404

    def test_a_group_defined_by_the_file_s_own_ruleset_may_scope_its_certificates(
        self, client: TestClient
    ) -> None:
        ruleset = json.loads(SAMPLE_REGISTRY.read_bytes())["ruleset"]
        ruleset = {
            **ruleset,
            "version": "2026-12-01.1",
            "country_groups": {**ruleset["country_groups"], "gcc": ["SA", "AE", "qa"]},
        }
        document = {"certificates": [detector_certificate("C-GCC", ["GCC"])], "ruleset": ruleset}

        response = client.post("/api/v1/registry/import", json=document)

        assert response.status_code == 200, response.text
        published = client.get("/api/v1/ruleset/versions/2026-12-01.1").json()
        assert published["country_groups"]["GCC"] == ["AE", "QA", "SA"]

    @pytest.mark.parametrize(
        ("groups", "location"),
        [
            ({"EU": ["DE", "XX"]}, "/ruleset/country_groups/EU"),
            ({"DE": ["DE"]}, "/ruleset/country_groups/DE"),
            ({"EMPTY": []}, "/ruleset/country_groups/EMPTY"),
            ({"NORTHERN-EUROPE": ["SE"]}, "/ruleset/country_groups/NORTHERN-EUROPE"),
        ],
    )
    def test_a_ruleset_whose_groups_are_not_countries_is_refused(
        self, client: TestClient, groups: dict[str, list[str]], location: str
    ) -> None:
        ruleset = {"version": "2026-12-01.1", "country_groups": groups}

        response = client.post("/api/v1/registry/import", json={"ruleset": ruleset})

        assert_refused(response, location)
        published = client.post("/api/v1/ruleset", json=ruleset)
        assert_refused(published, location.removeprefix("/ruleset"))
        versions = client.get("/api/v1/ruleset/versions").json()["items"]
        assert [v["version"] for v in versions] == ["2026-07-01.1"]
