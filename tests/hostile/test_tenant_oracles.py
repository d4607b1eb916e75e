"""Tenants probing each other: an id another organisation holds is answered exactly like an
id nothing holds, and nothing another organisation keeps private moves a caller's ETags."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from app.config import Settings
from tests.builders import bom, camera_bom, component, model, supplier_module_bom
from tests.hostile.tenant_world import MISSING, Tenants, tenants_of


@pytest.fixture
def tenants(settings: Settings) -> Iterator[Tenants]:
    with tenants_of(settings) as world:
        yield world


# -- one "not found" -------------------------------------------------------------------------


def _normalised(response: Any, the_id: int) -> tuple[int, str, dict[str, str]]:
    """Status, body and headers with the id asked for taken out (and the length that
    depends on how many digits it has)."""
    body = re.sub(rf"\b{the_id}\b", "{id}", response.text)
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    return response.status_code, body, headers


ID_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/v1/products/{id}", None),
    ("GET", "/api/v1/products/{id}/graph", None),
    ("GET", "/api/v1/products/{id}/graph?format=graphml", None),
    ("GET", "/api/v1/products/{id}/export-check?to=DE", None),
    ("GET", "/api/v1/components/{id}", None),
    ("GET", "/api/v1/components/{id}/where-used", None),
    ("GET", "/api/v1/components/{id}/lineage", None),
    ("GET", "/api/v1/components/{id}/classifications", None),
    ("POST", "/api/v1/components/{id}/classifications", {"is_ai": True, "reason": "probe"}),
    ("GET", "/api/v1/owners/{id}", None),
    ("POST", "/api/v1/owners/{id}/delegates", {"organisation": "acme"}),
    ("GET", "/api/v1/boms?product_id={id}", None),
    ("GET", "/api/v1/decisions?product_id={id}", None),
]
BOM_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/v1/boms/{id}", None),
    ("GET", "/api/v1/boms/{id}/document", None),
    ("GET", "/api/v1/boms/{id}/diff/{id}", None),
    ("PUT", "/api/v1/boms/{id}/visibility", {"visibility": "public"}),
    ("POST", "/api/v1/boms/{id}/retire", {"reason": "probe"}),
]


def test_an_id_another_organisation_holds_is_answered_like_one_nothing_holds(
    tenants: Tenants,
) -> None:
    api = tenants.api
    module = tenants.upload(tenants.rival, supplier_module_bom())
    decided = api.get(
        f"/api/v1/products/{module['product_id']}/export-check",
        params={"to": "DE"},
        headers=tenants.rival,
    )
    hidden = {
        "product": module["product_id"],
        "model": tenants.component_id("defect-detector"),
        "runtime": tenants.component_id("onnxruntime"),
    }
    asked = [(route, the_id) for route in ID_ROUTES for the_id in hidden.values()]
    asked += [(route, module["id"]) for route in BOM_ROUTES]
    asked += [(("GET", "/api/v1/decisions/{id}", None), decided.json()["decision_id"])]
    for (method, template, body), the_id in asked:
        for headers in ({}, {"If-None-Match": "*"}):
            seen = api.request(
                method,
                template.replace("{id}", str(the_id)),
                json=body,
                headers={**tenants.acme, **headers},
            )
            missing = api.request(
                method,
                template.replace("{id}", str(MISSING)),
                json=body,
                headers={**tenants.acme, **headers},
            )
            assert _normalised(seen, the_id) == _normalised(missing, MISSING), (
                method,
                template,
                the_id,
                headers,
            )


def test_if_none_match_star_matches_only_a_resource_the_caller_may_see(
    tenants: Tenants,
) -> None:
    api = tenants.api
    camera = tenants.upload(tenants.acme, camera_bom())
    module = tenants.upload(tenants.rival, supplier_module_bom())
    star = {**tenants.acme, "If-None-Match": "*"}
    for path in (
        f"/api/v1/products/{camera['product_id']}",
        f"/api/v1/products/{camera['product_id']}/graph",
        f"/api/v1/components/{camera['product_id']}/where-used",
    ):
        shown = api.get(path, headers=star)
        assert shown.status_code == 304, path
        assert shown.headers["etag"] == api.get(path, headers=tenants.acme).headers["etag"]
    for path in (
        f"/api/v1/products/{MISSING}",
        f"/api/v1/products/{module['product_id']}",
        f"/api/v1/components/{MISSING}/where-used",
        f"/api/v1/products/{MISSING}/graph",
    ):
        assert api.get(path, headers=star).status_code == 404, path


# -- ETags -----------------------------------------------------------------------------------

ETAG_PATHS = (
    "/api/v1/products",
    "/api/v1/products/{camera}",
    "/api/v1/products/{camera}/graph",
    "/api/v1/components/{camera}",
    "/api/v1/components/{camera}/where-used",
    "/api/v1/components/{camera}/classifications",
)


def _etags(tenants: Tenants, camera: int) -> dict[str, str]:
    found = {}
    for template in ETAG_PATHS:
        path = template.format(camera=camera)
        answer = tenants.api.get(path, headers=tenants.acme)
        assert answer.status_code == 200, (path, answer.text)
        found[path] = answer.headers["etag"]
    return found


def test_another_organisations_private_records_leave_a_callers_etags_alone(
    tenants: Tenants,
) -> None:
    camera = tenants.upload(tenants.acme, camera_bom())["product_id"]
    before = _etags(tenants, camera)
    # A stranger's private product, its retirement and its own-organisation classification.
    elsewhere = tenants.upload(
        tenants.rival,
        bom(
            component("r", "rival-robot", type_="device", purl="pkg:generic/rival/robot@1"),
            [model("m", "pkg:huggingface/rival/arm-planner@1.0")],
            {"r": ["m"]},
        ),
    )
    tenants.api.post(
        f"/api/v1/components/{tenants.component_id('arm-planner')}/classifications",
        json={"is_ai": True, "reason": "it plans"},
        headers=tenants.rival,
    )
    tenants.api.post(
        f"/api/v1/boms/{elsewhere['id']}/retire", json={"reason": "x"}, headers=tenants.rival
    )
    assert _etags(tenants, camera) == before
    # What the caller sees changes them.
    tenants.upload(tenants.acme, camera_bom(version=2))
    after = _etags(tenants, camera)
    assert all(after[path] != before[path] for path in before)


def test_a_change_inside_the_callers_own_supply_chain_moves_its_product_etag(
    tenants: Tenants,
) -> None:
    """The verdict uses every BOM the product is made of, hidden ones included: a supplier's
    new module BOM may change the caller's answer, so its ETag must not say "unchanged"."""
    camera = tenants.upload(tenants.acme, camera_bom())["product_id"]
    path = f"/api/v1/products/{camera}"
    before = tenants.api.get(path, headers=tenants.acme).headers["etag"]
    tenants.upload(tenants.rival, supplier_module_bom())
    again = tenants.api.get(path, headers={**tenants.acme, "If-None-Match": before})
    assert again.status_code == 200
