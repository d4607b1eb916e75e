"""Products with where each may go on a day, per destination group; nothing recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.access import Viewer
from app.domain.decision import GroupStatus, group_status
from app.domain.registry import Ruleset
from app.services.ai_judgement import ai_judgement, relevant_members
from app.services.destinations import question_destinations
from app.services.evidence import claimants, decision_inputs
from app.services.products import ProductSummary, get_product, list_products

if TYPE_CHECKING:
    from app.services.runtime import Runtime


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


def product_standings(
    runtime: Runtime,
    viewer: Viewer | None,
    *,
    groups: Sequence[str] | None,
    day: dt.date,
    sector: str | None = None,
    after_id: int = 0,
    limit: int | None = None,
    product_id: int | None = None,
) -> list[ProductStanding]:
    """Products (one, or a page) with their status per destination group; nothing recorded."""
    with runtime.reading() as uow:
        graph = runtime.cache.current(uow)
        snapshot = runtime.registry.current(uow)
        weighed = destination_groups(snapshot.ruleset_on(day), groups)
        if product_id is not None:
            summaries = [get_product(uow, runtime.cache, product_id, viewer)]
        else:
            summaries = list_products(uow, runtime.cache, viewer, after_id=after_id, limit=limit)
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
            statuses = tuple(group_status(slice_, registry, g, day, sector) for g in weighed)
            standings.append(ProductStanding(summary, statuses))
        return standings
