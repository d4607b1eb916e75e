"""The upload page: a check that stores nothing, an upload that stores as the visitor's
organisation and links its product, and a refused document shown error by error against the
lines of the document each names."""

from __future__ import annotations

import html as markup
import json
import re

from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.domain.access import Role
from app.services.runtime import Runtime
from tests.conftest import SAMPLES, bearer, issue_key
from tests.console.pages import OWNER, PRIVATE_NAMES, RIVAL, csrf_token, publish_samples, sign_in

CAMERA = SAMPLES / "smart-camera-v2.cdx.json"
AOI = SAMPLES / "aoi-station.cdx.xml"
_NAMED = re.compile(r'<span class="named"><span class="number">(\d+)</span>▶ ([^<]*)</span>')


def _named(page: str) -> list[tuple[int, str]]:
    """The lines a refusal marks as the ones its errors name: number and text."""
    return [(int(number), markup.unescape(text)) for number, text in _NAMED.findall(page)]


def _post(
    browser: TestClient, document: bytes, action: str, *, to: str = "DE", name: str = "bom.json"
) -> str:
    form = browser.get("/upload")
    answer = browser.post(
        "/upload",
        data={"csrf_token": csrf_token(form.text), "action": action, "to": to},
        files={"bom": (name, document, "application/octet-stream")},
    )
    return f"{answer.status_code}\n{answer.text}"


def _bom_count(browser: TestClient, key: str) -> int:
    return len(browser.get("/api/v1/boms?limit=200", headers=bearer(key)).json()["items"])


def _broken_camera() -> tuple[bytes, int]:
    """The camera's BOM with one component's type misspelt, and the line it is on."""
    lines = CAMERA.read_text().splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if '"type": "library"' in line)
    lines[number] = lines[number].replace('"library"', '"librar{\\"y"')
    return "".join(lines).encode(), number + 1


def test_a_check_answers_for_the_destination_and_stores_nothing(
    settings: Settings, runtime: Runtime
) -> None:
    publish_samples(runtime)
    maker = issue_key(settings, Role.INTEGRATOR, organisation=OWNER)
    with TestClient(create_app(settings)) as browser:
        before = _bom_count(browser, maker)
        sign_in(browser, maker)
        answered = _post(browser, CAMERA.read_bytes(), "check")
        after = _bom_count(browser, maker)
    status, html = answered.split("\n", 1)
    assert status == "200"
    assert "HV-S3 Smart Inspection Camera@1.0 to DE on" in html
    assert "ineligible" in html
    assert "What blocks it (1)" in html
    assert "privacy-blur" in html
    assert "Nothing was stored" in html
    assert before == after > 0


def test_an_upload_stores_as_the_visitors_organisation_and_links_the_product(
    settings: Settings, runtime: Runtime
) -> None:
    maker = issue_key(settings, Role.INTEGRATOR, organisation=OWNER)
    rival = issue_key(settings, Role.INTEGRATOR, organisation=RIVAL)
    with TestClient(create_app(settings)) as browser:
        sign_in(browser, maker)
        stored = _post(browser, AOI.read_bytes(), "upload", name="aoi.xml")
        again = _post(browser, AOI.read_bytes(), "upload", name="aoi.xml")
        ours = browser.get("/api/v1/boms", headers=bearer(maker)).json()["items"]
        theirs = browser.get("/api/v1/boms", headers=bearer(rival)).json()["items"]
    status, html = stored.split("\n", 1)
    assert status == "201"
    (bom,) = ours
    assert bom["organisation"] == OWNER
    assert f"Stored: BOM {bom['id']}" in html
    assert f'<a href="/products/{bom["product_id"]}">' in html
    assert again.startswith("200\n")
    assert f"Already stored: BOM {bom['id']}" in again
    assert theirs == []


def test_a_refused_json_document_shows_each_error_at_its_line(
    settings: Settings, runtime: Runtime
) -> None:
    maker = issue_key(settings, Role.INTEGRATOR, organisation=OWNER)
    broken, line = _broken_camera()
    with TestClient(create_app(settings)) as browser:
        sign_in(browser, maker)
        refused = _post(browser, broken, "upload", name="camera.json")
        count = _bom_count(browser, maker)
    status, html = refused.split("\n", 1)
    assert status == "422"
    assert "BOM refused: camera.json" in html
    assert "/components/1/components/2/type" in html
    assert (line, '          "type": "librar{\\"y",') in _named(html)
    assert f"line {line}" in html
    assert "Nothing was stored" in html
    assert count == 0


