"""Read-side use cases: BOMs, products, components, and where each component is used."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.bom.identity import InvalidPurlError, identity_from_reference, normalise_purl
from app.domain.access import Viewer, Visibility
from app.domain.errors import AmbiguousReferenceError, NotFoundError, PermissionDeniedError
from app.services.portfolio import PortfolioCache
from app.store.repositories import BomFilter
from app.store.rows import BomRow, ComponentRow, OccurrenceRow
from app.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from app.graph.portfolio import Path, PortfolioGraph


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
class PathStep:
    """One step of a path as a person reads it: which BOM says parent holds child."""

    parent: str
    child: str
    kind: str
    bom_ids: tuple[int, ...]
    boms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProductUse:
    product_id: int
    product: str
    current_bom_id: int
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
    ai_reasons: tuple[str, ...]
    claimed_certificates: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ComponentStatus:
    component: ComponentView
    is_ai: bool
    ai_reasons: tuple[str, ...]
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
    visible = bom_filter(uow, viewer)
    if visible is None or not rows:
        return rows
    seen = uow.components.seen_in((row.id for row in rows), visible)
    return [row for row in rows if row.id in seen]


def _resolve_row(uow: UnitOfWork, reference: str, viewer: Viewer | None = None) -> ComponentRow:
    text = reference.strip()
    if text.isdigit():
        found = uow.components.get(int(text))
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


def describe_path(
    uow: UnitOfWork,
    graph: PortfolioGraph,
    path: Path,
    bom_names: Mapping[int, str] | None = None,
) -> tuple[PathStep, ...]:
    """A path as a person reads it; `bom_names` when the caller has them for many paths."""
    if bom_names is None:
        bom_names = uow.boms.subject_names(
            declaration.bom_id for step in path.steps for declaration in step.declarations
        )
    return tuple(
        PathStep(
            parent=graph.node(step.source_id).display_name,
            child=graph.node(step.target_id).display_name,
            kind=",".join(sorted({d.kind.value for d in step.declarations})),
            bom_ids=(ids := tuple(sorted({d.bom_id for d in step.declarations}))),
            boms=tuple(
                f"BOM {bom_id} ({bom_names[bom_id]})"
                if bom_id in bom_names
                else "the unsaved BOM under check"
                for bom_id in ids
            ),
        )
        for step in path.steps
    )


HIDDEN = "(inside a BOM you may not see)"


def bom_filter(uow: UnitOfWork, viewer: Viewer | None) -> BomFilter | None:
    """The condition a listing applies to keep to the BOMs a viewer may see inside; None
    when nothing is hidden from it."""
    if viewer is None or viewer.sees_everything:
        return None
    return uow.boms.visible_to(organisation_id(uow, viewer))


def visible_boms(uow: UnitOfWork, viewer: Viewer | None) -> frozenset[int] | None:
    """The BOMs a viewer may see inside; None when nothing is hidden from it."""
    if viewer is None or viewer.sees_everything:
        return None
    return frozenset(uow.boms.visible_ids(organisation_id(uow, viewer)))


def redacted(path: tuple[PathStep, ...], visible: frozenset[int] | None) -> tuple[PathStep, ...]:
    """The path up to the first step only hidden BOMs declare: the entry component stays,
    what lies beyond it is not named."""
    if visible is None:
        return path
    shown: list[PathStep] = []
    for step in path:
        if not visible.intersection(step.bom_ids):
            shown.append(PathStep(step.parent, HIDDEN, "hidden", (), ()))
            break
        shown.append(step)
    return tuple(shown)


def is_hidden(path: tuple[PathStep, ...]) -> bool:
    return bool(path) and path[-1].kind == "hidden"


def where_used(
    uow: UnitOfWork, cache: PortfolioCache, component_id: int, viewer: Viewer | None = None
) -> list[ProductUse]:
    graph = cache.current(uow)
    if component_id not in graph:
        return []
    visible = visible_boms(uow, viewer)
    holders = graph.where_used(component_id)
    bom_names = uow.boms.subject_names(
        d.bom_id for _, path in holders for step in path.steps for d in step.declarations
    )
    uses = []
    for product, path in holders:
        if visible is not None and product.current_bom_id not in visible:
            continue
        described = redacted(describe_path(uow, graph, path, bom_names), visible)
        if is_hidden(described):
            continue  # it is in this product only through a BOM the viewer may not see
        uses.append(
            ProductUse(
                product_id=product.component_id,
                product=graph.node(product.component_id).display_name,
                current_bom_id=product.current_bom_id,
                path=described,
            )
        )
    return uses


def component_status(
    uow: UnitOfWork, cache: PortfolioCache, component_id: int, viewer: Viewer | None = None
) -> ComponentStatus:
    component = uow.components.get(component_id)
    visible = visible_boms(uow, viewer)
    occurrences = uow.components.occurrences(component_id)
    if visible is not None:
        occurrences = [(o, b) for o, b in occurrences if b.id in visible]
    if component is None or not occurrences:
        raise NotFoundError(f"no component with id {component_id}")
    graph = cache.current(uow)
    current_boms = {product.current_bom_id for product in graph.products()}
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
        is_product=component_id in graph and graph.is_product(component_id),
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
        ai_reasons=tuple(occurrence.ai_reasons),
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


def organisation_id(uow: UnitOfWork, viewer: Viewer) -> int | None:
    organisation = uow.access.organisation(viewer.organisation)
    return organisation.id if organisation else None


def _visible_bom(uow: UnitOfWork, bom_id: int, viewer: Viewer | None) -> BomRow:
    """The BOM, if the viewer may see it; one that exists but is not theirs to see is
    answered exactly like one that does not exist, so nothing leaks."""
    bom = uow.boms.get(bom_id)
    hidden = (
        bom is not None
        and viewer is not None
        and not viewer.sees_everything
        and not uow.boms.is_visible(bom_id, organisation_id(uow, viewer))
    )
    if bom is None or hidden:
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


@dataclass(frozen=True, slots=True)
class ProductSummary:
    product: ComponentView
    current_bom_id: int
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
        (bom, subject)
        for bom, subject in uow.boms.current_for_subjects()
        if visible is None or bom.id in visible
    ]
    if after_id:
        boundary = uow.components.get(after_id)
        if boundary is not None:
            position = (boundary.identity_key, boundary.id)
            rows = [row for row in rows if (row[1].identity_key, row[1].id) > position]
    if limit is not None:
        rows = rows[:limit]
    return [_product_summary(graph, bom, subject, visible) for bom, subject in rows]


def get_product(
    uow: UnitOfWork, cache: PortfolioCache, product_id: int, viewer: Viewer | None = None
) -> ProductSummary:
    """One product the viewer may see; 404 for anything else, never a hint of what it is."""
    graph = cache.current(uow)
    visible = visible_boms(uow, viewer)
    subject = uow.components.get(product_id)
    if subject is None or product_id not in graph or not graph.is_product(product_id):
        raise NotFoundError(f"no product with id {product_id}")
    bom = uow.boms.get(graph.product(product_id).current_bom_id)
    if bom is None or (visible is not None and bom.id not in visible):
        raise NotFoundError(f"no product with id {product_id}")
    return _product_summary(graph, bom, subject, visible)


def _product_summary(
    graph: PortfolioGraph, bom: BomRow, subject: ComponentRow, visible: frozenset[int] | None
) -> ProductSummary:
    if visible is None:
        closure = graph.closure(subject.id)
        size = len(closure) - 1
        ai = sum(graph.node(c).is_ai for c in closure)
    else:
        # Count only what the caller's visible BOMs declare inside the product.
        inside = [
            node
            for node in graph.closure_document(subject.id, visible)["nodes"]
            if node["inside_product"] and node["id"] != subject.id
        ]
        size, ai = len(inside), sum(node["is_ai"] for node in inside)
    return ProductSummary(
        product=ComponentView.of(subject),
        current_bom_id=bom.id,
        sector=bom.sector,
        closure_size=size,
        ai_components=ai,
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
    steps = [
        step
        for step in graph.lineage(component.id)
        if visible is None or any(d.bom_id in visible for d in step.declarations)
    ]
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
    known = product_id in graph and graph.is_product(product_id)
    if not known or (
        visible is not None and graph.product(product_id).current_bom_id not in visible
    ):
        raise NotFoundError(f"no product with id {product_id}")
    return graph, visible


def product_graph(
    uow: UnitOfWork, cache: PortfolioCache, product_id: int, viewer: Viewer | None = None
) -> dict[str, Any]:
    """The product's closure: components, the edges between them with their BOMs, lineage;
    for a caller who may not see every BOM, only what visible BOMs declare."""
    graph, visible = _product_graph(uow, cache, product_id, viewer)
    return graph.closure_document(product_id, visible)


def product_graphml(
    uow: UnitOfWork, cache: PortfolioCache, product_id: int, viewer: Viewer | None = None
) -> str:
    graph, visible = _product_graph(uow, cache, product_id, viewer)
    return graph.closure_graphml(product_id, visible)
