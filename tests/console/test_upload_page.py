"""The upload page: a BOM checked as a dry run (nothing stored), then stored; a refused
document shown with each located error against the line it names; the form refused
without its anti-forgery token; and nothing of another organisation's private BOMs shown
in a dry run's answer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.console.lines import json_pointer_line
from app.domain.access import Role
from app.services.runtime import Runtime
from tests.conftest import SAMPLES, bearer, issue_key
from tests.console.pages import OWNER, RIVAL, csrf_token, publish_samples, sign_in

CAMERA = SAMPLES / "smart-camera-v2.cdx.json"
AOI = SAMPLES / "aoi-station.cdx.xml"
# Inside the vision module's BOM, which only its maker may see.
MODULE_INSIDE = ("DI-VM3 carrier board", "BM1684X", "defect-detector")

REFUSED_JSON = b"""{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "version": "one",
  "metadata": {"component": {"type": "device", "name": "Broken"}},
  "components": [
    {"type": "library", "name": "fine"},
    {"type": "nonsense", "name": "bad"}
  ]
}
"""
REFUSED_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1">
  <metadata><component type="device"><name>Broken</name></component></metadata>
  <components>
    <component type="nonsense">
      <name>bad</name>
    </component>
  </components>
</bom>
"""
OWN_BOM = b"""{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "serialNumber": "urn:uuid:7b1a4a1e-5f0e-4c4e-9a55-0d2c1c7e9f01",
  "version": 1,
  "metadata": {"component": {"type": "device", "name": "Rival Widget", "version": "1.0",
    "purl": "pkg:generic/rival/widget@1.0", "bom-ref": "widget"}},
  "components": [{"type": "library", "name": "zlib", "version": "1.3",
    "purl": "pkg:generic/zlib@1.3", "bom-ref": "zlib"}],
  "dependencies": [{"ref": "widget", "dependsOn": ["zlib"]}]
}
"""
_LINE = re.compile(r"<strong>Line (\d+)</strong>, <code>([^<]*)</code>")
_NAMED = re.compile(r'<span class="named">\s*(\d+)  ([^<]*)</span>')


@dataclass(frozen=True)
class Uploading:
    browser: TestClient
    key: str
    token: str

    def send(self, name: str, data: bytes, action: str, to: str = "DE", **form: str):  # type: ignore[no-untyped-def]
        return self.browser.post(
            "/upload",
            data={"csrf_token": self.token, "to": to, "action": action, **form},
            files={"bom": (name, data)},
            follow_redirects=False,
        )

    def storing_nothing(self, name: str, data: bytes, action: str):  # type: ignore[no-untyped-def]
        """The answer to an upload that must leave the BOMs as they were."""
        before = self.bom_count()
        answer = self.send(name, data, action)
        assert self.bom_count() == before
        return answer

    def bom_count(self) -> int:
        listed = self.browser.get("/api/v1/boms?limit=200", headers=bearer(self.key)).json()
        return len(listed["items"])


@pytest.fixture
def uploading(settings: Settings, runtime: Runtime) -> Iterator[Uploading]:
    key = issue_key(settings, Role.INTEGRATOR, organisation=RIVAL)
    publish_samples(runtime)
    with TestClient(create_app(settings)) as browser:
        sign_in(browser, key)
        form = browser.get("/upload")
        assert form.status_code == 200
        yield Uploading(browser, key, csrf_token(form.text))


def test_a_dry_run_stores_nothing_and_another_organisations_boms_stay_its_own(
    uploading: Uploading,
) -> None:
    checked = uploading.storing_nothing(CAMERA.name, CAMERA.read_bytes(), "check")
    assert checked.status_code == 200
    assert "checked for DE on" in checked.text
    assert "HV-S3 Smart Inspection Camera" in checked.text
    assert "Nothing was stored" in checked.text
    # The module inside the camera is another organisation's private BOM.
    for name in MODULE_INSIDE:
        assert name not in checked.text
    # Its product is its own to publish: refused on the page, nothing stored.
    conflict = uploading.storing_nothing(AOI.name, AOI.read_bytes(), "store")
    assert conflict.status_code == 409
    assert "is published by another organisation" in conflict.text


