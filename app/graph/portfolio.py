"""The portfolio graph: every current BOM joined by shared component identities.

Edge A -> B means A contains or depends on B. Containment edges (dependency, nesting,
inventory) define a product's closure; lineage edges (dataset, base model) are kept in a
separate graph so they can be shown without ever putting anything inside a product.
Identities are shared across BOMs, so a module that is the subject of its supplier's BOM is
the same node in both: that is how a product reaches into its suppliers' BOMs.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import networkx as nx

from app.domain.bom import EdgeKind
from app.domain.portfolio import PortfolioEdge, PortfolioNode, Product


@dataclass(frozen=True, slots=True)
class Declaration:
    kind: EdgeKind
    bom_id: int


@dataclass(frozen=True, slots=True)
class Step:
    """One edge of a path, with every current BOM that declares it."""

    source_id: int
    target_id: int
    declarations: tuple[Declaration, ...]


@dataclass(frozen=True, slots=True)
class Path:
    steps: tuple[Step, ...]

    @property
    def component_ids(self) -> list[int]:
        if not self.steps:
            return []
        return [self.steps[0].source_id, *(step.target_id for step in self.steps)]


class PortfolioGraph:
    """Read-only once built; questions are answered in a deterministic order (by identity)."""

    def __init__(
        self,
        nodes: Iterable[PortfolioNode],
        edges: Iterable[PortfolioEdge],
        products: Iterable[Product],
    ) -> None:
        self._nodes = {node.component_id: node for node in nodes}
        self._products = {product.component_id: product for product in products}
        self._containment: nx.DiGraph[int] = nx.DiGraph()
        self._lineage: nx.DiGraph[int] = nx.DiGraph()
        self._containment.add_nodes_from(self._nodes)
        self._lineage.add_nodes_from(self._nodes)
        for edge in edges:
            graph = self._containment if edge.kind.is_containment else self._lineage
            declaration = Declaration(edge.kind, edge.bom_id)
            if graph.has_edge(edge.source_id, edge.target_id):
                graph.edges[edge.source_id, edge.target_id]["declarations"].add(declaration)
            else:
                graph.add_edge(edge.source_id, edge.target_id, declarations={declaration})

    # -- facts -----------------------------------------------------------------------------

    def __contains__(self, component_id: object) -> bool:
        return component_id in self._nodes

    def node(self, component_id: int) -> PortfolioNode:
        return self._nodes[component_id]

    def is_product(self, component_id: int) -> bool:
        return component_id in self._products

    def product(self, component_id: int) -> Product:
        return self._products[component_id]

    def products(self) -> list[Product]:
        return [self._products[node] for node in self._ordered(self._products)]

    @property
    def node_count(self) -> int:
        return len(self._nodes)

    @property
    def edge_count(self) -> int:
        return self._containment.number_of_edges() + self._lineage.number_of_edges()

    def _ordered(self, component_ids: Iterable[int]) -> list[int]:
        return sorted(component_ids, key=self._sort_key)

    def _sort_key(self, component_id: int) -> tuple[str, int]:
        node = self._nodes.get(component_id)
        return (node.identity_key if node else "", component_id)

    def _step(self, graph: nx.DiGraph[int], source: int, target: int) -> Step:
        declarations = graph.edges[source, target]["declarations"]
        return Step(source, target, tuple(sorted(declarations, key=lambda d: (d.kind, d.bom_id))))

    # -- questions -------------------------------------------------------------------------

    def closure(self, component_id: int) -> set[int]:
        """Every component inside this one, itself included; cycles are harmless."""
        return {component_id, *nx.descendants(self._containment, component_id)}

    def ai_components_in(self, component_id: int) -> list[int]:
        return self._ordered(c for c in self.closure(component_id) if self._nodes[c].is_ai)

    def shortest_path(self, source: int, target: int) -> Path | None:
        """The shortest containment path, ties broken by identity so the answer is stable."""
        if source == target:
            return Path(())
        parents = self._search(self._containment.successors, source, stop=target)
        if target not in parents:
            return None
        steps: list[Step] = []
        node = target
        while node != source:
            parent = parents[node]
            steps.append(self._step(self._containment, parent, node))
            node = parent
        return Path(tuple(reversed(steps)))

    def where_used(self, component_id: int) -> list[tuple[Product, Path]]:
        """Every other product whose closure holds the component, each with a shortest path,
        in identity order. One breadth-first walk up the graph answers for all of them."""
        toward_target = self._search(self._containment.predecessors, component_id)
        found = []
        for holder in self._ordered(toward_target):
            if holder == component_id or holder not in self._products:
                continue
            steps = []
            node = holder
            while node != component_id:
                child = toward_target[node]
                steps.append(self._step(self._containment, node, child))
                node = child
            found.append((self._products[holder], Path(tuple(steps))))
        return found

    def lineage(self, component_id: int) -> list[Step]:
        """What a model was made from: its datasets and base models, as declared."""
        if component_id not in self._lineage:
            return []
        return [
            self._step(self._lineage, component_id, target)
            for target in self._ordered(self._lineage.successors(component_id))
        ]

    def _search(
        self,
        neighbours: Callable[[int], Iterator[int]],
        start: int,
        stop: int | None = None,
    ) -> dict[int, int]:
        """Breadth-first from `start`; maps each reached node to the node it was reached from."""
        reached: dict[int, int] = {start: start}
        queue = deque([start])
        while queue:
            current = queue.popleft()
            for neighbour in self._ordered(neighbours(current)):
                if neighbour in reached:
                    continue
                reached[neighbour] = current
                if neighbour == stop:
                    return reached
                queue.append(neighbour)
        return reached
