"""Components: found by any reference, searched, what is known of one, where it is used."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.bom.identity import InvalidPurlError, identity_from_reference, normalise_purl
from app.domain.access import Viewer
from app.domain.bom import AiReason
from app.domain.errors import AmbiguousReferenceError, NotFoundError
from app.domain.ids import parse_id
from app.domain.paging import COMPONENTS, USES, WHOLE_LIST, Page, PageRequest, read_limit
from app.domain.stored import ComponentRecord, OccurrenceRecord
from app.services.paths import PathStep, describe_path
from app.services.portfolio import PortfolioCache
from app.services.visibility import (
    bom_visibility,
    knowable,
    sees_product,
    shown_boms,
    shows_bom,
    shows_use,
    visible_boms,
)
from app.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from app.services.runtime import Runtime


@dataclass(frozen=True, slots=True)
class ProductUse:
    product_id: int
    product: str
    current_bom_ids: tuple[int, ...]
    path: tuple[PathStep, ...]


@dataclass(frozen=True, slots=True)
class Appearance:
    """One mention of the component, with the subject of the BOM that makes it and whether
    that BOM is current: the mention itself is the stored occurrence, kept as it is."""

    occurrence: OccurrenceRecord
    bom_subject: str
    is_current: bool


@dataclass(frozen=True, slots=True)
class ComponentStatus:
    component: ComponentRecord
    is_ai: bool
    ai_reasons: tuple[AiReason, ...]
    types: tuple[str, ...]
    is_product: bool
    appearances: tuple[Appearance, ...]


def resolve_component(
    uow: UnitOfWork, reference: str, viewer: Viewer | None = None
) -> ComponentRecord:
    """A component named by id, purl, CPE, 'swid:<tagId>', identity key or name@version,
    within the caller's unit of work. With a viewer, a component no BOM it may see mentions
    is answered exactly like one that does not exist, and is never named among the
    candidates of an ambiguous name."""
    return _resolve_row(uow, reference, viewer)


def find_component(runtime: Runtime, reference: str) -> ComponentRecord:
    """The component a reference names (see `resolve_component`), for the operator."""
    with runtime.reading() as uow:
        return resolve_component(uow, reference)


def _seen(
    uow: UnitOfWork, rows: list[ComponentRecord], viewer: Viewer | None
) -> list[ComponentRecord]:
    """The rows a viewer may know of: those a BOM it may see mentions."""
    known = knowable(uow, viewer, [row.id for row in rows]) if rows else None
    return rows if known is None else [row for row in rows if row.id in known]


def _resolve_row(uow: UnitOfWork, reference: str, viewer: Viewer | None = None) -> ComponentRecord:
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
    runtime: Runtime,
    *,
    purl: str | None,
    name: str | None,
    type_: str | None,
    ai: bool | None,
    hash_value: str | None = None,
    viewer: Viewer | None = None,
    paging: PageRequest = WHOLE_LIST,
) -> Page[ComponentRecord]:
    """The components the viewer may know of that match every filter given, in id order:
    a page of `limit` after `cursor`."""
    after = COMPONENTS.after(paging.cursor, paging.where)
    normalised = purl
    if purl is not None:
        try:
            normalised = normalise_purl(purl)
        except InvalidPurlError:
            return Page(())
    with runtime.reading() as uow:
        found = uow.components.search(
            purl=normalised,
            name=name,
            type_=type_,
            ai=ai,
            after_id=after or 0,
            limit=read_limit(paging.limit),
            hash_value=hash_value,
            visible_to=bom_visibility(uow, viewer),
        )
    return COMPONENTS.page(found, paging.limit, lambda row: row.id)


def where_used(
    uow: UnitOfWork, cache: PortfolioCache, component_id: int, viewer: Viewer | None = None
) -> list[ProductUse]:
    """Every product holding the component (`where_used_page`); within the caller's unit of
    work."""
    return list(where_used_page(uow, cache, component_id, viewer).items)


def where_used_page(
    uow: UnitOfWork,
    cache: PortfolioCache,
    component_id: int,
    viewer: Viewer | None = None,
    *,
    paging: PageRequest = WHOLE_LIST,
) -> Page[ProductUse]:
    """The products holding the component, each with one shortest path, as the viewer may
    see them, in the graph's order: a page of `limit` after `cursor`, whose paths alone are
    described. Within the caller's unit of work."""
    graph = cache.current(uow)
    holders = graph.where_used(component_id) if component_id in graph else []
    visible = visible_boms(uow, viewer)
    # Only products it may see, holding the component through steps it may see.
    shown = [(product, path) for product, path, _ in holders if shows_use(product, path, visible)]
    page = USES.page_within(shown, lambda held: held[0].component_id, paging)
    bom_names = uow.boms.subject_names(
        d.bom_id for _, path in page.items for step in path.steps for d in step.declarations
    )
    return page.map(
        lambda held: ProductUse(
            product_id=held[0].component_id,
            product=graph.node(held[0].component_id).display_name,
            current_bom_ids=shown_boms(held[0].bom_ids, visible),
            path=describe_path(uow, graph, held[1], bom_names),
        )
    )


def uses_of_component(
    runtime: Runtime,
    component_id: int,
    viewer: Viewer | None = None,
    *,
    paging: PageRequest = WHOLE_LIST,
) -> tuple[ComponentRecord, Page[ProductUse]]:
    """A component the viewer may see (404 otherwise) and a page of the products holding
    it (`where_used_page`)."""
    with runtime.reading() as uow:
        component = component_status(uow, runtime.cache, component_id, viewer).component
        uses = where_used_page(uow, runtime.cache, component_id, viewer, paging=paging)
        return component, uses


def uses_of_reference(runtime: Runtime, reference: str) -> tuple[ComponentRecord, list[ProductUse]]:
    """The component a reference names and the products holding it, for the operator."""
    with runtime.reading() as uow:
        component = resolve_component(uow, reference)
        return component, where_used(uow, runtime.cache, component.id)


def component_status(
    uow: UnitOfWork, cache: PortfolioCache, component_id: int, viewer: Viewer | None = None
) -> ComponentStatus:
    """What the viewer may know of a component; within the caller's unit of work."""
    component = uow.components.get(component_id)
    visible = visible_boms(uow, viewer)
    occurrences = uow.components.occurrences(component_id)
    occurrences = [(o, b) for o, b in occurrences if shows_bom(visible, b.id)]
    if component is None or not occurrences:
        raise NotFoundError(f"no component with id {component_id}")
    graph = cache.current(uow)
    current_boms = graph.current_bom_ids()
    subjects = uow.boms.subject_names(bom.id for _, bom in occurrences)
    appearances = tuple(Appearance(o, subjects[b.id], b.id in current_boms) for o, b in occurrences)
    current = [a for a in appearances if a.is_current] or list(appearances)
    reasons = tuple(dict.fromkeys(r for a in current for r in a.occurrence.ai_reasons))
    return ComponentStatus(
        component=component,
        is_ai=bool(reasons),
        ai_reasons=reasons,
        types=tuple(sorted({a.occurrence.type for a in current})),
        # A product to this viewer only through a BOM it may see.
        is_product=sees_product(graph, component_id, visible),
        appearances=appearances,
    )


def get_component(uow: UnitOfWork, component_id: int) -> ComponentRecord:
    row = uow.components.get(component_id)
    if row is None:
        raise NotFoundError(f"no component with id {component_id}")
    return row