def test_a_refused_xml_document_and_text_that_is_not_json_are_located_too(
    settings: Settings, runtime: Runtime
) -> None:
    maker = issue_key(settings, Role.INTEGRATOR, organisation=OWNER)
    lines = AOI.read_text().splitlines(keepends=True)
    number = next(i for i, text in enumerate(lines) if "<components>" in text) + 1
    lines.insert(number, '<component type="bogus"><name>x</name></component>\n')
    not_json = b'{\n  "bomFormat": "CycloneDX",\n  "specVersion": "1.6",,\n}'
    with TestClient(create_app(settings)) as browser:
        sign_in(browser, maker)
        xml = _post(browser, "".join(lines).encode(), "check", name="aoi.xml")
        text = _post(browser, not_json, "check", name="broken.json")
        image = _post(browser, b"\x89PNG\r\n\x1a\n", "check", name="picture.png")
    assert xml.startswith("422\n")
    assert (number + 1, '<component type="bogus"><name>x</name></component>') in _named(xml)
    assert "/bom/components/component[1]" in xml
    assert text.startswith("422\n")
    assert (3, '  "specVersion": "1.6",,') in _named(text)
    assert image.startswith("422\n")
    assert "neither JSON nor XML" in image


def test_an_oversized_file_and_a_missing_file_are_refused_clearly(
    settings: Settings, runtime: Runtime
) -> None:
    small = settings.model_copy(update={"max_upload_bytes": 1000})
    maker = issue_key(settings, Role.INTEGRATOR, organisation=OWNER)
    with TestClient(create_app(small)) as browser:
        sign_in(browser, maker)
        oversized = _post(browser, CAMERA.read_bytes(), "upload")
        form = browser.get("/upload")
        missing = browser.post(
            "/upload",
            data={"csrf_token": csrf_token(form.text), "action": "upload", "to": "DE"},
            files={"bom": ("", b"", "application/octet-stream")},
        )
        count = _bom_count(browser, maker)
    assert oversized.startswith("413\n")
    assert "Payload too large" in oversized
    assert "1000" in oversized
    assert missing.status_code == 422, missing.text
    assert "no file was chosen" in missing.text
    assert count == 0


def test_a_forged_form_and_a_reader_without_upload_rights_are_refused(
    settings: Settings, runtime: Runtime
) -> None:
    maker = issue_key(settings, Role.INTEGRATOR, organisation=OWNER)
    buyer = issue_key(settings, Role.PROCUREMENT, organisation=OWNER)
    with TestClient(create_app(settings)) as browser, TestClient(create_app(settings)) as other:
        sign_in(browser, maker)
        forged = browser.post(
            "/upload",
            data={"csrf_token": "not-the-token", "action": "upload"},
            files={"bom": ("bom.json", CAMERA.read_bytes(), "application/json")},
        )
        count = _bom_count(browser, maker)
        sign_in(other, buyer)
        page = other.get("/upload")
    assert forged.status_code == 403
    assert "did not come from your console session" in forged.text
    assert count == 0
    assert page.status_code == 403
    assert "admin, integrator" in page.text


def test_a_check_by_another_organisation_names_none_of_the_first_ones_private_bom(
    settings: Settings, runtime: Runtime
) -> None:
    publish_samples(runtime)
    rival = issue_key(settings, Role.INTEGRATOR, organisation=RIVAL)
    # The rival's own camera BOM (another serial), reaching the owner's private module BOM.
    document = json.loads(CAMERA.read_text())
    document["serialNumber"] = "urn:uuid:00000000-0000-4000-8000-000000000001"
    with TestClient(create_app(settings)) as browser:
        sign_in(browser, rival)
        answered = _post(browser, json.dumps(document).encode(), "check")
    assert answered.startswith("200\n")
    assert "What blocks it" in answered
    # Names the rival's document does not carry itself: only the owner's BOMs do.
    inside = [name for name in PRIVATE_NAMES if name not in CAMERA.read_text()]
    assert inside
    assert not [name for name in inside if name in answered]


def test_another_organisations_product_is_not_published_over_and_nothing_leaks(
    settings: Settings, runtime: Runtime
) -> None:
    publish_samples(runtime)
    rival = issue_key(settings, Role.INTEGRATOR, organisation=RIVAL)
    # The owner's camera, published by the rival as its own: the subject is the owner's.
    document = json.loads(CAMERA.read_text())
    document["serialNumber"] = "urn:uuid:00000000-0000-4000-8000-000000000002"
    with TestClient(create_app(settings)) as browser:
        sign_in(browser, rival)
        refused = _post(browser, json.dumps(document).encode(), "upload")
        count = _bom_count(browser, rival)
    assert refused.startswith("409\n")
    assert "Nothing was stored" in refused
    assert "may publish BOMs for it" in refused
    assert count == 0
    inside = [name for name in PRIVATE_NAMES if name not in CAMERA.read_text()]
    assert not [name for name in inside if name in refused]
    assert OWNER not in refused.split("<main", 1)[1]
