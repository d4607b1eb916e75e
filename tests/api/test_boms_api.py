"""The BOM, product and component endpoints through the real ASGI app and a real database."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from app.api.main import create_app
from app.config import Settings
from tests.builders import MODEL_PURL, bom, camera_bom, component, supplier_module_bom
from tests.conftest import bearer

JSON_TYPE = "application/vnd.cyclonedx+json"
XML_TYPE = "application/vnd.cyclonedx+xml"
PROBLEM = "application/problem+json"

CAMERA_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1"
     serialNumber="urn:uuid:5f8e0d4e-3b9a-4c61-9d59-9a4a6c2d3b11">
  <metadata>
    <component type="device" bom-ref="aoi">
      <name>aoi-station</name><version>2.0</version>
      <purl>pkg:generic/hikari/aoi-station@2.0</purl>
    </component>
  </metadata>
  <components>
    <component type="library" bom-ref="module">
      <name>vision-module</name><version>3.2.0</version>
      <purl>pkg:generic/deepinspect/vision-module@3.2.0</purl>
    </component>
  </components>
  <dependencies>
    <dependency ref="aoi"><dependency ref="module"/></dependency>
  </dependencies>
</bom>
"""


def upload(client: TestClient, data: bytes, media_type: str = JSON_TYPE) -> dict[str, object]:
    response = client.post("/api/v1/boms", content=data, headers={"content-type": media_type})
    assert response.status_code in (200, 201), response.text
    body: dict[str, object] = response.json()
    return body


def assert_problem(response: Response, status: int, slug: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, object] = response.json()
    assert body["type"] == f"urn:exportgate:problem:{slug}"
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    return body


class TestUpload:
    def test_upload_answers_201_then_200_with_the_same_id(self, client: TestClient) -> None:
        data = camera_bom()
        first = client.post("/api/v1/boms", content=data, headers={"content-type": JSON_TYPE})
        again = client.post("/api/v1/boms", content=data, headers={"content-type": JSON_TYPE})
        assert (first.status_code, again.status_code) == (201, 200)
        assert first.json()["id"] == again.json()["id"]
        assert first.headers["location"] == f"/api/v1/boms/{first.json()['id']}"
        assert first.json()["product"] == "smart-camera@4.0"
        assert first.json()["components"] == 2

    def test_xml_and_multipart_uploads_are_stored(self, client: TestClient) -> None:
        stored = upload(client, CAMERA_XML, XML_TYPE)
        assert stored["spec_version"] == "1.6"
        assert stored["media_type"] == XML_TYPE
        multipart = client.post(
            "/api/v1/boms", files={"bom": ("module.cdx.json", supplier_module_bom(), JSON_TYPE)}
        )
        assert multipart.status_code == 201
        assert multipart.json()["ai_components"] == 1

    def test_plain_json_media_type_is_accepted(self, client: TestClient) -> None:
        assert upload(client, supplier_module_bom(), "application/json")["spec_version"] == "1.7"

    def test_invalid_bom_is_refused_with_located_errors(self, client: TestClient) -> None:
        invalid = bom(component("p", "p"), [{"name": "missing type"}, {"type": "library"}])
        response = client.post("/api/v1/boms", content=invalid, headers={"content-type": JSON_TYPE})
        body = assert_problem(response, 422, "bom-rejected")
        locations = {error["location"] for error in body["errors"]}  # type: ignore[attr-defined]
        assert locations == {"/components/0", "/components/1"}
        assert client.get("/api/v1/boms").json()["items"] == []

    def test_unsupported_media_type_is_415(self, client: TestClient) -> None:
        response = client.post(
            "/api/v1/boms", content=b"<html/>", headers={"content-type": "text/html"}
        )
        assert_problem(response, 415, "unsupported-media-type")

    def test_oversized_upload_is_413_before_the_body_is_read(
        self, database_url: str, admin_key: str
    ) -> None:
        settings = Settings(database_url=database_url, max_upload_bytes=1000)
        with TestClient(create_app(settings), headers=bearer(admin_key)) as small:
            response = small.post(
                "/api/v1/boms",
                content=camera_bom() + b" " * 2000,
                headers={"content-type": JSON_TYPE},
            )
            body = assert_problem(response, 413, "payload-too-large")
            assert body["limit"] == 1000

    def test_multipart_without_a_bom_part_is_422(self, client: TestClient) -> None:
        response = client.post("/api/v1/boms", files={"other": ("x.json", b"{}", JSON_TYPE)})
        assert_problem(response, 422, "bom-rejected")

    def test_hostile_xml_is_refused_without_a_server_error(self, client: TestClient) -> None:
        hostile = (
            b'<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component '
            b'type="library"><name>&x;</name></component></components></bom>'
        )
        response = client.post("/api/v1/boms", content=hostile, headers={"content-type": XML_TYPE})
        body = assert_problem(response, 422, "bom-rejected")
        assert "root:" not in json.dumps(body)


