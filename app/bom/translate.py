"""Translate a CycloneDX document (JSON form) into domain mentions and declared edges."""

from __future__ import annotations

from collections.abc import Iterator

from app.bom.component_fields import Json, properties_of
from app.bom.walk import Walk
from app.domain.bom import (
    BomContents,
    BomFormat,
    DeclaredEdge,
    Identity,
    IdentityKind,
    Mention,
    MentionRole,
    ReadWarning,
    ReadWarningCode,
    with_inventory_edges,
)
from app.domain.errors import BomRejectedError, Located
from app.domain.ids import BomRef, IdentityKey, Sha256
from app.domain.limits import MAX_ID

SECTOR_PROPERTY = "exportgate:sector"

HUMAN_OVERSIGHT_PROPERTY = "exportgate:human-oversight"


SUBJECT_REF = BomRef("#subject")

INCOMPLETE_AGGREGATES = frozenset(
    {
        "incomplete",
        "incomplete_first_party_only",
        "incomplete_first_party_proprietary_only",
        "incomplete_first_party_opensource_only",
        "incomplete_third_party_only",
        "incomplete_third_party_proprietary_only",
        "incomplete_third_party_opensource_only",
        "unknown",
        "not_specified",
    }
)


def _incomplete_aggregates(document: Json, subject: BomRef, has_subject: bool) -> tuple[str, ...]:
    found = []
    for composition in document.get("compositions", ()) or ():
        if not isinstance(composition, dict):
            continue
        aggregate = str(composition.get("aggregate", ""))
        if aggregate not in INCOMPLETE_AGGREGATES:
            continue
        assemblies = [str(ref) for ref in composition.get("assemblies", ()) or ()]
        covers_subject = not assemblies or (has_subject and subject in assemblies)
        if covers_subject:
            found.append(aggregate)
    return tuple(dict.fromkeys(found))


def translate(
    document: Json,
    *,
    bom_format: BomFormat,
    sha256: Sha256,
    max_depth: int,
    max_components: int,
) -> BomContents:
    """The domain reading of a schema-valid CycloneDX document in JSON form."""
    walk = Walk(sha256=sha256, max_depth=max_depth, max_components=max_components)
    metadata = document.get("metadata") or {}
    subject_item = metadata.get("component") if isinstance(metadata, dict) else None
    serial = str(document["serialNumber"]) if document.get("serialNumber") else None
    if isinstance(subject_item, dict):
        # Parts nested in the subject are listed parts of the product.
        subject = walk.walk_tree(
            subject_item,
            "/metadata/component",
            MentionRole.SUBJECT,
            service=False,
            nested_role=MentionRole.LISTED,
        )
    else:
        subject = SUBJECT_REF
        key = f"inventory:{serial}" if serial else f"inventory:sha256:{sha256}"
        walk.mentions[subject] = Mention(
            ref=subject,
            identity=Identity(IdentityKind.INVENTORY, IdentityKey(key)),
            role=MentionRole.SUBJECT,
            location="/metadata/component",
            type="application",
            name=f"inventory {serial or sha256[:12]}",
        )
        walk.order.append(subject)
        walk.warnings.append(
            ReadWarning(
                ReadWarningCode.NO_SUBJECT,
                "no metadata.component: accepted as an inventory whose subject is "
                f"synthesised as {key}",
                "/metadata",
            )
        )
    for key, is_service in (("components", False), ("services", True)):
        for index, item in enumerate(document.get(key, ()) or ()):
            walk.walk_tree(item, f"/{key}/{index}", MentionRole.LISTED, service=is_service)
    walk.resolve_lineage()
    walk.read_dependencies(document)
    walk.resolve_lineage_targets()
    if walk.too_long:
        raise BomRejectedError(
            "the document holds text longer than exportgate stores",
            walk.too_long[:MAX_REPORTED] + _more(len(walk.too_long) - MAX_REPORTED),
        )

    subject_mention = walk.mentions[subject]
    incomplete = _incomplete_aggregates(document, subject, isinstance(subject_item, dict))
    if incomplete:
        walk.warnings.append(
            ReadWarning(
                ReadWarningCode.INVENTORY_INCOMPLETE,
                f"compositions declare the inventory {', '.join(incomplete)}",
                "/compositions",
            )
        )
    mentions = [walk.mentions[subject]] + [
        walk.mentions[ref] for ref in walk.order if ref != subject
    ]
    sector = next(
        (value.strip() for name, value in subject_mention.properties if name == SECTOR_PROPERTY),
        None,
    ) or _metadata_sector(metadata)
    return BomContents(
        format=bom_format,
        spec_version=str(document.get("specVersion", "")),
        serial_number=serial,
        version=_bom_version(document, bom_format),
        mentions=tuple(mentions),
        edges=tuple(with_inventory_edges(subject, mentions, _unique(walk.edges))),
        sector=sector,
        human_oversight=any(
            name == HUMAN_OVERSIGHT_PROPERTY and value.strip().lower() == "true"
            for name, value in subject_mention.properties
        ),
        incomplete_aggregates=incomplete,
        warnings=tuple(walk.warnings),
    )


MAX_REPORTED = 200


def _more(hidden: int) -> list[Located]:
    return [Located("", f"… and {hidden} more errors")] if hidden > 0 else []


def _bom_version(document: Json, bom_format: BomFormat) -> int:
    """The BOM's own version: the schema bounds it below only, and it is stored as a 64-bit
    integer, so a larger one is refused where it is written."""
    version = document.get("version", 1)
    if isinstance(version, int) and 1 <= version <= MAX_ID:
        return version
    where = "/bom/@version" if bom_format is BomFormat.XML else "/version"
    raise BomRejectedError(
        f"the BOM version {version!r} cannot be stored",
        [Located(where, f"a BOM version is a whole number from 1 to {MAX_ID}")],
    )


def _metadata_sector(metadata: object) -> str | None:
    if not isinstance(metadata, dict):
        return None
    for name, value in properties_of(metadata):
        if name == SECTOR_PROPERTY and value.strip():
            return value.strip()
    return None


def _unique(edges: list[DeclaredEdge]) -> Iterator[DeclaredEdge]:
    yield from dict.fromkeys(edges)
