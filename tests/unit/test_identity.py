"""Identity rules of PRODUCT.md section 3: how two mentions are known to be one component."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packageurl import PackageURL

from app.bom.identity import (
    InvalidPurlError,
    identity_for,
    identity_from_reference,
    normalise_purl,
)
from app.bom.reader import ReadLimits, read_bom
from app.domain.bom import Identity, IdentityKind, ReadWarningCode
from app.domain.ids import IdentityKey


def _identity(kind: IdentityKind, key: str) -> Identity:
    return Identity(kind, IdentityKey(key))


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        pytest.param("pkg:PyPI/Django@4.2", "pkg:pypi/django@4.2", id="type-and-pypi-name-lower"),
        pytest.param(
            "pkg:pypi/Django_Rest@1.0", "pkg:pypi/django-rest@1.0", id="pypi-underscore-dash"
        ),
        pytest.param(
            "pkg:maven/org.Apache/Commons@1?b=2&a=1",
            "pkg:maven/org.Apache/Commons@1?a=1&b=2",
            id="qualifiers-sorted-maven-case-kept",
        ),
        pytest.param(
            "pkg:generic/Foo@1?B=2&a=1", "pkg:generic/Foo@1?a=1&b=2", id="qualifier-keys-lower"
        ),
        pytest.param(
            "pkg:NPM/@angular/core@16", "pkg:npm/%40angular/core@16", id="namespace-encoded"
        ),
        pytest.param("pkg:github/Acme/Repo@v1", "pkg:github/acme/repo@v1", id="github-lower"),
        pytest.param("  pkg:generic/x@1 \n", "pkg:generic/x@1", id="surrounding-space"),
    ],
)
def test_purl_is_canonical_when_normalised(written: str, normalised: str) -> None:
    assert normalise_purl(written) == normalised


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("pkg:pypi/django@4.2", "pkg:PYPI/Django@4.2"),
        ("pkg:npm/%40angular/core@16", "pkg:npm/@angular/core@16"),
        (
            "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie",
            "pkg:deb/debian/curl@7.50.3-1?distro=jessie&arch=i386",
        ),
    ],
)
def test_equivalent_purls_have_one_identity_when_written_differently(
    first: str, second: str
) -> None:
    from_bom = identity_for(
        purl=normalise_purl(first),
        cpe=None,
        swid_tag_id=None,
        supplier=None,
        group=None,
        name="ignored",
        version=None,
    )
    assert identity_from_reference(second) == from_bom
    assert from_bom.kind is IdentityKind.PURL


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("pkg:pypi/django@4.2", "pkg:pypi/django@4.3"),
        ("pkg:pypi/django@4.2", "pkg:npm/django@4.2"),
        ("pkg:deb/debian/curl@1?arch=i386", "pkg:deb/debian/curl@1?arch=amd64"),
    ],
)
def test_purls_have_distinct_identities_when_they_name_different_packages(
    first: str, second: str
) -> None:
    assert identity_from_reference(first) != identity_from_reference(second)


@pytest.mark.parametrize("purl", ["not a purl", "pkg:", "pkg:pypi", "pkg:pypi/", "pkg:pypi/@1"])
def test_normalise_purl_raises_when_purl_does_not_parse(purl: str) -> None:
    with pytest.raises(InvalidPurlError):
        normalise_purl(purl)


_ALL_FIELDS: dict[str, str | None] = {
    "purl": "pkg:pypi/vision@1.0",
    "cpe": "CPE:2.3:a:Acme:Vision:1.0:*:*:*:*:*:*:*",
    "swid_tag_id": "Acme-Vision-1.0",
    "supplier": " Acme ",
    "group": " ML ",
    "name": " Vision ",
    "version": " 1.0 ",
}


@pytest.mark.parametrize(
    ("absent", "expected"),
    [
        pytest.param((), _identity(IdentityKind.PURL, "pkg:pypi/vision@1.0"), id="purl-first"),
        pytest.param(
            ("purl",),
            _identity(IdentityKind.CPE, "cpe:2.3:a:acme:vision:1.0:*:*:*:*:*:*:*"),
            id="then-cpe-lowercased",
        ),
        pytest.param(
            ("purl", "cpe"),
            _identity(IdentityKind.SWID, "swid:Acme-Vision-1.0"),
            id="then-swid",
        ),
        pytest.param(
            ("purl", "cpe", "swid_tag_id"),
            _identity(IdentityKind.COORDINATES, "acme|ml|vision|1.0"),
            id="then-coordinates-lowercased-trimmed",
        ),
        pytest.param(
            ("purl", "cpe", "swid_tag_id", "supplier", "group", "version"),
            _identity(IdentityKind.COORDINATES, "||vision|"),
            id="missing-coordinates-empty",
        ),
    ],
)
def test_strongest_identity_is_chosen_when_fields_are_present(
    absent: tuple[str, ...], expected: Identity
) -> None:
    fields = {key: (None if key in absent else value) for key, value in _ALL_FIELDS.items()}
    name = fields.pop("name")
    assert name is not None
    identity = identity_for(
        purl=fields["purl"],
        cpe=fields["cpe"],
        swid_tag_id=fields["swid_tag_id"],
        supplier=fields["supplier"],
        group=fields["group"],
        name=name,
        version=fields["version"],
    )
    assert identity == expected


@pytest.mark.parametrize(
    ("cpe", "swid_tag_id", "expected"),
    [
        ("   ", "Tag-1", _identity(IdentityKind.SWID, "swid:Tag-1")),
        ("", "  ", _identity(IdentityKind.COORDINATES, "acme||vision|1")),
    ],
)
def test_blank_identifier_is_skipped_when_choosing_identity(
    cpe: str, swid_tag_id: str, expected: Identity
) -> None:
    identity = identity_for(
        purl=None,
        cpe=cpe,
        swid_tag_id=swid_tag_id,
        supplier="Acme",
        group=None,
        name="Vision",
        version="1",
    )
    assert identity == expected


def _component_document(component: dict[str, Any]) -> bytes:
    document = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {"component": {"type": "device", "name": "camera", "bom-ref": "camera"}},
        "components": [{"type": "library", "bom-ref": "part", **component}],
    }
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        pytest.param(
            {},
            _identity(IdentityKind.COORDINATES, "acme|ml|vision|1.0"),
            id="to-coordinates",
        ),
        pytest.param(
            {"cpe": "cpe:2.3:a:acme:vision:1.0:*:*:*:*:*:*:*"},
            _identity(IdentityKind.CPE, "cpe:2.3:a:acme:vision:1.0:*:*:*:*:*:*:*"),
            id="to-cpe",
        ),
    ],
)
def test_identity_falls_back_with_warning_when_purl_is_invalid(
    extra: dict[str, str], expected: Identity
) -> None:
    data = _component_document(
        {
            "name": "Vision",
            "group": "ML",
            "version": "1.0",
            "supplier": {"name": "Acme"},
            "purl": "not a purl",
            **extra,
        }
    )
    contents = read_bom(data, None, ReadLimits()).contents
    part = next(mention for mention in contents.mentions if mention.ref == "part")
    assert part.identity == expected
    assert part.purl is None
    invalid = [w for w in contents.warnings if w.code is ReadWarningCode.INVALID_PURL]
    assert [w.location for w in invalid] == ["/components/0/purl"]


def test_purl_identity_is_normalised_when_read_from_a_bom() -> None:
    data = _component_document({"name": "Django", "purl": "pkg:PyPI/Django@4.2?b=2&a=1"})
    contents = read_bom(data, None, ReadLimits()).contents
    part = next(mention for mention in contents.mentions if mention.ref == "part")
    assert part.identity == _identity(IdentityKind.PURL, "pkg:pypi/django@4.2?a=1&b=2")
    assert not contents.warnings


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        pytest.param(
            "pkg:PyPI/Django@4.2?b=2&a=1",
            _identity(IdentityKind.PURL, "pkg:pypi/django@4.2?a=1&b=2"),
            id="purl",
        ),
        pytest.param(
            " CPE:2.3:a:Acme:Vision:1.0:*:*:*:*:*:*:* ",
            _identity(IdentityKind.CPE, "cpe:2.3:a:acme:vision:1.0:*:*:*:*:*:*:*"),
            id="cpe",
        ),
        pytest.param(
            "swid:Acme-Vision-1.0", _identity(IdentityKind.SWID, "swid:Acme-Vision-1.0"), id="swid"
        ),
        pytest.param(
            " Acme | ML | Vision | 1.0 ",
            _identity(IdentityKind.COORDINATES, "acme|ml|vision|1.0"),
            id="coordinates",
        ),
        pytest.param(
            "||Vision|", _identity(IdentityKind.COORDINATES, "||vision|"), id="sparse-coordinates"
        ),
    ],
)
def test_reference_names_identity_when_written_by_a_user(
    reference: str, expected: Identity
) -> None:
    assert identity_from_reference(reference) == expected


@pytest.mark.parametrize(
    ("reference", "fields"),
    [
        pytest.param("pkg:pypi/Vision@1.0", {"purl": "pkg:pypi/vision@1.0"}, id="purl"),
        pytest.param(
            "cpe:2.3:a:acme:vision:1.0:*:*:*:*:*:*:*",
            {"cpe": "cpe:2.3:a:Acme:Vision:1.0:*:*:*:*:*:*:*"},
            id="cpe",
        ),
        pytest.param("swid:Tag-1", {"swid_tag_id": "Tag-1"}, id="swid"),
        pytest.param("SWID: Tag-1", {"swid_tag_id": "Tag-1"}, id="swid-upper-prefix"),
        pytest.param(
            "Acme|ML|Vision|1.0",
            {"supplier": "acme", "group": "ml", "version": "1.0"},
            id="coordinates",
        ),
    ],
)
def test_reference_matches_bom_identity_when_it_names_the_same_component(
    reference: str, fields: dict[str, str]
) -> None:
    from_bom = identity_for(
        purl=fields.get("purl"),
        cpe=fields.get("cpe"),
        swid_tag_id=fields.get("swid_tag_id"),
        supplier=fields.get("supplier"),
        group=fields.get("group"),
        name="Vision",
        version=fields.get("version"),
    )
    assert identity_from_reference(reference) == from_bom


@pytest.mark.parametrize(
    "reference",
    ["vision", "", "   ", "a|b", "a|b|c", "a|b|c|d|e", "https://example.com/vision"],
)
def test_reference_is_rejected_when_it_is_not_an_identity(reference: str) -> None:
    with pytest.raises(ValueError, match="is not a purl, CPE"):
        identity_from_reference(reference)


@pytest.mark.parametrize("reference", ["pkg:pypi", "pkg:pypi/", "pkg:"])
def test_reference_is_rejected_when_it_is_a_broken_purl(reference: str) -> None:
    with pytest.raises(InvalidPurlError):
        identity_from_reference(reference)


_SEGMENT = st.text(alphabet="abcXYZ019._~-", min_size=1, max_size=8)
_KINDS = st.sampled_from(
    ["pypi", "npm", "maven", "github", "huggingface", "oci", "generic", "golang", "cpan", "c",
     "mlflow", "flow", "PyPI", "Generic", "hex", "apk", "deb", "pub", "hackage", "nuget"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    kind=_KINDS,
    namespace=st.lists(_SEGMENT, max_size=3),
    name=_SEGMENT,
    version=st.none() | _SEGMENT,
)
def test_plain_purls_normalise_exactly_as_the_library_does(
    kind: str, namespace: list[str], name: str, version: str | None
) -> None:
    purl = "pkg:" + "/".join([kind, *namespace, name]) + (f"@{version}" if version else "")
    try:
        expected = PackageURL.from_string(purl).to_string()
    except ValueError:
        with pytest.raises(InvalidPurlError):
            normalise_purl(purl)
        return
    assert normalise_purl(purl) == expected
