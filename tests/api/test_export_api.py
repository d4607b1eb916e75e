"""The export check, registry, impact and decision records over HTTP, on the sample chain."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.domain.access import Role
from app.services.runtime import Runtime
from tests.conftest import SAMPLE_REGISTRY, SAMPLES, bearer, issue_key
from tests.export_cases import (
    CAMERA,
    CASES,
    CHATBOT,
    DETECTOR_CERTIFICATE,
    MODULE,
    Case,
    assert_answer,
)

PROBLEM = "application/problem+json"


def product_id(client: TestClient, purl: str) -> int:
    found = client.get("/api/v1/components", params={"purl": purl}).json()["items"]
    assert found, purl
    return int(found[0]["id"])


def check(client: TestClient, purl: str, to: str, on: str, **extra: str) -> dict[str, object]:
    response = client.get(
        f"/api/v1/products/{product_id(client, purl)}/export-check",
        params={"to": to, "on": on, **extra},
    )
    assert response.status_code == 200, response.text
    answer: dict[str, object] = response.json()
    return answer


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_export_check_answers_with_reasons_and_paths(
    client: TestClient, samples: Runtime, case: Case
) -> None:
    for number, status, day in case.events:
        response = client.post(
            f"/api/v1/certificates/{number}/events", json={"status": status, "date": day}
        )
        assert response.status_code == 201, response.text
    if case.ruleset:
        current = json.loads(SAMPLE_REGISTRY.read_bytes())["ruleset"]
        response = client.post("/api/v1/ruleset", json={**current, **case.ruleset})
        assert response.status_code == 201, response.text
    extra = {"sector": case.sector} if case.sector else {}
    answer = check(client, case.product, case.to, case.on, **extra)
    assert_answer(case, answer)
    stored = client.get(f"/api/v1/decisions/{answer['decision_id']}").json()
    assert stored["evidence_sha256"] == answer["evidence_sha256"]
    assert stored["decision"] == answer["decision"]


def test_unknown_product_is_a_404_problem(client: TestClient, samples: Runtime) -> None:
    response = client.get("/api/v1/products/999999/export-check", params={"to": "DE"})
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM


def test_a_bad_destination_is_a_422_problem(client: TestClient, samples: Runtime) -> None:
    product = product_id(client, MODULE)
    response = client.get(f"/api/v1/products/{product}/export-check", params={"to": "Germany"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "query/to"


def test_certificates_list_filters_and_shows_status(client: TestClient, samples: Runtime) -> None:
    expiring = client.get(
        "/api/v1/certificates", params={"expiring_within": 90, "on": "2026-11-27"}
    ).json()["items"]
    assert [c["number"] for c in expiring] == ["AIEC-2026-000124"]
    revoked = client.get("/api/v1/certificates/AIEC-2026-000207").json()
    assert revoked["status"] == "revoked"
    assert [e["status"] for e in revoked["events"]] == ["active", "revoked"]
    expired = client.get("/api/v1/certificates/AIEC-2026-000298", params={"on": "2026-11-27"})
    assert expired.json()["status"] == "expired"
    assert client.get("/api/v1/certificates/NOPE").status_code == 404


@pytest.mark.parametrize("extra", [{}, {"reviewer": "CAICT-ER"}], ids=["all", "one-reviewer"])
def test_certificate_filters_hold_across_pages(
    client: TestClient, samples: Runtime, extra: dict[str, str]
) -> None:
    everything = client.get("/api/v1/certificates", params=extra).json()["items"]
    wanted = [
        c["number"]
        for c in everything
        if "2026-11-27" <= c["expires"] <= "2027-07-10"
        and c["reviewer"] == extra.get("reviewer", c["reviewer"])
    ]
    assert 1 < len(wanted) < len(everything)
    walked: list[str] = []
    params: dict[str, str | int] = {"expiring_within": 225, "on": "2026-11-27", "limit": 1}
    params.update(extra)
    while True:
        page = client.get("/api/v1/certificates", params=params).json()
        walked += [c["number"] for c in page["items"]]
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert walked == wanted


def test_status_event_is_recorded_once(client: TestClient, samples: Runtime) -> None:
    event = {"status": "suspended", "date": "2026-11-20", "reason": "audit"}
    first = client.post(f"/api/v1/certificates/{DETECTOR_CERTIFICATE}/events", json=event)
    again = client.post(f"/api/v1/certificates/{DETECTOR_CERTIFICATE}/events", json=event)
    assert (first.status_code, again.status_code) == (201, 200)
    assert len(again.json()["events"]) == 2


def test_registry_import_is_idempotent_and_refuses_bad_files_whole(
    client: TestClient, samples: Runtime
) -> None:
    document = json.loads(SAMPLE_REGISTRY.read_bytes())
    again = client.post("/api/v1/registry/import", json=document).json()
    assert again == {
        "reviewers_changed": 0, "certificates_added": 0, "events_added": 0,
        "ruleset_published": None,
    }  # fmt: skip
    document["certificates"][0]["expires"] = "2099-01-01"  # a recorded certificate changed
    document["certificates"].append({**document["certificates"][1], "number": "AIEC-NEW-1"})
    refused = client.post("/api/v1/registry/import", json=document)
    assert refused.status_code == 422
    assert [e["location"] for e in refused.json()["errors"]] == ["/certificates/0"]
    assert client.get("/api/v1/certificates/AIEC-NEW-1").status_code == 404


def test_impact_lists_products_and_changes_nothing(client: TestClient, samples: Runtime) -> None:
    impact = client.get(
        f"/api/v1/certificates/{DETECTOR_CERTIFICATE}/impact",
        params={"to": ["DE", "US"], "on": "2026-11-27"},
    ).json()
    products = {(p["product"], p["destination"]): p for p in impact["products"]}
    assert products[("DI-VM3 Vision Module@3.2.0", "DE")]["breaks"] is True
    assert impact["breaking"] == 2  # the module, to DE and to US
    path = products[("HV-S3 Smart Inspection Camera@1.0", "DE")]["path"]
    assert path[-1]["child"] == "defect-detector@2.1.0"
    status = client.get(f"/api/v1/certificates/{DETECTOR_CERTIFICATE}").json()["status"]
    assert status == "active"


def test_another_worker_sees_a_revocation_on_its_next_read(
    settings: Settings, samples: Runtime, admin_key: str
) -> None:
    headers = bearer(admin_key)
    with (
        TestClient(create_app(settings), headers=headers) as first,
        TestClient(create_app(settings), headers=headers) as second,
    ):
        assert check(second, CHATBOT, "DE", "2026-11-27")["decision"] == "ineligible"
        reinstated = first.post(
            "/api/v1/certificates/AIEC-2026-000207/events",
            json={"status": "active", "date": "2026-11-10", "reason": "re-review passed"},
        )
        assert reinstated.status_code == 201
        assert check(second, CHATBOT, "DE", "2026-11-27")["decision"] == "eligible"


def test_reviewers_and_ruleset_are_readable(client: TestClient, samples: Runtime) -> None:
    reviewers = client.get("/api/v1/reviewers").json()["items"]
    assert [r["id"] for r in reviewers] == ["CAICT-ER", "NOVA-REVIEW", "SHAI-ETHICS"]
    assert reviewers[1]["accreditations"] == [{"from": "2026-09-01", "to": None}]
    assert client.get("/api/v1/ruleset").json()["version"] == "2026-07-01.1"


def test_dry_run_over_http_stores_nothing(client: TestClient, samples: Runtime) -> None:
    boms_before = client.get("/api/v1/boms", params={"limit": 500}).json()["items"]
    response = client.post(
        "/api/v1/export-checks",
        params={"to": "DE", "on": "2026-11-27"},
        content=(SAMPLES / "smart-camera-v1.cdx.json").read_bytes(),
        headers={"content-type": "application/vnd.cyclonedx+json"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["decision"] == "eligible"
    assert response.json()["decision_id"] is None
    assert client.get("/api/v1/boms", params={"limit": 500}).json()["items"] == boms_before
    refused = client.post(
        "/api/v1/export-checks", params={"to": "DE"}, content=b"{}",
        headers={"content-type": "application/json"},
    )  # fmt: skip
    assert refused.status_code == 422
    assert refused.headers["content-type"] == PROBLEM


def test_the_camera_diff_shows_the_new_model_and_its_blocker(
    client: TestClient, samples: Runtime
) -> None:
    camera = product_id(client, CAMERA)
    history = client.get("/api/v1/boms", params={"product_id": camera}).json()["items"]
    by_version = {bom["version"]: bom["id"] for bom in history}
    assert set(by_version) == {1, 2}
    diff = client.get(
        f"/api/v1/boms/{by_version[1]}/diff/{by_version[2]}",
        params={"to": "DE", "on": "2026-11-27"},
    ).json()
    assert [c["name"] for c in diff["ai_added"]] == ["privacy-blur@1.0.0"]
    assert diff["ai_removed"] == []
    assert (diff["old_decision"], diff["new_decision"]) == ("eligible", "ineligible")
    assert diff["blockers_added"] == [
        {
            "component": "privacy-blur@1.0.0",
            "identity": "pkg:huggingface/hikari-vision/privacy-blur@1.0.0",
            "reason": "no_certificate",
        }
    ]
    assert diff["blockers_removed"] == []
    backwards = client.get(
        f"/api/v1/boms/{by_version[2]}/diff/{by_version[1]}",
        params={"to": "DE", "on": "2026-11-27"},
    ).json()
    assert [b["component"] for b in backwards["blockers_removed"]] == ["privacy-blur@1.0.0"]


def test_a_diff_of_two_products_is_a_conflict(client: TestClient, samples: Runtime) -> None:
    boms = client.get("/api/v1/boms").json()["items"]
    first, other = boms[0], next(b for b in boms if b["product_id"] != boms[0]["product_id"])
    response = client.get(f"/api/v1/boms/{first['id']}/diff/{other['id']}")
    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM


def test_lineage_names_the_models_dataset_and_base_model(
    client: TestClient, samples: Runtime
) -> None:
    detector = product_id(client, "pkg:huggingface/deepinspect/defect-detector@2.1.0")
    links = client.get(f"/api/v1/components/{detector}/lineage").json()
    assert sorted((link["kind"], link["component"]["name"]) for link in links) == [
        ("base_model", "rtdet-base"),
        ("dataset", "pcb-defect-images"),
    ]


def test_components_are_found_by_a_hash_any_bom_gives_them(
    client: TestClient, samples: Runtime
) -> None:
    document = json.loads((SAMPLES / "deepinspect-vision-module.cdx.json").read_bytes())
    model = next(c for c in document["components"] if c.get("type") == "machine-learning-model")
    digest = model["hashes"][0]["content"]
    found = client.get("/api/v1/components", params={"hash": digest.upper()}).json()["items"]
    assert [item["name"] for item in found] == [model["name"]]
    assert client.get("/api/v1/components", params={"hash": "0" * 64}).json()["items"] == []


def test_the_product_graph_is_its_closure_in_json_and_graphml(
    client: TestClient, samples: Runtime
) -> None:
    camera = product_id(client, CAMERA)
    graph = client.get(f"/api/v1/products/{camera}/graph").json()
    inside = {node["name"] for node in graph["nodes"] if node["inside_product"]}
    outside = {node["name"] for node in graph["nodes"] if not node["inside_product"]}
    assert {"privacy-blur@1.0.0", "defect-detector@2.1.0"} <= inside
    assert "rtdet-base" in {name.split("@")[0] for name in outside}
    assert all(edge["bom_ids"] for edge in graph["edges"])
    graphml = client.get(f"/api/v1/products/{camera}/graph", params={"format": "graphml"})
    assert graphml.headers["content-type"].startswith("application/graphml+xml")
    assert graphml.text.count("<node ") == len(graph["nodes"])
    assert graphml.text.count("<edge ") == len(graph["edges"])


def test_a_component_report_shows_certificates_readiness_and_users(
    client: TestClient, samples: Runtime
) -> None:
    detector = product_id(client, "pkg:huggingface/deepinspect/defect-detector@2.1.0")
    report = client.get(
        f"/api/v1/components/{detector}", params={"to": "DE", "on": "2026-11-27"}
    ).json()
    assert [c["number"] for c in report["certificates"]] == [DETECTOR_CERTIFICATE]
    assert report["certificates"][0]["status"] == "active"
    assert report["readiness"]["verified"] is True
    assert report["readiness"]["certificate"] == DETECTOR_CERTIFICATE
    assert len(report["used_by"]) == 3
    expired = product_id(client, "pkg:generic/jingce-automation/solder-joint-classifier@1.3.0")
    report = client.get(f"/api/v1/components/{expired}", params={"on": "2026-11-27"}).json()
    assert report["certificates"][0]["status"] == "expired"
    assert report["readiness"] is None


@pytest.mark.usefixtures("samples")
class TestProductStatuses:
    ON = "2026-11-01"

    def test_status_per_country_agrees_with_the_export_check(self, client: TestClient) -> None:
        page = client.get("/api/v1/products", params={"to": ["DE", "US"], "on": self.ON})
        assert page.status_code == 200, page.text
        assert page.json()["date"] == self.ON
        products = page.json()["items"]
        assert len(products) > 3
        decisions = set()
        for product in products:
            assert [s["group"] for s in product["statuses"]] == ["DE", "US"]
            for status in product["statuses"]:
                answer = client.get(
                    f"/api/v1/products/{product['id']}/export-check",
                    params={"to": status["group"], "on": self.ON},
                ).json()
                assert status["decision"] == answer["decision"], (product["name"], status)
                reasons = list(dict.fromkeys(b["reason"] for b in answer["blocking"]))
                assert status["reasons"] == reasons
                decisions.add(status["decision"])
        # The samples hold both answers, so the comparison above says something.
        assert {"eligible", "ineligible"} <= decisions

    def test_a_group_is_ineligible_naming_exactly_its_ineligible_countries(
        self, client: TestClient
    ) -> None:
        products = client.get("/api/v1/products", params={"on": self.ON}).json()["items"]
        ruleset = client.get("/api/v1/ruleset").json()
        groups = sorted(ruleset["country_groups"])
        assert groups
        product = next(
            p for p in products if any(s["decision"] == "ineligible" for s in p["statuses"])
        )
        for status in product["statuses"]:
            assert status["destinations"] == sorted(ruleset["country_groups"][status["group"]])
            for country in status["destinations"][:3] + status["ineligible"][:3]:
                answer = client.get(
                    f"/api/v1/products/{product['id']}/export-check",
                    params={"to": country, "on": self.ON},
                ).json()
                assert (answer["decision"] == "ineligible") == (country in status["ineligible"])
        assert [s["group"] for s in product["statuses"]] == groups

    def test_pages_walk_every_product_once_in_the_listed_order(self, client: TestClient) -> None:
        everything = [p["id"] for p in client.get("/api/v1/products").json()["items"]]
        walked: list[int] = []
        cursor = None
        while True:
            params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = client.get("/api/v1/products", params=params).json()
            walked += [p["id"] for p in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert walked == everything
        assert len(everything) > 2

    def test_one_product_reads_as_it_is_listed(self, client: TestClient) -> None:
        listed = client.get("/api/v1/products", params={"on": self.ON}).json()["items"][0]
        read = client.get(f"/api/v1/products/{listed['id']}", params={"on": self.ON})
        assert read.json() == listed

    def test_a_component_that_is_not_a_product_is_not_found(self, client: TestClient) -> None:
        model = product_id(client, "pkg:huggingface/deepinspect/defect-detector@2.1.0")
        response = client.get(f"/api/v1/products/{model}")
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM

    def test_an_unknown_destination_group_is_refused_with_its_place(
        self, client: TestClient
    ) -> None:
        response = client.get("/api/v1/products", params={"to": ["EU", "Narnia"]})
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        assert [e["location"] for e in response.json()["errors"]] == ["to[1]"]
        assert "NARNIA" in response.json()["errors"][0]["message"]


def test_decision_records_list_in_order_with_filters_and_pages(
    client: TestClient, samples: Runtime
) -> None:
    asked = [
        check(client, CAMERA, "DE", "2026-11-01"),
        check(client, CHATBOT, "DE", "2026-11-01"),
        check(client, CAMERA, "CN", "2026-11-01"),
    ]
    listed = client.get("/api/v1/decisions").json()
    assert [r["id"] for r in listed["items"]] == [a["decision_id"] for a in asked]
    for record, answer in zip(listed["items"], asked, strict=True):
        assert (record["decision"], record["destination"], record["evidence_sha256"]) == (
            answer["decision"],
            answer["destination"],
            answer["evidence_sha256"],
        )
    camera = product_id(client, CAMERA)
    only_camera = client.get("/api/v1/decisions", params={"product_id": camera}).json()["items"]
    assert [r["id"] for r in only_camera] == [asked[0]["decision_id"], asked[2]["decision_id"]]
    out_of_scope = client.get("/api/v1/decisions", params={"decision": "not_in_scope"}).json()
    assert [r["id"] for r in out_of_scope["items"]] == [asked[2]["decision_id"]]
    domestic = client.get(f"/api/v1/decisions/{asked[2]['decision_id']}").json()
    assert (domestic["not_in_scope_code"], domestic["not_in_scope_reason"]) == (
        "domestic",
        "the destination is the domestic country",
    )
    first = client.get("/api/v1/decisions", params={"limit": 2}).json()
    rest = client.get("/api/v1/decisions", params={"cursor": first["next_cursor"]}).json()
    assert [r["id"] for r in first["items"] + rest["items"]] == [a["decision_id"] for a in asked]
    assert rest["next_cursor"] is None


def test_every_published_ruleset_version_stays_readable(
    client: TestClient, samples: Runtime
) -> None:
    first = client.get("/api/v1/ruleset").json()
    response = client.post(
        "/api/v1/ruleset", json={**first, "version": "2026-12-01.1", "expiry_warning_days": 30}
    )
    assert response.status_code == 201, response.text
    versions = client.get("/api/v1/ruleset/versions").json()["items"]
    assert [(v["version"], v["in_force"]) for v in versions] == [
        (first["version"], False),
        ("2026-12-01.1", True),
    ]
    old = client.get(f"/api/v1/ruleset/versions/{first['version']}").json()
    assert old == first
    assert client.get("/api/v1/ruleset").json()["expiry_warning_days"] == 30
    missing = client.get("/api/v1/ruleset/versions/1999-01-01.0")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM


@pytest.mark.usefixtures("samples")
class TestConditionalReads:
    def test_an_unchanged_answer_is_304_and_a_change_makes_a_new_etag(
        self, client: TestClient
    ) -> None:
        camera = product_id(client, CAMERA)
        model = product_id(client, "pkg:huggingface/deepinspect/defect-detector@2.1.0")
        reads = [
            "/api/v1/products",
            f"/api/v1/products/{camera}",
            f"/api/v1/products/{camera}/graph",
            f"/api/v1/components/{model}",
            f"/api/v1/components/{model}/where-used",
            f"/api/v1/components/{model}/lineage",
            "/api/v1/certificates/AIEC-2026-000123/impact",
        ]
        tags = {}
        for url in reads:
            first = client.get(url)
            assert first.status_code == 200, url
            tags[url] = first.headers["etag"]
            again = client.get(url, headers={"If-None-Match": tags[url]})
            assert (again.status_code, again.content) == (304, b""), url
            assert again.headers["etag"] == tags[url]
        changed = client.post(
            "/api/v1/certificates/AIEC-2026-000123/events",
            json={"status": "suspended", "date": "2026-11-20", "reason": "audit"},
        )
        assert changed.status_code == 201
        for url in reads:
            fresh = client.get(url, headers={"If-None-Match": tags[url]})
            assert fresh.status_code == 200, url
            assert fresh.headers["etag"] != tags[url]

    def test_each_question_has_its_own_etag(self, client: TestClient) -> None:
        plain = client.get("/api/v1/products").headers["etag"]
        german = client.get("/api/v1/products", params={"to": "DE"})
        assert german.headers["etag"] != plain
        stale = client.get(
            "/api/v1/products", params={"to": "DE"}, headers={"If-None-Match": plain}
        )
        assert stale.status_code == 200

    def test_a_caller_without_the_role_is_refused_before_hearing_not_modified(
        self, client: TestClient, settings: Settings
    ) -> None:
        reviewer = bearer(issue_key(settings, Role.REVIEWER, reviewer="CAICT-ER"))
        refused = client.get("/api/v1/products", headers={**reviewer, "If-None-Match": "*"})
        assert refused.status_code == 403


@pytest.mark.usefixtures("samples")
@pytest.mark.parametrize(
    ("url", "items"),
    [
        ("/api/v1/reviewers", "items"),
        ("/api/v1/keys", "items"),
        ("/api/v1/organisations", "items"),
        ("/api/v1/ruleset/versions", "items"),
        ("/api/v1/components/{model}/where-used", "used_by"),
    ],
)
def test_every_list_pages_with_a_cursor_in_a_stable_order(
    client: TestClient, url: str, items: str
) -> None:
    client.post("/api/v1/organisations", json={"code": "second", "name": "Second"})
    client.post("/api/v1/keys", json={"organisation": "second", "roles": ["auditor"]})
    ruleset = client.get("/api/v1/ruleset").json()
    client.post("/api/v1/ruleset", json={**ruleset, "version": "2026-12-01.1"})
    model = product_id(client, "pkg:huggingface/deepinspect/defect-detector@2.1.0")
    url = url.format(model=model)
    everything = client.get(url, params={"limit": 500}).json()
    assert everything["next_cursor"] is None
    assert len(everything[items]) >= 2
    walked = []
    params: dict[str, str | int] = {"limit": 1}
    while True:
        page = client.get(url, params=params).json()
        assert len(page[items]) == 1
        walked += page[items]
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert walked == everything[items]


@pytest.mark.usefixtures("samples")
class TestAuditTrail:
    def test_the_trail_holds_every_kind_of_record_in_time_order_and_pages(
        self, client: TestClient
    ) -> None:
        answer = check(client, CAMERA, "DE", "2026-11-27")
        client.post("/api/v1/organisations", json={"code": "second", "name": "Second"})
        key = client.post("/api/v1/keys", json={"organisation": "second", "roles": ["auditor"]})
        client.delete(f"/api/v1/keys/{key.json()['id']}")
        trail = client.get("/api/v1/audit-trail", params={"limit": 500}).json()
        assert trail["next_cursor"] is None
        entries = trail["items"]
        kinds = [e["kind"] for e in entries]
        assert kinds.count("bom_uploaded") == len(list(SAMPLES.glob("*.cdx.*")))
        assert {"certificate_recorded", "certificate_event", "ruleset_published",
                "organisation_created", "key_issued", "key_revoked"} <= set(kinds)  # fmt: skip
        assert [e["at"] for e in entries] == sorted(e["at"] for e in entries)
        decision = next(e for e in entries if e["kind"] == "decision_made")
        assert decision["record_id"] == answer["decision_id"]
        assert answer["evidence_sha256"] in decision["detail"]
        assert kinds[-1] == "key_revoked"
        walked: list[dict[str, object]] = []
        params: dict[str, str | int] = {"limit": 7}
        while True:
            page = client.get("/api/v1/audit-trail", params=params).json()
            walked += page["items"]
            if page["next_cursor"] is None:
                break
            params["cursor"] = page["next_cursor"]
        assert walked == entries

    def test_an_organisations_auditor_sees_only_what_it_may(
        self, client: TestClient, settings: Settings
    ) -> None:
        maker = bearer(issue_key(settings, Role.AUDITOR, Role.INTEGRATOR, organisation="maker"))
        other = bearer(issue_key(settings, Role.INTEGRATOR, organisation="other"))
        module = json.loads((SAMPLES / "deepinspect-vision-module.cdx.json").read_text())
        module["version"] = 77
        client.post(
            "/api/v1/boms",
            content=json.dumps(module).encode(),
            headers={**other, "content-type": "application/vnd.cyclonedx+json"},
        )
        seen = client.get("/api/v1/audit-trail", params={"limit": 500}, headers=maker).json()
        text = json.dumps(seen)
        assert "other/" not in text
        assert "for other" not in text
        kinds = {e["kind"] for e in seen["items"]}
        assert {"certificate_recorded", "certificate_event", "ruleset_published"} <= kinds
        assert [e["subject"] for e in seen["items"] if e["kind"] == "organisation_created"] == [
            "maker"
        ]
        everything = client.get("/api/v1/audit-trail", params={"limit": 500}).json()
        assert "other/key-" in json.dumps(everything)
