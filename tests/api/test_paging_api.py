"""Every keyset-paged list over HTTP: walked in pages of any size it yields each item once,
in order, and a cursor the list did not answer is refused at `query/cursor`."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.domain.access import Role
from app.domain.paging import BOMS, COMPONENTS, DECISIONS, PRODUCTS, USES, Keyset
from tests.builders import bom, component
from tests.conftest import bearer, issue_key

# Each list, the most it answers in one page, and its keyset.
LISTS = [
    ("/api/v1/boms", 500, BOMS),
    ("/api/v1/components", 500, COMPONENTS),
    ("/api/v1/decisions", 500, DECISIONS),
    ("/api/v1/products", 200, PRODUCTS),
]
JSON_TYPE = "application/vnd.cyclonedx+json"
DETECTOR = "pkg:huggingface/deepinspect/defect-detector@2.1.0"


def _walk(client: TestClient, path: str, size: int) -> list[Any]:
    walked: list[Any] = []
    params: dict[str, str | int] = {"limit": size}
    while True:
        answer = client.get(path, params=params)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        assert 1 <= len(page["items"]) <= size or (not walked and not page["items"])
        walked += page["items"]
        if page["next_cursor"] is None:
            return walked
        params["cursor"] = page["next_cursor"]


def _decide(client: TestClient) -> None:
    products = client.get("/api/v1/products", params={"limit": 200}).json()["items"]
    for product in products[:3]:
        for to in ("DE", "US"):
            answer = client.get(f"/api/v1/products/{product['id']}/export-check", params={"to": to})
            assert answer.status_code == 200, answer.text


@pytest.mark.usefixtures("samples")
@pytest.mark.parametrize(("path", "most", "keyset"), LISTS, ids=[p for p, _, _ in LISTS])
def test_a_list_walked_in_pages_of_any_size_yields_every_item_once_in_order(
    client: TestClient, path: str, most: int, keyset: Keyset[int]
) -> None:
    _decide(client)
    everything = client.get(path, params={"limit": most}).json()
    assert everything["next_cursor"] is None
    ids = [item["id"] for item in everything["items"]]
    assert len(ids) == len(set(ids)) >= 2
    # Components are many: every size up to a few, then sizes around the whole list.
    sizes = sorted({*range(1, min(len(ids), 8) + 1), len(ids) - 1, len(ids), len(ids) + 1})
    for size in sizes:
        assert _walk(client, path, size) == everything["items"], size
    first = client.get(path, params={"limit": 1}).json()
    assert first["next_cursor"] == keyset.cursor(ids[0])


@pytest.mark.usefixtures("samples")
@pytest.mark.parametrize(("path", "most", "keyset"), LISTS, ids=[p for p, _, _ in LISTS])
def test_a_list_refuses_at_the_cursor_when_the_cursor_is_another_lists(
    client: TestClient, path: str, most: int, keyset: Keyset[int]
) -> None:
    del most
    other = next(k for _, _, k in LISTS if k != keyset)
    for cursor in (other.cursor(1), keyset.cursor(1) + "A", "1", "x" * 600):
        answer = client.get(path, params={"cursor": cursor})
        assert answer.status_code == 422, (cursor, answer.text)
        assert [e["location"] for e in answer.json()["errors"]] == ["query/cursor"]


def test_the_product_list_refuses_a_cursor_naming_a_component_the_caller_may_not_know(
    client: TestClient, settings: Settings
) -> None:
    names = ("alpha", "bravo", "charlie")
    owners = {"alpha": "mine", "bravo": "theirs", "charlie": "mine"}
    keys = {
        o: bearer(issue_key(settings, Role.INTEGRATOR, organisation=o)) for o in owners.values()
    }
    ids = {}
    for name in names:
        subject = component(name, name, type_="device", purl=f"pkg:generic/acme/{name}@1")
        answer = client.post(
            "/api/v1/boms",
            content=bom(subject, []),
            headers={"content-type": JSON_TYPE, **keys[owners[name]]},
        )
        assert answer.status_code == 201, answer.text
        ids[name] = answer.json()["product_id"]
    mine = client.get("/api/v1/products", params={"limit": 1}, headers=keys["mine"]).json()
    assert [p["name"] for p in mine["items"]] == ["alpha"]
    rest = client.get(
        "/api/v1/products", params={"cursor": mine["next_cursor"]}, headers=keys["mine"]
    ).json()
    assert [p["name"] for p in rest["items"]] == ["charlie"]
    for hidden in (PRODUCTS.cursor(ids["bravo"]), PRODUCTS.cursor(10**9)):
        answer = client.get("/api/v1/products", params={"cursor": hidden}, headers=keys["mine"])
        assert answer.status_code == 422, answer.text
        assert [e["location"] for e in answer.json()["errors"]] == ["query/cursor"]
    # An administrator may know every component, and pages on from any of them.
    after = client.get("/api/v1/products", params={"cursor": PRODUCTS.cursor(ids["bravo"])})
    assert [p["name"] for p in after.json()["items"]] == ["charlie"]


@pytest.mark.usefixtures("samples")
def test_where_used_walked_in_pages_of_any_size_yields_every_product_once_in_order(
    client: TestClient,
) -> None:
    found = client.get("/api/v1/components", params={"purl": DETECTOR}).json()["items"]
    path = f"/api/v1/components/{found[0]['id']}/where-used"
    everything = client.get(path, params={"limit": 500}).json()
    assert everything["next_cursor"] is None
    ids = [use["product_id"] for use in everything["used_by"]]
    assert len(ids) == len(set(ids)) >= 2
    for size in range(1, len(ids) + 2):
        walked: list[Any] = []
        params: dict[str, str | int] = {"limit": size}
        while True:
            page = client.get(path, params=params).json()
            walked += page["used_by"]
            if page["next_cursor"] is None:
                break
            params["cursor"] = page["next_cursor"]
        assert walked == everything["used_by"], size
    holder = client.get(path, params={"limit": 1}).json()["next_cursor"]
    assert holder == USES.cursor(ids[0])
    for cursor in (PRODUCTS.cursor(ids[0]), USES.cursor(found[0]["id"]), str(ids[0])):
        answer = client.get(path, params={"cursor": cursor})
        assert answer.status_code == 422, (cursor, answer.text)
        assert [e["location"] for e in answer.json()["errors"]] == ["query/cursor"]
