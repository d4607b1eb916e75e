"""Administration in Chromium: an administrator issues a key and sees its secret once, and
neither page has a serious accessibility violation."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from app.config import Settings
from app.domain.access import Role
from tests.browser.conftest import Console
from tests.browser.test_console_browser import sign_in
from tests.conftest import issue_key


def test_an_administrator_issues_a_key_and_the_pages_are_accessible(
    page: Page, console: Console, database_url: str
) -> None:
    key = issue_key(Settings(database_url=database_url), Role.ADMIN, organisation="operators")
    sign_in(page, console.base, key, "/admin")
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")
    axe = Axe()
    found = {"/admin": axe.run(page)}
    form = page.get_by_role("form", name="Issue a key")
    form.get_by_label("Organisation").fill("acme")
    form.get_by_label("auditor").check()
    form.get_by_label("Label").fill("audit laptop")
    form.get_by_role("button", name="Issue key").click()
    expect(page.get_by_role("heading", name="Key", exact=False).first).to_contain_text("issued")
    secret = page.get_by_label("Secret").input_value()
    assert secret.startswith("egk_")
    found["/admin (a key issued)"] = axe.run(page)
    page.goto(f"{console.base}/admin")
    assert secret not in page.content()
    serious = {
        name: [
            v["id"] for v in result.response["violations"] if v["impact"] in {"serious", "critical"}
        ]
        for name, result in found.items()
    }
    assert serious == {name: [] for name in found}
