"""Products with where each may go on a day, per destination group; nothing recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.access import Viewer
from app.domain.decision import Decision, GroupStatus, Verdicts, group_status
from app.domain.paging import Page
from app.domain.registry import Ruleset
from app.services.destinations import question_destinations
from app.services.evidence import kept_decision_inputs
from app.services.products import ProductSummary, get_product, list_products

if TYPE_CHECKING:
    from app.services.runtime import Runtime
    from app.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class ProductStanding:
    """A product as listed, with where it may go on the day asked."""

    summary: ProductSummary
    statuses: tuple[GroupStatus, ...]


def destination_groups(ruleset: Ruleset, requested: Sequence[str] | None) -> tuple[str, ...]:
    """The groups to weigh: those asked for (a group the ruleset defines, or a country
    code), else every group the ruleset defines."""
    if requested is None:
        return tuple(sorted(ruleset.country_groups))
    return question_destinations(requested, ruleset)


@dataclass(frozen=True, slots=True)
class StandingQuestion:
    """Where (destination groups; every group the ruleset defines when None), when, and for
    which sector (each product's own when None) the statuses are asked."""

    groups: Sequence[str] | None
    day: dt.date
    sector: str | None = None


def product_standings(
    runtime: Runtime,
    viewer: Viewer | None,
    asked: StandingQuestion,
    *,
    cursor: str | None = None,
    limit: int | None = None,
    where: str = "cursor",
) -> Page[ProductStanding]:
    """A page of the products the viewer may see (`list_products`), each with its status
    per destination group; nothing recorded."""
    with runtime.reading() as uow:
        page = list_products(uow, runtime.cache, viewer, cursor=cursor, limit=limit, where=where)
        standings = _standings(runtime, uow, page.items, asked)
    return Page(standings, page.next_cursor)


def product_standing(
    runtime: Runtime, viewer: Viewer | None, asked: StandingQuestion, product_id: int
) -> ProductStanding:
    """One product the viewer may see (404 otherwise), with its status per destination
    group; nothing recorded."""
    with runtime.reading() as uow:
        summary = get_product(uow, runtime.cache, product_id, viewer)
        (standing,) = _standings(runtime, uow, [summary], asked)
    return standing


def _standings(
    runtime: Runtime, uow: UnitOfWork, summaries: Sequence[ProductSummary], asked: StandingQuestion
) -> tuple[ProductStanding, ...]:
    found = statuses_of(runtime, uow, [summary.product.id for summary in summaries], asked)
    return tuple(ProductStanding(s, found[s.product.id]) for s in summaries)


def statuses_of(
    runtime: Runtime, uow: UnitOfWork, product_ids: Sequence[int], asked: StandingQuestion
) -> dict[int, tuple[GroupStatus, ...]]:
    """Each product's status per group asked: as stored when the stored ones are current
    (`kept_statuses`), else weighed now."""
    ruleset = runtime.registry.current(uow).ruleset_on(asked.day)
    weighed = destination_groups(ruleset, asked.groups)
    if asked.sector is None:
        kept = kept_statuses(
            uow, product_ids, weighed, asked.day, destination_groups(ruleset, None)
        )
        if kept is not None:
            return kept
    weighed_now = weigh(runtime, uow, product_ids, weighed, asked.day, sector=asked.sector)
    return {product: found.statuses for product, found in weighed_now.items()}


@dataclass(frozen=True, slots=True)
class Weighed:
    """A product's status per group on a day, and the sector its BOMs name."""

    statuses: tuple[GroupStatus, ...]
    sector: str | None


def weigh(
    runtime: Runtime,
    uow: UnitOfWork,
    product_ids: Sequence[int],
    groups: Sequence[str],
    day: dt.date,
    *,
    sector: str | None = None,
) -> dict[int, Weighed]:
    """Each product's status for each group on the day, checked now (for its own sector
    when `sector` is None); nothing recorded."""
    graph = runtime.cache.current(uow)
    snapshot = runtime.registry.current(uow)
    weighed: dict[int, Weighed] = {}
    # Hundreds of products hold the same models: each certificate verdict is reached once.
    verdicts = Verdicts()
    for product in product_ids:
        slice_, registry = kept_decision_inputs(uow, graph, product, snapshot=snapshot, day=day)
        statuses = tuple(
            group_status(slice_, registry, g, day, sector, verdicts=verdicts) for g in groups
        )
        weighed[product] = Weighed(statuses, slice_.sector)
    return weighed


def decisions_of(
    runtime: Runtime, uow: UnitOfWork, product_ids: Sequence[int], asked: StandingQuestion
) -> dict[int, dict[str, Decision]]:
    """Only the decision of each product per group asked (`statuses_of`, for counting many
    products): read from the stored statuses when every one is current, else weighed."""
    ruleset = runtime.registry.current(uow).ruleset_on(asked.day)
    weighed = destination_groups(ruleset, asked.groups)
    kept_groups = set(destination_groups(ruleset, None))
    if asked.sector is None and not uow.statuses.has_work():
        stored = uow.statuses.stored_decisions(product_ids)
        day = asked.day.isoformat()
        decisions = {decision.value: decision for decision in Decision}
        kept: dict[int, dict[str, Decision]] = {}
        for product in product_ids:
            held = stored.get(product, {})
            if not _answers_for(
                held.keys(), {g: on for g, (_, on) in held.items()}, weighed, day, kept_groups
            ):
                break
            kept[product] = {group: decisions[held[group][0]] for group in weighed}
        else:
            return kept
    return {
        product: {status.group: status.decision for status in statuses}
        for product, statuses in statuses_of(runtime, uow, product_ids, asked).items()
    }


def kept_statuses(
    uow: UnitOfWork,
    product_ids: Sequence[int],
    groups: Sequence[str],
    day: dt.date,
    kept_groups: Sequence[str],
) -> dict[int, tuple[GroupStatus, ...]] | None:
    """The stored statuses of these products for these groups on the day, when each product
    has exactly `kept_groups` stored (the groups of the ruleset in force), all for that day,
    and no change is waiting to be settled into them; None otherwise (the caller weighs them
    afresh: a stored status is never answered stale)."""
    if uow.statuses.has_work():
        return None
    stored = uow.statuses.stored(product_ids)
    kept: dict[int, tuple[GroupStatus, ...]] = {}
    on = day.isoformat()
    for product in product_ids:
        held = stored.get(product, {})
        days = {group: s.evaluated_on.isoformat() for group, s in held.items()}
        if not _answers_for(held.keys(), days, groups, on, set(kept_groups)):
            return None
        kept[product] = tuple(held[group].status for group in groups)
    return kept


def _answers_for(
    held: AbstractSet[str],
    days: Mapping[str, str],
    groups: Sequence[str],
    day: str,
    kept_groups: AbstractSet[str],
) -> bool:
    """Whether a product's stored statuses answer for these groups on the day (ISO 8601): it
    holds exactly the groups of the ruleset in force, and each group asked for that day. A
    group asked that is not kept (a country) is weighed afresh, never answered from storage."""
    return held == kept_groups and all(days.get(group) == day for group in groups)
