"""Read-side use cases: BOMs, products, components, and where each component is used."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.bom.identity import InvalidPurlError, identity_from_reference, normalise_purl
from app.domain.access import Viewer, Visibility
from app.domain.bom import AiReason
from app.domain.errors import AmbiguousReferenceError, NotFoundError, PermissionDeniedError
from app.domain.ids import parse_id
from app.services.paths import PathStep, describe_path
from app.services.portfolio import PortfolioCache
from app.services.visibility import (
    bom_filter,
    closure_document,
    closure_graphml,
    declared_visibly,
    knowable,
    may_see_bom,
    sees_product,
    shows_any_bom,
    shows_bom,
    shows_use,
    visible_boms,
)
from app.store.rows import BomRow, ComponentRow, OccurrenceRow
from app.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from app.graph.portfolio import PortfolioGraph


@dataclass(frozen=True, slots=True)
class ComponentView:
    """A component's identity and display fields, independent of any one BOM."""

    id: int
    identity_kind: str
    identity_key: str
    name: str
    version: str | None
    group: str | None
    purl: str | None

    @classmethod
    def of(cls, row: ComponentRow) -> ComponentView:
        return cls(
            row.id, row.identity_kind, row.identity_key, row.name, row.version, row.group, row.purl
        )

    @property
    def display_name(self) -> str:
        return f"{self.name}@{self.version}" if self.version else self.name


@dataclass(frozen=True, slots=True)
class ProductUse:
    product_id: int
    product: str
    current_bom_ids: tuple[int, ...]
    path: tuple[PathStep, ...]


@dataclass(frozen=True, slots=True)
class Appearance:
    bom_id: int
    bom_subject: str
    is_current: bool
    bom_ref: str
    role: str
    type: str
    is_ai: bool
    ai_reasons: tuple[AiReason, ...]
    claimed_certificates: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ComponentStatus:
    component: ComponentView
    is_ai: bool
    ai_reasons: tuple[AiReason, ...]
    types: tuple[str, ...]
    is_product: bool
    appearances: tuple[Appearance, ...]


def resolve_component(
    uow: UnitOfWork, reference: str, viewer: Viewer | None = None
) -> ComponentView:
    """A component named by id, purl, CPE, 'swid:<tagId>', identity key or name@version.
    With a viewer, a component no BOM it may see mentions is answered exactly like one that
    does not exist, and is never named among the candidates of an ambiguous name."""
    return ComponentView.of(_resolve_row(uow, reference, viewer))


def _seen(uow: UnitOfWork, rows: list[ComponentRow], viewer: Viewer | None) -> list[ComponentRow]:
    """The rows a viewer may know of: those a BOM it may see mentions."""
    known = knowable(uow, viewer, [row.id for row in rows]) if rows else None
    return rows if known is None else [row for row in rows if row.id in known]


def _resolve_row(uow: UnitOfWork, reference: str, viewer: Viewer | None = None) -> ComponentRow:
    text = reference.strip()
    component_id = parse_id(text)
    if component_id is not None:
        found = uow.components.get(component_id)
        if found is None or not _seen(uow, [found], viewer):
            raise NotFoundError(f"no component with id {text}")
        return found
    try:
        identity = identity_from_reference(text)
    except InvalidPurlError as error:
        raise NotFoundError(f"{text!r} is not a valid purl: {error}") from None
    except ValueError:
        identity = None
    if identity is not None:
        by_identity = uow.components.find_by_identity(identity)
        if by_identity is None or not _seen(uow, [by_identity], viewer):
            raise NotFoundError(f"no component with identity {identity.key!r}")
        return by_identity
    name, _, version = text.rpartition("@") if "@" in text else (text, "", "")
    matches = _seen(uow, uow.components.find_by_name(name, version or None), viewer)
    if not matches:
        raise NotFoundError(f"no component named {text!r}")
    if len(matches) > 1:
        raise AmbiguousReferenceError(
            f"{text!r} names {len(matches)} components; use a purl or an id",
            [f"{match.id}: {match.identity_key}" for match in matches],
        )
    return matches[0]


