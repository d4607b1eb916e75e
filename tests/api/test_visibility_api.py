"""BOMs belong to the organisation that uploaded them: another organisation cannot list,
read, download or diff a private one, until it is shared or made public."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.domain.access import Role
from tests.builders import camera_bom, supplier_module_bom
from tests.conftest import bearer, issue_key

JSON_TYPE = "application/vnd.cyclonedx+json"


def test_a_private_bom_is_invisible_to_another_organisation_until_shared(
    settings: Settings,
) -> None:
    acme = bearer(issue_key(settings, Role.INTEGRATOR, organisation="acme"))
    rival = bearer(issue_key(settings, Role.INTEGRATOR, Role.PROCUREMENT, organisation="rival"))
    with TestClient(create_app(settings)) as api:
        stored = api.post(
            "/api/v1/boms", content=camera_bom(), headers={**acme, "content-type": JSON_TYPE}
        ).json()
        assert (stored["organisation"], stored["visibility"]) == ("acme", "private")
        bom = stored["id"]
        # The rival sees nothing of it, and cannot tell it from a BOM that does not exist.
        assert api.get("/api/v1/boms", headers=rival).json()["items"] == []
        missing = api.get("/api/v1/boms/999999", headers=rival).json()
        for path in (f"/api/v1/boms/{bom}", f"/api/v1/boms/{bom}/document"):
            hidden = api.get(path, headers=rival)
            assert hidden.status_code == 404
            assert hidden.json()["detail"] == missing["detail"].replace("999999", str(bom))
        assert api.get(f"/api/v1/boms/{bom}/diff/{bom}", headers=rival).status_code == 404
        # Nor may it change who sees it.
        taken = api.put(
            f"/api/v1/boms/{bom}/visibility", json={"visibility": "public"}, headers=rival
        )
        assert taken.status_code == 404
        # Shared with the rival by its owner, it becomes readable to the rival.
        shared = api.put(
            f"/api/v1/boms/{bom}/visibility",
            json={"visibility": "private", "share_with": ["rival"]},
            headers=acme,
        )
        assert shared.json()["shared_with"] == ["rival"]
        assert [b["id"] for b in api.get("/api/v1/boms", headers=rival).json()["items"]] == [bom]
        assert api.get(f"/api/v1/boms/{bom}/document", headers=rival).status_code == 200
        # ...but only the owner decides.
        denied = api.put(
            f"/api/v1/boms/{bom}/visibility", json={"visibility": "public"}, headers=rival
        )
        assert denied.status_code == 403


def test_a_public_bom_is_visible_to_everyone(settings: Settings) -> None:
    supplier = bearer(issue_key(settings, Role.INTEGRATOR, organisation="supplier"))
    buyer = bearer(issue_key(settings, Role.PROCUREMENT, organisation="buyer"))
    with TestClient(create_app(settings)) as api:
        stored = api.post(
            "/api/v1/boms",
            content=supplier_module_bom(),
            headers={**supplier, "content-type": JSON_TYPE},
        ).json()
        assert api.get("/api/v1/boms", headers=buyer).json()["items"] == []
        api.put(
            f"/api/v1/boms/{stored['id']}/visibility",
            json={"visibility": "public"},
            headers=supplier,
        )
        listed = api.get("/api/v1/boms", headers=buyer).json()["items"]
        assert [(b["id"], b["visibility"]) for b in listed] == [(stored["id"], "public")]


def test_another_organisations_private_bom_stays_hidden_in_every_answer(
    settings: Settings,
) -> None:
    maker = bearer(issue_key(settings, Role.INTEGRATOR, Role.PROCUREMENT, organisation="maker"))
    supplier = bearer(issue_key(settings, Role.INTEGRATOR, organisation="supplier"))
    with TestClient(create_app(settings)) as api:
        api.post("/api/v1/boms", content=camera_bom(), headers={**maker, "content-type": JSON_TYPE})
        module_bom = api.post(
            "/api/v1/boms",
            content=supplier_module_bom(),
            headers={**supplier, "content-type": JSON_TYPE},
        ).json()
        products = api.get("/api/v1/products", headers=maker).json()["items"]
        assert [p["name"] for p in products] == ["smart-camera"]
        # Board and module are the maker's to see; the module's model is not counted.
        assert (products[0]["components"], products[0]["ai_components"]) == (2, 0)
        camera = products[0]["id"]
        # The verdict uses the supplier's BOM, but the maker only learns where it enters it.
        answer = api.get(
            f"/api/v1/products/{camera}/export-check", params={"to": "DE"}, headers=maker
        ).json()
        hidden = [b for b in answer["blocking"] if b["component"]["id"] is None]
        assert len(hidden) == 1
        assert hidden[0]["reason"] == "no_certificate"
        assert hidden[0]["path"][-2]["child"] == "vision-module@3.2.0"
        assert hidden[0]["path"][-1]["kind"] == "hidden"
        assert answer["verified"] == []
        text = str(answer)
        for secret in ("defect-detector", "onnxruntime", "defect-images"):
            assert secret not in text, secret
        declared = {b for blocker in answer["blocking"] for step in blocker["path"]
                    for b in step["bom_ids"]}  # fmt: skip
        assert module_bom["id"] not in declared
        # Nor through the stored decision record, which only the product's viewers may read.
        record = api.get(f"/api/v1/decisions/{answer['decision_id']}", headers=maker).json()
        assert "defect-detector" not in str(record)
        assert record["blocking"] == answer["blocking"]
        # Nor through search, component reads, where-used or the graph.
        assert (
            api.get("/api/v1/components", params={"name": "defect"}, headers=maker).json()["items"]
            == []
        )
        graph = api.get(f"/api/v1/products/{camera}/graph", headers=maker).json()
        assert "defect-detector" not in str(graph)
        # The supplier cannot see the maker's product at all.
        listed = api.get("/api/v1/products", headers=supplier).json()["items"]
        assert [p["name"] for p in listed] == ["vision-module"]
        assert api.get(f"/api/v1/products/{camera}", headers=supplier).status_code == 404
        assert api.get(f"/api/v1/products/{camera}", headers=maker).status_code == 200
        refused = api.get(
            f"/api/v1/products/{camera}/export-check", params={"to": "DE"}, headers=supplier
        )
        assert refused.status_code == 404
        auditor = bearer(issue_key(settings, Role.AUDITOR, organisation="supplier"))
        record = api.get(f"/api/v1/decisions/{answer['decision_id']}", headers=auditor)
        assert record.status_code == 404
        listed = api.get("/api/v1/decisions", headers=auditor).json()["items"]
        assert answer["decision_id"] not in [r["id"] for r in listed]
        listed = api.get("/api/v1/decisions", headers=maker).json()["items"]
        assert answer["decision_id"] in [r["id"] for r in listed]
        # Once the supplier shares its BOM with the maker, the blocker has a name, and what
        # the maker was told had not changed has.
        graph_url = f"/api/v1/products/{camera}/graph"
        before = api.get(graph_url, headers=maker).headers["etag"]
        unchanged = api.get(graph_url, headers={**maker, "If-None-Match": before})
        assert unchanged.status_code == 304
        api.put(
            f"/api/v1/boms/{module_bom['id']}/visibility",
            json={"visibility": "private", "share_with": ["maker"]},
            headers=supplier,
        )
        answer = api.get(
            f"/api/v1/products/{camera}/export-check", params={"to": "DE"}, headers=maker
        ).json()
        names = {b["component"]["name"] for b in answer["blocking"]}
        assert "defect-detector@2.1.0" in names
        shared = api.get(graph_url, headers={**maker, "If-None-Match": before})
        assert shared.status_code == 200
        assert "defect-detector" in shared.text


def test_impact_weighs_only_the_callers_products(settings: Settings, admin_key: str) -> None:
    maker = bearer(issue_key(settings, Role.PROCUREMENT, Role.INTEGRATOR, organisation="maker"))
    rival = bearer(issue_key(settings, Role.PROCUREMENT, organisation="rival"))
    admin = bearer(admin_key)
    registry = {
        "reviewers": [{"id": "R", "name": "R", "accreditations": [{"from": "2026-01-01"}]}],
        "certificates": [
            {
                "number": "C-1",
                "subject": "pkg:generic/deepinspect/vision-module@3.2.0",
                "reviewer": "R",
                "dimensions": ["algorithmic_bias", "data_privacy", "system_controllability"],
                "issued": "2026-06-01",
                "expires": "2027-06-01",
                "events": [{"status": "active", "date": "2026-06-01"}],
            }
        ],
    }
    with TestClient(create_app(settings)) as api:
        api.post("/api/v1/boms", content=camera_bom(), headers={**maker, "content-type": JSON_TYPE})
        assert api.post("/api/v1/registry/import", json=registry, headers=admin).status_code == 200
        seen_by = {
            who: [p["product"] for p in api.get(
                "/api/v1/certificates/C-1/impact", headers=headers).json()["products"]]
            for who, headers in (("maker", maker), ("rival", rival), ("admin", admin))
        }  # fmt: skip
    assert seen_by == {
        "maker": ["smart-camera@4.0"],
        "rival": [],
        "admin": ["smart-camera@4.0"],
    }
