"""Uploading in Chromium: a broken document refused with its error shown at its line, a check
without storing, a good upload, then the product's two latest BOMs compared; no serious
accessibility violation on the way."""

from __future__ import annotations

import json
import re
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import FilePayload, Page, expect

from tests.browser.conftest import Console
from tests.conftest import SAMPLES

CAMERA = SAMPLES / "smart-camera-v2.cdx.json"


def _file(name: str, document: str) -> FilePayload:
    return FilePayload(name=name, mimeType="application/json", buffer=document.encode())


def _serious(results: Any) -> list[tuple[str, str]]:
    return [
        (v["id"], v["help"])
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_a_broken_upload_then_a_good_one_then_a_diff(page: Page, console: Console) -> None:
    axe = Axe()
    violations: dict[str, list[tuple[str, str]]] = {}
    page.goto(f"{console.base}/upload")
    page.get_by_label("API key").fill(console.owner_key)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{console.base}/upload")
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload a BOM")
    violations["/upload"] = _serious(axe.run(page))

    # A third version of the camera's BOM: one component fewer.
    document = json.loads(CAMERA.read_text())
    document["version"] = 3
    document["components"] = document["components"][:-1]
    good = json.dumps(document, indent=2)
    lines = good.splitlines()
    number = next(i for i, line in enumerate(lines) if '"type": "device"' in line) + 1
    broken = "\n".join(
        line.replace('"device"', '"gadget"', 1) if i == number else line
        for i, line in enumerate(lines, start=1)
    )

    page.get_by_label("The BOM file").set_input_files(_file("camera-v3.json", broken))
    page.get_by_role("button", name="Upload", exact=True).click()
    refused = page.locator("section.refused")
    expect(refused.get_by_role("heading", level=2)).to_have_text("BOM refused: camera-v3.json")
    expect(refused.locator(".excerpt .named").first).to_contain_text(f"{number}▶")
    expect(refused.locator(".excerpt .named").first).to_contain_text('"gadget"')
    expect(refused.locator("code.where").first).to_contain_text("/type")
    violations["/upload (refused)"] = _serious(axe.run(page))

    page.get_by_label("The BOM file").set_input_files(_file("camera-v3.json", good))
    page.get_by_label("Destination").fill("DE")
    page.get_by_role("button", name="Check without storing").click()
    expect(page.get_by_role("heading", level=2, name=re.compile(r"to DE on .*: "))).to_be_visible()
    violations["/upload (checked)"] = _serious(axe.run(page))

    page.get_by_label("The BOM file").set_input_files(_file("camera-v3.json", good))
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(
        page.get_by_role("heading", level=2, name=re.compile(r"^Stored: BOM \d+"))
    ).to_be_visible()
    violations["/upload (stored)"] = _serious(axe.run(page))

    page.locator("section.stored").get_by_role("link", name=re.compile("HV-S3")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("HV-S3 Smart Inspection Camera")
    page.get_by_role("link", name="compare with the previous version").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^BOM \d+ against BOM \d+$")
    )
    expect(page.get_by_role("heading", name=re.compile(r"^Removed \(1,"))).to_be_visible()
    violations["/boms/{id}/diff"] = _serious(axe.run(page))
    assert violations == {name: [] for name in violations}
