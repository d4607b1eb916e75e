"""BOMs belong to the organisation that uploaded them: another organisation cannot list,
read, download or diff a private one, until it is shared or made public."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.domain.access import Role
from tests.builders import (
    CAMERA_PURL,
    MODEL_PURL,
    bom,
    camera_bom,
    component,
    model,
    supplier_module_bom,
)
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


# -- every answer shape, for a maker whose camera holds a supplier's private module ----------

SECRETS = (
    "defect-detector",
    "defect-images",
    "onnxruntime",
    MODEL_PURL,
    "pkg:pypi/onnxruntime",
    "C-MODEL",
)
MODEL_REGISTRY = {
    "reviewers": [{"id": "R", "name": "R", "accreditations": [{"from": "2026-01-01"}]}],
    "certificates": [
        {
            # Verified on the day asked, and expiring within the warning window: a check
            # that does not redact names it in `verified` and in a warning.
            "number": "C-MODEL",
            "subject": MODEL_PURL,
            "reviewer": "R",
            "dimensions": ["algorithmic_bias", "data_privacy", "system_controllability"],
            "issued": "2026-06-01",
            "expires": "2027-01-15",
            "events": [{"status": "active", "date": "2026-06-01"}],
        }
    ],
}
ON = "2026-11-27"


def _assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


def _supplier_chain(
    api: TestClient, settings: Settings, admin_key: str
) -> tuple[dict[str, dict[str, str]], dict[str, Any]]:
    """The maker's camera and the supplier's private module BOM; the keys of both."""
    maker = bearer(issue_key(settings, Role.INTEGRATOR, Role.PROCUREMENT, organisation="maker"))
    supplier = bearer(issue_key(settings, Role.INTEGRATOR, organisation="supplier"))
    camera = api.post(
        "/api/v1/boms", content=camera_bom(), headers={**maker, "content-type": JSON_TYPE}
    ).json()
    module = api.post(
        "/api/v1/boms",
        content=supplier_module_bom(),
        headers={**supplier, "content-type": JSON_TYPE},
    ).json()
    imported = api.post("/api/v1/registry/import", json=MODEL_REGISTRY, headers=bearer(admin_key))
    assert imported.status_code == 200, imported.text
    return (
        {"maker": maker, "supplier": supplier},
        {"camera": camera, "module": module},
    )


def test_a_dry_run_does_not_show_inside_another_organisations_private_bom(
    settings: Settings, admin_key: str
) -> None:
    with TestClient(create_app(settings)) as api:
        keys, _ = _supplier_chain(api, settings, admin_key)
        response = api.post(
            "/api/v1/export-checks",
            params={"to": "DE", "on": ON},
            content=camera_bom(version=2),
            headers={**keys["maker"], "content-type": JSON_TYPE},
        )
        assert response.status_code == 200, response.text
        answer = response.json()
        _assert_no_secret(response.text)
        # The verdict still uses the supplier's BOM: the model is verified there, so only the
        # camera's own product certificate is missing; the maker is not told which model.
        assert answer["decision"] == "ineligible"
        assert [b["reason"] for b in answer["blocking"]] == ["product_certificate_missing"]
        assert answer["verified"] == []
        # Administrators see everything.
        admin = api.post(
            "/api/v1/export-checks",
            params={"to": "DE", "on": ON},
            content=camera_bom(version=2),
            headers={**bearer(admin_key), "content-type": JSON_TYPE},
        ).json()
        assert admin["verified"] == [
            {"component": "defect-detector@2.1.0", "certificate": "C-MODEL"}
        ]


def test_a_dry_run_names_hidden_blockers_as_the_stored_check_does(
    settings: Settings, admin_key: str
) -> None:
    with TestClient(create_app(settings)) as api:
        keys, _ = _supplier_chain(api, settings, admin_key)
        # After the model's certificate lapses, the model blocks, reached through the module.
        late = {"to": "DE", "on": "2027-02-01"}
        dry = api.post(
            "/api/v1/export-checks",
            params=late,
            content=camera_bom(),
            headers={**keys["maker"], "content-type": JSON_TYPE},
        )
        assert dry.status_code == 200, dry.text
        _assert_no_secret(dry.text)
        camera = api.get("/api/v1/products", headers=keys["maker"]).json()["items"][0]["id"]
        stored = api.get(
            f"/api/v1/products/{camera}/export-check", params=late, headers=keys["maker"]
        ).json()

        # The unsaved BOM under check is the caller's own: the same blockers, the same cut.
        def strip(answer: dict[str, Any]) -> list[dict[str, Any]]:
            return [
                {**b, "paths": [[{**s, "bom_ids": []} for s in p] for p in b["paths"]], "path": []}
                for b in answer["blocking"]
            ]

        assert strip(dry.json()) == strip(stored)
        hidden = [b for b in dry.json()["blocking"] if b["component"]["id"] is None]
        assert [(b["reason"], b["path"][-1]["kind"]) for b in hidden] == [
            ("certificate_expired", "hidden")
        ]


def test_a_dry_run_does_not_reveal_another_organisations_private_product(
    settings: Settings, admin_key: str
) -> None:
    """Dry-running a BOM of a product another organisation holds privately answers as for a
    product nobody has stored: no stored id, nothing of its private BOM."""
    gadget = "pkg:generic/deepinspect/secret-gadget@1.0"
    with TestClient(create_app(settings)) as api:
        keys, _ = _supplier_chain(api, settings, admin_key)
        private_bom = bom(
            component("g", "secret-gadget", type_="device", version="1.0", purl=gadget),
            [model("m", MODEL_PURL), component("chip", "secret-chip", purl="pkg:generic/x/chip@1")],
            {"g": ["m", "chip"]},
        )
        stored = api.post(
            "/api/v1/boms",
            content=private_bom,
            headers={**keys["supplier"], "content-type": JSON_TYPE},
        )
        assert stored.status_code in (200, 201), stored.text

        def dry(purl: str) -> dict[str, Any]:
            document = bom(
                component("g", "secret-gadget", type_="device", version="1.0", purl=purl),
                [component("nut", "nut", purl="pkg:generic/maker/nut@1.0.0")],
                {"g": ["nut"]},
            )
            response = api.post(
                "/api/v1/export-checks",
                params={"to": "DE", "on": ON},
                content=document,
                headers={**keys["maker"], "content-type": JSON_TYPE},
            )
            assert response.status_code == 200, response.text
            _assert_no_secret(response.text)
            assert "secret-chip" not in response.text
            answer: dict[str, Any] = response.json()
            # Only the unsaved BOM was used that the maker may know of (its serial is random).
            assert [used["id"] for used in answer.pop("boms")] == [0]
            del answer["product"]["identity"], answer["evidence_sha256"]
            return answer

        assert dry(gadget) == dry("pkg:generic/nobody/secret-gadget@1.0")


def test_a_diff_does_not_show_what_only_a_hidden_bom_introduces(
    settings: Settings, admin_key: str
) -> None:
    with TestClient(create_app(settings)) as api:
        keys, stored = _supplier_chain(api, settings, admin_key)
        maker = keys["maker"]
        # A first camera without the module, then the module added: the diff's new blocker
        # is the supplier's model (its certificate lapsed by the day asked).
        bare = bom(
            component("camera", "smart-camera", type_="device", version="4.0", purl=CAMERA_PURL),
            [component("board", "mainboard", type_="device", version="1.0",
                       purl="pkg:generic/hikari/board@1.0")],
            {"camera": ["board"]},
            serial="urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        )  # fmt: skip
        old = api.post("/api/v1/boms", content=bare, headers={**maker, "content-type": JSON_TYPE})
        assert old.status_code in (200, 201), old.text
        new = stored["camera"]["id"]
        diff = api.get(
            f"/api/v1/boms/{old.json()['id']}/diff/{new}",
            params={"to": "DE", "on": "2027-02-01"},
            headers=maker,
        )
        assert diff.status_code == 200, diff.text
        _assert_no_secret(diff.text)
        body = diff.json()
        assert [c["name"] for c in body["added"]] == ["vision-module@3.2.0"]
        assert (body["old_decision"], body["new_decision"]) == ("not_in_scope", "ineligible")
        assert [(b["component"], b["identity"], b["reason"]) for b in body["blockers_added"]] == [
            ("smart-camera@4.0", CAMERA_PURL, "product_certificate_missing"),
            ("(inside a BOM you may not see)", None, "certificate_expired"),
        ]
        # A BOM the maker may not see is answered exactly like one that does not exist.
        hidden = api.get(f"/api/v1/boms/{new}/diff/{stored['module']['id']}", headers=maker)
        missing = api.get(f"/api/v1/boms/{new}/diff/999999", headers=maker)
        assert (hidden.status_code, missing.status_code) == (404, 404)
        assert hidden.json()["detail"] == missing.json()["detail"].replace(
            "999999", str(stored["module"]["id"])
        )


GADGET_PURL = "pkg:generic/deepinspect/secret-gadget@1.0"
CHIP_PURL = "pkg:generic/deepinspect/secret-chip@1.0"
GADGET_SECRETS = (*SECRETS, "secret-gadget", "secret-chip", GADGET_PURL, CHIP_PURL)


def test_no_answer_reveals_another_organisations_private_bom(
    settings: Settings, admin_key: str
) -> None:
    """Every answer shape a maker can ask for, with a supplier's private module inside its
    camera and a supplier's private product it has nothing to do with: no private name, purl,
    identity or certificate shows, and what exists but is hidden is answered exactly like
    what does not exist, ETags and If-None-Match included."""
    with TestClient(create_app(settings)) as api:
        keys, stored = _supplier_chain(api, settings, admin_key)
        maker, supplier, admin = keys["maker"], keys["supplier"], bearer(admin_key)
        auditor = bearer(issue_key(settings, Role.AUDITOR, organisation="maker"))
        gadget_bom = api.post(
            "/api/v1/boms",
            content=bom(
                component("g", "secret-gadget", type_="device", version="1.0", purl=GADGET_PURL),
                [model("m", MODEL_PURL), component("c", "secret-chip", purl=CHIP_PURL)],
                {"g": ["m", "c"]},
            ),
            headers={**supplier, "content-type": JSON_TYPE},
        ).json()
        ids = {
            c["name"]: c["id"] for c in api.get("/api/v1/components", headers=admin).json()["items"]
        }
        camera, module, gadget = ids["smart-camera"], ids["vision-module"], ids["secret-gadget"]
        late: dict[str, str | int] = {"to": "DE", "on": "2027-02-01"}
        supplier_decision = api.get(
            f"/api/v1/products/{gadget}/export-check", params=late, headers=supplier
        ).json()["decision_id"]
        own_decision = api.get(
            f"/api/v1/products/{camera}/export-check", params=late, headers=maker
        ).json()["decision_id"]
        own_bom, hidden_bom = stored["camera"]["id"], gadget_bom["id"]

        # Every answer the maker may read, in full.
        reads: list[tuple[str, dict[str, str | int], dict[str, str]]] = [
            ("/api/v1/products", {}, maker),
            (f"/api/v1/products/{camera}", {}, maker),
            (f"/api/v1/products/{camera}/graph", {}, maker),
            (f"/api/v1/products/{camera}/graph", {"format": "graphml"}, maker),
            (f"/api/v1/products/{camera}/export-check", late, maker),
            (f"/api/v1/products/{camera}/export-check", {**late, "paths": 0}, maker),
            (f"/api/v1/decisions/{own_decision}", {}, maker),
            ("/api/v1/decisions", {}, maker),
            ("/api/v1/components", {}, maker),
            (f"/api/v1/components/{module}", {"to": "DE"}, maker),
            (f"/api/v1/components/{module}/where-used", {}, maker),
            (f"/api/v1/components/{module}/lineage", {}, maker),
            ("/api/v1/boms", {}, maker),
            (f"/api/v1/boms/{own_bom}", {}, maker),
            (f"/api/v1/boms/{own_bom}/diff/{own_bom}", late, maker),
        ]
        for path, params, headers in reads:
            response = api.get(path, params=params, headers=headers)
            assert response.status_code == 200, (path, response.text)
            for secret in GADGET_SECRETS:
                assert secret not in response.text, (path, secret)
        # The audit trail shows the registry (everyone's, the model's certificate included),
        # and nothing of the supplier's BOMs.
        trail = api.get("/api/v1/audit-trail", headers=auditor)
        assert trail.status_code == 200
        for secret in ("defect-images", "onnxruntime", "secret-gadget", "secret-chip"):
            assert secret not in trail.text, ("audit trail", secret)
        dry = api.post(
            "/api/v1/export-checks",
            params=late,
            content=camera_bom(version=2),
            headers={**maker, "content-type": JSON_TYPE},
        )
        assert dry.status_code == 200
        for secret in GADGET_SECRETS:
            assert secret not in dry.text, ("dry run", secret)
        # The module is a product only through the supplier's BOM: not to the maker.
        status = api.get(f"/api/v1/components/{module}", headers=maker).json()
        assert status["is_product"] is False
        # The certificate registry is everyone's, but which of the maker's products hang on
        # the model is told only through BOMs the maker may see: none.
        impact = api.get("/api/v1/certificates/C-MODEL/impact", headers=maker).json()
        assert impact["products"] == []
        assert api.get("/api/v1/certificates/C-MODEL/impact", headers=admin).json()["products"]

        # What exists but is hidden is answered exactly like what does not exist.
        missing = 999999
        hidden_ids = {
            "bom": hidden_bom,
            "module_bom": stored["module"]["id"],
            "product": gadget,
            "module_product": module,
            "component": ids["secret-chip"],
            "model": ids["defect-detector"],
            "decision": supplier_decision,
        }
        shapes: list[tuple[str, str, dict[str, str]]] = [
            ("bom", "/api/v1/boms/{}", {}),
            ("bom", "/api/v1/boms/{}/document", {}),
            ("bom", f"/api/v1/boms/{own_bom}/diff/{{}}", {}),
            ("bom", f"/api/v1/boms/{{}}/diff/{own_bom}", {}),
            ("module_bom", "/api/v1/boms/{}", {}),
            ("product", "/api/v1/products/{}", {}),
            ("product", "/api/v1/products/{}/graph", {}),
            ("product", "/api/v1/products/{}/graph", {"format": "graphml"}),
            ("product", "/api/v1/products/{}/export-check", {"to": "DE"}),
            ("module_product", "/api/v1/products/{}", {}),
            ("module_product", "/api/v1/products/{}/export-check", {"to": "DE"}),
            ("component", "/api/v1/components/{}", {}),
            ("component", "/api/v1/components/{}/where-used", {}),
            ("component", "/api/v1/components/{}/lineage", {}),
            ("model", "/api/v1/components/{}", {}),
            ("decision", "/api/v1/decisions/{}", {}),
        ]
        for kind, template, query in shapes:
            hidden_id = hidden_ids[kind]
            for extra in ({}, {"If-None-Match": "*"}):
                seen = api.get(template.format(hidden_id), params=query,
                               headers={**maker, **extra})  # fmt: skip
                unknown = api.get(template.format(missing), params=query,
                                  headers={**maker, **extra})  # fmt: skip
                where = (template, kind, extra)
                assert seen.status_code == unknown.status_code, where
                assert seen.status_code in (304, 404), where
                assert ("etag" in seen.headers) == ("etag" in unknown.headers), where
                if seen.status_code == 404:
                    assert seen.json()["detail"] == unknown.json()["detail"].replace(
                        str(missing), str(hidden_id)
                    ), where
                for secret in GADGET_SECRETS:
                    assert secret not in seen.text, (where, secret)
        hidden_put = api.put(
            f"/api/v1/boms/{hidden_bom}/visibility", json={"visibility": "public"}, headers=maker
        )
        missing_put = api.put(
            f"/api/v1/boms/{missing}/visibility", json={"visibility": "public"}, headers=maker
        )
        assert hidden_put.status_code == missing_put.status_code == 404
