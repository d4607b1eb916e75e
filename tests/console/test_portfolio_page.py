"""The portfolio page: each product's status per destination group exactly as the products
list answers it, only the products the visitor's organisation may see, filtered and paged
with the products list's cursor, and the latest status changes."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.domain.access import Role
from app.services.runtime import Runtime
from app.services.statuses import settle_all
from tests.conftest import bearer, issue_key
from tests.console.pages import OWNER, PRIVATE_NAMES, RIVAL, publish_samples, sign_in

_ROW = re.compile(
    r'<tr>\s*<th scope="row"><a href="/products/(\d+)">(.*?)</a></th>(.*?)</tr>', re.S
)
_CHIP = re.compile(r'class="chip chip-(\w+)"')
_DETAIL = re.compile(r'class="detail">([^<]*)<')
_NEXT = re.compile(r'<a href="([^"]+)" rel="next">')


def rows(html: str) -> dict[int, list[str]]:
    """Each product on the page, with its chips in column order."""
    return {int(found[1]): _CHIP.findall(found[3]) for found in _ROW.finditer(html)}


def next_page(html: str) -> str | None:
    found = _NEXT.search(html)
    return None if found is None else found.group(1).replace("&amp;", "&")


@pytest.fixture
def published(runtime: Runtime) -> Runtime:
    publish_samples(runtime)
    return runtime


def test_the_matrix_shows_each_status_as_the_products_list_answers_it(
    settings: Settings, published: Runtime
) -> None:
    settle_all(published)  # statuses stored, as the background work keeps them
    key = issue_key(settings, Role.INTEGRATOR, organisation=OWNER)
    with TestClient(create_app(settings)) as browser:
        listed = browser.get("/api/v1/products?limit=200", headers=bearer(key)).json()["items"]
        sign_in(browser, key)
        page = browser.get("/portfolio?limit=200")
    shown = rows(page.text)
    assert shown == {
        product["id"]: [status["decision"] for status in product["statuses"]] for product in listed
    }
    assert {"eligible", "ineligible"} <= {chip for chips in shown.values() for chip in chips}
    groups = [status["group"] for status in listed[0]["statuses"]]
    for position, group in enumerate(groups):
        ineligible = sum(chips[position] == "ineligible" for chips in shown.values())
        assert f"{ineligible} ineligible" in page.text.split(f"<strong>{group}</strong>")[1]


def test_another_organisation_sees_none_of_the_first_ones_private_products(
    settings: Settings, published: Runtime
) -> None:
    settle_all(published)
    owner = issue_key(settings, Role.INTEGRATOR, organisation=OWNER)
    rival = issue_key(settings, Role.INTEGRATOR, Role.PROCUREMENT, organisation=RIVAL)
    with TestClient(create_app(settings)) as theirs, TestClient(create_app(settings)) as ours:
        sign_in(ours, owner)
        own_page = ours.get("/portfolio?limit=200").text
        assert all(name in own_page for name in PRIVATE_NAMES if name != "defect-detector")
        # The strip of recent changes names the owner's products (first statuses, here).
        assert "no status" in own_page.split("Recent status changes")[1]
        sign_in(theirs, rival)
        page = theirs.get("/portfolio?limit=200")
        assert page.status_code == 200
        assert rows(page.text) == {}
        assert "No products yet" in page.text
        product_pages = [theirs.get(f"/products/{product}") for product in rows(own_page)]
        missing = theirs.get("/products/999999")
        for seen in (page, *product_pages, missing):
            for name in PRIVATE_NAMES:
                assert name not in seen.text
        # A private product is answered as one that does not exist.
        for product, product_page in zip(rows(own_page), product_pages, strict=True):
            assert product_page.status_code == 404
            told = _DETAIL.findall(product_page.text)
            assert told == [
                d.replace("999999", str(product)) for d in _DETAIL.findall(missing.text)
            ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("name=camera", {"HV-S3 Smart Inspection Camera@1.0"}),
        ("name=X-RAY", {"HY-X2 Edge AI Module for X-ray Inspection@2.0.3",
                        "KW-X7 Inline X-ray Battery Cell Inspector@1.2"}),
        (f"organisation={OWNER}&name=mj-guard", {"MJ-Guard Content Moderation Gateway@5.2.0"}),
        (f"organisation={RIVAL}", set()),
    ],
)  # fmt: skip
def test_filters_narrow_the_matrix(
    settings: Settings, published: Runtime, query: str, expected: set[str]
) -> None:
    key = issue_key(settings, Role.AUDITOR, organisation=OWNER)
    with TestClient(create_app(settings)) as browser:
        sign_in(browser, key)
        page = browser.get(f"/portfolio?{query}").text
    assert {found[2] for found in _ROW.finditer(page)} == expected
    if not expected:
        assert "No product matches these filters" in page


def test_a_status_filter_keeps_the_products_with_that_status_in_the_group(
    settings: Settings, published: Runtime
) -> None:
    key = issue_key(settings, Role.AUDITOR, organisation=OWNER)
    with TestClient(create_app(settings)) as browser:
        sign_in(browser, key)
        everything = rows(browser.get("/portfolio?group=EU&limit=200").text)
        for status in ("eligible", "ineligible", "not_in_scope"):
            narrowed = rows(browser.get(f"/portfolio?group=eu&status={status}&limit=200").text)
            assert narrowed == {p: chips for p, chips in everything.items() if chips == [status]}
    # Only the chosen group's column is shown.
    assert all(len(chips) == 1 for chips in everything.values())


def test_pages_follow_one_another_with_the_filters_kept(
    settings: Settings, published: Runtime
) -> None:
    key = issue_key(settings, Role.AUDITOR, organisation=OWNER)
    with TestClient(create_app(settings)) as browser:
        sign_in(browser, key)
        whole = list(rows(browser.get("/portfolio?name=e&limit=200").text))
        seen: list[int] = []
        target: str | None = "/portfolio?name=e&limit=3"
        while target is not None:
            page = browser.get(target).text
            assert 0 < len(rows(page)) <= 3
            seen.extend(rows(page))
            target = next_page(page)
            if target is not None:
                assert parse_qs(urlsplit(target).query)["name"] == ["e"]
                assert "First page" in browser.get(target).text
    assert seen == whole
    assert len(whole) > 3


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("cursor=bogus", "the cursor is not one this list answered"),
        ("cursor=v1.WyJwcm9kdWN0cyIsOTk5OTld", "names no item of the products list"),
        ("status=maybe", "unknown status"),
        ("group=MARS", "unknown destination group"),
        ("limit=0", "the request could not be read"),
        ("name=" + "x" * 2000, "the request could not be read"),
    ],
)
def test_a_question_the_page_cannot_answer_is_an_error_page(
    settings: Settings, published: Runtime, query: str, said: str
) -> None:
    key = issue_key(settings, Role.AUDITOR, organisation=OWNER)
    with TestClient(create_app(settings)) as browser:
        sign_in(browser, key)
        page = browser.get(f"/portfolio?{query}")
    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")
    assert said in page.text
    assert "Back to the portfolio" in page.text


def test_an_empty_portfolio_says_what_to_do_next(settings: Settings) -> None:
    key = issue_key(settings, Role.AUDITOR)
    with TestClient(create_app(settings)) as browser:
        sign_in(browser, key)
        page = browser.get("/portfolio").text
    assert "No products yet" in page
    assert "POST /api/v1/boms" in page


def test_the_header_names_the_organisation_and_roles(settings: Settings) -> None:
    key = issue_key(settings, Role.PROCUREMENT, Role.AUDITOR, organisation=OWNER)
    with TestClient(create_app(settings)) as browser:
        sign_in(browser, key)
        page = browser.get("/portfolio")
    assert "Signed in for <strong>acme</strong>" in page.text
    assert "as auditor, procurement" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def test_a_product_page_shows_its_name_and_status_per_group(
    settings: Settings, published: Runtime
) -> None:
    key = issue_key(settings, Role.INTEGRATOR, organisation=OWNER)
    with TestClient(create_app(settings)) as browser:
        listed = browser.get("/api/v1/products?limit=200", headers=bearer(key)).json()["items"]
        sign_in(browser, key)
        for product in listed:
            page = browser.get(f"/products/{product['id']}").text
            assert f"<h1>{product['name']}" in page
            assert _CHIP.findall(page) == [s["decision"] for s in product["statuses"]]
