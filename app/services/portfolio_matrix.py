"""The portfolio as a matrix for people to look at: each product the viewer may see with
its status per destination group (the products list's own answer, stored statuses when they
are current), narrowed by filters, counted per group and status, and paged by the products
list's keyset."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.access import Viewer
from app.domain.decision import Decision
from app.domain.errors import InvalidRequestError, Located
from app.domain.paging import PRODUCTS, Page
from app.services.products import summaries, visible_products
from app.services.standings import (
    ProductStanding,
    StandingQuestion,
    decisions_of,
    destination_groups,
    statuses_of,
)
from app.services.status_feed import StatusChangeView, latest_status_changes
from app.services.visibility import shown_boms, visible_boms

if TYPE_CHECKING:
    from app.domain.portfolio import Product
    from app.services.runtime import Runtime
    from app.store.unit_of_work import UnitOfWork


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
    viewer does not see (any more): the page is never silently the first one. The counts
    cover every product the viewer may see, so the filters and counts read plain values
    for all of them, and only the page's products are read whole."""
    after = PRODUCTS.after(cursor, where)
    with runtime.reading() as uow:
        groups = destination_groups(runtime.registry.current(uow).ruleset_on(day), None)
        if wanted.group is not None and wanted.group not in groups:
            known = ", ".join(groups) or "none"
            raise InvalidRequestError(
                "unknown destination group",
                [Located("query/group", f"{wanted.group!r} is not one of: {known}")],
            )
        graph = runtime.cache.current(uow)
        visible = visible_boms(uow, viewer)
        products = visible_products(graph, visible)
        labels = _labels(uow, products, visible)
        passing = [
            p.component_id
            for p in products
            if _passes(graph.node(p.component_id).display_name, labels[p.component_id], wanted)
        ]
        asked = StandingQuestion(groups, day)
        decisions = decisions_of(runtime, uow, passing, asked)
        counts = {group: dict.fromkeys(Decision, 0) for group in groups}
        for product in passing:
            for group, decision in decisions[product].items():
                counts[group][decision] += 1
        if wanted.status is not None:
            passing = [p for p in passing if _has_status(decisions[p], wanted.group, wanted.status)]
        order = {p.component_id: index for index, p in enumerate(products)}
        start = 0
        if after is not None:
            if after not in order:
                raise PRODUCTS.names_no_item(where)
            start = order[after] + 1
        following = [products[order[p]] for p in passing if order[p] >= start]
        page = PRODUCTS.page(following[: limit + 1], limit, lambda p: p.component_id)
        listed = summaries(uow, graph, page.items, visible)
        statuses = statuses_of(runtime, uow, [p.component_id for p in page.items], asked)
    rows = [
        MatrixRow(
            ProductStanding(summary, statuses[summary.product.id]),
            labels[summary.product.id].publishers,
        )
        for summary in listed
    ]
    return PortfolioMatrix(day, groups, counts, len(passing), Page(tuple(rows), page.next_cursor))


def recent_status_changes(
    runtime: Runtime, viewer: Viewer | None, *, count: int = 8, days: int = 30
) -> tuple[StatusChangeView, ...]:
    """The latest `count` status changes of the last `days` the viewer may see, newest
    first."""
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    return latest_status_changes(runtime, viewer, count=count, since=since)


@dataclass(frozen=True, slots=True)
class _Label:
    # Who published the product's current BOMs the viewer may see; the sector they name.
    publishers: tuple[str, ...]
    sector: str | None


def _labels(
    uow: UnitOfWork, products: Sequence[Product], visible: frozenset[int] | None
) -> dict[int, _Label]:
    published = uow.boms.publishers(b for p in products for b in p.bom_ids)
    codes = uow.access.organisation_codes(
        organisation for organisation, _ in published.values() if organisation is not None
    )
    labels: dict[int, _Label] = {}
    for product in products:
        shown = shown_boms(product.bom_ids, visible)
        organisations = {published[b][0] for b in shown if b in published}
        # As the product's summary names it: the first of its current BOMs' sectors.
        sectors = [sector for b in product.bom_ids if (sector := published.get(b, (None, None))[1])]
        labels[product.component_id] = _Label(
            tuple(sorted(codes[o] for o in organisations if o is not None)),
            min(sectors) if sectors else None,
        )
    return labels


def _passes(name: str, label: _Label, wanted: PortfolioFilter) -> bool:
    if wanted.name and wanted.name.casefold() not in name.casefold():
        return False
    if wanted.sector and (label.sector or "").casefold() != wanted.sector.casefold():
        return False
    return not (wanted.organisation and wanted.organisation not in label.publishers)


def _has_status(decisions: Mapping[str, Decision], group: str | None, status: Decision) -> bool:
    return any(d == status for g, d in decisions.items() if group is None or g == group)
