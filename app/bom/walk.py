"""One walk over a CycloneDX document: every component and service it mentions, nested
or named only as lineage, and the edges it declares; a reference to nothing becomes a node."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.bom.component_fields import (
    Json,
    ai_reasons_of,
    artifacts_of,
    claimed_certificates_of,
    link_target,
    links_of,
    note_if_too_long,
    organisation_name,
    properties_of,
    raw_fields,
)
from app.bom.identity import InvalidPurlError, identity_for, normalise_purl
from app.domain import limits
from app.domain.bom import (
    DeclaredEdge,
    EdgeKind,
    Hash,
    Identity,
    IdentityKind,
    Mention,
    MentionRole,
    ReadWarning,
    ReadWarningCode,
    edge_of,
)
from app.domain.errors import LimitExceededError, Located
from app.domain.ids import BomRef, IdentityKey, Sha256

_LINEAGE = frozenset({EdgeKind.DATASET, EdgeKind.BASE_MODEL})


@dataclass
class Walk:
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
        properties = properties_of(item)
        name = str(item.get("name", "")).strip()
        version = str(item["version"]) if item.get("version") is not None else None
        group = str(item["group"]) if item.get("group") is not None else None
        supplier = organisation_name(item.get("provider" if service else "supplier"))
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
            ai_reasons=ai_reasons_of(item, properties),
            claimed_certificates=claimed_certificates_of(item, properties, location, self.warnings),
            hashes=tuple(
                [
                    Hash(str(entry.get("alg", "")), str(entry.get("content", "")))
                    for entry in item.get("hashes") or ()
                ]
            ),
            properties=tuple(properties),
            links=links_of(item, location, self.warnings),
            artifacts=artifacts_of(item, service=service),
            raw=raw_fields(item),
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
        note_if_too_long(ref, limits.REFERENCE, location, self.too_long)
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
