"""The status-change feed: every recorded change of a product's status, as a viewer may see it.

A viewer reads the changes of products a BOM it may see describes (current or not, so that a
product that stopped being one still shows how). A cause names the BOM an upload,
supersession or retirement concerned only to a viewer who may see inside that BOM, and an
organisation's own classification record only to that organisation: the change itself is
the product's, but what caused it may be someone else's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from app.domain.access import Viewer
from app.domain.errors import NotFoundError
from app.domain.paging import STATUS_CHANGES, WHOLE_LIST, Page, PageRequest, read_limit
from app.domain.statuses import Cause, StatusChange
from app.domain.stored import ComponentRecord
from app.domain.webhooks import WebhookEvent
from app.services.destinations import question_destination
from app.services.visibility import bom_visibility, shows_bom, visible_boms
from app.services.webhooks import publish_each

if TYPE_CHECKING:
    from app.services.runtime import Runtime
    from app.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class StatusChangeView:
    change: StatusChange
    product: ComponentRecord


@dataclass(frozen=True, slots=True)
class FeedFilter:
    """Which changes are asked for: of one product, one group, from a moment on."""

    product_id: int | None = None
    group: str | None = None
    since: dt.datetime | None = None


def status_changes(
    runtime: Runtime,
    viewer: Viewer | None,
    wanted: FeedFilter = FeedFilter(),
    *,
    paging: PageRequest = WHOLE_LIST,
) -> Page[StatusChangeView]:
    """A page of the status changes the viewer may see, oldest first. A product it may not
    know of is answered 404, exactly like one that does not exist; a group that is neither
    a group of the ruleset in force today nor a country code is refused."""
    after = STATUS_CHANGES.after(paging.cursor, paging.where)
    with runtime.reading() as uow:
        group = wanted.group
        if group is not None:
            ruleset = runtime.registry.current(uow).ruleset_on(dt.datetime.now(dt.UTC).date())
            group = question_destination(group, ruleset, where="query/group")
        visibility = bom_visibility(uow, viewer)
        if wanted.product_id is not None:
            known = uow.components.get(wanted.product_id) is not None and (
                visibility is None
                or wanted.product_id in uow.statuses.described_for(visibility, [wanted.product_id])
            )
            if not known:
                raise NotFoundError(f"no product with id {wanted.product_id}")
        since = wanted.since
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=dt.UTC)
        found = uow.statuses.changes(
            after_id=after,
            limit=read_limit(paging.limit),
            visible_to=visibility,
            product_id=wanted.product_id,
            group=group,
            since=since,
        )
        page = STATUS_CHANGES.page(found, paging.limit, lambda change: change.id)
        views = _viewed(uow, viewer, page.items)
    return Page(views, page.next_cursor)


def latest_status_changes(
    runtime: Runtime, viewer: Viewer | None, *, count: int, since: dt.datetime
) -> tuple[StatusChangeView, ...]:
    """The newest `count` status changes since `since` the viewer may see, newest first."""
    with runtime.reading() as uow:
        found = uow.statuses.changes(
            after_id=None,
            limit=count,
            visible_to=bom_visibility(uow, viewer),
            since=since,
            newest_first=True,
        )
        return _viewed(uow, viewer, found)


def _viewed(
    uow: UnitOfWork, viewer: Viewer | None, changes: Sequence[StatusChange]
) -> tuple[StatusChangeView, ...]:
    """Each change with its product, its cause told as this viewer may be told it."""
    products = {p.id: p for p in uow.components.many(c.product_id for c in changes)}
    visible = visible_boms(uow, viewer)
    return tuple(
        StatusChangeView(
            replace(change, cause=told(change.cause, visible, viewer)), products[change.product_id]
        )
        for change in changes
    )


def told(cause: Cause, visible: frozenset[int] | None, viewer: Viewer | None) -> Cause:
    """The cause as this viewer may be told it."""
    if cause.bom_id is not None and not shows_bom(visible, cause.bom_id):
        cause = replace(cause, bom_id=None)
    if cause.private_to is not None and not (
        viewer is None or viewer.sees_everything or viewer.organisation == cause.private_to
    ):
        cause = replace(cause, ref=None)
    return replace(cause, private_to=None)


def announce_status_changes(
    uow: UnitOfWork, changes: Sequence[StatusChange], *, now: dt.datetime
) -> int:
    """`product.status_changed`, one message per change, to each subscriber that may see the
    product (as the feed does), its cause told as the feed tells it (in the settling pass's
    unit of work, so the messages commit with the changes)."""
    if not changes:
        return 0
    products = {p.id: p for p in uow.components.many(c.product_id for c in changes)}
    changed = {change.product_id for change in changes}

    def payloads_for(viewer: Viewer) -> Iterator[Mapping[str, object]]:
        visibility = bom_visibility(uow, viewer)
        seen = changed if visibility is None else uow.statuses.described_for(visibility, changed)
        visible = visible_boms(uow, viewer) if seen else frozenset()
        for change in changes:
            if change.product_id in seen:
                yield status_change_payload(
                    replace(change, cause=told(change.cause, visible, viewer)),
                    products[change.product_id],
                )

    return publish_each(uow, WebhookEvent.PRODUCT_STATUS_CHANGED, payloads_for, now=now)


def status_change_payload(change: StatusChange, product: ComponentRecord) -> dict[str, object]:
    """A status change as a webhook carries it (the feed's fields)."""
    return {
        "id": change.id,
        "product": {
            "id": product.id,
            "name": product.name,
            "version": product.version,
            "purl": product.purl,
        },
        "group": change.group,
        "old": None if change.old is None else change.old.value,
        "new": None if change.new is None else change.new.value,
        "cause": {
            "kind": change.cause.kind.value,
            "ref": change.cause.ref,
            "bom_id": change.cause.bom_id,
            "message": change.cause.sentence,
        },
        "evaluated_on": change.evaluated_on.isoformat(),
        "at": change.at.isoformat(),
    }
