"""A live server over the samples, published privately by one organisation, and the
system's Chromium driven by Playwright (never a browser Playwright downloads).

EXPORTGATE_TEST_CHROMIUM names the browser (default /usr/bin/chromium, Debian's package).
Without it these tests skip, saying so, except under CI=true, where they fail."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from app.config import Settings
from app.domain.access import Role
from app.services.runtime import Runtime
from app.services.statuses import settle_all
from tests.conftest import issue_key
from tests.console.pages import OWNER, RIVAL, publish_samples
from tests.live import serving

CHROMIUM = Path(os.environ.get("EXPORTGATE_TEST_CHROMIUM") or "/usr/bin/chromium")


def require_chromium() -> Path:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    reason = (
        f"Chromium not found at {CHROMIUM} (apt-get install chromium, "
        "or name it in EXPORTGATE_TEST_CHROMIUM)"
    )
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{reason}; CI=true requires it", pytrace=False)
    pytest.skip(reason)


@dataclass(frozen=True)
class Console:
    """A live server over the samples, and a key of each organisation."""

    base: str
    owner_key: str
    rival_key: str


@pytest.fixture
def console(database_url: str, tmp_path: Path) -> Iterator[Console]:
    settings = Settings(database_url=database_url)
    runtime = Runtime(settings)
    try:
        publish_samples(runtime)
        settle_all(runtime)
    finally:
        runtime.close()
    owner = issue_key(settings, Role.INTEGRATOR, Role.AUDITOR, organisation=OWNER)
    rival = issue_key(settings, Role.INTEGRATOR, Role.PROCUREMENT, organisation=RIVAL)
    with serving(database_url, log_path=tmp_path / "server.log") as server:
        yield Console(server.base, owner, rival)


# One browser per module, not per session: Playwright's sync API runs an event loop in the
# main thread while it is open, and tests after these call asyncio.run().
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = require_chromium()
    with sync_playwright() as playwright:
        # Root in a container has no user namespaces for Chromium's sandbox.
        launched = playwright.chromium.launch(
            executable_path=str(executable), headless=True, args=["--no-sandbox"]
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()
