"""A change to the portfolio graph, as a process applies it after an upload, a supersession
or a retirement, instead of building the whole graph again (decision record 15)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.domain.bom import EdgeKind
from app.domain.portfolio import BomLink, PortfolioEdge, PortfolioNode
from app.graph.paths import Declaration


@dataclass(frozen=True, slots=True)
class GraphDelta:
    """What changed between the portfolio the graph holds and the portfolio now.

    `nodes` are components to hold as given (new ones, or ones whose facts changed), `gone`
    those no BOM of the graph mentions any more; `removed_edges` and `added_edges` are the
    declared edges of BOMs that left or joined the graph; `products` maps each subject whose
    current BOMs changed to its current BOMs now (None: it is a product no more);
    `removed_links` and `added_links` are the resolved BOM-Links that went or came (a link
    whose resolution changed is both)."""

    nodes: tuple[PortfolioNode, ...] = ()
    gone: tuple[int, ...] = ()
    removed_edges: tuple[PortfolioEdge, ...] = ()
    added_edges: tuple[PortfolioEdge, ...] = ()
    products: Mapping[int, tuple[int, ...] | None] = field(default_factory=dict)
    removed_links: tuple[BomLink, ...] = ()
    added_links: tuple[BomLink, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (
            self.nodes
            or self.gone
            or self.removed_edges
            or self.added_edges
            or self.products
            or self.removed_links
            or self.added_links
        )


def link_edges(links: Iterable[BomLink], nodes: Mapping[int, PortfolioNode]) -> list[PortfolioEdge]:
    """The containment edges BOM-Links make: to the component a link names, when held."""
    return [
        PortfolioEdge(link.source_id, link.target_id, EdgeKind.BOM_LINK, link.declared_by)
        for link in links
        if link.target_id is not None and link.target_id in nodes
    ]


def _in_order(declarations: Iterable[Declaration]) -> tuple[Declaration, ...]:
    # As a graph built at once holds them: by BOM, then kind.
    return tuple(sorted(declarations, key=lambda d: (d.bom_id, d.kind)))


def declarations_after(
    edges: Mapping[tuple[int, int], Mapping[str, Any]],
    removed: Iterable[PortfolioEdge],
    added: Iterable[PortfolioEdge],
) -> dict[tuple[int, int], tuple[Declaration, ...]]:
    """Every declaration of each edge the change touches, once it is made (none: the edge
    goes). `edges` are the graph's (networkx's edge view: (source, target) -> data)."""
    gone: dict[tuple[int, int], Counter[Declaration]] = {}
    for edge in removed:
        gone.setdefault((edge.source_id, edge.target_id), Counter())[edge] += 1
    came: dict[tuple[int, int], list[Declaration]] = {}
    for edge in added:
        came.setdefault((edge.source_id, edge.target_id), []).append(edge)
    after: dict[tuple[int, int], tuple[Declaration, ...]] = {}
    for pair in sorted(gone.keys() | came.keys()):
        held: list[Declaration] = list(edges[pair]["declarations"]) if pair in edges else []
        dropped = gone.get(pair, Counter())
        kept = []
        for declaration in held:
            if dropped[declaration] > 0:
                dropped[declaration] -= 1
            else:
                kept.append(declaration)
        after[pair] = _in_order([*kept, *came.get(pair, ())])
    return after
