"""Hostile input through the real app and database: every malformed cursor, id, date,
integer and text is answered 4xx with its location, never 500, and every document is read
one way only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml import etree
from typer.testing import CliRunner

from app.api.main import create_app
from app.cli.main import app as cli
from app.config import Settings
from app.domain import limits
from app.graph.documents import xml_safe
from tests.builders import bom, component
from tests.conftest import bearer, issue_key

JSON_TYPE = "application/vnd.cyclonedx+json"
XML_TYPE = "application/vnd.cyclonedx+xml"
DOCUMENT_START = '{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, '
LISTS = ["/api/v1/boms", "/api/v1/components", "/api/v1/decisions", "/api/v1/products"]


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    # Server errors answered as 500, never raised into the test: that is what a caller sees.
    headers = bearer(issue_key(settings))
    with TestClient(create_app(settings), headers=headers, raise_server_exceptions=False) as c:
        yield c


def _locations(answer: Any) -> list[str]:
    return [error["location"] for error in answer.json().get("errors", [])]


def _upload(client: TestClient, document: bytes, media_type: str = JSON_TYPE) -> Any:
    return client.post("/api/v1/boms", content=document, headers={"content-type": media_type})


def _subject(name: str = "camera", **fields: Any) -> dict[str, Any]:
    return component("camera", name, type_="device", purl="pkg:generic/acme/camera@1", **fields)


# -- 1. strict parsing: a 5xx is a defect -----------------------------------------------


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("cursor", ["²", "١٢", "1e3", "-1", " 1", "99999999999999999999", "x"])
def test_a_list_answers_422_at_the_cursor_when_the_cursor_is_not_an_ascii_id(
    client: TestClient, path: str, cursor: str
) -> None:
    answer = client.get(path, params={"cursor": cursor})
    assert answer.status_code == 422, answer.text
    assert "query/cursor" in _locations(answer)


@pytest.mark.parametrize(
    ("path", "cursor"),
    [
        ("/api/v1/organisations", "no-such-organisation"),
        ("/api/v1/keys", "²"),
        ("/api/v1/reviewers", "no-such-reviewer"),
        ("/api/v1/ruleset/versions", "no-such-version"),
    ],
)
def test_a_keyed_list_answers_422_when_the_cursor_names_no_item(
    client: TestClient, path: str, cursor: str
) -> None:
    answer = client.get(path, params={"cursor": cursor})
    assert answer.status_code == 422, answer.text
    assert _locations(answer) == ["query/cursor"]


@pytest.mark.parametrize(
    "cursor",
    [
        "0001-01-01T00:00:00+14:00|x|1",
        "9999-12-31T23:59:59-14:00|bom_uploaded|1",
        "2026-01-01T00:00:00+00:00|bom_uploaded|²",
        "2026-01-01T00:00:00|bom_uploaded|1",
        "2026-01-01T00:00:00+00:00|bom_uploaded|99999999999999999999",
        "garbage",
    ],
)
def test_the_audit_trail_answers_422_when_its_cursor_cannot_be_read(
    client: TestClient, cursor: str
) -> None:
    answer = client.get("/api/v1/audit-trail", params={"cursor": cursor})
    assert answer.status_code == 422, answer.text
    assert _locations(answer) == ["query/cursor"]


def test_the_audit_trail_pages_with_its_own_cursors(client: TestClient) -> None:
    for code in ("a", "b", "c"):
        assert client.post("/api/v1/organisations", json={"code": code, "name": code}).is_success
    seen, cursor = [], None
    while True:
        answer = client.get("/api/v1/audit-trail", params={"limit": 1, "cursor": cursor})
        assert answer.status_code == 200, (cursor, answer.text)
        page = answer.json()
        seen.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len({(e["kind"], e["record_id"]) for e in seen}) >= 4


@pytest.mark.parametrize("reference", ["²", "99999999999999999999", "١٢"])
def test_where_used_exits_2_not_internal_error_when_the_id_is_not_an_ascii_id(
    cli_env: str, reference: str
) -> None:
    result = CliRunner().invoke(cli, ["where-used", reference])
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output


@pytest.mark.parametrize("version", [9223372036854775808, 18446744073709551615])
def test_a_bom_is_refused_at_its_version_when_the_version_exceeds_a_bigint(
    client: TestClient, version: int
) -> None:
    answer = _upload(client, bom(_subject(), [], version=version))
    assert answer.status_code == 422, answer.text
    assert _locations(answer) == ["/version"]


def test_an_xml_bom_is_refused_at_its_version_when_the_version_exceeds_a_bigint(
    client: TestClient,
) -> None:
    document = (
        b'<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="9223372036854775808">'
        b"<components/></bom>"
    )
    answer = _upload(client, document, XML_TYPE)
    assert answer.status_code == 422, answer.text
    assert _locations(answer) == ["/bom/@version"]


def test_the_largest_bigint_is_an_accepted_bom_version(client: TestClient) -> None:
    answer = _upload(client, bom(_subject(), [], version=2**63 - 1))
    assert answer.status_code == 201, answer.text
    assert answer.json()["version"] == 2**63 - 1


@pytest.mark.parametrize(
    ("path", "body", "location"),
    [
        ("/api/v1/organisations", {"code": "nul", "name": "a\x00b"}, "body/name"),
        (
            "/api/v1/keys",
            {"organisation": "tests", "roles": ["auditor"], "label": "a\x00"},
            "body/label",
        ),
        ("/api/v1/keys", {"organisation": "te\x00sts", "roles": ["auditor"]}, "body/organisation"),
    ],
)
def test_a_nul_in_stored_text_is_refused_422_at_its_place(
    client: TestClient, path: str, body: dict[str, Any], location: str
) -> None:
    answer = client.post(path, json=body)
    assert answer.status_code == 422, answer.text
    assert location in _locations(answer)


def _certificate(**fields: Any) -> dict[str, Any]:
    return {
        "number": "AIEC-HOSTILE-1",
        "subject": "pkg:generic/acme/camera@1",
        "reviewer": "rev",
        "dimensions": ["algorithmic_bias"],
        "issued": "2026-07-01",
        "expires": "2027-07-01",
    } | fields


def test_a_certificate_that_expires_before_it_is_issued_is_refused_at_expires(
    client: TestClient,
) -> None:
    answer = client.post("/api/v1/certificates", json=_certificate(expires="2026-01-01"))
    assert answer.status_code == 422, answer.text
    assert _locations(answer) == ["body/expires"]


# -- 2. documented limits on every stored text --------------------------------------------


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("name", limits.NAME),
        ("version", limits.VERSION),
        ("group", limits.NAME),
        ("description", limits.FREE_TEXT),
        ("bom-ref", limits.REFERENCE),
    ],
)
def test_a_bom_is_refused_whole_at_the_field_when_a_text_exceeds_its_limit(
    client: TestClient, field: str, limit: int
) -> None:
    long = component("ok", "ok") | {field: "x" * (limit + 1)}
    answer = _upload(client, bom(_subject(), [component("fine", "fine"), long]))
    assert answer.status_code == 422, answer.text
    assert f"/components/1/{field}" in _locations(answer)
    assert client.get("/api/v1/components").json()["items"] == []


def test_a_bom_is_accepted_when_each_text_is_at_its_limit(client: TestClient) -> None:
    at_limit = component("r" * limits.REFERENCE, "n" * limits.NAME, version="v" * limits.VERSION)
    answer = _upload(client, bom(_subject(), [at_limit]))
    assert answer.status_code == 201, answer.text


def test_a_purl_beyond_its_limit_is_refused(client: TestClient) -> None:
    purl = "pkg:generic/acme/" + "p" * limits.PURL
    answer = _upload(client, bom(_subject(), [component("long", purl=purl)]))
    assert answer.status_code == 422, answer.text
    assert "/components/0/purl" in _locations(answer)


def test_any_other_string_beyond_the_general_limit_is_refused(client: TestClient) -> None:
    item = component("c") | {
        "properties": [{"name": "note", "value": "v" * (limits.OTHER_TEXT + 1)}]
    }
    answer = _upload(client, bom(_subject(), [item]))
    assert answer.status_code == 422, answer.text
    assert "/components/0/properties/0/value" in _locations(answer)


def test_an_xml_bom_is_refused_at_the_xpath_when_a_name_exceeds_its_limit(
    client: TestClient,
) -> None:
    name = "x" * (limits.NAME + 1)
    document = (
        '<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1"><components>'
        '<component type="library"><name>ok</name></component>'
        f'<component type="library"><name>{name}</name></component>'
        "</components></bom>"
    ).encode()
    answer = _upload(client, document, XML_TYPE)
    assert answer.status_code == 422, answer.text
    assert "/bom/components/component[2]/name" in _locations(answer)


@pytest.mark.parametrize(
    ("path", "body", "location"),
    [
        ("/api/v1/organisations", {"code": "big", "name": "n" * 201}, "body/name"),
        (
            "/api/v1/keys",
            {"organisation": "tests", "roles": ["auditor"], "label": "l" * (limits.LABEL + 1)},
            "body/label",
        ),
    ],
)
def test_api_text_beyond_its_limit_is_refused_at_its_place(
    client: TestClient, path: str, body: dict[str, Any], location: str
) -> None:
    answer = client.post(path, json=body)
    assert answer.status_code == 422, answer.text
    assert location in _locations(answer)


def test_a_certificate_text_beyond_its_limit_is_refused_at_its_place(
    client: TestClient,
) -> None:
    long_subject = "pkg:generic/acme/" + "s" * limits.PURL
    answer = client.post("/api/v1/certificates", json=_certificate(subject=long_subject))
    assert answer.status_code == 422, answer.text
    assert _locations(answer) == ["body/subject"]
    answer = client.post(
        "/api/v1/certificates",
        json=_certificate(
            events=[
                {"status": "suspended", "date": "2026-08-01", "reason": "r" * (limits.REASON + 1)}
            ]
        ),
    )
    assert answer.status_code == 422, answer.text
    assert _locations(answer) == ["body/events/0/reason"]


def test_a_search_name_beyond_its_limit_is_refused(client: TestClient) -> None:
    answer = client.get("/api/v1/components", params={"name": "n" * (limits.NAME + 1)})
    assert answer.status_code == 422
    assert _locations(answer) == ["query/name"]


# -- 3. documents read one way -------------------------------------------------------------


@pytest.mark.parametrize(
    ("members", "pointer"),
    [
        ('"version": 2', "/version"),
        (
            (
                '"components": [{"type": "library", "name": "a"}, '
                '{"type": "library", "name": "b", "name": "c"}]'
            ),
            "/components/1/name",
        ),
        # Escaped colons in strings must not hide a duplicate from the fast count.
        (
            '"components": [{"type": "library", "name": "\\u003a", "name": "\\u003a"}]',
            "/components/0/name",
        ),
        (
            (
                '"metadata": {"component": {"type": "device", "name": "x", '
                '"pro\\u0070erties": [], "properties": []}}'
            ),
            "/metadata/component/properties",
        ),
        (
            '"components": [{"type": "library", "name": "a:b", "a/b~": 1, "a/b~": 2}]',
            "/components/0/a~1b~0",
        ),
    ],
)
def test_a_json_bom_is_refused_at_the_pointer_when_an_object_has_a_key_twice(
    client: TestClient, members: str, pointer: str
) -> None:
    answer = _upload(client, (DOCUMENT_START + members + "}").encode())
    assert answer.status_code == 422, answer.text
    assert _locations(answer) == [pointer]


def test_a_json_bom_with_escaped_colons_and_no_duplicate_is_accepted(
    client: TestClient,
) -> None:
    item = component("c", "a:b") | {"description": "x:y"}
    document = bom(_subject(), [item]).replace(b"a:b", b"a\\u003Ab")
    answer = _upload(client, document)
    assert answer.status_code == 201, answer.text


_XML = (
    '<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1">'
    '<metadata><component type="device" bom-ref="camera"><name>caméra</name>'
    "<version>1</version></component></metadata><components>"
    '<component type="library" bom-ref="lib"><name>lib</name></component>'
    "</components></bom>"
)


@pytest.mark.parametrize(
    ("codec", "mark", "declared"),
    [
        ("utf-16-le", b"\xff\xfe", None),
        ("utf-16-be", b"\xfe\xff", None),
        ("utf-16-le", b"\xff\xfe", "UTF-16"),
        ("utf-16-le", b"", "UTF-16"),
        ("utf-16-be", b"", "UTF-16"),
        ("utf-32-le", b"\xff\xfe\x00\x00", None),
        ("utf-32-be", b"\x00\x00\xfe\xff", None),
        ("utf-32-le", b"", "UTF-32"),
        ("utf-32-be", b"", "UTF-32"),
    ],
)
def test_an_xml_bom_in_utf16_or_utf32_is_read_when_a_mark_or_declaration_says_so(
    client: TestClient, codec: str, mark: bytes, declared: str | None
) -> None:
    text = _XML
    if declared is not None:
        text = f'<?xml version="1.0" encoding="{declared}"?>' + text
    answer = _upload(client, mark + text.encode(codec), XML_TYPE)
    assert answer.status_code == 201, answer.text
    assert answer.json()["product"].startswith("caméra")


@pytest.mark.parametrize(
    "document",
    [
        # UTF-16 with neither mark nor declaration.
        _XML.encode("utf-16-le"),
        # A UTF-16 mark, and a declaration that says otherwise.
        b"\xff\xfe" + ('<?xml version="1.0" encoding="UTF-8"?>' + _XML).encode("utf-16-le"),
        # An encoding other than UTF-8, UTF-16 or UTF-32.
        ('<?xml version="1.0" encoding="ISO-8859-1"?>' + _XML).encode("latin-1"),
    ],
)
def test_an_xml_bom_is_refused_when_its_encoding_is_not_declared_as_read(
    client: TestClient, document: bytes
) -> None:
    answer = _upload(client, document, XML_TYPE)
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"]


def test_graphml_is_valid_xml_when_names_hold_control_characters(client: TestClient) -> None:
    evil = "evil\x01\x1b[2J\x0b\ufffe"
    answer = _upload(client, bom(_subject(evil), [component("lib", "lib\x07")]))
    if answer.status_code == 422:
        # Refused at ingest is as good as escaped on output.
        return
    assert answer.status_code == 201, answer.text
    product = answer.json()["product_id"]
    graphml = client.get(f"/api/v1/products/{product}/graph", params={"format": "graphml"})
    assert graphml.status_code == 200
    etree.fromstring(graphml.content)  # raises when not well-formed


def test_a_stored_control_character_is_escaped_in_graphml() -> None:
    assert xml_safe("a\x01b\x1bc\ufffe\td\ne") == "a\\x01b\\x1bc\\ufffe\td\ne"


def test_a_name_search_is_literal_when_it_holds_like_wildcards(client: TestClient) -> None:
    items = [component("a", "100%_pure"), component("b", "100x pure"), component("c", "a\\b")]
    assert _upload(client, bom(_subject(), items)).status_code == 201

    def names(query: str) -> list[str]:
        answer = client.get("/api/v1/components", params={"name": query})
        assert answer.status_code == 200, answer.text
        return sorted(item["name"] for item in answer.json()["items"])

    assert names("0%_p") == ["100%_pure"]
    assert names("0_") == []
    assert names("%") == ["100%_pure"]
    assert names("\\") == ["a\\b"]
