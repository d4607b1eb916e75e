"""Products with where each may go on a day, per destination group; nothing recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.access import Viewer
from app.domain.decision import GroupStatus, group_status
from app.domain.paging import Page
from app.domain.registry import Ruleset
from app.services.ai_judgement import ai_judgement, relevant_members
from app.services.destinations import question_destinations
from app.services.evidence import claimants, decision_inputs
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
    day = asked.day
    graph = runtime.cache.current(uow)
    snapshot = runtime.registry.current(uow)
    weighed = destination_groups(snapshot.ruleset_on(day), asked.groups)
    scopes = {s.product.id: graph.scope(s.product.id) for s in summaries}
    judgements = {
        product: ai_judgement(uow, snapshot, scope, day) for product, scope in scopes.items()
    }
    relevant = {
        product: relevant_members(graph, scope, judgements[product])
        for product, scope in scopes.items()
    }
    standings = []
    for summary in summaries:
        product = summary.product
        scope = scopes[product.id]
        claims = uow.graph.claims_for(claimants(scope, relevant[product.id]), scope.boms)
        slice_, registry = decision_inputs(
            uow,
            graph,
            scope,
            relevant[product.id],
            claims,
            snapshot=snapshot,
            judgement=judgements[product.id],
            day=day,
        )
        statuses = tuple(group_status(slice_, registry, g, day, asked.sector) for g in weighed)
        standings.append(ProductStanding(summary, statuses))
    return tuple(standings)