def search_components(
    uow: UnitOfWork,
    *,
    purl: str | None,
    name: str | None,
    type_: str | None,
    ai: bool | None,
    after_id: int,
    limit: int,
    hash_value: str | None = None,
    viewer: Viewer | None = None,
) -> list[ComponentView]:
    normalised = purl
    if purl is not None:
        try:
            normalised = normalise_purl(purl)
        except InvalidPurlError:
            return []
    rows = uow.components.search(
        purl=normalised,
        name=name,
        type_=type_,
        ai=ai,
        after_id=after_id,
        limit=limit,
        hash_value=hash_value,
        visible_to=bom_filter(uow, viewer),
    )
    return [ComponentView.of(row) for row in rows]


def where_used(
    uow: UnitOfWork, cache: PortfolioCache, component_id: int, viewer: Viewer | None = None
) -> list[ProductUse]:
    graph = cache.current(uow)
    if component_id not in graph:
        return []
    visible = visible_boms(uow, viewer)
    holders = graph.where_used(component_id)
    bom_names = uow.boms.subject_names(
        d.bom_id for _, path, _ in holders for step in path.steps for d in step.declarations
    )
    uses = []
    for product, path, _ in holders:
        if not shows_use(product, path, visible):
            continue  # a product it may not see, or holding it only through a hidden BOM
        uses.append(
            ProductUse(
                product_id=product.component_id,
                product=graph.node(product.component_id).display_name,
                current_bom_ids=_shown(product.bom_ids, visible),
                path=describe_path(uow, graph, path, bom_names),
            )
        )
    return uses


def component_status(
    uow: UnitOfWork, cache: PortfolioCache, component_id: int, viewer: Viewer | None = None
) -> ComponentStatus:
    component = uow.components.get(component_id)
    visible = visible_boms(uow, viewer)
    occurrences = uow.components.occurrences(component_id)
    occurrences = [(o, b) for o, b in occurrences if shows_bom(visible, b.id)]
    if component is None or not occurrences:
        raise NotFoundError(f"no component with id {component_id}")
    graph = cache.current(uow)
    current_boms = graph.current_bom_ids()
    subjects = uow.boms.subject_names(bom.id for _, bom in occurrences)
    appearances = tuple(
        _appearance(o, b, subjects[b.id], b.id in current_boms) for o, b in occurrences
    )
    current = [a for a in appearances if a.is_current] or list(appearances)
    reasons = tuple(dict.fromkeys(r for a in current for r in a.ai_reasons))
    return ComponentStatus(
        component=ComponentView.of(component),
        is_ai=bool(reasons),
        ai_reasons=reasons,
        types=tuple(sorted({a.type for a in current})),
        # A product to this viewer only through a BOM it may see.
        is_product=sees_product(graph, component_id, visible),
        appearances=appearances,
    )


def _appearance(occurrence: OccurrenceRow, bom: BomRow, subject: str, current: bool) -> Appearance:
    return Appearance(
        bom_id=bom.id,
        bom_subject=subject,
        is_current=current,
        bom_ref=occurrence.bom_ref,
        role=occurrence.role,
        type=occurrence.type,
        is_ai=occurrence.is_ai,
        ai_reasons=tuple(AiReason(reason) for reason in occurrence.ai_reasons),
        claimed_certificates=tuple(c["number"] for c in occurrence.claimed_certificates),
    )


@dataclass(frozen=True, slots=True)
class BomView:
    """A stored BOM as callers see it (the document itself is fetched separately)."""

    id: int
    sha256: str
    media_type: str
    spec_version: str
    serial_number: str | None
    version: int
    size_bytes: int
    product_id: int
    product: str
    is_inventory: bool
    sector: str | None
    components: int
    ai_components: int
    edges: int
    incomplete_aggregates: list[str]
    warnings: list[dict[str, str]]
    uploaded_at: dt.datetime
    uploaded_by: str | None
    organisation: str | None
    visibility: str
    shared_with: list[str]


