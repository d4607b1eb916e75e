"""The portfolio as a matrix for people to look at: each product the viewer may see with
its status per destination group (the products list's own answer, stored statuses when they
are current), narrowed by filters, counted per group and status, and paged by the products
list's keyset."""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.domain.access import Viewer
from app.domain.decision import Decision
from app.domain.errors import InvalidRequestError, Located
from app.domain.paging import PRODUCTS, Page, PageRequest
from app.services.runtime import Runtime
from app.services.standings import (
    ProductStanding,
    StandingQuestion,
    destination_groups,
    product_standings,
)
from app.services.status_feed import FeedFilter, StatusChangeView, status_changes


@dataclass(frozen=True, slots=True)
class PortfolioFilter:
    """What the matrix is narrowed to; each unset filter lets everything through. `status`
    is looked for in `group` when one is given, else in any group."""

    group: str | None = None
    status: Decision | None = None
    sector: str | None = None
    organisation: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class MatrixRow:
    standing: ProductStanding
    # Who published the product's current BOMs that the viewer may see.
    organisations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PortfolioMatrix:
    day: dt.date
    groups: tuple[str, ...]
    # Products passing every filter but the status one, by group and status.
    counts: Mapping[str, Mapping[Decision, int]]
    matching: int
    page: Page[MatrixRow]


def portfolio_matrix(
    runtime: Runtime,
    viewer: Viewer | None,
    wanted: PortfolioFilter,
    *,
    day: dt.date,
    cursor: str | None = None,
    limit: int = 25,
    where: str = "cursor",
) -> PortfolioMatrix:
    """A page of `limit` rows after `cursor`. A group the ruleset in force does not define
    is refused; so is a cursor this list did not answer, or one naming a product the
    viewer does not see (any more): the page is never silently the first one."""
    after = PRODUCTS.after(cursor, where)
    with runtime.reading() as uow:
        groups = destination_groups(runtime.registry.current(uow).ruleset_on(day), None)
    if wanted.group is not None and wanted.group not in groups:
        known = ", ".join(groups) or "none"
        raise InvalidRequestError(
            "unknown destination group",
            [Located("query/group", f"{wanted.group!r} is not one of: {known}")],
        )
    standings = product_standings(runtime, viewer, StandingQuestion(groups, day)).items
    publishers = _publishers(runtime, standings)
    rows = [
        MatrixRow(standing, publishers[standing.summary.product.id])
        for standing in standings
        if _passes(standing, publishers[standing.summary.product.id], wanted)
    ]
    counts = {group: dict.fromkeys(Decision, 0) for group in groups}
    for row in rows:
        for status in row.standing.statuses:
            counts[status.group][status.decision] += 1
    if wanted.status is not None:
        rows = [row for row in rows if _has_status(row.standing, wanted.group, wanted.status)]
    order = {standing.summary.product.id: index for index, standing in enumerate(standings)}
    start = 0
    if after is not None:
        if after not in order:
            raise PRODUCTS.names_no_item(where)
        start = order[after] + 1
    following = [row for row in rows if order[row.standing.summary.product.id] >= start]
    page = PRODUCTS.page(following[: limit + 1], limit, lambda row: row.standing.summary.product.id)
    return PortfolioMatrix(day, groups, counts, len(rows), page)


def recent_status_changes(
    runtime: Runtime, viewer: Viewer | None, *, count: int = 8, days: int = 30
) -> tuple[StatusChangeView, ...]:
    """The latest `count` status changes of the last `days` the viewer may see, newest
    first (the feed, read to its end)."""
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    latest: deque[StatusChangeView] = deque(maxlen=count)
    cursor = None
    while True:
        page = status_changes(
            runtime, viewer, FeedFilter(since=since), paging=PageRequest(cursor, 500)
        )
        latest.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return tuple(reversed(latest))


def _publishers(
    runtime: Runtime, standings: Sequence[ProductStanding]
) -> dict[int, tuple[str, ...]]:
    with runtime.reading() as uow:
        boms = {
            bom.id: bom.organisation_id
            for bom in uow.boms.many(b for s in standings for b in s.summary.current_bom_ids)
        }
        codes = uow.access.organisation_codes(o for o in boms.values() if o is not None)
    return {
        standing.summary.product.id: tuple(
            sorted({codes[o] for b in standing.summary.current_bom_ids if (o := boms.get(b))})
        )
        for standing in standings
    }


def _passes(
    standing: ProductStanding, publishers: tuple[str, ...], wanted: PortfolioFilter
) -> bool:
    product = standing.summary.product
    if wanted.name and wanted.name.casefold() not in product.display_name.casefold():
        return False
    if wanted.sector and (standing.summary.sector or "").casefold() != wanted.sector.casefold():
        return False
    return not (wanted.organisation and wanted.organisation not in publishers)


def _has_status(standing: ProductStanding, group: str | None, status: Decision) -> bool:
    return any(s.decision == status for s in standing.statuses if group is None or s.group == group)
