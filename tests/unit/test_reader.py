"""Hostile and malformed uploads are refused whole, with a clear error that says where
(PRODUCT.md section 6); nothing but an ExportgateError ever leaves the reader."""

from __future__ import annotations

import contextlib
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.bom.reader import ReadLimits, read_bom
from app.bom.schemas import SUPPORTED_VERSIONS, json_schema_path, xml_schema_path
from app.domain.bom import BomFormat
from app.domain.errors import (
    BomRejectedError,
    ExportgateError,
    LimitExceededError,
    PayloadTooLargeError,
    UnsupportedMediaTypeError,
)

LIMITS = ReadLimits()
CDX16 = "http://cyclonedx.org/schema/bom/1.6"


def _json_bom(**fields: Any) -> bytes:
    document: dict[str, Any] = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1}
    document.update(fields)
    return json.dumps(document).encode()


VALID_JSON = _json_bom(
    metadata={"component": {"type": "device", "name": "camera", "bom-ref": "camera"}},
    components=[{"type": "library", "name": "lib", "version": "1"}],
)
VALID_XML = (
    f'<?xml version="1.0"?><bom xmlns="{CDX16}" version="1"><components>'
    '<component type="library"><name>lib</name><version>1</version></component>'
    "</components></bom>"
).encode()


def _refused(data: bytes, media_type: str | None = None) -> BomRejectedError:
    with pytest.raises(BomRejectedError) as raised:
        read_bom(data, media_type, LIMITS)
    assert raised.value.errors, "a refusal says where the problem is"
    assert all(error.location for error in raised.value.errors)
    return raised.value


def _everything_said(error: ExportgateError) -> str:
    return "\n".join([str(error), error.detail, error.diagnostics(), repr(error.__dict__)])


# XML entities


def _passwd_line() -> str:
    passwd = Path("/etc/passwd")
    if not passwd.is_file():  # pragma: no cover - every Linux test host has one
        pytest.skip("no /etc/passwd to leak")
    return passwd.read_text().splitlines()[0]


@pytest.mark.parametrize(
    "doctype",
    [
        pytest.param('<!DOCTYPE bom [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', id="general"),
        pytest.param(
            '<!DOCTYPE bom [<!ENTITY % xxe SYSTEM "file:///etc/passwd"> %xxe;]>', id="parameter"
        ),
    ],
)
@pytest.mark.parametrize("media_type", [None, "application/vnd.cyclonedx+xml"])
def test_external_entity_is_refused_when_xml_declares_one(
    doctype: str, media_type: str | None
) -> None:
    data = (
        f'<?xml version="1.0"?>{doctype}<bom xmlns="{CDX16}" version="1"><components>'
        '<component type="library"><name>&xxe;</name><version>1</version></component>'
        "</components></bom>"
    ).encode()
    error = _refused(data, media_type)
    assert _passwd_line() not in _everything_said(error)
    assert "root:" not in _everything_said(error)


def test_entity_expansion_is_refused_when_xml_is_a_billion_laughs() -> None:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10)
    )
    data = (
        f'<?xml version="1.0"?><!DOCTYPE bom [{entities}]>'
        f'<bom xmlns="{CDX16}" version="1"><components><component type="library">'
        "<name>&lol9;</name><version>1</version></component></components></bom>"
    ).encode()
    with pytest.raises(BomRejectedError):
        read_bom(data, None, LIMITS)


# Not CycloneDX at all


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"hello, world", id="text"),
        pytest.param(b"\x00\x01\x02\xff", id="binary"),
        pytest.param(b"%PDF-1.7", id="pdf"),
        pytest.param(b'{"bomFormat": "CycloneDX", ', id="truncated-json"),
        pytest.param(b"<bom><components>", id="truncated-xml"),
        pytest.param(b"[1, 2, 3]", id="json-array"),
        pytest.param(b'"CycloneDX"', id="json-string"),
        pytest.param(b"42", id="json-number"),
    ],
)
def test_document_is_refused_when_it_is_not_a_json_object_or_xml(data: bytes) -> None:
    _refused(data)


@pytest.mark.parametrize(
    ("data", "location"),
    [
        pytest.param(b"{}", "/bomFormat", id="empty-object"),
        pytest.param(_json_bom(bomFormat="SPDX"), "/bomFormat", id="other-bom-format"),
        pytest.param(
            json.dumps(
                {
                    "spdxVersion": "SPDX-2.3",
                    "SPDXID": "SPDXRef-DOCUMENT",
                    "name": "camera",
                    "packages": [],
                }
            ).encode(),
            "/bomFormat",
            id="spdx",
        ),
        pytest.param(_json_bom(specVersion="1.1"), "/specVersion", id="spec-1.1"),
        pytest.param(_json_bom(specVersion="2.0"), "/specVersion", id="spec-2.0"),
        pytest.param(_json_bom(specVersion=1.6), "/specVersion", id="spec-as-number"),
    ],
)
def test_json_is_refused_when_it_is_not_a_supported_cyclonedx_bom(
    data: bytes, location: str
) -> None:
    error = _refused(data)
    assert [e.location for e in error.errors] == [location]


