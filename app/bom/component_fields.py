"""What one component's CycloneDX fields say: its AI signals, the certificates it claims,
the BOMs it links to, the artifacts it names, and the fields kept as written."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from app.domain.bom import (
    AiReason,
    ClaimedCertificate,
    ClaimSource,
    LinkTarget,
    ReadWarning,
    ReadWarningCode,
)
from app.domain.errors import Located

Json = Mapping[str, Any]

AI_PROPERTY = "exportgate:ai-component"


CERTIFICATE_PROPERTY = "exportgate:certificate"

# CycloneDX BOM-Link: urn:cdx:<serial UUID>[/<version>][#<bom-ref, percent-encoded>].
_BOM_LINK = re.compile(
    r"urn:cdx:([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
    r"(?:/([1-9][0-9]{0,17}))?(?:#(.+))?"
)

# External references whose URL names the artifact itself (a weights file, say).
_ARTIFACT_REFERENCES = frozenset({"distribution", "distribution-intake"})

# Raw fields kept per mention: everything but the nested lists, which become their own
# mentions, our own location bookkeeping, and the fields a mention holds as written in
# attributes of its own (on a large BOM, copying those again doubled what is stored).
_NOT_RAW = frozenset(
    {"components", "services", "__location__", "bom-ref", "type", "name", "version", "hashes"}
)


# The document has passed its schema before it is translated, so field types are known:
# the functions below check presence, not shape. Objects are plain dicts (from orjson or the
# XML shaper); testing against dict rather than the Mapping ABC keeps that cheap.


def note_if_too_long(value: object, limit: int, location: str, found: list[Located]) -> None:
    if isinstance(value, str) and len(value) > limit:
        found.append(Located(location, f"longer than {limit} characters"))


def properties_of(item: Json) -> list[tuple[str, str]]:
    properties = item.get("properties")
    if not properties:
        return []
    return [(str(prop.get("name", "")), str(prop.get("value", ""))) for prop in properties]


def ai_reasons_of(item: Json, properties: list[tuple[str, str]]) -> tuple[AiReason, ...]:
    reasons = []
    if item.get("type") == "machine-learning-model":
        reasons.append(AiReason.MODEL_TYPE)
    if "modelCard" in item:
        reasons.append(AiReason.MODEL_CARD)
    if properties and any(
        name == AI_PROPERTY and value.strip().lower() == "true" for name, value in properties
    ):
        reasons.append(AiReason.PROPERTY)
    return tuple(reasons)


def claimed_certificates_of(
    item: Json, properties: list[tuple[str, str]], location: str, warnings: list[ReadWarning]
) -> tuple[ClaimedCertificate, ...]:
    references = item.get("externalReferences")
    if not references and not properties:
        return ()
    claims = [
        ClaimedCertificate(value.strip(), ClaimSource.PROPERTY)
        for name, value in properties
        if name == CERTIFICATE_PROPERTY and value.strip()
    ]
    for index, reference in enumerate(references or ()):
        if reference.get("type") != "certification-report":
            continue
        url = str(reference.get("url", "")).strip() or None
        number = str(reference.get("comment", "")).strip()
        if not number and url:
            # The number may be carried by the URL alone: its last path segment.
            number = url.rstrip("/").rsplit("/", 1)[-1]
        if number:
            claims.append(ClaimedCertificate(number, ClaimSource.EXTERNAL_REFERENCE, url))
        else:
            warnings.append(
                ReadWarning(
                    ReadWarningCode.CERTIFICATE_CLAIM_WITHOUT_NUMBER,
                    "a certification-report reference names no certificate number",
                    f"{location}/externalReferences/{index}",
                )
            )
    return tuple(dict.fromkeys(claims))


def link_target(text: str) -> LinkTarget | None:
    """The BOM-Link a reference or URL is, or None when it is none."""
    match = _BOM_LINK.fullmatch(text.strip())
    if match is None:
        return None
    serial, version, ref = match.groups()
    return LinkTarget(
        f"urn:uuid:{serial.lower()}",
        int(version) if version is not None else None,
        unquote(ref) if ref else None,
    )


def links_of(item: Json, location: str, warnings: list[ReadWarning]) -> tuple[LinkTarget, ...]:
    found = []
    for index, reference in enumerate(item.get("externalReferences") or ()):
        if reference.get("type") != "bom":
            continue
        url = str(reference.get("url", "")).strip()
        target = link_target(url)
        if target is not None:
            found.append(target)
        elif url.startswith("urn:cdx:"):
            warnings.append(
                ReadWarning(
                    ReadWarningCode.INVALID_BOM_LINK,
                    f"{url!r} is not a BOM-Link (urn:cdx:<serial>/<version>): not followed",
                    f"{location}/externalReferences/{index}/url",
                )
            )
    return tuple(dict.fromkeys(found))


def artifacts_of(item: Json, *, service: bool) -> tuple[str, ...]:
    """File names, URLs and endpoints the suspected-AI hints read."""
    found = [
        str(reference.get("url", "")).strip()
        for reference in item.get("externalReferences") or ()
        if reference.get("type") in _ARTIFACT_REFERENCES and reference.get("url")
    ]
    if service:
        found.extend(str(endpoint).strip() for endpoint in item.get("endpoints") or ())
    return tuple(dict.fromkeys(artifact for artifact in found if artifact))


def raw_fields(item: Json) -> dict[str, Any]:
    raw = dict(item)
    for key in _NOT_RAW:
        raw.pop(key, None)
    return raw


def organisation_name(value: object) -> str | None:
    if isinstance(value, dict):
        name = value.get("name")
        return str(name) if name is not None else None
    return None