def test_a_refused_json_document_shows_each_error_on_its_line(uploading: Uploading) -> None:
    refused = uploading.send("broken.cdx.json", REFUSED_JSON, "check")
    stored = uploading.storing_nothing("broken.cdx.json", REFUSED_JSON, "store")
    assert refused.status_code == stored.status_code == 422
    found = {location: int(line) for line, location in _LINE.findall(refused.text)}
    assert found == {"/version": 4, "/components/1/type": 8}
    named = dict(_NAMED.findall(refused.text))
    assert "version" in named["4"]
    assert "one" in named["4"]
    assert "nonsense" in named["8"]


def test_a_refused_xml_document_shows_each_error_on_its_line(uploading: Uploading) -> None:
    refused = uploading.send("broken.cdx.xml", REFUSED_XML, "check")
    assert refused.status_code == 422
    found = [(int(line), location) for line, location in _LINE.findall(refused.text)]
    assert [line for line, _ in found] == [5]
    assert "nonsense" in dict(_NAMED.findall(refused.text))["5"]


def test_a_good_upload_is_stored_and_leads_to_its_product(uploading: Uploading) -> None:
    before = uploading.bom_count()
    stored = uploading.send("widget.cdx.json", OWN_BOM, "store")
    assert stored.status_code == 303, stored.text
    target = stored.headers["location"]
    assert re.fullmatch(r"/products/\d+\?stored=\d+", target)
    assert uploading.bom_count() == before + 1
    product = uploading.browser.get(target)
    assert product.status_code == 200
    bom = target.rsplit("=", 1)[1]
    assert f"BOM {bom} is stored" in product.text


def test_an_upload_without_its_token_or_a_file_is_refused(uploading: Uploading) -> None:
    before = uploading.bom_count()
    forged = uploading.browser.post(
        "/upload",
        data={"csrf_token": "forged", "action": "store"},
        files={"bom": (AOI.name, AOI.read_bytes())},
    )
    empty = uploading.browser.post(
        "/upload", data={"csrf_token": uploading.token, "action": "check", "to": "DE"}
    )
    no_destination = uploading.send(AOI.name, AOI.read_bytes(), "check", to="")
    assert forged.status_code == 403
    assert uploading.bom_count() == before
    assert empty.status_code == no_destination.status_code == 422
    assert "choose a CycloneDX BOM file" in empty.text
    assert "form/to" in no_destination.text


def test_only_uploaders_see_the_upload_page(settings: Settings, runtime: Runtime) -> None:
    buyer = issue_key(settings, Role.PROCUREMENT, organisation=OWNER)
    with TestClient(create_app(settings)) as browser:
        sign_in(browser, buyer)
        refused = browser.get("/upload")
        portfolio = browser.get("/portfolio")
    assert refused.status_code == 403
    assert 'href="/upload"' not in portfolio.text


@pytest.mark.parametrize(
    ("pointer", "line"),
    [
        ("/a", 2),
        ("/a/1", 4),
        ("/b~1c/d~0e", 7),
        ("/s", 8),
        ("/missing", None),
        ("/a/9", None),
        ("", None),
    ],
)
def test_a_json_pointer_names_the_line_its_value_starts_on(pointer: str, line: int | None) -> None:
    text = (
        '{\n  "a": [\n    "x, ] }",\n    {"k": [1, 2]}\n  ],\n'
        '  "q": "\\"",\n  "b/c": {"d~e": null},\n  "s": 1\n}\n'
    )
    assert json_pointer_line(text, pointer) == line


def test_a_text_that_is_no_json_has_no_lines() -> None:
    assert json_pointer_line('{"a": [1, 2', "/b") is None
    assert json_pointer_line("<bom/>", "/a") is None