def _bom_views(uow: UnitOfWork, rows: list[BomRow]) -> list[BomView]:
    names = uow.boms.subject_names(row.id for row in rows)
    codes = {o.id: o.code for o in uow.access.organisations()}
    shares = uow.boms.shared_with(row.id for row in rows)
    return [
        BomView(
            id=row.id,
            sha256=row.sha256,
            media_type=row.media_type,
            spec_version=row.spec_version,
            serial_number=row.serial_number,
            version=row.bom_version,
            size_bytes=row.size_bytes,
            product_id=row.subject_id,
            product=names[row.id],
            is_inventory=row.is_inventory,
            sector=row.sector,
            components=row.component_count,
            ai_components=row.ai_component_count,
            edges=row.edge_count,
            incomplete_aggregates=list(row.incomplete_aggregates),
            warnings=list(row.warnings),
            uploaded_at=row.uploaded_at,
            uploaded_by=row.uploaded_by,
            organisation=codes.get(row.organisation_id) if row.organisation_id else None,
            visibility=row.visibility,
            shared_with=[codes[o] for o in shares.get(row.id, [])],
        )
        for row in rows
    ]


def _visible_bom(uow: UnitOfWork, bom_id: int, viewer: Viewer | None) -> BomRow:
    """The BOM, if the viewer may see it; one that exists but is not theirs to see is
    answered exactly like one that does not exist, so nothing leaks."""
    bom = uow.boms.get(bom_id)
    if bom is None or not may_see_bom(uow, bom_id, viewer):
        raise NotFoundError(f"no BOM with id {bom_id}")
    return bom


def get_bom(uow: UnitOfWork, bom_id: int, viewer: Viewer | None = None) -> BomView:
    return _bom_views(uow, [_visible_bom(uow, bom_id, viewer)])[0]


def list_boms(
    uow: UnitOfWork,
    *,
    product_id: int | None,
    after_id: int,
    limit: int,
    viewer: Viewer | None = None,
) -> list[BomView]:
    rows = uow.boms.page(
        subject_id=product_id, after_id=after_id, limit=limit, visible_to=bom_filter(uow, viewer)
    )
    return _bom_views(uow, rows)


def get_document(
    uow: UnitOfWork, bom_id: int, viewer: Viewer | None = None
) -> tuple[str, bytes, str]:
    """The media type, exact bytes and SHA-256 of a stored document."""
    bom = _visible_bom(uow, bom_id, viewer)
    document = uow.boms.document(bom_id)
    if document is None:  # pragma: no cover - a stored BOM always has its document
        raise NotFoundError(f"no BOM with id {bom_id}")
    return bom.media_type, document, bom.sha256


def set_visibility(
    uow: UnitOfWork,
    bom_id: int,
    visibility: Visibility,
    share_with: list[str],
    viewer: Viewer,
) -> BomView:
    """Only the owning organisation (or an administrator) decides who sees inside a BOM."""
    bom = _visible_bom(uow, bom_id, viewer)
    owner = uow.access.organisation_by_id(bom.organisation_id) if bom.organisation_id else None
    if not viewer.sees_everything and (owner is None or owner.code != viewer.organisation):
        raise PermissionDeniedError(f"BOM {bom_id} belongs to another organisation")
    organisations = []
    for code in sorted(set(share_with)):
        found = uow.access.organisation(code)
        if found is None:
            raise NotFoundError(f"no organisation {code!r} to share with")
        organisations.append(found.id)
    uow.boms.set_visibility(bom_id, visibility.value, organisations)
    uow.commit()
    return get_bom(uow, bom_id, viewer)


def _shown(boms: tuple[int, ...], visible: frozenset[int] | None) -> tuple[int, ...]:
    """The BOMs of a product a viewer may know of."""
    return boms if visible is None else tuple(b for b in boms if b in visible)


@dataclass(frozen=True, slots=True)
class ProductSummary:
    product: ComponentView
    current_bom_ids: tuple[int, ...]
    sector: str | None
    closure_size: int
    ai_components: int


def list_products(
    uow: UnitOfWork,
    cache: PortfolioCache,
    viewer: Viewer | None = None,
    *,
    after_id: int = 0,
    limit: int | None = None,
) -> list[ProductSummary]:
    """Products the viewer may see, in identity order; a page starts after the product
    `after_id` (its place in that order, so a page boundary never moves)."""
    graph = cache.current(uow)
    visible = visible_boms(uow, viewer)
    rows = [
        (subject, boms)
        for subject, boms in uow.boms.current_for_subjects()
        if shows_any_bom(visible, (bom.id for bom in boms))
    ]
    if after_id:
        boundary = uow.components.get(after_id)
        if boundary is not None:
            position = (boundary.identity_key, boundary.id)
            rows = [row for row in rows if (row[0].identity_key, row[0].id) > position]
    if limit is not None:
        rows = rows[:limit]
    return [_product_summary(graph, subject, boms, visible) for subject, boms in rows]


