"""The portfolio graph: every current BOM joined by shared component identities.

Edge A -> B means A contains or depends on B. Containment edges (dependency, nesting,
inventory, BOM-Link) define a product's closure; lineage edges (dataset, base model) are kept
in a separate graph so they can be shown without ever putting anything inside a product.

A product is made of BOMs, not of every edge anybody declared: its walk (app/graph/scope.py)
starts with the product's current BOMs and follows only edges those BOMs declare; reaching a
component that is the subject of other BOMs (or that a BOM-Link points at) brings those BOMs
in too (PRODUCT.md section 3, rules 4 and 5). So another organisation's unrelated BOM that
declares an edge below a shared library, or calls it a model, changes nothing inside someone
else's product.
"""

from __future__ import annotations

import copy
import itertools
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any, TypeVar, cast

import networkx as nx

from app.domain.portfolio import BomLink, PortfolioEdge, PortfolioNode, Product
from app.graph import documents
from app.graph.delta import GraphDelta, declarations_after, link_edges
from app.graph.ordered import NeighbourOrder, OrderedDiGraph
from app.graph.overlay import Overlay, overlay
from app.graph.paths import Declaration, Path, Step
from app.graph.scope import Scope
from app.graph.walks import above

# Which components satisfy a question about their facts and links (`nodes_where`).
NodeTest = Callable[[PortfolioNode, bool], bool]
# Edges out of each component as networkx keeps them: target -> edge data ("declarations").
Adjacency = Mapping[int, Mapping[int, Mapping[str, Any]]]
# The same, as the graph keeps it up to date.
_Tables = dict[int, Mapping[int, Mapping[str, Any]]]
_NOTHING: Mapping[int, Mapping[str, Any]] = {}
_T = TypeVar("_T")


def _link_order(link: BomLink) -> tuple[int, str, int, tuple[int, ...], int, str]:
    """BOM-Links by where they are declared, then by everything they say: the same order
    whichever way the graph came to hold them."""
    target = -1 if link.target_id is None else link.target_id
    return (link.source_id, link.urn, link.declared_by, link.linked_boms, target, link.location)


def _grouped(
    edges: Iterable[PortfolioEdge],
) -> Iterator[tuple[tuple[int, int], tuple[Declaration, ...]]]:
    """Consecutive edges between the same two components, merged into one with every
    declaration."""
    for pair, declared in itertools.groupby(edges, key=lambda e: (e.source_id, e.target_id)):
        yield pair, tuple(declared)


