"""An unsaved BOM standing in the portfolio graph, for a dry run or a diff: its components
and edges lie over the stored ones, which are neither copied nor changed."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from app.domain.bom import EdgeKind
from app.domain.portfolio import BomLink, PortfolioEdge, PortfolioNode, Product
from app.graph.paths import Declaration

_Table = Mapping[int, Mapping[int, tuple[Declaration, ...]]]


@dataclass(frozen=True, slots=True)
class Overlay:
    """An unsaved BOM's part of the graph: its edges beside the stored ones (by source, and
    by target for walks upward), and the product whose current BOMs it joins or replaces."""

    nodes: Mapping[int, PortfolioNode]
    containment: _Table
    reverse: _Table
    lineage: _Table
    product: Product
    links: Mapping[int, tuple[BomLink, ...]]


def _merged(known: PortfolioNode | None, node: PortfolioNode) -> PortfolioNode:
    """A component the unsaved BOM names: as stored, with the BOM's AI signals and artifacts
    added, or as the BOM gives it when it is new."""
    if known is None:
        return node
    return PortfolioNode(
        known.component_id,
        known.identity_key,
        known.name,
        known.version,
        known.type,
        known.ai_boms | node.ai_boms,
        known.purl,
        (*known.artifacts, *node.artifacts),
    )


def overlay(
    stored: Mapping[int, PortfolioNode],
    sort_key: Callable[[int], tuple[str, int]],
    product: Product,
    *,
    nodes: Iterable[PortfolioNode],
    edges: Iterable[PortfolioEdge],
    links: Iterable[BomLink],
) -> Overlay:
    """The unsaved BOM's nodes, edges and links as they lie over the `stored` components;
    each component's edges in identity order of their other end (`sort_key`)."""
    extra_nodes = {n.component_id: _merged(stored.get(n.component_id), n) for n in nodes}
    containment: dict[int, dict[int, list[Declaration]]] = defaultdict(dict)
    reverse: dict[int, dict[int, list[Declaration]]] = defaultdict(dict)
    lineage: dict[int, dict[int, list[Declaration]]] = defaultdict(dict)
    by_source: dict[int, list[BomLink]] = defaultdict(list)
    link_edges = []
    for link in links:
        by_source[link.source_id].append(link)
        if link.target_id is not None:
            link_edges.append(
                PortfolioEdge(link.source_id, link.target_id, EdgeKind.BOM_LINK, link.declared_by)
            )
    for edge in itertools.chain(edges, link_edges):
        if edge.kind.is_containment:
            containment[edge.source_id].setdefault(edge.target_id, []).append(edge)
            reverse[edge.target_id].setdefault(edge.source_id, []).append(edge)
        else:
            lineage[edge.source_id].setdefault(edge.target_id, []).append(edge)

    def frozen(table: dict[int, dict[int, list[Declaration]]]) -> _Table:
        return {
            source: {
                target: tuple(found)
                for target, found in sorted(targets.items(), key=lambda t: sort_key(t[0]))
            }
            for source, targets in table.items()
        }

    return Overlay(
        extra_nodes,
        frozen(containment),
        frozen(reverse),
        frozen(lineage),
        product,
        {source: tuple(found) for source, found in by_source.items()},
    )
