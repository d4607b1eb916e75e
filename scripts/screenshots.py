"""`make screenshots`: the console's pages over the sample data, as PNGs in docs/screenshots/.

Runs exactly what a user would: a fresh SQLite file, `exportgate demo` (the samples), a key
from `exportgate keys create`, `exportgate serve`, and Debian's Chromium driven by Playwright
(EXPORTGATE_CHROMIUM names another browser; Playwright never downloads one)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "screenshots"
CHROMIUM = Path(os.environ.get("EXPORTGATE_CHROMIUM") or "/usr/bin/chromium")
BLOCKED = "HV-S3 Smart Inspection Camera"
WIDTH, HEIGHT = 1280, 900


def _exportgate(env: dict[str, str], *arguments: str, exits: tuple[int, ...] = (0,)) -> str:
    done = subprocess.run(  # noqa: S603 - our own command, arguments from this script
        [sys.executable, "-m", "app.cli.main", *arguments],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in exits:
        sys.exit(f"exportgate {' '.join(arguments)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def _serving(env: dict[str, str], log: Path) -> Iterator[str]:
    port = _free_port()
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603 - our own command
            [sys.executable, "-m", "app.cli.main", "serve", "--port", str(port)],
            env=env,
            cwd=REPO,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1):  # noqa: S310 - local
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit(f"the server did not start:\n{log.read_text()[-2000:]}")
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=15)


def _shoot(page: Page, name: str) -> None:
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"wrote {path.relative_to(REPO)}")  # noqa: T201 - the command's report


def _journey(page: Page, base: str, key: str) -> None:
    page.goto(f"{base}/login")
    _shoot(page, "login")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}/portfolio")
    _shoot(page, "portfolio")
    page.locator("table.matrix").get_by_role("link", name=re.compile(BLOCKED)).click()
    page.get_by_label("Destination").fill("DE")
    page.get_by_role("button", name="Check").click()
    expect(page.locator("svg.blocking-paths")).to_be_visible()
    _shoot(page, "product-blocked")
    blocker = page.locator("ol.blockers a[href*='/components/']").first
    if blocker.count():
        component = blocker.get_attribute("href") or ""
        page.goto(f"{base}{component}")
        _shoot(page, "component")
        page.goto(f"{base}{component.rstrip('/')}/readiness")
        _shoot(page, "readiness")
    for name, path, first in (
        ("certificates", "/certificates", "certificate"),
        ("decisions", "/decisions", "decision"),
        ("audit", "/audit", None),
        ("upload", "/upload", None),
        ("admin", "/admin", None),
    ):
        page.goto(f"{base}{path}")
        _shoot(page, name)
        if first is not None:
            page.locator(f"main table a[href^='{path}/']").first.click()
            _shoot(page, first)


def main() -> None:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        sys.exit(
            f"Chromium not found at {CHROMIUM}: apt-get install chromium, or name it in "
            "EXPORTGATE_CHROMIUM"
        )
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="exportgate-screens-") as folder:
        scratch = Path(folder)
        env = {
            **os.environ,
            "EXPORTGATE_DATABASE_URL": f"sqlite:///{scratch / 'screens.db'}",
            "EXPORTGATE_SIGNING_KEY_FILE": str(scratch / "signing-key.pem"),
        }
        _exportgate(env, "db", "upgrade")
        _exportgate(env, "demo")
        # One kept decision record (exit 1: the camera may not go to DE).
        _exportgate(env, "check", f"{BLOCKED}@1.0", "--to", "DE", exits=(0, 1))
        issued = json.loads(
            _exportgate(env, "keys", "create", "--org", "local", "--role", "admin", "--json")
        )
        with _serving(env, scratch / "server.log") as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
            )
            try:
                context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
                _journey(context.new_page(), base, issued["key"])
            finally:
                browser.close()


if __name__ == "__main__":
    main()