class PortfolioGraph:
    """Read-only once built; questions are answered in a deterministic order (by identity)."""

    def __init__(
        self,
        nodes: Iterable[PortfolioNode],
        edges: Iterable[PortfolioEdge],
        products: Iterable[Product],
        links: Iterable[BomLink] = (),
    ) -> None:
        self._nodes = known = {node.component_id: node for node in nodes}
        self._products = {product.component_id: product for product in products}
        self._current_boms = frozenset(b for p in self._products.values() for b in p.bom_ids)
        by_source: dict[int, list[BomLink]] = defaultdict(list)
        ordered_links = sorted(links, key=_link_order)
        for link in ordered_links:
            by_source[link.source_id].append(link)
        self._links: dict[int, list[BomLink]] = dict(by_source)
        order = sorted(self._nodes, key=lambda c: (self._nodes[c].identity_key, c))
        rank = {component: position for position, component in enumerate(order)}
        # The neighbour dicts' order reads the node table, not the graph: no reference cycle
        # keeps a released graph alive.
        self._order = NeighbourOrder(lambda c: (known[c].identity_key, c))
        self._order.trusted = True
        self._containment: nx.DiGraph[int] = OrderedDiGraph(self._order)
        self._lineage: nx.DiGraph[int] = OrderedDiGraph(self._order)
        self._containment.add_nodes_from(order)
        self._lineage.add_nodes_from(order)
        # Edges go in by (source identity, target identity): networkx keeps insertion order,
        # so every walk meets neighbours in identity order, whatever order BOMs arrived in,
        # without sorting on each question. Each edge is added once with every BOM that
        # declares it.
        ordered = sorted(
            itertools.chain(edges, link_edges(ordered_links, self._nodes)),
            key=lambda e: (rank[e.source_id], rank[e.target_id], e.bom_id, e.kind),
        )
        for graph, wanted in ((self._containment, True), (self._lineage, False)):
            graph.add_edges_from(
                (source, target, {"declarations": declarations})
                for (source, target), declarations in _grouped(
                    edge for edge in ordered if edge.kind.is_containment is wanted
                )
            )
        # The adjacency dicts networkx hands out through its public `adjacency()`, taken once
        # per graph: walks that visit every node of a closure read them directly, where the
        # `succ`/`pred` views would cost a wrapper per node (a check walks ten thousand).
        self._successors: _Tables = dict(self._containment.adjacency())
        self._predecessors: _Tables = dict(self._containment.reverse(copy=False).adjacency())
        self._lineage_successors: _Tables = dict(self._lineage.adjacency())
        self._order.trusted = False
        self._overlay: Overlay | None = None
        # What is known of each product until a delta touches what it holds (`kept`).
        self._kept: dict[tuple[int, str], tuple[Hashable, object]] = {}
        self._counts: dict[tuple[int, frozenset[int] | None], tuple[int, int]] = {}
        self._where: dict[Hashable, tuple[NodeTest, frozenset[int]]] = {}

    def apply(self, delta: GraphDelta) -> None:
        """Change the graph in place as `delta` says (app/graph/delta.py), leaving it as a
        graph built at once from the same portfolio would be: the same nodes, edges with the
        same declarations, each node's neighbours in identity order."""
        removed_links = link_edges(delta.removed_links, self._nodes)
        nodes = self._nodes
        # Most components a new or ended BOM mentions are described as before.
        refreshed = {n.component_id for n in delta.nodes if nodes.get(n.component_id) != n}
        for node in delta.nodes:
            nodes[node.component_id] = node
        new = sorted(c.component_id for c in delta.nodes if c.component_id not in self._containment)
        added_links = link_edges(delta.added_links, nodes)
        for graph, wanted in ((self._containment, True), (self._lineage, False)):
            graph.add_nodes_from(new)
            after = declarations_after(
                graph.edges,
                [
                    e
                    for e in (*delta.removed_edges, *removed_links)
                    if e.kind.is_containment is wanted
                ],
                [e for e in (*delta.added_edges, *added_links) if e.kind.is_containment is wanted],
            )
            graph.remove_edges_from(pair for pair, found in after.items() if not found)
            fresh = []
            for (source, target), found in after.items():
                if found and graph.has_edge(source, target):
                    graph.edges[source, target]["declarations"] = found
                elif found:
                    fresh.append((source, target, {"declarations": found}))
            graph.add_edges_from(fresh)
            graph.remove_nodes_from(delta.gone)
        self._index(new, delta.gone)
        for subject, boms in delta.products.items():
            if boms is None:
                self._products.pop(subject, None)
            else:
                self._products[subject] = Product(subject, boms)
        self._current_boms = frozenset(b for p in self._products.values() for b in p.bom_ids)
        self._relink(delta.removed_links, delta.added_links)
        self._forget(delta, refreshed, (*removed_links, *added_links))

    def _forget(
        self, delta: GraphDelta, refreshed: set[int], link_edges: Iterable[PortfolioEdge]
    ) -> None:
        """Forget what is memoised about the products above anything the delta touched (a
        products page after an upload recounts only those), and update node questions."""
        touched = {node.component_id for node in delta.nodes} | set(delta.products)
        for edge in (*delta.removed_edges, *delta.added_edges, *link_edges):
            touched.update((edge.source_id, edge.target_id))
        affected = above(self, touched) | touched
        self._counts = {k: v for k, v in self._counts.items() if k[0] not in affected}
        self._kept = {k: v for k, v in self._kept.items() if k[0] not in affected}
        # A component's facts, or whether links leave it, change only where the delta says.
        asked = refreshed | {link.source_id for link in (*delta.removed_links, *delta.added_links)}
        asked.difference_update(delta.gone)
        for key, (predicate, found) in list(self._where.items()):
            holds = {c for c in asked if predicate(self._nodes[c], bool(self.links_of(c)))}
            self._where[key] = (predicate, (found - asked - set(delta.gone)) | holds)

    def _index(self, new: Sequence[int], gone: Iterable[int]) -> None:
        """The tables the walks read, for nodes a delta added or removed (a new node's
        neighbours through networkx's views, costing a little more than a build's dicts)."""
        for component in gone:
            self._nodes.pop(component, None)
            for table in (self._successors, self._predecessors, self._lineage_successors):
                table.pop(component, None)
        for component in new:
            self._successors[component] = self._containment.succ[component]
            self._predecessors[component] = self._containment.pred[component]
            self._lineage_successors[component] = self._lineage.succ[component]

    def _relink(self, removed: Iterable[BomLink], added: Iterable[BomLink]) -> None:
        touched: set[int] = set()
        for link in removed:
            self._links[link.source_id].remove(link)
            touched.add(link.source_id)
        for link in added:
            self._links.setdefault(link.source_id, []).append(link)
            touched.add(link.source_id)
        for source in touched:
            found = sorted(self._links[source], key=_link_order)
            if found:
                self._links[source] = found
            else:
                del self._links[source]

    # -- facts -----------------------------------------------------------------------------

    def __contains__(self, component_id: object) -> bool:
        if self._overlay is not None and component_id in self._overlay.nodes:
            return True
        return component_id in self._nodes

    def node(self, component_id: int) -> PortfolioNode:
        if self._overlay is not None:
            found = self._overlay.nodes.get(component_id)
            if found is not None:
                return found
        return self._nodes[component_id]

    def is_product(self, component_id: int) -> bool:
        if self._overlay is not None and component_id == self._overlay.product.component_id:
            return True
        return component_id in self._products

    def product(self, component_id: int) -> Product:
        if self._overlay is not None and component_id == self._overlay.product.component_id:
            return self._overlay.product
        return self._products[component_id]

    @property
    def node_count(self) -> int:
        return len(self._nodes)

    @property
    def edge_count(self) -> int:
        """Distinct edges (containment and lineage), each however many BOMs declare it."""
        # Counted on the adjacency: networkx's number_of_edges() caches a degree view that
        # refers back to its graph, a cycle that keeps the whole graph alive once frozen.
        return sum(map(len, self._successors.values())) + sum(
            map(len, self._lineage_successors.values())
        )

    def release(self) -> None:
        """Called when this graph is replaced: break every reference cycle networkx made
        between its graphs and their cached views (`G.nodes`, `G.degree`… refer back to
        `G`), so that the graph is freed by reference counting as soon as the last request
        holding it lets go. The collector cannot do it: the graph was frozen out of its
        sight (app/services/collector.py). A request still using the graph loses nothing;
        a view asked for again is made again."""
        for graph in (self._containment, self._lineage):
            attributes = vars(graph)
            for name in [
                n for n in attributes if isinstance(getattr(type(graph), n, None), cached_property)
            ]:
                del attributes[name]
            graph.__networkx_cache__ = {}
        self._kept = {}
        self._counts = {}
        self._where = {}

    def current_bom_ids(self) -> frozenset[int]:
        return self._current_boms

    def products(self) -> list[Product]:
        return [self._products[node] for node in self.ordered(self._products)]

    def links_of(self, component_id: int) -> list[BomLink]:
        found = list(self._links.get(component_id, ()))
        if self._overlay is not None:
            found.extend(self._overlay.links.get(component_id, ()))
        return found

    def nodes_where(self, key: Hashable, predicate: NodeTest) -> frozenset[int]:
        """The components for which `predicate(node, has_links)` holds, computed once per
        graph and `key` (a delta asks the predicate again only of the components it
        touched): a check then looks only at those of its closure."""
        held = self._where.get(key)
        if held is None:
            nodes = dict(self._nodes)
            if self._overlay is not None:
                nodes.update(self._overlay.nodes)
            found = frozenset(
                c for c, node in nodes.items() if predicate(node, bool(self.links_of(c)))
            )
            self._where[key] = (predicate, found)
            return found
        return held[1]

    def ordered(self, component_ids: Iterable[int]) -> list[int]:
        """The components in identity order."""
        return sorted(component_ids, key=self.sort_key)

    def sort_key(self, component_id: int) -> tuple[str, int]:
        """Where a component falls in identity order."""
        node = self._nodes.get(component_id)
        if node is None and self._overlay is not None:
            node = self._overlay.nodes.get(component_id)
        return (node.identity_key if node else "", component_id)

    # -- edges, as the walks read them -----------------------------------------------------

    def stored_tables(self) -> tuple[Adjacency, Mapping[int, Sequence[BomLink]]] | None:
        """The stored containment adjacency and BOM-Links by source, for a walk to read
        directly; None when an unsaved BOM lies over the graph (ask `adjacency` and
        `links_of` then)."""
        return (self._successors, self._links) if self._overlay is None else None

    def adjacency(self, component_id: int) -> Mapping[int, Mapping[str, Any]]:
        """Containment edges out of a component as networkx keeps them (target -> data with
        its declarations), the overlay's merged in."""
        stored = self._successors.get(component_id, _NOTHING)
        if self._overlay is None:
            return stored
        extra = self._overlay.containment.get(component_id)
        if not extra:
            return stored
        merged = {target: {"declarations": data["declarations"]} for target, data in stored.items()}
        for target, declared in extra.items():
            known = merged.get(target)
            merged[target] = {
                "declarations": (*known["declarations"], *declared) if known else declared
            }
        # In identity order, as stored edges are: a dry run breaks ties as the same BOM
        # stored would.
        return dict(sorted(merged.items(), key=lambda item: self.sort_key(item[0])))

    def parts(self, component_id: int) -> Iterator[tuple[int, Sequence[Declaration]]]:
        """Containment edges out of a component: stored, then the overlay's."""
        for target, data in self._successors.get(component_id, _NOTHING).items():
            yield target, data["declarations"]
        if self._overlay is not None:
            yield from self._overlay.containment.get(component_id, {}).items()

    def holders(self, component_id: int) -> Iterator[tuple[int, Sequence[Declaration]]]:
        """Containment edges into a component: stored, then the overlay's."""
        for source, data in self._predecessors.get(component_id, _NOTHING).items():
            yield source, data["declarations"]
        if self._overlay is not None:
            yield from self._overlay.reverse.get(component_id, {}).items()

    def declared(self, source: int, target: int) -> Sequence[Declaration]:
        """Every declaration of one containment edge, stored and overlaid."""
        stored = self._successors.get(source, _NOTHING).get(target)
        found: Sequence[Declaration] = stored["declarations"] if stored is not None else ()
        if self._overlay is not None:
            found = (*found, *self._overlay.containment.get(source, {}).get(target, ()))
        return found

    def _lineage_out(self, component_id: int) -> Iterator[tuple[int, Sequence[Declaration]]]:
        for target, data in self._lineage_successors.get(component_id, _NOTHING).items():
            yield target, data["declarations"]
        if self._overlay is not None:
            yield from self._overlay.lineage.get(component_id, {}).items()

    # -- questions -------------------------------------------------------------------------

    def scope(self, product_id: int) -> Scope:
        """The product as its BOMs make it: which BOMs, which components, and how each is
        first reached (one walk, many answers)."""
        return Scope(self, product_id)

    def boms_of(self, product_id: int) -> frozenset[int]:
        """The BOMs the product is made of (its scope's), walked once per graph."""
        found = self.recall(product_id, "boms", None)
        if found is None:
            found = self.keep(product_id, "boms", None, self.scope(product_id).boms)
        return cast("frozenset[int]", found)

    def recall(self, product_id: int, what: str, key: Hashable) -> object | None:
        """What was kept as `what` of the product for `key`, while nothing the product holds
        has changed since (a delta forgets it for every product above what it touched)."""
        held = self._kept.get((product_id, what))
        return held[1] if held is not None and held[0] == key else None

    def keep(self, product_id: int, what: str, key: Hashable, value: _T) -> _T:
        """Keep `value` as `what` of the product for `key` (`recall`); only what the product's
        closure and `key` alone determine may be kept."""
        self._kept[product_id, what] = (key, value)
        return value

    def closure(self, product_id: int) -> set[int]:
        """Every component inside this product, itself included; cycles are harmless."""
        return set(self.scope(product_id).closure)

    def with_bom(
        self,
        product: Product,
        *,
        nodes: Iterable[PortfolioNode],
        edges: Iterable[PortfolioEdge],
        links: Iterable[BomLink] = (),
    ) -> PortfolioGraph:
        """This graph with an unsaved BOM standing in it (for a dry run or a diff): its
        nodes and edges beside the stored ones, and `product` made of the BOMs it names.
        The stored graph is not copied: the unsaved BOM lies over it."""
        overlaid = copy.copy(self)
        overlaid._kept = {}
        overlaid._counts = {}
        overlaid._where = {}
        overlaid._overlay = overlay(
            self._nodes, self.sort_key, product, nodes=nodes, edges=edges, links=links
        )
        return overlaid

    def where_used(self, component_id: int) -> list[tuple[Product, Path, Scope]]:
        """Every other product whose closure holds the component, each with a shortest path
        and its scope, in identity order. A walk up every edge finds the candidates; each
        candidate's own walk decides, since only its BOMs count."""
        candidates = {
            c for c in above(self, [component_id]) if c in self._products and c != component_id
        }
        found = []
        for holder in self.ordered(candidates):
            scope = self.scope(holder)
            if component_id not in scope.closure:
                continue
            found.append((self._products[holder], scope.tree_path(component_id), scope))
        return found

    def lineage(self, component_id: int, boms: frozenset[int] | None = None) -> list[Step]:
        """What a model was made from: its datasets and base models, as declared (by `boms`
        alone, when given)."""
        steps = []
        for target, declarations in self._lineage_out(component_id):
            chosen = tuple(
                sorted(
                    (d for d in declarations if boms is None or d.bom_id in boms),
                    key=lambda d: (d.kind, d.bom_id),
                )
            )
            if chosen:
                steps.append(Step(component_id, target, chosen))
        return sorted(steps, key=lambda step: self.sort_key(step.target_id))

    def closure_counts(
        self, product_id: int, visible_boms: frozenset[int] | None = None
    ) -> tuple[int, int]:
        """(components, AI components) inside the product besides itself, as
        `documents.closure_document` lists them; memoised per graph and BOMs seen."""
        shown = None if visible_boms is None else visible_boms & self.boms_of(product_id)
        key = (product_id, shown)
        found = self._counts.get(key)
        if found is None:
            found = self._counts[key] = documents.closure_counts(self, product_id, shown)
        return found
