"""The component page: what it is and why it is AI, its classification records, its
certificates on a time line (and as a table), where it is used (paged), what it was made
from and its model card's key fields; as the API answers the same organisation. Another
organisation's private component is answered as one that does not exist."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.domain.access import Role
from app.services.runtime import Runtime
from tests.builders import MODEL_PURL
from tests.conftest import bearer, issue_key
from tests.console.pages import (
    OWNER,
    every_page,
    publish_samples,
    sign_in,
)

_SVG = re.compile(r'<svg [^>]*class="timeline".*?</svg>', re.S)
_USE = re.compile(r'<li><a href="/products/(\d+)">')


def component_id(browser: TestClient, key: str, purl: str) -> int:
    found = browser.get("/api/v1/components", params={"purl": purl}, headers=bearer(key))
    return int(found.json()["items"][0]["id"])


def test_the_page_shows_the_component_as_the_api_answers_it(
    settings: Settings, runtime: Runtime
) -> None:
    publish_samples(runtime)
    key = issue_key(settings, Role.PROCUREMENT, organisation=OWNER)
    with TestClient(create_app(settings)) as browser:
        model = component_id(browser, key, MODEL_PURL)
        report = browser.get(f"/api/v1/components/{model}", headers=bearer(key)).json()
        where = browser.get(f"/api/v1/components/{model}/where-used", headers=bearer(key)).json()
        made_of = browser.get(f"/api/v1/components/{model}/lineage", headers=bearer(key)).json()
        sign_in(browser, key)
        page = browser.get(f"/components/{model}")
    assert page.status_code == 200
    html = page.text
    assert f"<code>{MODEL_PURL}</code>" in html
    assert "<strong>Yes</strong>" in html
    assert f'href="/components/{model}/readiness"' in html
    # Every certificate the API names: a row on the time line and a row of the table.
    numbers = [held["number"] for held in report["certificates"]]
    assert numbers
    (svg,) = _SVG.findall(html)
    drawn = ET.fromstring(svg)  # noqa: S314 - the page under test, not a stranger's XML
    texts = " ".join(drawn.itertext())
    assert "Certificates on a time line" in texts
    assert "today" in texts
    for held in report["certificates"]:
        assert held["number"] in texts
        assert f'href="/certificates/{held["number"]}"' in html
        assert f"{held['expires']}: expires" in texts
    assert {int(u) for u in _USE.findall(html)} == {u["product_id"] for u in where["used_by"]}
    for link in made_of:
        assert link["component"]["name"] in html
    assert "Its model card" in html


def test_where_used_pages_through_every_product_once(settings: Settings, runtime: Runtime) -> None:
    publish_samples(runtime)
    key = issue_key(settings, Role.INTEGRATOR, organisation=OWNER)
    with TestClient(create_app(settings)) as browser:
        model = component_id(browser, key, MODEL_PURL)
        where = browser.get(f"/api/v1/components/{model}/where-used", headers=bearer(key)).json()
        sign_in(browser, key)
        seen = [int(u) for u in every_page(browser, f"/components/{model}?limit=1", _USE)]
        bad = browser.get(f"/components/{model}?cursor=v1.nonsense")
    assert len(where["used_by"]) >= 2
    assert seen == [u["product_id"] for u in where["used_by"]]
    assert bad.status_code == 400
    assert "query/cursor" in bad.text


def test_the_product_pages_blockers_link_to_their_components(
    settings: Settings, runtime: Runtime
) -> None:
    publish_samples(runtime)
    key = issue_key(settings, Role.INTEGRATOR, organisation=OWNER)
    with TestClient(create_app(settings)) as browser:
        listed = browser.get("/api/v1/products?limit=200", headers=bearer(key)).json()["items"]
        camera = next(p["id"] for p in listed if p["name"].startswith("HV-S3"))
        api = browser.get(
            f"/api/v1/products/{camera}/export-check?to=DE", headers=bearer(key)
        ).json()
        sign_in(browser, key)
        page = browser.get(f"/products/{camera}?to=DE")
        linked = [b["component"]["id"] for b in api["blocking"] if b["component"]["id"]]
        pages = [browser.get(f"/components/{blocker}") for blocker in linked]
    assert linked
    for blocker, component_page in zip(linked, pages, strict=True):
        assert f'href="/components/{blocker}"' in page.text
        assert component_page.status_code == 200
