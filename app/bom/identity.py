"""The identity rules of PRODUCT.md section 3, applied to CycloneDX fields.

First that applies: normalised purl, CPE, SWID tagId, then supplier|group|name|version.
"""

from __future__ import annotations

from packageurl import PackageURL

from app.domain.bom import Identity, IdentityKind
from app.domain.ids import IdentityKey


class InvalidPurlError(ValueError):
    """A purl that does not parse; the caller falls back to the next identity rule."""


def normalise_purl(purl: str) -> str:
    """Canonical purl: type and (where the type says so) namespace and name lowercased,
    qualifiers sorted, percent-encoding made uniform."""
    text = purl.strip()
    # The scheme is case-insensitive like any URL scheme; the library only accepts "pkg:".
    if text[:4].lower() == "pkg:":
        text = "pkg:" + text[4:]
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