@pytest.mark.parametrize(
    "namespace",
    [
        pytest.param("http://example.com/not-cyclonedx", id="foreign-namespace"),
        pytest.param("", id="no-namespace"),
        pytest.param("http://cyclonedx.org/schema/bom/1.1", id="cyclonedx-1.1"),
        pytest.param("http://cyclonedx.org/schema/bom/2.0", id="cyclonedx-2.0"),
    ],
)
def test_xml_is_refused_when_it_is_not_a_supported_cyclonedx_bom(namespace: str) -> None:
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    error = _refused(f'<?xml version="1.0"?><bom{xmlns} version="1"/>'.encode())
    assert error.errors[0].location.startswith("/bom")


def test_xml_1_1_is_refused_as_unsupported_when_namespace_names_it() -> None:
    error = _refused(b'<bom xmlns="http://cyclonedx.org/schema/bom/1.1" version="1"/>')
    assert "not supported" in error.detail
    assert "1.1" in error.detail


def test_spdx_xml_root_is_refused_when_uploaded_as_a_bom() -> None:
    _refused(b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf"/>')


# Schema validation


def test_errors_are_located_by_json_pointer_when_json_is_schema_invalid() -> None:
    data = _json_bom(
        components=[
            {"name": "no-type", "version": "1"},
            {"type": "library", "name": "fine", "version": "1"},
            {"type": "not-a-type", "name": "bad-type", "version": "1"},
        ]
    )
    error = _refused(data)
    locations = {e.location for e in error.errors}
    assert "/components/0" in locations
    assert any(location.startswith("/components/2") for location in locations)
    assert not any(location.startswith("/components/1") for location in locations)
    assert "1.6 JSON schema" in error.detail


def test_errors_are_located_by_readable_xpath_when_xml_is_schema_invalid() -> None:
    data = (
        f'<?xml version="1.0"?><bom xmlns="{CDX16}" version="1"><components>'
        "<component><name>no-type</name></component>"
        '<component type="library"><nme>typo</nme></component>'
        "</components></bom>"
    ).encode()
    error = _refused(data)
    locations = [e.location for e in error.errors]
    assert all(location.startswith("/bom/") for location in locations)
    assert "/bom/components/component[1]" in locations
    assert any(location.startswith("/bom/components/component[2]") for location in locations)
    # libxml2's `*` steps and namespace noise do not reach the user.
    assert not any("*" in location for location in locations)
    assert not any(CDX16 in e.message for e in error.errors)


def test_schema_errors_are_the_answer_when_invalid_xml_also_trips_the_reader() -> None:
    # The reader runs while the schema check does; `version="two"` breaks the reader's int()
    # and is a schema error: the user must hear about the schema, not about a crash.
    data = (
        f'<?xml version="1.0"?><bom xmlns="{CDX16}" version="two">'
        '<components><component type="library"><name>a</name></component></components></bom>'
    ).encode()
    error = _refused(data)
    assert "1.6 XML schema" in error.detail
    assert any("version" in e.message and "two" in e.message for e in error.errors)


def test_each_upload_hears_its_own_errors_when_xml_is_validated_on_many_threads() -> None:
    def invalid(element: str) -> bytes:
        return (
            f'<bom xmlns="{CDX16}" version="1"><components>'
            f'<component type="library"><{element}>x</{element}></component>'
            "</components></bom>"
        ).encode()

    def messages(element: str) -> set[str]:
        return {e.message for e in _refused(invalid(element)).errors}

    elements = [f"unexpected{index}x" for index in range(16)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(messages, elements * 4))
    for element, said in zip(elements * 4, answers, strict=True):
        assert any(element in message for message in said)
        assert not any(
            other in message for other in elements if other != element for message in said
        )


def test_error_is_located_by_line_when_xml_is_not_well_formed() -> None:
    error = _refused(f'<bom xmlns="{CDX16}" version="1">\n<components></bom>'.encode())
    assert "line 2" in error.errors[0].location


# Media types


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        pytest.param(VALID_XML, "application/vnd.cyclonedx+json", id="xml-declared-json"),
        pytest.param(VALID_JSON, "application/vnd.cyclonedx+xml", id="json-declared-xml"),
        pytest.param(VALID_JSON, "text/xml", id="json-declared-text-xml"),
    ],
)
def test_document_is_refused_when_body_contradicts_declared_media_type(
    data: bytes, media_type: str
) -> None:
    error = _refused(data, media_type)
    assert "declared" in error.detail


@pytest.mark.parametrize("media_type", ["text/html", "application/pdf", "multipart/form-data"])
def test_unsupported_media_type_when_declared_type_is_not_json_or_xml(media_type: str) -> None:
    with pytest.raises(UnsupportedMediaTypeError, match=media_type):
        read_bom(VALID_JSON, media_type, LIMITS)


