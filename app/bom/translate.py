"""Translate a CycloneDX document (JSON form) into domain mentions and declared edges."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from app.bom.identity import InvalidPurlError, identity_for, normalise_purl
from app.domain import limits
from app.domain.bom import (
    AiReason,
    BomContents,
    BomFormat,
    ClaimedCertificate,
    ClaimSource,
    DeclaredEdge,
    EdgeKind,
    Hash,
    Identity,
    IdentityKind,
    LinkTarget,
    Mention,
    MentionRole,
    ReadWarning,
    ReadWarningCode,
    edge_of,
    with_inventory_edges,
)
from app.domain.errors import BomRejectedError, LimitExceededError, Located
from app.domain.ids import BomRef, IdentityKey, Sha256
from app.domain.limits import MAX_ID

Json = Mapping[str, Any]

AI_PROPERTY = "exportgate:ai-component"
CERTIFICATE_PROPERTY = "exportgate:certificate"
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
_LINEAGE = frozenset({EdgeKind.DATASET, EdgeKind.BASE_MODEL})
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


def _too_long(value: object, limit: int, location: str, found: list[Located]) -> None:
    if isinstance(value, str) and len(value) > limit:
        found.append(Located(location, f"longer than {limit} characters"))


def _properties(item: Json) -> list[tuple[str, str]]:
    properties = item.get("properties")
    if not properties:
        return []
    return [(str(prop.get("name", "")), str(prop.get("value", ""))) for prop in properties]


def _ai_reasons(item: Json, properties: list[tuple[str, str]]) -> tuple[AiReason, ...]:
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


def _claimed_certificates(
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


def _links(item: Json, location: str, warnings: list[ReadWarning]) -> tuple[LinkTarget, ...]:
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


def _artifacts(item: Json, *, service: bool) -> tuple[str, ...]:
    """File names, URLs and endpoints the suspected-AI hints read."""
    found = [
        str(reference.get("url", "")).strip()
        for reference in item.get("externalReferences") or ()
        if reference.get("type") in _ARTIFACT_REFERENCES and reference.get("url")
    ]
    if service:
        found.extend(str(endpoint).strip() for endpoint in item.get("endpoints") or ())
    return tuple(dict.fromkeys(artifact for artifact in found if artifact))


def _raw(item: Json) -> dict[str, Any]:
    raw = dict(item)
    for key in _NOT_RAW:
        raw.pop(key, None)
    return raw


def _organisation_name(value: object) -> str | None:
    if isinstance(value, dict):
        name = value.get("name")
        return str(name) if name is not None else None
    return None


@dataclass
class _Walk:
    """Mutable state of one translation; kept out of the domain objects it produces."""

    sha256: Sha256
    max_depth: int
    max_components: int
    mentions: dict[BomRef, Mention] = field(default_factory=dict)
    order: list[BomRef] = field(default_factory=list)
    edges: list[DeclaredEdge] = field(default_factory=list)
    warnings: list[ReadWarning] = field(default_factory=list)
    lineage: list[tuple[BomRef, EdgeKind, object, str]] = field(default_factory=list)
    too_long: list[Located] = field(default_factory=list)

    def mention(self, item: Json, location: str, role: MentionRole, *, service: bool) -> BomRef:
        if len(self.mentions) >= self.max_components:
            raise LimitExceededError(
                f"more than {self.max_components} components and services (at {location})",
                limit_name="max_components",
                limit=self.max_components,
            )
        location = str(item.get("__location__", location))
        declared_ref = item.get("bom-ref")
        ref = BomRef(str(declared_ref)) if declared_ref else BomRef(location)
        if ref in self.mentions:
            self.warnings.append(
                ReadWarning(
                    ReadWarningCode.DUPLICATE_BOM_REF,
                    f"bom-ref {ref!r} is used again; references to it mean the first",
                    location,
                )
            )
            ref = BomRef(location)
        self.mentions[ref] = self._translate(item, ref, location, role, service=service)
        self.order.append(ref)
        self._queue_lineage(item, ref, location)
        return ref

    def _translate(
        self, item: Json, ref: BomRef, location: str, role: MentionRole, *, service: bool
    ) -> Mention:
        properties = _properties(item)
        name = str(item.get("name", "")).strip()
        version = str(item["version"]) if item.get("version") is not None else None
        group = str(item["group"]) if item.get("group") is not None else None
        supplier = _organisation_name(item.get("provider" if service else "supplier"))
        purl = None
        if item.get("purl"):
            try:
                purl = normalise_purl(str(item["purl"]))
            except InvalidPurlError as error:
                self.warnings.append(
                    ReadWarning(
                        ReadWarningCode.INVALID_PURL,
                        f"purl {item['purl']!r} does not parse ({error}); identity falls back",
                        location + "/purl",
                    )
                )
        swid = item.get("swid")
        swid_tag_id = str(swid.get("tagId")) if isinstance(swid, dict) else None
        cpe = str(item["cpe"]) if item.get("cpe") else None
        return Mention(
            ref=ref,
            identity=identity_for(
                purl=purl,
                cpe=cpe,
                swid_tag_id=swid_tag_id,
                supplier=supplier,
                group=group,
                name=name,
                version=version,
            ),
            role=role,
            location=location,
            type="service" if service else str(item.get("type", "library")),
            name=name,
            version=version,
            group=group,
            supplier=supplier,
            purl=purl,
            cpe=cpe,
            swid_tag_id=swid_tag_id,
            ai_reasons=_ai_reasons(item, properties),
            claimed_certificates=_claimed_certificates(item, properties, location, self.warnings),
            hashes=tuple(
                [
                    Hash(str(entry.get("alg", "")), str(entry.get("content", "")))
                    for entry in item.get("hashes") or ()
                ]
            ),
            properties=tuple(properties),
            links=_links(item, location, self.warnings),
            artifacts=_artifacts(item, service=service),
            raw=_raw(item),
        )

    def _queue_lineage(self, item: Json, ref: BomRef, location: str) -> None:
        model_card = item.get("modelCard")
        parameters = model_card.get("modelParameters") if isinstance(model_card, dict) else None
        datasets = parameters.get("datasets") if isinstance(parameters, dict) else None
        for index, dataset in enumerate(datasets or ()):
            where = f"{location}/modelCard/modelParameters/datasets/{index}"
            self.lineage.append((ref, EdgeKind.DATASET, dataset, where))
        pedigree = item.get("pedigree")
        ancestors = pedigree.get("ancestors") if isinstance(pedigree, dict) else None
        for index, ancestor in enumerate(ancestors or ()):
            where = f"{location}/pedigree/ancestors/{index}"
            self.lineage.append((ref, EdgeKind.BASE_MODEL, ancestor, where))

    def walk_tree(
        self,
        root: Json,
        location: str,
        role: MentionRole,
        *,
        service: bool,
        nested_role: MentionRole | None = None,
    ) -> BomRef:
        """Mention a component or service and everything nested in it, without recursion:
        nesting depth is the uploader's to choose, and the limit is ours."""
        root_ref = self.mention(root, location, role, service=service)
        nested_role = nested_role or role
        stack: list[tuple[BomRef, Json, str, int]] = [(root_ref, root, location, 0)]
        while stack:
            parent, item, where, depth = stack.pop()
            for key, is_service in (("components", False), ("services", True)):
                for index, child in enumerate(item.get(key, ()) or ()):
                    child_location = f"{where}/{key}/{index}"
                    if depth + 1 > self.max_depth:
                        raise LimitExceededError(
                            f"components nested deeper than {self.max_depth} levels "
                            f"(at {child.get('__location__', child_location)})",
                            limit_name="max_nesting_depth",
                            limit=self.max_depth,
                        )
                    child_ref = self.mention(child, child_location, nested_role, service=is_service)
                    self.edges.append(DeclaredEdge(parent, child_ref, EdgeKind.NESTING))
                    stack.append((child_ref, child, child_location, depth + 1))
        return root_ref

    def resolve_lineage(self) -> None:
        # Queued until every listed component is known, so a dataset that is also listed
        # keeps its listed role and stays part of the product.
        index = 0
        while index < len(self.lineage):
            source, kind, item, where = self.lineage[index]
            index += 1
            if not isinstance(item, dict):
                continue
            reference = item.get("ref")
            if reference is not None and "name" not in item:
                self.edges.append(DeclaredEdge(source, BomRef(str(reference)), kind))
                continue
            declared_ref = item.get("bom-ref")
            if declared_ref and BomRef(str(declared_ref)) in self.mentions:
                self.edges.append(DeclaredEdge(source, BomRef(str(declared_ref)), kind))
                continue
            target = self.walk_tree(item, where, MentionRole.LINEAGE, service=False)
            self.edges.append(DeclaredEdge(source, target, kind))

    def read_dependencies(self, document: Json) -> None:
        known = self.mentions
        add = self.edges.append
        dependency = EdgeKind.DEPENDENCY
        for index, entry in enumerate(document.get("dependencies") or ()):
            source = entry.get("ref", "")
            if source not in known:
                self._note_dangling(source, f"/dependencies/{index}/ref")
            for target in entry.get("dependsOn") or ():
                if target not in known:
                    position = entry["dependsOn"].index(target)
                    self._note_dangling(target, f"/dependencies/{index}/dependsOn/{position}")
                add(edge_of((source, target, dependency)))

    def _note_dangling(self, ref: BomRef, location: str) -> None:
        if ref in self.mentions:
            return
        # A reference to no listed component becomes a node of its own, named by it.
        _too_long(ref, limits.REFERENCE, location, self.too_long)
        target = link_target(ref) if ref.startswith("urn:cdx:") else None
        if target is not None:
            # A component of another BOM, named by BOM-Link: one node for every BOM that
            # names it, joined to that BOM when the graph is built.
            self.mentions[ref] = Mention(
                ref=ref,
                identity=Identity(IdentityKind.OPAQUE, IdentityKey(f"bom-link:{target.urn}")),
                role=MentionRole.DANGLING,
                location=location,
                type="opaque",
                name=target.urn,
                links=(target,),
            )
            self.order.append(ref)
            return
        self.warnings.append(
            ReadWarning(
                ReadWarningCode.DANGLING_REF,
                f"{ref!r} names no component or service in this BOM; kept as an opaque node",
                location,
            )
        )
        identity = Identity(IdentityKind.OPAQUE, IdentityKey(f"opaque:{self.sha256}:{ref}"))
        self.mentions[ref] = Mention(
            ref=ref,
            identity=identity,
            role=MentionRole.DANGLING,
            location=location,
            type="opaque",
            name=ref,
        )
        self.order.append(ref)

    def resolve_lineage_targets(self) -> None:
        for edge in self.edges:
            if edge.kind in _LINEAGE and edge.target not in self.mentions:
                self._note_dangling(edge.target, f"(lineage of {edge.source})")


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
    walk = _Walk(sha256=sha256, max_depth=max_depth, max_components=max_components)
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
    for name, value in _properties(metadata):
        if name == SECTOR_PROPERTY and value.strip():
            return value.strip()
    return None


def _unique(edges: list[DeclaredEdge]) -> Iterator[DeclaredEdge]:
    yield from dict.fromkeys(edges)
