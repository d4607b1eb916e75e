"""Each journey a person takes through the console, in Chromium: sign in, read the
portfolio, filter, page, open a product, sign out; another organisation finds none of the
first one's private names on any page; no page has a serious accessibility violation; a
forged form is refused."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Console
from tests.console.pages import PRIVATE_NAMES

ROWS = "table.matrix tbody tr"


def sign_in(page: Page, base: str, key: str, path: str = "/portfolio") -> None:
    page.goto(f"{base}{path}")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_read_filter_page_open_a_product_and_sign_out(page: Page, console: Console) -> None:
    sign_in(page, console.base, "egk_wrong")
    expect(page.get_by_role("alert")).to_contain_text("not accepted")
    page.get_by_label("API key").fill(console.owner_key)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{console.base}/portfolio")
    expect(page.locator("header")).to_contain_text("acme")
    expect(page.locator("header")).to_contain_text("auditor, integrator")
    every = page.locator(ROWS).count()
    assert every >= 8
    expect(page.locator("table.matrix")).to_contain_text("HV-S3 Smart Inspection Camera")
    expect(page.locator(".chip-ineligible").first).to_be_visible()

    # Filter: the EU column, ineligible products only.
    page.get_by_label("Group", exact=True).select_option("EU")
    page.get_by_label("Status", exact=True).select_option("ineligible")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"group=EU.*status=ineligible"))
    narrowed = page.locator(ROWS)
    assert 0 < narrowed.count() < every
    for row in narrowed.all():
        expect(row.locator(".chip")).to_have_text(["ineligible"])
    page.get_by_role("link", name="Clear filters").click()
    page.get_by_label("Name", exact=True).fill("x-ray")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(ROWS)).to_have_count(2)

    # Page through everything three at a time: every product once, in order.
    page.goto(f"{console.base}/portfolio?limit=3")
    seen: list[str] = []
    while True:
        seen.extend(page.locator(f"{ROWS} th a").all_inner_texts())
        following = page.get_by_role("link", name="Next page")
        if following.count() == 0:
            break
        following.click()
    assert len(seen) == every == len(set(seen))

    page.get_by_role("link", name="First page").click()
    page.locator("table.matrix").get_by_role("link", name=re.compile("HV-S3 Smart")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("HV-S3 Smart Inspection Camera")
    expect(page.locator("table.matrix")).to_contain_text("EU")
    # Why: the verdict for one destination, each blocker, and the paths as a picture.
    page.get_by_label("Destination").fill("DE")
    page.get_by_role("button", name="Check").click()
    expect(
        page.get_by_role("heading", level=2, name=re.compile(r"^DE on .*: ineligible"))
    ).to_be_visible()
    expect(page.locator("ol.blockers")).to_contain_text("privacy-blur")
    expect(page.get_by_role("img", name=re.compile("blocking"))).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{console.base}/login")
    page.goto(f"{console.base}/portfolio")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fportfolio"))


def test_another_organisation_finds_none_of_the_private_names_on_any_page(
    page: Page, browser: Browser, console: Console
) -> None:
    owner = browser.new_context().new_page()
    sign_in(owner, console.base, console.owner_key)
    products = owner.locator(f"{ROWS} th a").evaluate_all("links => links.map(a => a.href)")
    assert products
    owner.context.close()

    sign_in(page, console.base, console.rival_key)
    expect(page).to_have_url(f"{console.base}/portfolio")
    expect(page.locator("main")).to_contain_text("No products yet")
    pages = ["/portfolio", "/portfolio?limit=200", "/portfolio?name=camera", "/login", "/"]
    for address in [f"{console.base}{p}" for p in pages] + products:
        page.goto(address)
        html = page.content()
        for name in PRIVATE_NAMES:
            assert name not in html, f"{name!r} shown to another organisation on {address}"


def test_no_serious_or_critical_accessibility_violations(page: Page, console: Console) -> None:
    axe = Axe()
    page.goto(f"{console.base}/login")
    pages = {"/login": axe.run(page)}
    sign_in(page, console.base, console.owner_key)
    pages["/portfolio"] = axe.run(page)
    page.goto(f"{console.base}/portfolio?name=no-such-product")
    pages["/portfolio (empty)"] = axe.run(page)
    page.goto(f"{console.base}/portfolio")
    page.locator("table.matrix").get_by_role("link", name=re.compile("HV-S3 Smart")).click()
    pages["/products/{id}"] = axe.run(page)
    page.get_by_label("Destination").fill("DE")
    page.get_by_role("button", name="Check").click()
    expect(page.locator("svg.blocking-paths")).to_be_visible()
    pages["/products/{id}?to=DE (blocked, with its paths)"] = axe.run(page)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{console.base}/portfolio")
    pages["/portfolio (phone)"] = axe.run(page)
    serious = {
        name: [
            (v["id"], v["help"])
            for v in results.response["violations"]
            if v["impact"] in {"serious", "critical"}
        ]
        for name, results in pages.items()
    }
    assert serious == {name: [] for name in pages}


def test_a_form_with_a_forged_token_is_refused(page: Page, console: Console) -> None:
    sign_in(page, console.base, console.owner_key)
    page.locator("form[action='/logout'] input[name=csrf_token]").evaluate(
        "field => { field.value = 'forged' }"
    )
    with page.expect_response(f"{console.base}/logout") as answered:
        page.get_by_role("button", name="Sign out").click()
    assert answered.value.status == 403
    expect(page.locator("main")).to_contain_text("did not come from your console session")
    # Still signed in: a forged form changed nothing.
    page.goto(f"{console.base}/portfolio")
    expect(page).to_have_url(f"{console.base}/portfolio")


def test_the_page_reads_on_a_phone_without_scrolling_sideways(page: Page, console: Console) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, console.base, console.owner_key)
    body_width = page.evaluate("document.documentElement.scrollWidth")
    assert body_width <= 375
