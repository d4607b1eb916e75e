"""Decision records (listed, filtered, paged; one as a printable page) and the audit trail
(paged, filtered by kind), as the API serves them to the visitor's organisation and roles;
another organisation finds none of them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.console.pages import iso_moment
from app.domain.access import Role
from app.services.runtime import Runtime
from tests.conftest import bearer, issue_key
from tests.console import pages as console
from tests.console.pages import OWNER, RIVAL, sign_in

_DECISION = re.compile(r'<a href="/decisions/(\d+)">')
_AUDIT = re.compile(r'<th scope="row">(?:<a href="/decisions/\d+">)?([a-z ]+) (\d+)(?:</a>)?</th>')


def moment_shown(at: dt.datetime) -> str:
    return f'<time datetime="{at.isoformat()}">{iso_moment(at)}</time>'


@dataclass(frozen=True)
class Records:
    browser: TestClient
    owner: str
    rival: str
    decisions: list[dict[str, Any]]


@pytest.fixture
def records(settings: Settings, runtime: Runtime) -> Iterator[Records]:
    """The samples, and three decision records the owner's checks kept."""
    console.publish_samples(runtime)
    owner = issue_key(settings, Role.INTEGRATOR, Role.AUDITOR, organisation=OWNER)
    rival = issue_key(settings, Role.INTEGRATOR, Role.AUDITOR, organisation=RIVAL)
    with TestClient(create_app(settings)) as browser:
        listed = browser.get("/api/v1/products?limit=200", headers=bearer(owner)).json()
        ids = {p["name"]: p["id"] for p in listed["items"]}
        camera = next(i for n, i in ids.items() if n.startswith("HV-S3"))
        other = next(i for n, i in ids.items() if i != camera)
        for product, to in ((camera, "DE"), (camera, "EU"), (other, "DE")):
            asked = browser.get(
                f"/api/v1/products/{product}/export-check?to={to}", headers=bearer(owner)
            )
            assert asked.status_code == 200, asked.text
        kept = browser.get("/api/v1/decisions", headers=bearer(owner)).json()["items"]
        yield Records(browser, owner, rival, kept)


def test_decisions_are_listed_filtered_and_paged_as_the_api_lists_them(records: Records) -> None:
    browser = records.browser
    sign_in(browser, records.owner)
    whole = [int(d) for d in console.every_page(browser, "/decisions", _DECISION)]
    one_by_one = [int(d) for d in console.every_page(browser, "/decisions?limit=1", _DECISION)]
    ineligible = [
        int(d) for d in console.every_page(browser, "/decisions?decision=ineligible", _DECISION)
    ]
    product = records.decisions[-1]["product_id"]
    of_product = [
        int(d) for d in console.every_page(browser, f"/decisions?product={product}", _DECISION)
    ]
    refused = browser.get("/decisions?decision=maybe")
    assert len(whole) == 3
    assert whole == one_by_one == [d["id"] for d in records.decisions]
    assert ineligible == [d["id"] for d in records.decisions if d["decision"] == "ineligible"]
    assert ineligible
    assert of_product == [d["id"] for d in records.decisions if d["product_id"] == product]
    assert refused.status_code == 400
    assert "query/decision" in refused.text


def test_a_decision_record_is_a_printable_page(records: Records) -> None:
    browser = records.browser
    record = next(d for d in records.decisions if d["decision"] == "ineligible")
    answer = browser.get(f"/api/v1/decisions/{record['id']}", headers=bearer(records.owner)).json()
    sign_in(browser, records.owner)
    page = browser.get(f"/decisions/{record['id']}")
    stylesheet = browser.get("/static/console.css").text
    assert page.status_code == 200
    html = page.text
    assert f"Decision record {record['id']}" in html
    assert f"exported to <strong>{answer['destination']}</strong> on {answer['date']}" in html
    assert answer["evidence_sha256"] in html
    decided_at = dt.datetime.fromisoformat(answer["decided_at"].replace("Z", "+00:00"))
    assert f"Decided at</dt><dd>{moment_shown(decided_at)}" in html
    assert answer["blocking"]
    for blocker in answer["blocking"]:
        assert blocker["component"]["name"] in html
        assert blocker["reason"] in html
        for step in blocker["paths"][0]:
            assert step["child"] in html
    assert "@media print" in stylesheet
    assert 'class="no-print"' in html


def test_the_audit_trail_is_paged_and_filtered_by_kind(records: Records) -> None:
    browser = records.browser
    trail = browser.get("/api/v1/audit-trail?limit=200", headers=bearer(records.owner)).json()
    expected = [(r["kind"].replace("_", " "), str(r["record_id"])) for r in trail["items"]]
    sign_in(browser, records.owner)
    whole = console.every_page(browser, "/audit?limit=200", _AUDIT)
    in_fives = console.every_page(browser, "/audit?limit=5", _AUDIT)
    decided = console.every_page(browser, "/audit?kind=decision_made&limit=2", _AUDIT)
    linked = browser.get("/audit?kind=decision_made").text
    refused = browser.get("/audit?kind=DROP%20TABLE")
    assert whole == in_fives == expected
    assert decided == [e for e in expected if e[0] == "decision made"]
    assert len(decided) == 3
    # Each decision in the trail leads to its record.
    for record in records.decisions:
        assert f'href="/decisions/{record["id"]}"' in linked
    assert refused.status_code == 400
    assert "query/kind" in refused.text


def test_another_organisation_finds_none_of_the_records(records: Records) -> None:
    browser = records.browser
    record = records.decisions[0]["id"]
    sign_in(browser, records.rival)
    listing = browser.get("/decisions")
    audit = browser.get("/audit?limit=200")
    hidden = browser.get(f"/decisions/{record}")
    missing = browser.get("/decisions/999999")
    assert listing.status_code == audit.status_code == 200
    assert _DECISION.findall(listing.text) == []
    assert "No decision record yet" in listing.text
    assert hidden.status_code == missing.status_code == 404
    console.assert_told_as_missing(hidden.text, missing.text, str(record), "999999")
    assert (
        console.private_names_shown(listing.text) == console.private_names_shown(audit.text) == []
    )


def test_each_page_is_for_the_roles_the_api_admits(settings: Settings, runtime: Runtime) -> None:
    console.publish_samples(runtime)
    buyer = issue_key(settings, Role.PROCUREMENT, organisation=OWNER)
    builder = issue_key(settings, Role.INTEGRATOR, organisation=OWNER)
    with TestClient(create_app(settings)) as browser:
        sign_in(browser, buyer)
        refused = [browser.get(page) for page in ("/decisions", "/decisions/1", "/audit")]
        portfolio = browser.get("/portfolio").text
        sign_in(browser, builder)
        admitted = browser.get("/decisions")
        no_audit = browser.get("/audit")
        nav = browser.get("/portfolio").text
    assert [page.status_code for page in refused] == [403, 403, 403]
    assert 'href="/decisions"' not in portfolio
    assert 'href="/audit"' not in portfolio
    assert 'href="/certificates"' in portfolio
    assert admitted.status_code == 200
    assert no_audit.status_code == 403
    assert 'href="/decisions"' in nav
    assert 'href="/audit"' not in nav