class TestReading:
    def test_document_is_returned_byte_for_byte(self, client: TestClient) -> None:
        stored = upload(client, CAMERA_XML, XML_TYPE)
        response = client.get(f"/api/v1/boms/{stored['id']}/document")
        assert response.status_code == 200
        assert response.content == CAMERA_XML
        assert response.headers["content-type"] == XML_TYPE

    def test_unknown_bom_is_a_404_problem(self, client: TestClient) -> None:
        assert_problem(client.get("/api/v1/boms/9999"), 404, "not-found")
        assert_problem(client.get("/api/v1/boms/9999/document"), 404, "not-found")

    def test_bad_path_parameter_is_a_422_problem(self, client: TestClient) -> None:
        body = assert_problem(client.get("/api/v1/boms/abc"), 422, "invalid-request")
        assert body["errors"] == [
            {
                "location": "path/bom_id",
                "message": "Input should be a valid integer, unable to parse string as an integer",
            }
        ]

    def test_bom_list_pages_with_a_cursor(self, client: TestClient) -> None:
        ids = [upload(client, data)["id"] for data in (camera_bom(), supplier_module_bom())]
        first = client.get("/api/v1/boms", params={"limit": 1}).json()
        second = client.get("/api/v1/boms", params={"limit": 1, "cursor": first["next_cursor"]})
        assert [first["items"][0]["id"], second.json()["items"][0]["id"]] == ids
        assert second.json()["next_cursor"] is None

    def test_products_list_each_subject_with_its_ai_count(self, client: TestClient) -> None:
        upload(client, camera_bom())
        upload(client, supplier_module_bom())
        products = {p["name"]: p for p in client.get("/api/v1/products").json()["items"]}
        assert set(products) == {"smart-camera", "vision-module"}
        assert products["smart-camera"]["ai_components"] == 1
        assert products["vision-module"]["ai_components"] == 1

    @pytest.mark.parametrize(
        ("query", "names"),
        [
            ({"ai": "true"}, ["defect-detector"]),
            ({"type": "data"}, ["defect-images"]),
            ({"name": "VISION"}, ["vision-module"]),
            ({"purl": "pkg:PYPI/onnxruntime@1.18.0"}, ["onnxruntime"]),
        ],
    )
    def test_component_search_filters(
        self, client: TestClient, query: dict[str, str], names: list[str]
    ) -> None:
        upload(client, supplier_module_bom())
        found = client.get("/api/v1/components", params=query).json()["items"]
        assert [item["name"] for item in found] == names

    def test_component_status_and_where_used(self, client: TestClient) -> None:
        upload(client, camera_bom())
        upload(client, supplier_module_bom())
        model = client.get("/api/v1/components", params={"purl": MODEL_PURL}).json()["items"][0]
        status = client.get(f"/api/v1/components/{model['id']}").json()
        assert status["is_ai"] is True
        assert status["ai_reasons"] == ["type is machine-learning-model", "carries a modelCard"]
        assert status["ai_reason_codes"] == ["model_type", "model_card"]
        used = client.get(f"/api/v1/components/{model['id']}/where-used").json()
        camera = next(u for u in used["used_by"] if u["product"] == "smart-camera@4.0")
        assert [step["child"] for step in camera["path"]] == [
            "mainboard@1.0",
            "vision-module@3.2.0",
            "defect-detector@2.1.0",
        ]
        assert camera["path"][-1]["boms"][0].endswith("(vision-module@3.2.0)")

    def test_unknown_component_is_a_404_problem(self, client: TestClient) -> None:
        assert_problem(client.get("/api/v1/components/12345"), 404, "not-found")
        assert_problem(client.get("/api/v1/components/12345/where-used"), 404, "not-found")

    def test_health_and_docs_answer(self, client: TestClient) -> None:
        assert client.get("/healthz").json()["status"] == "ok"
        assert client.get("/docs").status_code == 200
        spec = client.get("/openapi.json").json()
        assert "/api/v1/boms" in spec["paths"]
        declared = spec["paths"]["/api/v1/boms"]["post"]["responses"]
        assert {"201", "200", "413", "415", "422"} <= set(declared)


def test_a_document_is_not_sent_again_when_its_etag_matches(client: TestClient) -> None:
    stored = upload(client, CAMERA_XML, XML_TYPE)
    first = client.get(f"/api/v1/boms/{stored['id']}/document")
    etag = first.headers["etag"]
    assert etag == f'"{stored["sha256"]}"'
    again = client.get(f"/api/v1/boms/{stored['id']}/document", headers={"If-None-Match": etag})
    assert (again.status_code, again.content) == (304, b"")
    other = client.get(f"/api/v1/boms/{stored['id']}/document", headers={"If-None-Match": '"x"'})
    assert other.content == CAMERA_XML


def test_nul_characters_are_refused_not_stored(client: TestClient) -> None:
    nul_bom = bom(component("p", "p\u0000x"), [component("c", "c")])
    refused = client.post("/api/v1/boms", content=nul_bom, headers={"content-type": JSON_TYPE})
    assert_problem(refused, 422, "bom-rejected")
    for path in ("/api/v1/components?hash=%00", "/api/v1/components?name=a%00b", "/api/v1/bo%00ms"):
        assert_problem(client.get(path), 422, "invalid-request")
    registry = {"reviewers": [{"id": "R\u0000", "name": "R", "accreditations": []}]}
    refused = client.post("/api/v1/registry/import", json=registry)
    assert_problem(refused, 422, "registry-entry-rejected")
