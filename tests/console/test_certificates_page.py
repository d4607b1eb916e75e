"""The certificates pages: the registry, expiring soonest first, filtered and paged; one
certificate with its history, its reviewer and what revoking it would break, among the
products the visitor may see (as the API's impact answers it)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.domain.access import Role
from app.services.runtime import Runtime
from tests.conftest import SAMPLE_REGISTRY, bearer, issue_key
from tests.console.pages import (
    OWNER,
    RIVAL,
    assert_told_as_missing,
    every_page,
    private_names_shown,
    publish_samples,
    sign_in,
)

_ROW = re.compile(r'<th scope="row"><a href="/certificates/([^"]+)">')
_BREAKS = re.compile(r'<a href="/products/(\d+)\?to=([A-Z]+)">[^<]*</a> <strong>breaks</strong>')
_IMPACTED = re.compile(r'<a href="/products/(\d+)\?to=([A-Z]+)">')
REGISTRY = json.loads(SAMPLE_REGISTRY.read_bytes())


def listed(browser: TestClient, address: str) -> list[str]:
    """Every certificate number of a list, page after page."""
    return every_page(browser, address, _ROW)


@pytest.fixture
def registry(
    settings: Settings, runtime: Runtime
) -> Iterator[tuple[TestClient, dict[str, dict[str, Any]]]]:
    """A signed-in browser, and the registry as the API lists it."""
    publish_samples(runtime)
    key = issue_key(settings, Role.PROCUREMENT, organisation=OWNER)
    with TestClient(create_app(settings)) as browser:
        every = browser.get("/api/v1/certificates?limit=200", headers=bearer(key)).json()
        sign_in(browser, key)
        yield browser, {c["number"]: c for c in every["items"]}


def test_the_registry_is_listed_expiring_soonest_first_and_paged(
    registry: tuple[TestClient, dict[str, dict[str, Any]]],
) -> None:
    browser, every = registry
    whole = listed(browser, "/certificates?limit=200")
    in_threes = listed(browser, "/certificates?limit=3")
    assert sorted(whole) == sorted(every)
    assert in_threes == whole
    today = dt.datetime.now(dt.UTC).date()
    running = [n for n in whole if dt.date.fromisoformat(every[n]["expires"]) >= today]
    assert whole[: len(running)] == running
    assert [every[n]["expires"] for n in running] == sorted(every[n]["expires"] for n in running)


def test_filters_narrow_the_registry(
    registry: tuple[TestClient, dict[str, dict[str, Any]]],
) -> None:
    browser, every = registry
    reviewer = next(iter(every.values()))["reviewer"]
    active = listed(browser, "/certificates?status=active")
    by_reviewer = listed(browser, f"/certificates?reviewer={reviewer}")
    deepinspect = listed(browser, "/certificates?subject=DeepInspect")
    nothing = browser.get("/certificates?subject=no-such-subject")
    bad_status = browser.get("/certificates?status=lapsed")
    foreign = browser.get("/certificates?cursor=v1.bm9uc2Vuc2U")
    assert sorted(active) == sorted(n for n, c in every.items() if c["status"] == "active")
    assert 0 < len(active) < len(every)
    assert sorted(by_reviewer) == sorted(n for n, c in every.items() if c["reviewer"] == reviewer)
    assert sorted(deepinspect) == sorted(
        n for n, c in every.items() if "deepinspect" in c["subject"]
    )
    assert len(deepinspect) == 2
    assert "No certificate matches these filters" in nothing.text
    assert bad_status.status_code == foreign.status_code == 400
    assert "query/status" in bad_status.text
    assert "query/cursor" in foreign.text


def test_a_certificate_shows_its_history_reviewer_and_what_revoking_it_breaks(
    settings: Settings, runtime: Runtime
) -> None:
    publish_samples(runtime)
    key = issue_key(settings, Role.INTEGRATOR, organisation=OWNER)
    number = REGISTRY["certificates"][0]["number"]
    with TestClient(create_app(settings)) as browser:
        impact = browser.get(
            f"/api/v1/certificates/{number}/impact?to=DE", headers=bearer(key)
        ).json()
        certificate = browser.get(f"/api/v1/certificates/{number}", headers=bearer(key)).json()
        reviewers = browser.get("/api/v1/reviewers", headers=bearer(key)).json()["items"]
        sign_in(browser, key)
        page = browser.get(f"/certificates/{number}?to=DE")
        missing = browser.get("/certificates/AIEC-0000-000000")
    assert page.status_code == 200
    html = page.text
    assert f"<code>{certificate['subject']}</code>" in html
    name = next(r["name"] for r in reviewers if r["id"] == certificate["reviewer"])
    assert name in html
    for event in certificate["events"]:
        assert event["date"] in html
    breaking = {(p["product_id"], p["destination"]) for p in impact["products"] if p["breaks"]}
    assert impact["breaking"] == len(breaking) > 0
    assert {(int(p), d) for p, d in _BREAKS.findall(html)} == breaking
    assert {(int(p), d) for p, d in _IMPACTED.findall(html)} == {
        (p["product_id"], p["destination"]) for p in impact["products"]
    }
    assert f"<strong>{len(breaking)}</strong> of the answers below" in html
    assert missing.status_code == 404


def test_another_organisation_reads_the_registry_but_no_private_product_in_its_impact(
    settings: Settings, runtime: Runtime
) -> None:
    publish_samples(runtime)
    rival = issue_key(settings, Role.PROCUREMENT, organisation=RIVAL)
    with TestClient(create_app(settings)) as browser:
        sign_in(browser, rival)
        pages = [browser.get("/certificates?limit=200")]
        pages += [browser.get(f"/certificates/{c['number']}") for c in REGISTRY["certificates"]]
    for page in pages:
        assert page.status_code == 200
        assert private_names_shown(page.text) == []
    for page in pages[1:]:
        assert "No product you may see holds its subject" in page.text
        assert 'href="/components/' not in page.text


def test_an_unknown_certificate_is_told_as_such(settings: Settings, runtime: Runtime) -> None:
    publish_samples(runtime)
    key = issue_key(settings, Role.AUDITOR, organisation=OWNER)
    with TestClient(create_app(settings)) as browser:
        sign_in(browser, key)
        missing = browser.get("/certificates/NO-SUCH-1")
        other = browser.get("/certificates/NO-SUCH-2")
    assert missing.status_code == other.status_code == 404
    assert_told_as_missing(missing.text, other.text, "NO-SUCH-1", "NO-SUCH-2")


def test_an_unknown_destination_to_weigh_is_refused_naming_it(
    registry: tuple[TestClient, dict[str, dict[str, Any]]],
) -> None:
    browser, every = registry
    number = next(iter(every))
    refused = browser.get(f"/certificates/{number}?to=DE+NARNIA")
    assert refused.status_code == 400
    assert "NARNIA" in refused.text
    assert "to[1]" in refused.text
