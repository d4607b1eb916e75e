"""The product page: the verdict for the destination, date and sector asked, each blocker with
its reason and the certificates considered, the blocking paths drawn as a picture, the BOMs
the answer used and the product's own BOMs; only what the visitor's organisation may see."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.domain.access import Role
from app.services.access import ensure_organisation
from app.services.ingest import ingest_bom
from app.services.registry import import_registry
from app.services.runtime import Runtime
from tests.conftest import SAMPLE_REGISTRY, SAMPLES, bearer, issue_key
from tests.console.pages import OWNER, RIVAL, sign_in

CAMERA = SAMPLES / "smart-camera-v2.cdx.json"
MODULE = SAMPLES / "deepinspect-vision-module.cdx.json"
# Inside the vision module's BOM, which only its maker may see.
MODULE_INSIDE = ("DI-VM3 carrier board", "BM1684X", "defect-detector")
_SVG = re.compile(r"<svg .*?</svg>", re.S)


def camera_and_module(runtime: Runtime) -> None:
    """The camera, private to its maker; the module inside it, private to another."""
    for organisation in (OWNER, RIVAL):
        ensure_organisation(runtime, organisation, organisation, actor="tests")
    ingest_bom(runtime, CAMERA.read_bytes(), None, organisation=OWNER)
    ingest_bom(runtime, MODULE.read_bytes(), None, organisation=RIVAL)
    import_registry(runtime, json.loads(SAMPLE_REGISTRY.read_bytes()), actor="tests")


def product_id(browser: TestClient, key: str, name: str) -> int:
    listed = browser.get("/api/v1/products?limit=200", headers=bearer(key)).json()["items"]
    return int(next(p["id"] for p in listed if p["name"].startswith(name)))


def test_a_blocked_product_shows_each_blocker_and_its_paths_as_a_picture(
    settings: Settings, runtime: Runtime
) -> None:
    camera_and_module(runtime)
    maker = issue_key(settings, Role.INTEGRATOR, organisation=OWNER)
    with TestClient(create_app(settings)) as browser:
        camera = product_id(browser, maker, "HV-S3 Smart Inspection Camera")
        api = browser.get(
            f"/api/v1/products/{camera}/export-check?to=DE&on=2026-11-27", headers=bearer(maker)
        ).json()
        sign_in(browser, maker)
        page = browser.get(f"/products/{camera}?to=DE&on=2026-11-27")
    assert page.status_code == 200
    html = page.text
    assert api["decision"] == "ineligible"
    assert "DE on 2026-11-27: ineligible" in html
    for blocker in api["blocking"]:
        assert blocker["component"]["name"] in html
        assert blocker["reason"] in html
    (svg,) = _SVG.findall(html)
    drawn = ET.fromstring(svg)  # noqa: S314 - the page under test, not a stranger's XML
    texts = " ".join(t for t in drawn.itertext())
    for blocker in api["blocking"]:
        for path in blocker["paths"]:
            for step in path:
                assert step["child"] in texts or step["child"].startswith("(")
    # The module's inside is its maker's: neither the picture nor the page names it.
    assert not any(name in html for name in MODULE_INSIDE)
    # Asking on the console keeps no decision record: the API's check above was a record.
    assert "Not kept as a decision record" in html


def test_another_organisation_finds_no_private_product_page(
    settings: Settings, runtime: Runtime
) -> None:
    camera_and_module(runtime)
    maker = issue_key(settings, Role.INTEGRATOR, organisation=OWNER)
    rival = issue_key(settings, Role.INTEGRATOR, Role.PROCUREMENT, organisation=RIVAL)
    with TestClient(create_app(settings)) as ours, TestClient(create_app(settings)) as theirs:
        camera = product_id(ours, maker, "HV-S3 Smart Inspection Camera")
        sign_in(theirs, rival)
        hidden = theirs.get(f"/products/{camera}?to=DE")
        missing = theirs.get("/products/999999?to=DE")
    assert hidden.status_code == missing.status_code == 404
    assert "HV-S3" not in hidden.text
    # Answered exactly like a product that does not exist: nothing says it does.
    assert hidden.text.replace(f"id {camera}<", "id 999999<") == missing.text


def test_a_destination_the_ruleset_does_not_know_is_refused_on_the_page(
    settings: Settings, runtime: Runtime
) -> None:
    camera_and_module(runtime)
    maker = issue_key(settings, Role.INTEGRATOR, organisation=OWNER)
    with TestClient(create_app(settings)) as browser:
        camera = product_id(browser, maker, "HV-S3 Smart Inspection Camera")
        sign_in(browser, maker)
        refused = browser.get(f"/products/{camera}?to=Atlantis")
        asked_nothing = browser.get(f"/products/{camera}")
    assert refused.status_code == 400
    assert "query/to" in refused.text
    assert "the ruleset defines" in refused.text
    assert asked_nothing.status_code == 200
    assert "<svg" not in asked_nothing.text
    assert "Explain" in asked_nothing.text


def test_the_graph_download_shows_each_organisation_only_what_it_may_see(
    settings: Settings, runtime: Runtime
) -> None:
    camera_and_module(runtime)
    maker = issue_key(settings, Role.INTEGRATOR, organisation=OWNER)
    rival = issue_key(settings, Role.INTEGRATOR, organisation=RIVAL)
    with TestClient(create_app(settings)) as ours, TestClient(create_app(settings)) as theirs:
        camera = product_id(ours, maker, "HV-S3 Smart Inspection Camera")
        api = ours.get(
            f"/api/v1/products/{camera}/graph?format=graphml", headers=bearer(maker)
        ).text
        sign_in(ours, maker)
        assert f'href="/products/{camera}/graph.graphml"' in ours.get(f"/products/{camera}").text
        download = ours.get(f"/products/{camera}/graph.graphml")
        sign_in(theirs, rival)
        hidden = theirs.get(f"/products/{camera}/graph.graphml")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("application/graphml+xml")
    assert "attachment" in download.headers["content-disposition"]
    # The same document the API answers: the camera's inside, none of the module's.
    assert download.text == api
    assert "HV-S3 firmware" in download.text
    assert not any(name in download.text for name in MODULE_INSIDE)
    assert hidden.status_code == 404
    assert "HV-S3" not in hidden.text


def test_the_product_bom_list_says_which_are_current_history_or_retired(
    settings: Settings, runtime: Runtime
) -> None:
    camera_and_module(runtime)
    first = ingest_bom(
        runtime, (SAMPLES / "smart-camera-v1.cdx.json").read_bytes(), None, organisation=OWNER
    )
    maker = issue_key(settings, Role.INTEGRATOR, organisation=OWNER)
    with TestClient(create_app(settings)) as browser:
        camera = product_id(browser, maker, "HV-S3 Smart Inspection Camera")
        sign_in(browser, maker)
        before = browser.get(f"/products/{camera}").text
        retired = browser.post(
            f"/api/v1/boms/{first.bom_id}/retire",
            json={"reason": "recalled firmware"},
            headers=bearer(maker),
        )
        after = browser.get(f"/products/{camera}").text
    rows = re.compile(r"<tr>\s*<th scope=\"row\">(\d+)</th>.*?</tr>", re.S)
    states_before = {int(m.group(1)): m.group(0) for m in rows.finditer(before)}
    (current,) = [bom for bom in states_before if bom != first.bom_id]
    assert "<strong>current</strong>" in states_before[current]
    # Version 1 arrived after version 2: it never was current, it is history.
    assert "history: a later version" in states_before[first.bom_id]
    assert retired.status_code in {200, 204}, retired.text
    states_after = {int(m.group(1)): m.group(0) for m in rows.finditer(after)}
    assert "retired" in states_after[first.bom_id]
    assert "recalled firmware" in states_after[first.bom_id]
