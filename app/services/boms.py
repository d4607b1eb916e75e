"""Stored BOMs as callers see them: read, listed, their documents, and who may see inside."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.access import Viewer, Visibility
from app.domain.copying import copied
from app.domain.errors import NotFoundError, PermissionDeniedError
from app.domain.paging import BOMS, WHOLE_LIST, Page, PageRequest, read_limit
from app.domain.stored import BomEnding, BomRecord
from app.services.visibility import bom_visibility, may_see_bom, visible_boms
from app.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from app.services.runtime import Runtime


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
    # Why and when it stopped being current, when a supersession or retirement ended it.
    ending: BomEnding | None = None


def _bom_views(uow: UnitOfWork, boms: list[BomRecord]) -> list[BomView]:
    names = uow.boms.subject_names(bom.id for bom in boms)
    shares = uow.boms.shared_with(bom.id for bom in boms)
    endings = uow.boms.endings(bom.id for bom in boms)
    # Only the organisations this page names: the owners and those shared with.
    codes = uow.access.organisation_codes(
        [bom.organisation_id for bom in boms if bom.organisation_id is not None]
        + [organisation for shared in shares.values() for organisation in shared]
    )
    return [
        copied(
            BomView,
            bom,
            version=bom.bom_version,
            product_id=bom.subject_id,
            product=names[bom.id],
            components=bom.component_count,
            ai_components=bom.ai_component_count,
            edges=bom.edge_count,
            incomplete_aggregates=list(bom.incomplete_aggregates),
            warnings=list(bom.warnings),
            organisation=codes.get(bom.organisation_id) if bom.organisation_id else None,
            shared_with=[codes[o] for o in shares.get(bom.id, [])],
            ending=endings.get(bom.id),
        )
        for bom in boms
    ]


def visible_bom(uow: UnitOfWork, bom_id: int, viewer: Viewer | None) -> BomRecord:
    """The BOM, if the viewer may see it; one that exists but is not theirs to see is
    answered exactly like one that does not exist, so nothing leaks."""
    bom = uow.boms.get(bom_id)
    if bom is None or not may_see_bom(uow, bom_id, viewer):
        raise NotFoundError(f"no BOM with id {bom_id}")
    return bom


def bom_view(uow: UnitOfWork, bom_id: int, viewer: Viewer | None = None) -> BomView:
    """A BOM the viewer may see, within the caller's unit of work."""
    return _bom_views(uow, [visible_bom(uow, bom_id, viewer)])[0]


def get_bom(runtime: Runtime, bom_id: int, viewer: Viewer | None = None) -> BomView:
    with runtime.reading() as uow:
        return bom_view(uow, bom_id, viewer)


def list_boms(
    runtime: Runtime,
    *,
    product_id: int | None,
    viewer: Viewer | None = None,
    paging: PageRequest = WHOLE_LIST,
) -> Page[BomView]:
    """The BOMs the viewer may see (of one product, or all), oldest first: a page of
    `limit` after `cursor`."""
    after = BOMS.after(paging.cursor, paging.where)
    with runtime.reading() as uow:
        found = uow.boms.page(
            subject_id=product_id,
            after_id=after or 0,
            limit=read_limit(paging.limit),
            visible_to=bom_visibility(uow, viewer),
        )
        page = BOMS.page(found, paging.limit, lambda bom: bom.id)
        return Page(tuple(_bom_views(uow, list(page.items))), page.next_cursor)


def get_document(
    runtime: Runtime, bom_id: int, viewer: Viewer | None = None
) -> tuple[str, bytes, str]:
    """The media type, exact bytes and SHA-256 of a stored document."""
    with runtime.reading() as uow:
        bom = visible_bom(uow, bom_id, viewer)
        document = uow.boms.document(bom_id)
    if document is None:  # pragma: no cover - a stored BOM always has its document
        raise NotFoundError(f"no BOM with id {bom_id}")
    return bom.media_type, document, bom.sha256


def set_visibility(
    runtime: Runtime,
    bom_id: int,
    visibility: Visibility,
    share_with: list[str],
    viewer: Viewer,
    *,
    actor: str,
) -> BomView:
    """Only the owning organisation (or an administrator) decides who sees inside a BOM."""
    with runtime.writing() as uow:
        bom = visible_bom(uow, bom_id, viewer)
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
        detail = {"visibility": visibility.value, "shared_with": sorted(set(share_with))}
        uow.chain.changed("bom", bom_id, "visibility", actor, detail)
        uow.commit()
        return bom_view(uow, bom_id, viewer)


def bom_names(runtime: Runtime, viewer: Viewer | None, bom_ids: Iterable[int]) -> dict[int, str]:
    """What to call each of these BOMs that the viewer may see (its subject, `name@version`);
    a BOM it may not see is left out, as if it did not exist."""
    with runtime.reading() as uow:
        visible = visible_boms(uow, viewer)
        asked = [bom for bom in bom_ids if visible is None or bom in visible]
        return uow.boms.subject_names(asked)
