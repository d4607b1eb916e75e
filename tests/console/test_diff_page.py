"""The diff page: two BOMs of one product compared as the API compares them, reached from the
product page's BOM list; a BOM the visitor's organisation may not see does not exist here."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.domain.access import Role
from app.services.runtime import Runtime
from tests.conftest import bearer, issue_key
from tests.console.pages import OWNER, PRIVATE_NAMES, RIVAL, publish_samples, sign_in

DAY = "2026-11-27"


def camera_boms(browser: TestClient, key: str) -> tuple[int, int, int]:
    """The camera's product id and its two BOMs, older first."""
    listed = browser.get("/api/v1/products?limit=200", headers=bearer(key)).json()["items"]
    camera = next(p["id"] for p in listed if p["name"].startswith("HV-S3 Smart Inspection"))
    boms = browser.get(f"/api/v1/boms?product_id={camera}", headers=bearer(key)).json()["items"]
    older, newer = sorted(bom["id"] for bom in boms)
    return camera, older, newer


def test_the_diff_page_answers_as_the_api_and_the_product_page_links_it(
    settings: Settings, runtime: Runtime
) -> None:
    publish_samples(runtime)
    maker = issue_key(settings, Role.INTEGRATOR, organisation=OWNER)
    with TestClient(create_app(settings)) as browser:
        camera, older, newer = camera_boms(browser, maker)
        api = browser.get(
            f"/api/v1/boms/{older}/diff/{newer}?to=DE&on={DAY}", headers=bearer(maker)
        ).json()
        sign_in(browser, maker)
        product = browser.get(f"/products/{camera}").text
        page = browser.get(f"/boms/{newer}/diff?against={older}&to=de&on={DAY}")
    assert (
        f'<a href="/boms/{newer}/diff?against={older}">compare with the previous version</a>'
        in (product)
    )
    assert f"/boms/{older}/diff" not in product
    assert page.status_code == 200
    html = page.text
    assert f"BOM {newer} against BOM {older}" in html
    assert f"DE on {DAY}" in html
    assert api["added"], "the samples' second camera BOM adds components"
    for change in api["added"] + api["removed"]:
        assert change["name"] in html
        assert change["identity"] in html
    for blocker in api["blockers_added"] + api["blockers_removed"]:
        assert blocker["component"] in html
        assert blocker["reason"] in html
    assert f"Added ({len(api['added'])}, {len(api['ai_added'])} AI)" in html
    assert f"Removed ({len(api['removed'])}, {len(api['ai_removed'])} AI)" in html
    assert f"Blockers that appear ({len(api['blockers_added'])})" in html
    assert f"chip-{api['old_decision']}" in html
    assert f"chip-{api['new_decision']}" in html


def test_another_organisation_cannot_diff_private_boms_and_learns_no_name(
    settings: Settings, runtime: Runtime
) -> None:
    publish_samples(runtime)
    maker = issue_key(settings, Role.INTEGRATOR, organisation=OWNER)
    rival = issue_key(settings, Role.INTEGRATOR, Role.PROCUREMENT, organisation=RIVAL)
    with TestClient(create_app(settings)) as ours, TestClient(create_app(settings)) as theirs:
        _, older, newer = camera_boms(ours, maker)
        sign_in(theirs, rival)
        hidden = theirs.get(f"/boms/{newer}/diff?against={older}")
        missing = theirs.get("/boms/999998/diff?against=999999")
        half = theirs.get(f"/boms/{newer}/diff?against=999999")
    assert hidden.status_code == missing.status_code == half.status_code == 404
    for page in (hidden, missing, half):
        assert not [name for name in PRIVATE_NAMES if name in page.text]
        assert "HV-S3" not in page.text


def test_two_boms_of_different_products_and_unreadable_asks_are_refused(
    settings: Settings, runtime: Runtime
) -> None:
    publish_samples(runtime)
    maker = issue_key(settings, Role.INTEGRATOR, organisation=OWNER)
    with TestClient(create_app(settings)) as browser:
        boms = browser.get("/api/v1/boms?limit=200", headers=bearer(maker)).json()["items"]
        one = boms[0]
        other = next(bom for bom in boms if bom["product_id"] != one["product_id"])
        sign_in(browser, maker)
        unrelated = browser.get(f"/boms/{one['id']}/diff?against={other['id']}")
        no_other = browser.get(f"/boms/{one['id']}/diff")
        bad_destination = browser.get(f"/boms/{one['id']}/diff?against={other['id']}&to=EUR")
    assert unrelated.status_code == 400
    assert "a diff compares two BOMs of one product" in unrelated.text
    assert no_other.status_code == bad_destination.status_code == 400
    assert "query/against" in no_other.text
    assert "query/to" in bad_destination.text
