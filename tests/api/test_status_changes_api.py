"""The status-change feed over HTTP: each organisation reads the changes of products it may
see, told causes only as far as it may see them; paged, filtered, refused when asked wrong;
and kept by the background runner a serving process runs."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.domain.access import Role
from app.services.registry import import_registry
from app.services.runtime import Runtime
from app.services.statuses import settle_all
from app.services.webhook_delivery import deliver_due
from tests.builders import CAMERA_PURL, MODULE_PURL, camera_bom, supplier_module_bom
from tests.conftest import SAMPLE_REGISTRY, bearer, issue_key
from tests.webhook_receiver import running_receiver

JSON_TYPE = "application/vnd.cyclonedx+json"
FEED = "/api/v1/status-changes"


def settle(settings: Settings) -> None:
    runtime = Runtime(settings)
    try:
        settle_all(runtime)
    finally:
        runtime.close()


def with_sample_registry(settings: Settings) -> None:
    """The sample ruleset (with its destination groups) and certificates."""
    runtime = Runtime(settings)
    try:
        import_registry(runtime, json.loads(SAMPLE_REGISTRY.read_bytes()), actor="tests")
    finally:
        runtime.close()


def upload(api: TestClient, key: dict[str, str], document: bytes) -> dict[str, Any]:
    answer = api.post("/api/v1/boms", content=document, headers={**key, "content-type": JSON_TYPE})
    assert answer.status_code == 201, answer.text
    stored: dict[str, Any] = answer.json()
    return stored


def feed(api: TestClient, key: dict[str, str], **query: Any) -> list[dict[str, Any]]:
    answer = api.get(FEED, headers=key, params=query)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def test_each_organisation_reads_only_the_changes_it_may_see(settings: Settings) -> None:
    maker = bearer(issue_key(settings, Role.INTEGRATOR, organisation="maker"))
    supplier = bearer(issue_key(settings, Role.INTEGRATOR, organisation="supplier"))
    rival = bearer(issue_key(settings, Role.INTEGRATOR, Role.PROCUREMENT, organisation="rival"))
    admin = bearer(issue_key(settings, Role.ADMIN, organisation="operator"))
    with_sample_registry(settings)
    with TestClient(create_app(settings)) as api:
        camera_bom_id = upload(api, maker, camera_bom())["id"]
        module_bom_id = upload(api, supplier, supplier_module_bom())["id"]
        settle(settings)
        everything = feed(api, admin)
        assert everything, "first standings are changes from none"
        products = {c["product"]["purl"] for c in everything}
        assert products == {CAMERA_PURL, MODULE_PURL}
        made = feed(api, maker)
        assert {c["product"]["purl"] for c in made} == {CAMERA_PURL}
        assert {c["product"]["purl"] for c in feed(api, supplier)} == {MODULE_PURL}
        assert feed(api, rival) == []
        # The camera's latest change came from the supplier's upload: the maker is told an
        # upload happened, not which BOM (it may not see inside it); the operator is told.
        camera = [c for c in everything if c["product"]["purl"] == CAMERA_PURL]
        assert {c["cause"]["bom_id"] for c in camera} == {module_bom_id}
        assert {c["cause"]["kind"] for c in made} == {"bom_uploaded"}
        assert {c["cause"]["bom_id"] for c in made} == {None}
        assert camera_bom_id != module_bom_id
        # Another organisation cannot tell the camera from a product that does not exist.
        camera_id = camera[0]["product"]["id"]
        hidden = api.get(FEED, headers=rival, params={"product_id": camera_id})
        missing = api.get(FEED, headers=rival, params={"product_id": 999_999})
        assert (hidden.status_code, missing.status_code) == (404, 404)
        assert hidden.json()["detail"] == missing.json()["detail"].replace("999999", str(camera_id))
        assert feed(api, maker, product_id=camera_id) == made


def test_the_feed_pages_filters_and_refuses_what_it_cannot_read(settings: Settings) -> None:
    admin = bearer(issue_key(settings, Role.ADMIN, organisation="operator"))
    with_sample_registry(settings)
    with TestClient(create_app(settings)) as api:
        upload(api, admin, camera_bom())
        upload(api, admin, supplier_module_bom())
        settle(settings)
        whole = feed(api, admin)
        paged: list[dict[str, Any]] = []
        cursor = None
        while True:
            page = api.get(FEED, headers=admin, params={"limit": 1, "cursor": cursor}).json()
            paged.extend(page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert paged == whole
        assert [c["id"] for c in whole] == sorted(c["id"] for c in whole)
        eu = feed(api, admin, group="eu")
        assert eu
        assert eu == [c for c in whole if c["group"] == "EU"]
        later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
        assert feed(api, admin, since=later.isoformat()) == []
        bad = api.get(FEED, headers=admin, params={"cursor": "v1.nonsense"})
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["location"] == "query/cursor"
        unknown = api.get(FEED, headers=admin, params={"group": "ATLANTIS"})
        assert unknown.status_code == 422
        assert unknown.json()["errors"][0]["location"] == "query/group"


def test_a_serving_process_settles_an_upload_without_being_asked(database_url: str) -> None:
    settings = Settings(database_url=database_url, background_jobs=True)
    admin = bearer(issue_key(settings, Role.ADMIN, organisation="operator"))
    with_sample_registry(settings)
    with TestClient(create_app(settings)) as api:
        upload(api, admin, camera_bom())
        deadline = time.monotonic() + 20
        changes: list[dict[str, Any]] = []
        while not changes and time.monotonic() < deadline:
            time.sleep(0.05)
            changes = feed(api, admin)
        assert changes, "the background runner settled the upload"
        assert {c["product"]["purl"] for c in changes} == {CAMERA_PURL}
        assert {c["cause"]["kind"] for c in changes} == {"bom_uploaded"}


def test_status_changes_reach_only_subscribers_who_may_see_the_product(
    database_url: str,
) -> None:
    settings = Settings(database_url=database_url, webhook_allow_private_networks=True)
    maker = bearer(issue_key(settings, Role.INTEGRATOR, organisation="maker"))
    supplier = bearer(issue_key(settings, Role.INTEGRATOR, organisation="supplier"))
    rival = bearer(issue_key(settings, Role.INTEGRATOR, organisation="rival"))
    with_sample_registry(settings)
    runtime = Runtime(settings)
    with (
        TestClient(create_app(settings)) as api,
        running_receiver() as makers,
        running_receiver() as rivals,
    ):
        for key, receiver in ((maker, makers), (rival, rivals)):
            created = api.post(
                "/api/v1/webhooks",
                json={"url": receiver.url, "events": ["product.status_changed"]},
                headers=key,
            )
            assert created.status_code == 201, created.text
            receiver.secret = created.json()["secret"]
        upload(api, maker, camera_bom())
        upload(api, supplier, supplier_module_bom())
        settle_all(runtime)
        deliver_due(runtime)
        runtime.close()
        told = makers.verified()
        assert told, "the maker's camera got its first statuses"
        assert {p["type"] for p in told} == {"product.status_changed"}
        assert {p["data"]["product"]["purl"] for p in told} == {CAMERA_PURL}
        # Told as the feed tells it: the same changes, the supplier's BOM not named.
        assert sorted(p["data"]["id"] for p in told) == [c["id"] for c in feed(api, maker)]
        assert {p["data"]["cause"]["bom_id"] for p in told} == {None}
        assert rivals.received == []


def test_an_organisations_own_classification_is_named_only_to_it(settings: Settings) -> None:
    maker = bearer(issue_key(settings, Role.INTEGRATOR, Role.PROCUREMENT, organisation="maker"))
    rival = bearer(issue_key(settings, Role.INTEGRATOR, organisation="rival"))
    admin = bearer(issue_key(settings, Role.ADMIN, organisation="operator"))
    with_sample_registry(settings)
    with TestClient(create_app(settings)) as api:
        camera = upload(api, maker, camera_bom())
        shared = api.put(
            f"/api/v1/boms/{camera['id']}/visibility", json={"visibility": "public"}, headers=maker
        )
        assert shared.status_code == 200, shared.text
        settle(settings)
        first = {c["id"] for c in feed(api, admin)}
        # No BOM of the module is held: the camera holds no AI, until the maker says so.
        module = api.get("/api/v1/components", params={"purl": MODULE_PURL}, headers=maker)
        module_id = module.json()["items"][0]["id"]
        recorded = api.post(
            f"/api/v1/components/{module_id}/classifications",
            json={"is_ai": True, "reason": "runs a vision model inside"},
            headers=maker,
        )
        assert recorded.status_code == 201, recorded.text
        settle(settings)
        told_maker = [c for c in feed(api, maker) if c["id"] not in first]
        told_rival = [c for c in feed(api, rival) if c["id"] not in first]
        assert told_maker, "the maker's classification moved the camera"
        assert {c["cause"]["kind"] for c in told_maker} == {"classification"}
        assert {c["cause"]["ref"] for c in told_maker} == {str(recorded.json()["id"])}
        # The rival sees the public camera's changes, not which record of the maker's it was.
        assert [c["id"] for c in told_rival] == [c["id"] for c in told_maker]
        assert {c["cause"]["ref"] for c in told_rival} == {None}
        assert {c["cause"]["kind"] for c in told_rival} == {"classification"}
