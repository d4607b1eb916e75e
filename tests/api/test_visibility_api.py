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