def get_product(
    uow: UnitOfWork, cache: PortfolioCache, product_id: int, viewer: Viewer | None = None
) -> ProductSummary:
    """One product the viewer may see; 404 for anything else, never a hint of what it is."""
    graph = cache.current(uow)
    visible = visible_boms(uow, viewer)
    subject = uow.components.get(product_id)
    if subject is None or not sees_product(graph, product_id, visible):
        raise NotFoundError(f"no product with id {product_id}")
    boms = uow.boms.many(graph.product(product_id).bom_ids)
    if not boms:  # pragma: no cover - the graph was built from these BOMs
        raise NotFoundError(f"no product with id {product_id}")
    return _product_summary(graph, subject, sorted(boms, key=lambda b: b.id), visible)


def _product_summary(
    graph: PortfolioGraph,
    subject: ComponentRow,
    boms: list[BomRow],
    visible: frozenset[int] | None,
) -> ProductSummary:
    # Count only what the caller's visible BOMs declare inside the product.
    inside = [
        node
        for node in closure_document(graph, subject.id, visible)["nodes"]
        if node["inside_product"] and node["id"] != subject.id
    ]
    sectors = sorted({bom.sector for bom in boms if bom.sector})
    return ProductSummary(
        product=ComponentView.of(subject),
        current_bom_ids=_shown(tuple(bom.id for bom in boms), visible),
        sector=sectors[0] if sectors else None,
        closure_size=len(inside),
        ai_components=sum(node["is_ai"] for node in inside),
    )


def get_component(uow: UnitOfWork, component_id: int) -> ComponentView:
    row = uow.components.get(component_id)
    if row is None:
        raise NotFoundError(f"no component with id {component_id}")
    return ComponentView.of(row)


def database_health(uow: UnitOfWork) -> str:
    """The database's dialect, after a real query (the generation counter)."""
    uow.graph.generation()
    return uow.dialect


@dataclass(frozen=True, slots=True)
class LineageLink:
    """What a component was made from, as one BOM declares: a dataset or a base model."""

    kind: str
    component: ComponentView
    bom_ids: tuple[int, ...]


def lineage(
    uow: UnitOfWork, cache: PortfolioCache, component_id: int, viewer: Viewer | None = None
) -> list[LineageLink]:
    component = get_component(uow, component_id)
    graph = cache.current(uow)
    if component.id not in graph:
        return []
    visible = visible_boms(uow, viewer)
    steps = [step for step in graph.lineage(component.id) if declared_visibly(step, visible)]
    views = {
        row.id: ComponentView.of(row) for row in uow.components.many(s.target_id for s in steps)
    }
    return [
        LineageLink(
            kind=",".join(sorted({d.kind.value for d in step.declarations})),
            component=views[step.target_id],
            bom_ids=tuple(sorted({d.bom_id for d in step.declarations})),
        )
        for step in steps
    ]


def _product_graph(
    uow: UnitOfWork, cache: PortfolioCache, product_id: int, viewer: Viewer | None
) -> tuple[PortfolioGraph, frozenset[int] | None]:
    graph = cache.current(uow)
    visible = visible_boms(uow, viewer)
    if not sees_product(graph, product_id, visible):
        raise NotFoundError(f"no product with id {product_id}")
    return graph, visible


def product_graph(
    uow: UnitOfWork, cache: PortfolioCache, product_id: int, viewer: Viewer | None = None
) -> dict[str, Any]:
    """The product's closure: components, the edges between them with their BOMs, lineage;
    for a caller who may not see every BOM, only what visible BOMs declare."""
    graph, visible = _product_graph(uow, cache, product_id, viewer)
    return closure_document(graph, product_id, visible)


def product_graphml(
    uow: UnitOfWork, cache: PortfolioCache, product_id: int, viewer: Viewer | None = None
) -> str:
    graph, visible = _product_graph(uow, cache, product_id, viewer)
    return closure_graphml(graph, product_id, visible)
