"""The console's record-keeping pages in Chromium: from the portfolio to a blocked product,
on to the component that blocks it, a certificate's impact, the decision records, one
decision and the audit trail; none of them shows another organisation a private name, has
a serious accessibility violation, or scrolls sideways on a phone (uploading has its own
journey, in test_upload_browser)."""

from __future__ import annotations

import re

import httpx
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import Console
from tests.browser.test_console_browser import sign_in
from tests.conftest import bearer
from tests.console.pages import private_names_shown

CAMERA = "HV-S3 Smart Inspection Camera"


def keep_decisions(console: Console) -> None:
    """Two checks asked through the API, each kept as a decision record."""
    products = httpx.get(
        f"{console.base}/api/v1/products?limit=200", headers=bearer(console.owner_key)
    ).json()["items"]
    camera = next(p["id"] for p in products if p["name"].startswith(CAMERA))
    for to in ("DE", "EU"):
        asked = httpx.get(
            f"{console.base}/api/v1/products/{camera}/export-check?to={to}",
            headers=bearer(console.owner_key),
        )
        assert asked.status_code == 200, asked.text


def walk(page: Page, console: Console) -> dict[str, str]:
    """The journey, each page's address by name."""
    seen = {}
    sign_in(page, console.base, console.owner_key)
    seen["portfolio"] = page.url
    page.locator("table.matrix").get_by_role("link", name=re.compile(CAMERA)).click()
    page.get_by_label("Destination").fill("DE")
    page.get_by_role("button", name="Check").click()
    expect(page.locator("svg.blocking-paths")).to_be_visible()
    seen["blocked product"] = page.url

    # Its first blocker: the model that came with the upgrade, and no certificate.
    page.locator("ol.blockers").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/components/\d+$"))
    expect(page.get_by_role("heading", name="Is it an AI component?")).to_be_visible()
    expect(page.locator("main")).to_contain_text("No certificate names this component")
    seen["component"] = page.url

    page.get_by_role("navigation", name="Console").get_by_role("link", name="Certificates").click()
    page.get_by_label("Subject", exact=True).fill("defect-detector")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"subject=defect-detector"))
    seen["certificates"] = page.url
    page.get_by_role("link", name="AIEC-2026-000123").click()
    expect(page.get_by_role("heading", name="If it were revoked today")).to_be_visible()
    expect(page.locator("tr.breaks").first).to_be_visible()
    seen["certificate"] = page.url

    page.get_by_role("link", name="the component").click()
    expect(page.get_by_role("img", name="Certificates on a time line")).to_be_visible()
    seen["certified component"] = page.url

    page.get_by_role("navigation", name="Console").get_by_role("link", name="Decisions").click()
    expect(page.locator("table.listing tbody tr")).to_have_count(2)
    seen["decisions"] = page.url
    page.get_by_role("link", name=re.compile(r"^Decision \d+$")).first.click()
    expect(page.get_by_role("heading", name=re.compile(r"^Decision record \d+$"))).to_be_visible()
    expect(page.locator("article.record")).to_contain_text(CAMERA)
    expect(page.locator("article.record")).to_contain_text("Evidence digest")
    seen["decision"] = page.url

    page.get_by_role("navigation", name="Console").get_by_role("link", name="Audit").click()
    page.get_by_label("Kind", exact=True).select_option("decision_made")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("table.listing tbody tr")).to_have_count(2)
    seen["audit"] = page.url
    return seen


def test_from_a_blocked_product_to_its_component_impact_decisions_and_audit(
    page: Page, console: Console
) -> None:
    keep_decisions(console)
    seen = walk(page, console)
    assert list(seen) == [
        "portfolio", "blocked product", "component", "certificates", "certificate",
        "certified component", "decisions", "decision", "audit",
    ]  # fmt: skip
    # A decision record prints as the record alone: no navigation on paper.
    page.goto(seen["decision"])
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator("article.record")).to_be_visible()


def test_no_serious_or_critical_accessibility_violations_on_the_new_pages(
    page: Page, console: Console
) -> None:
    keep_decisions(console)
    seen = walk(page, console)
    axe = Axe()
    found = {}
    for name in list(seen)[2:]:
        page.goto(seen[name])
        found[name] = axe.run(page)
    page.goto(f"{console.base}/certificates?subject=no-such-subject")
    found["certificates (empty)"] = axe.run(page)
    serious = {
        name: [
            (v["id"], v["help"])
            for v in results.response["violations"]
            if v["impact"] in {"serious", "critical"}
        ]
        for name, results in found.items()
    }
    assert serious == {name: [] for name in found}


def test_another_organisation_finds_none_of_the_private_names_on_the_new_pages(
    page: Page, console: Console
) -> None:
    keep_decisions(console)
    seen = walk(page, console)
    page.context.clear_cookies()
    sign_in(page, console.base, console.rival_key)
    # The certificates list filtered by a private name would echo the visitor's own words.
    del seen["certificates"]
    addresses = [*seen.values(), f"{console.base}/certificates?limit=200"]
    for address in addresses:
        page.goto(address)
        html = page.content()
        assert private_names_shown(html) == [], address


def test_the_new_pages_read_on_a_phone_without_scrolling_sideways(
    page: Page, console: Console
) -> None:
    keep_decisions(console)
    seen = walk(page, console)
    page.set_viewport_size({"width": 375, "height": 740})
    seen["upload"] = f"{console.base}/upload"
    for name in list(seen)[2:]:
        page.goto(seen[name])
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, name