@pytest.mark.parametrize(
    ("data", "media_type", "expected"),
    [
        (VALID_JSON, "application/vnd.cyclonedx+json; version=1.6", BomFormat.JSON),
        (VALID_JSON, "Application/JSON; charset=utf-8", BomFormat.JSON),
        (VALID_JSON, None, BomFormat.JSON),
        (VALID_JSON, "application/octet-stream", BomFormat.JSON),
        (VALID_XML, "application/vnd.cyclonedx+xml; version=1.6", BomFormat.XML),
        (VALID_XML, "text/plain", BomFormat.XML),
        (VALID_XML, "", BomFormat.XML),
    ],
)
def test_document_is_accepted_when_media_type_matches_or_is_generic(
    data: bytes, media_type: str | None, expected: BomFormat
) -> None:
    read = read_bom(data, media_type, LIMITS)
    assert read.contents.format is expected
    assert read.media_type == expected.media_type


# Limits


def test_payload_too_large_when_document_exceeds_max_bytes() -> None:
    limit = len(VALID_JSON) - 1
    with pytest.raises(PayloadTooLargeError) as raised:
        read_bom(VALID_JSON, None, ReadLimits(max_bytes=limit))
    assert raised.value.limit_name == "max_bytes"
    assert raised.value.limit == limit
    assert isinstance(raised.value, LimitExceededError)


def test_payload_is_accepted_when_document_is_exactly_max_bytes() -> None:
    read = read_bom(VALID_JSON, None, ReadLimits(max_bytes=len(VALID_JSON)))
    assert read.contents.subject.name == "camera"


def test_payload_too_large_is_raised_before_parsing_when_body_is_garbage() -> None:
    with pytest.raises(PayloadTooLargeError):
        read_bom(b"\x00" * 1000, "text/html", ReadLimits(max_bytes=10))


_DEPTH = 600
_HEAD = '{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,'


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(
            _HEAD
            + '"components":['
            + '{"type":"library","name":"x","components":[' * (_DEPTH // 2)
            + "]}" * (_DEPTH // 2)
            + "]}",
            id="nested-components",
        ),
        pytest.param(
            _HEAD + '"components":' + "[" * _DEPTH + "]" * _DEPTH + "}",
            id="nested-arrays",
        ),
        pytest.param(
            _HEAD + '"x":' + '{"a":' * _DEPTH + "1" + "}" * _DEPTH + "}",
            id="nested-objects",
        ),
        pytest.param("[" * _DEPTH + "]" * _DEPTH, id="bare-arrays"),
    ],
)
def test_deep_json_is_refused_with_a_clear_error_when_nested_600_levels(document: str) -> None:
    with pytest.raises(ExportgateError):
        read_bom(document.encode(), None, LIMITS)


# Encoding


def test_json_is_accepted_when_preceded_by_a_utf8_byte_order_mark() -> None:
    read = read_bom(b"\xef\xbb\xbf" + VALID_JSON, None, LIMITS)
    assert read.contents.subject.name == "camera"


def test_leading_whitespace_is_accepted_when_before_json() -> None:
    read = read_bom(b"\n\t  " + VALID_JSON, "application/json", LIMITS)
    assert read.contents.subject.name == "camera"


# The bundled official schemas


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_bundled_schemas_exist_when_library_is_installed(version: str) -> None:
    # cyclonedx-python-lib keeps these in a module it marks internal; a new release may move them.
    assert json_schema_path(version).is_file()
    assert xml_schema_path(version).is_file()


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_minimal_bom_is_accepted_when_written_in_each_supported_version(version: str) -> None:
    component = {"type": "library", "name": "lib", "version": "1"}
    as_json = _json_bom(specVersion=version, components=[component])
    as_xml = (
        f'<bom xmlns="http://cyclonedx.org/schema/bom/{version}" version="1"><components>'
        '<component type="library"><name>lib</name><version>1</version></component>'
        "</components></bom>"
    ).encode()
    for data in (as_json, as_xml):
        contents = read_bom(data, None, LIMITS).contents
        assert contents.spec_version == version
        assert [mention.name for mention in contents.mentions[1:]] == ["lib"]


# Arbitrary input


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_reader_raises_only_exportgate_errors_when_given_arbitrary_bytes(data: bytes) -> None:
    with contextlib.suppress(ExportgateError):
        read_bom(data, None, LIMITS)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(
        [
            b"{",
            b"<",
            b'{"bomFormat":"CycloneDX","specVersion":"1.6",',
            f'<bom xmlns="{CDX16}" version="1">'.encode(),
        ]
    ),
    st.binary(max_size=2000),
)
def test_reader_raises_only_exportgate_errors_when_bytes_look_like_a_bom(
    prefix: bytes, rest: bytes
) -> None:
    with contextlib.suppress(ExportgateError):
        read_bom(prefix + rest, None, LIMITS)
