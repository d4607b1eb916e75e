"""The identity rules of PRODUCT.md section 3, applied to CycloneDX fields.

First that applies: normalised purl, CPE, SWID tagId, then supplier|group|name|version.
"""

from __future__ import annotations

import re

from packageurl import PackageURL

from app.domain.bom import Identity, IdentityKind
from app.domain.ids import IdentityKey


class InvalidPurlError(ValueError):
    """A purl that does not parse; the caller falls back to the next identity rule."""


# The plain purls most BOMs are made of: type/namespace/name@version, every part of
# unreserved characters, so nothing is percent-encoded and nothing needs decoding.
_PLAIN_PURL = re.compile(
    r"pkg:([a-zA-Z][a-zA-Z0-9.-]*)/([A-Za-z0-9._~-]+(?:/[A-Za-z0-9._~-]+)*)"
    r"(?:@([A-Za-z0-9._~-]+))?"
)
# Types whose namespace and name the purl specification lowercases (as packageurl-python
# does); types with rules beyond lowercasing are left to the library.
_LOWER_NAMESPACE = frozenset(
    {"bitbucket", "github", "pypi", "gitlab", "composer", "luarocks", "qpkg", "alpm", "apk", "hex"}
)
_LOWER_NAME = frozenset(
    {"bitbucket", "github", "pypi", "gitlab", "composer", "luarocks", "oci", "npm", "alpm",
     "apk", "bitnami", "hex"}
)  # fmt: skip
_LOWER_VERSION = frozenset({"huggingface", "oci"})


def _library_only(kind: str) -> bool:
    # Types with rules beyond lowercasing. packageurl-python tests "cpan" and "mlflow" as
    # substrings, so every substring of them is left to it too, to agree to the letter.
    return kind in ("pub", "hackage") or kind in "cpan" or kind in "mlflow"


def _normalise_plain(purl: str) -> str | None:
    """The canonical form of a plain purl without the library's general parser (ten times
    faster, and a BOM holds tens of thousands); None when the purl is not plain."""
    match = _PLAIN_PURL.fullmatch(purl)
    if match is None:
        return None
    kind, path, version = match.groups()
    kind = kind.lower()
    if _library_only(kind):
        return None
    namespace, _, name = path.rpartition("/")
    if kind in _LOWER_NAMESPACE:
        namespace = namespace.lower()
    if kind in _LOWER_NAME:
        name = name.lower()
    if kind == "pypi":
        name = name.replace("_", "-")
    if version is not None and kind in _LOWER_VERSION:
        version = version.lower()
    prefix = f"pkg:{kind}/{namespace}/" if namespace else f"pkg:{kind}/"
    return f"{prefix}{name}@{version}" if version else f"{prefix}{name}"


def normalise_purl(purl: str) -> str:
    """Canonical purl: type and (where the type says so) namespace and name lowercased,
    qualifiers sorted, percent-encoding made uniform."""
    text = purl.strip()
    # The scheme is case-insensitive like any URL scheme; the library only accepts "pkg:".
    if text[:4].lower() == "pkg:":
        text = "pkg:" + text[4:]
    plain = _normalise_plain(text)
    if plain is not None:
        return plain
    try:
        return str(PackageURL.from_string(text).to_string())
    except ValueError as error:
        raise InvalidPurlError(str(error)) from error


def coordinates_key(supplier: str | None, group: str | None, name: str, version: str | None) -> str:
    return "|".join((part or "").strip().lower() for part in (supplier, group, name, version))


def identity_for(
    *,
    purl: str | None,
    cpe: str | None,
    swid_tag_id: str | None,
    supplier: str | None,
    group: str | None,
    name: str,
    version: str | None,
) -> Identity:
    """The strongest identity the fields allow; `purl` is already normalised, or None when
    absent or unparsable (the translator reports that)."""
    if purl:
        return Identity(IdentityKind.PURL, IdentityKey(purl))
    if cpe and cpe.strip():
        # CPE matching is case-insensitive by its specification.
        return Identity(IdentityKind.CPE, IdentityKey(cpe.strip().lower()))
    if swid_tag_id and swid_tag_id.strip():
        return Identity(IdentityKind.SWID, IdentityKey(f"swid:{swid_tag_id.strip()}"))
    return Identity(
        IdentityKind.COORDINATES, IdentityKey(coordinates_key(supplier, group, name, version))
    )


def identity_from_reference(reference: str) -> Identity:
    """How a user names a component in a registry file or on the command line."""
    text = reference.strip()
    lowered = text.lower()
    if lowered.startswith("pkg:"):
        return Identity(IdentityKind.PURL, IdentityKey(normalise_purl(text)))
    if lowered.startswith("cpe:"):
        return Identity(IdentityKind.CPE, IdentityKey(lowered))
    if lowered.startswith("swid:"):
        return Identity(IdentityKind.SWID, IdentityKey(f"swid:{text[5:].strip()}"))
    if text.count("|") == 3:
        supplier, group, name, version = text.split("|")
        return Identity(
            IdentityKind.COORDINATES, IdentityKey(coordinates_key(supplier, group, name, version))
        )
    raise ValueError(
        f"{reference!r} is not a purl, CPE, 'swid:<tagId>' or 'supplier|group|name|version'"
    )
