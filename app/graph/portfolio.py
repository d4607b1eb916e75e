"""The portfolio graph: every current BOM joined by shared component identities.

Edge A -> B means A contains or depends on B. Containment edges (dependency, nesting,
inventory) define a product's closure; lineage edges (dataset, base model) are kept in a
separate graph so they can be shown without ever putting anything inside a product.
Identities are shared across BOMs, so a module that is the subject of its supplier's BOM is
the same node in both: that is how a product reaches into its suppliers' BOMs.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from app.domain.portfolio import PortfolioEdge, PortfolioNode, Product

# One BOM's word that an edge exists: the stored edge itself, which names its kind and BOM.
Declaration = PortfolioEdge


@dataclass(frozen=True, slots=True)
class Step:
    """One edge of a path, with every current BOM that declares it."""

    source_id: int
    target_id: int
    declarations: tuple[Declaration, ...]


@dataclass(frozen=True, slots=True)
class Path:
    steps: tuple[Step, ...]


def _grouped(
    edges: Iterable[PortfolioEdge],
) -> Iterator[tuple[tuple[int, int], tuple[Declaration, ...]]]:
    """Consecutive edges between the same two components, merged into one with every
    declaration."""
    for pair, declared in itertools.groupby(edges, key=lambda e: (e.source_id, e.target_id)):
        # A BOM declares an edge of a kind once (ingest keeps them distinct), so every
        # element is its own declaration.
        yield pair, tuple(declared)


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
        self._current_boms = frozenset(p.current_bom_id for p in self._products.values())
        order = sorted(self._nodes, key=lambda c: (self._nodes[c].identity_key, c))
        rank = {component: position for position, component in enumerate(order)}
        self._containment: nx.DiGraph[int] = nx.DiGraph()
        self._lineage: nx.DiGraph[int] = nx.DiGraph()
        self._containment.add_nodes_from(order)
        self._lineage.add_nodes_from(order)
        # Edges go in by (source identity, target identity): networkx keeps insertion order,
        # so every walk meets neighbours in identity order, whatever order BOMs arrived in,
        # without sorting on each question. Ranks are integers, so the sort stays cheap at a
        # million edges, and each edge is added once with all the BOMs that declare it.
        ordered = sorted(edges, key=lambda e: (rank[e.source_id], rank[e.target_id]))
        # networkx's own adjacency dicts, for walks that visit every node of a closure.
        adjacency = vars(self._containment)
        self._successors: Mapping[int, Mapping[int, object]] = adjacency["_succ"]
        self._predecessors: Mapping[int, Mapping[int, object]] = adjacency["_pred"]
        for graph, wanted in ((self._containment, True), (self._lineage, False)):
            graph.add_edges_from(
                (source, target, {"declarations": declarations})
                for (source, target), declarations in _grouped(
                    edge for edge in ordered if edge.kind.is_containment is wanted
                )
            )

    # -- facts -----------------------------------------------------------------------------

    def __contains__(self, component_id: object) -> bool:
        return component_id in self._nodes

    def node(self, component_id: int) -> PortfolioNode:
        return self._nodes[component_id]

    def is_product(self, component_id: int) -> bool:
        return component_id in self._products

    def product(self, component_id: int) -> Product:
        return self._products[component_id]

    @property
    def node_count(self) -> int:
        return len(self._nodes)

    @property
    def edge_count(self) -> int:
        """Distinct edges (containment and lineage), each however many BOMs declare it."""
        return self._containment.number_of_edges() + self._lineage.number_of_edges()

    def current_bom_ids(self) -> frozenset[int]:
        return self._current_boms

    def products(self) -> list[Product]:
        return [self._products[node] for node in self._ordered(self._products)]

    def _ordered(self, component_ids: Iterable[int]) -> list[int]:
        return sorted(component_ids, key=self._sort_key)

    def _sort_key(self, component_id: int) -> tuple[str, int]:
        node = self._nodes.get(component_id)
        return (node.identity_key if node else "", component_id)

    def _step(self, graph: nx.DiGraph[int], source: int, target: int) -> Step:
        declarations = graph.edges[source, target]["declarations"]
        return Step(source, target, tuple(sorted(declarations, key=lambda d: (d.kind, d.bom_id))))

    # -- questions -------------------------------------------------------------------------

    def holds_anything(self, component_id: int) -> bool:
        """Whether any BOM lists parts inside this component."""
        return self._containment.out_degree(component_id) > 0

    def closure(self, component_id: int) -> set[int]:
        """Every component inside this one, itself included; cycles are harmless."""
        return {component_id, *nx.descendants(self._containment, component_id)}

    def ai_components_in(self, component_id: int) -> list[int]:
        return self._ordered(c for c in self.closure(component_id) if self._nodes[c].is_ai)

    def with_bom(
        self,
        product: Product,
        *,
        nodes: Iterable[PortfolioNode],
        edges: Iterable[PortfolioEdge],
    ) -> PortfolioGraph:
        """A new graph in which `product`'s current BOM is the one given (for a dry run):
        the edges its stored current BOM declared are left out, the new ones added."""
        replaced = self._products.get(product.component_id)
        all_nodes = dict(self._nodes)
        for node in nodes:
            known = all_nodes.get(node.component_id)
            if known is None or (node.is_ai and not known.is_ai):
                all_nodes[node.component_id] = node
        kept = [
            PortfolioEdge(source, target, declaration.kind, declaration.bom_id)
            for graph in (self._containment, self._lineage)
            for source, target, data in graph.edges(data=True)
            for declaration in data["declarations"]
            if replaced is None or declaration.bom_id != replaced.current_bom_id
        ]
        products = [p for p in self._products.values() if p.component_id != product.component_id]
        return PortfolioGraph(all_nodes.values(), [*kept, *edges], [*products, product])

    def closure_document(
        self, product_id: int, visible_boms: frozenset[int] | None = None
    ) -> dict[str, Any]:
        """The product's closure as plain data (nodes, containment edges with the BOMs that
        declare them, and lineage from its models), in identity order; with `visible_boms`,
        only what those BOMs declare."""
        inside = self.closure(product_id)
        nodes = self._ordered(inside)
        edges: list[dict[str, Any]] = []
        targets: set[int] = set()
        for graph in (self._containment, self._lineage):
            for source in nodes:
                for target in graph.successors(source):
                    if graph is self._containment and target not in inside:
                        continue
                    step = self._step(graph, source, target)
                    if visible_boms is not None and not any(
                        d.bom_id in visible_boms for d in step.declarations
                    ):
                        continue
                    targets.add(target)
                    edges.append(
                        {
                            "source": source,
                            "target": target,
                            "kinds": sorted({d.kind.value for d in step.declarations}),
                            "bom_ids": sorted({d.bom_id for d in step.declarations}),
                        }
                    )
        lineage_only = self._ordered(targets - inside)
        if visible_boms is not None:
            # Only components a visible BOM names, reached through visible steps.
            shown = {product_id, *(e["source"] for e in edges), *targets}
            nodes = [n for n in nodes if n in shown]
        return {
            "product_id": product_id,
            "nodes": [self._node_document(n, n in inside) for n in [*nodes, *lineage_only]],
            "edges": edges,
        }

    def _node_document(self, component_id: int, inside: bool) -> dict[str, Any]:
        node = self._nodes[component_id]
        return {
            "id": component_id,
            "identity": node.identity_key,
            "name": node.display_name,
            "type": node.type,
            "is_ai": node.is_ai,
            "inside_product": inside,
        }

    def closure_graphml(self, product_id: int, visible_boms: frozenset[int] | None = None) -> str:
        """The same closure as GraphML, for graph tools."""
        document = self.closure_document(product_id, visible_boms)
        exported: nx.DiGraph[int] = nx.DiGraph()
        for node in document["nodes"]:
            exported.add_node(node["id"], **{k: v for k, v in node.items() if k != "id"})
        for edge in document["edges"]:
            exported.add_edge(
                edge["source"],
                edge["target"],
                kinds=",".join(edge["kinds"]),
                bom_ids=",".join(str(b) for b in edge["bom_ids"]),
            )
        return "\n".join(nx.generate_graphml(exported))

    def introductions(self, product_id: int) -> Introductions:
        """Every way each component is introduced into one product (one walk, many answers)."""
        return Introductions(self, product_id)

    def where_used(self, component_id: int) -> list[tuple[Product, Path]]:
        """Every other product whose closure holds the component, each with a shortest path,
        in identity order. One breadth-first walk up the graph answers for all of them."""
        toward_target = self._search(self._predecessors, component_id)
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
        adjacency: Mapping[int, Mapping[int, object]],
        start: int,
        stop: int | None = None,
    ) -> dict[int, int]:
        """Breadth-first from `start` over an adjacency (networkx's `_succ` or `_pred`, read
        directly: a check walks ten thousand nodes, and the public views cost a wrapper per
        node); maps each reached node to the node it was reached from."""
        reached: dict[int, int] = {start: start}
        queue = deque([start])
        while queue:
            current = queue.popleft()
            for neighbour in adjacency[current]:
                if neighbour in reached:
                    continue
                reached[neighbour] = current
                if neighbour == stop:
                    return reached
                queue.append(neighbour)
        return reached


class Introductions:
    """Paths from one product to the components inside it, from one breadth-first walk.

    A component is introduced once per distinct parent that holds it inside the product; each
    introduction is the shortest path to that parent plus the step into the component.
    """

    def __init__(self, graph: PortfolioGraph, product_id: int) -> None:
        self._graph = graph
        self._product = product_id
        # Reached component -> the component it was first reached from (a shortest-path tree).
        self._parents = graph._search(graph._successors, product_id)

    @property
    def closure(self) -> set[int]:
        return set(self._parents)

    def _tree_path(self, component_id: int) -> list[int]:
        nodes = [component_id]
        while nodes[-1] != self._product:
            nodes.append(self._parents[nodes[-1]])
        nodes.reverse()
        return nodes

    def paths_to(self, component_id: int, limit: int) -> tuple[list[Path], int]:
        """Up to `limit` introductions, shortest first (ties in identity order), and how many
        more there are."""
        if component_id == self._product or component_id not in self._parents:
            return [], 0
        containment = self._graph._containment
        found: list[list[int]] = []
        for parent in containment.predecessors(component_id):
            if parent not in self._parents:
                continue
            route = self._tree_path(parent)
            if component_id in route:
                continue  # reaching the parent already passes through the component
            found.append([*route, component_id])
        found.sort(key=len)  # stable: predecessors already come in identity order
        paths = [
            Path(
                tuple(
                    self._graph._step(containment, source, target)
                    for source, target in itertools.pairwise(route)
                )
            )
            for route in found[:limit]
        ]
        return paths, max(0, len(found) - limit)
