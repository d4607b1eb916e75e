"""The headline reason over HTTP (issue 9): a blocker lists every certificate considered
with every condition each fails, and the headline is the certificate failing fewest."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.services.runtime import Runtime
from tests.export_cases import DETECTOR_CERTIFICATE, MODULE, TODAY

DETECTOR = "pkg:huggingface/deepinspect/defect-detector@2.1.0"


def product_id(client: TestClient, purl: str) -> int:
    found = client.get("/api/v1/components", params={"purl": purl}).json()["items"]
    return int(found[0]["id"])


class TestHeadline:
    @pytest.fixture(autouse=True)
    def suspended_and_partial(self, client: TestClient, samples: Runtime) -> None:  # noqa: ARG002 - the samples load first
        """The detector's certificate, which fits everything, is suspended; another, active,
        misses a dimension and a sector."""
        client.post(
            f"/api/v1/certificates/{DETECTOR_CERTIFICATE}/events",
            json={"status": "suspended", "date": "2026-11-20", "reason": "audit"},
        )
        created = client.post(
            "/api/v1/certificates",
            json={
                "number": "AIEC-2026-000001",
                "subject": DETECTOR,
                "reviewer": "CAICT-ER",
                "dimensions": ["algorithmic_bias", "data_privacy"],
                "issued": "2026-10-01",
                "expires": "2027-09-30",
                "sectors": ["hiring"],
                "events": [{"status": "active", "date": "2026-10-01"}],
            },
        )
        assert created.status_code == 201, created.text

    def test_the_suspended_certificate_is_the_headline_and_both_are_listed(
        self, client: TestClient
    ) -> None:
        module = product_id(client, MODULE)

        answer = client.get(
            f"/api/v1/products/{module}/export-check", params={"to": "DE", "on": TODAY}
        ).json()

        (blocker,) = answer["blocking"]
        assert (blocker["reason"], blocker["certificate"], blocker["detail"]) == (
            "certificate_suspended",
            DETECTOR_CERTIFICATE,
            f"{DETECTOR_CERTIFICATE} is suspended",
        )
        assert blocker["countries"] == ["DE"]
        assert blocker["certificates"] == [
            {
                "number": DETECTOR_CERTIFICATE,
                "failures": [
                    {
                        "reason": "certificate_suspended",
                        "detail": f"{DETECTOR_CERTIFICATE} is suspended",
                    }
                ],
            },
            {
                "number": "AIEC-2026-000001",
                "failures": [
                    {
                        "reason": "dimension_missing",
                        "detail": "AIEC-2026-000001 does not cover system_controllability",
                    },
                    {
                        "reason": "sector_not_covered",
                        "detail": "AIEC-2026-000001 does not cover an unnamed sector",
                    },
                ],
            },
        ]
        stored = client.get(f"/api/v1/decisions/{answer['decision_id']}").json()
        assert stored["blocking"][0]["certificates"] == blocker["certificates"]

    def test_the_active_certificate_is_the_headline_once_it_fails_fewer(
        self, client: TestClient
    ) -> None:
        # In its own sector the active one misses only a dimension: a tie, which the
        # suspended certificate, fitting the question, still wins.
        module = product_id(client, MODULE)
        answer = client.get(
            f"/api/v1/products/{module}/export-check",
            params={"to": "DE", "on": TODAY, "sector": "hiring"},
        ).json()
        (blocker,) = [b for b in answer["blocking"] if b["component"]["identity"] == DETECTOR]
        assert blocker["certificate"] == DETECTOR_CERTIFICATE
        # Once the suspended one also lapses (two failures), the active one is closer.
        later = client.get(
            f"/api/v1/products/{module}/export-check",
            params={"to": "DE", "on": "2027-06-20", "sector": "hiring"},
        ).json()
        (blocker,) = [b for b in later["blocking"] if b["component"]["identity"] == DETECTOR]
        assert (blocker["reason"], blocker["certificate"]) == (
            "dimension_missing",
            "AIEC-2026-000001",
        )
        assert [len(c["failures"]) for c in blocker["certificates"]] == [1, 2]
