"""The portfolio graph: every current BOM joined by shared component identities.

Edge A -> B means A contains or depends on B. Containment edges (dependency, nesting,
inventory, BOM-Link) define a product's closure; lineage edges (dataset, base model) are kept
in a separate graph so they can be shown without ever putting anything inside a product.

A product is made of BOMs, not of every edge anybody declared: its walk starts with the
product's current BOMs and follows only edges those BOMs declare; reaching a component that is
the subject of other BOMs (or that a BOM-Link points at) brings those BOMs in too (PRODUCT.md
section 3, rules 4 and 5). So another organisation's unrelated BOM that declares an edge below a
shared library, or calls it a model, changes nothing inside someone else's product.
"""

from __future__ import annotations

import copy
import heapq
import itertools
import operator
import re
from collections import defaultdict, deque
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import networkx as nx

from app.domain.bom import EdgeKind
from app.domain.portfolio import BomLink, PortfolioEdge, PortfolioNode, Product

# One BOM's word that an edge exists: the stored edge itself, which names its kind and BOM.
Declaration = PortfolioEdge
_Adjacency = Mapping[int, Mapping[int, Mapping[str, Any]]]
_NOTHING: Mapping[int, Mapping[str, Any]] = {}
# A declaration's BOM, read by C code: edges shared by hundreds of products carry hundreds of
# declarations, and a walk asks of each whether one is the product's.
_BOM_ID = operator.itemgetter(3)


@dataclass(frozen=True, slots=True)
class Step:
    """One edge of a path, with every BOM of the product that declares it."""

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
        yield pair, tuple(declared)


@dataclass(frozen=True, slots=True)
class _Overlay:
    """An unsaved BOM standing in the graph (a dry run or a diff): its edges beside the
    stored ones, and the product whose current BOMs it joins or replaces."""

    nodes: Mapping[int, PortfolioNode]
    containment: Mapping[int, Mapping[int, tuple[Declaration, ...]]]
    reverse: Mapping[int, Mapping[int, tuple[Declaration, ...]]]
    lineage: Mapping[int, Mapping[int, tuple[Declaration, ...]]]
    product: Product
    links: Mapping[int, tuple[BomLink, ...]]


class PortfolioGraph:
    """Read-only once built; questions are answered in a deterministic order (by identity)."""

    def __init__(
        self,
        nodes: Iterable[PortfolioNode],
        edges: Iterable[PortfolioEdge],
        products: Iterable[Product],
        links: Iterable[BomLink] = (),
    ) -> None:
        self._nodes = {node.component_id: node for node in nodes}
        self._products = {product.component_id: product for product in products}
        self._current_boms = frozenset(b for p in self._products.values() for b in p.bom_ids)
        by_source: dict[int, list[BomLink]] = defaultdict(list)
        link_edges = []
        for link in sorted(links, key=lambda k: (k.source_id, k.urn, k.declared_by, k.linked_boms)):
            by_source[link.source_id].append(link)
            if link.target_id is not None and link.target_id in self._nodes:
                link_edges.append(
                    PortfolioEdge(
                        link.source_id, link.target_id, EdgeKind.BOM_LINK, link.declared_by
                    )
                )
        self._links: Mapping[int, list[BomLink]] = dict(by_source)
        order = sorted(self._nodes, key=lambda c: (self._nodes[c].identity_key, c))
        rank = {component: position for position, component in enumerate(order)}
        self._containment: nx.DiGraph[int] = nx.DiGraph()
        self._lineage: nx.DiGraph[int] = nx.DiGraph()
        self._containment.add_nodes_from(order)
        self._lineage.add_nodes_from(order)
        # Edges go in by (source identity, target identity): networkx keeps insertion order,
        # so every walk meets neighbours in identity order, whatever order BOMs arrived in,
        # without sorting on each question. Each edge is added once with every BOM that
        # declares it.
        ordered = sorted(
            itertools.chain(edges, link_edges),
            key=lambda e: (rank[e.source_id], rank[e.target_id], e.bom_id, e.kind),
        )
        for graph, wanted in ((self._containment, True), (self._lineage, False)):
            graph.add_edges_from(
                (source, target, {"declarations": declarations})
                for (source, target), declarations in _grouped(
                    edge for edge in ordered if edge.kind.is_containment is wanted
                )
            )
        # networkx's own adjacency dicts, for walks that visit every node of a closure (the
        # public views cost a wrapper per node, and a check walks ten thousand).
        adjacency = vars(self._containment)
        self._successors: _Adjacency = adjacency["_succ"]
        self._predecessors: _Adjacency = adjacency["_pred"]
        self._lineage_successors: _Adjacency = vars(self._lineage)["_succ"]
        self._overlay: _Overlay | None = None
        self._memo: dict[Hashable, frozenset[int]] = {}

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
            attributes["__networkx_cache__"] = {}
        self._memo = {}

    def current_bom_ids(self) -> frozenset[int]:
        return self._current_boms

    def products(self) -> list[Product]:
        return [self._products[node] for node in self._ordered(self._products)]

    def links_of(self, component_id: int) -> list[BomLink]:
        found = list(self._links.get(component_id, ()))
        if self._overlay is not None:
            found.extend(self._overlay.links.get(component_id, ()))
        return found

    def nodes_where(
        self, key: Hashable, predicate: Callable[[PortfolioNode, bool], bool]
    ) -> frozenset[int]:
        """The components for which `predicate(node, has_links)` holds, computed once per
        graph and `key`: a check then looks only at those of its closure."""
        found = self._memo.get(key)
        if found is None:
            nodes = dict(self._nodes)
            if self._overlay is not None:
                nodes.update(self._overlay.nodes)
            found = frozenset(
                c for c, node in nodes.items() if predicate(node, bool(self.links_of(c)))
            )
            self._memo[key] = found
        return found

    def _ordered(self, component_ids: Iterable[int]) -> list[int]:
        return sorted(component_ids, key=self._sort_key)

    def _sort_key(self, component_id: int) -> tuple[str, int]:
        node = self._nodes.get(component_id)
        if node is None and self._overlay is not None:
            node = self._overlay.nodes.get(component_id)
        return (node.identity_key if node else "", component_id)

    def _adjacency(self, component_id: int) -> Mapping[int, Mapping[str, Any]]:
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
        return merged

    def _out(self, component_id: int) -> Iterator[tuple[int, Sequence[Declaration]]]:
        """Containment edges out of a component: stored, then the overlay's."""
        for target, data in self._successors.get(component_id, {}).items():
            yield target, data["declarations"]
        if self._overlay is not None:
            yield from self._overlay.containment.get(component_id, {}).items()

    def _declared(self, source: int, target: int) -> Sequence[Declaration]:
        """Every declaration of one containment edge, stored and overlaid."""
        stored = self._successors.get(source, {}).get(target)
        found: Sequence[Declaration] = stored["declarations"] if stored is not None else ()
        if self._overlay is not None:
            found = (*found, *self._overlay.containment.get(source, {}).get(target, ()))
        return found

    def _in(self, component_id: int) -> Iterator[tuple[int, Sequence[Declaration]]]:
        for source, data in self._predecessors.get(component_id, {}).items():
            yield source, data["declarations"]
        if self._overlay is not None:
            yield from self._overlay.reverse.get(component_id, {}).items()

    def _lineage_out(self, component_id: int) -> Iterator[tuple[int, Sequence[Declaration]]]:
        for target, data in self._lineage_successors.get(component_id, {}).items():
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
        key = ("boms-of", product_id)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self.scope(product_id).boms
        return found

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
        extra_nodes: dict[int, PortfolioNode] = {}
        for node in nodes:
            known = self._nodes.get(node.component_id)
            if known is None:
                extra_nodes[node.component_id] = node
            else:
                extra_nodes[node.component_id] = PortfolioNode(
                    known.component_id,
                    known.identity_key,
                    known.name,
                    known.version,
                    known.type,
                    known.ai_boms | node.ai_boms,
                    known.purl,
                    (*known.artifacts, *node.artifacts),
                )
        containment: dict[int, dict[int, list[Declaration]]] = defaultdict(dict)
        reverse: dict[int, dict[int, list[Declaration]]] = defaultdict(dict)
        lineage: dict[int, dict[int, list[Declaration]]] = defaultdict(dict)
        by_source: dict[int, list[BomLink]] = defaultdict(list)
        link_edges = []
        for link in links:
            by_source[link.source_id].append(link)
            if link.target_id is not None:
                link_edges.append(
                    PortfolioEdge(
                        link.source_id, link.target_id, EdgeKind.BOM_LINK, link.declared_by
                    )
                )
        for edge in itertools.chain(edges, link_edges):
            if edge.kind.is_containment:
                containment[edge.source_id].setdefault(edge.target_id, []).append(edge)
                reverse[edge.target_id].setdefault(edge.source_id, []).append(edge)
            else:
                lineage[edge.source_id].setdefault(edge.target_id, []).append(edge)

        def frozen(
            table: dict[int, dict[int, list[Declaration]]],
        ) -> dict[int, dict[int, tuple[Declaration, ...]]]:
            return {
                source: {
                    target: tuple(found)
                    for target, found in sorted(targets.items(), key=lambda t: self._sort_key(t[0]))
                }
                for source, targets in table.items()
            }

        overlaid = copy.copy(self)
        overlaid._memo = {}
        overlaid._overlay = _Overlay(
            extra_nodes,
            frozen(containment),
            frozen(reverse),
            frozen(lineage),
            product,
            {source: tuple(found) for source, found in by_source.items()},
        )
        return overlaid

    def where_used(self, component_id: int) -> list[tuple[Product, Path, Scope]]:
        """Every other product whose closure holds the component, each with a shortest path
        and its scope, in identity order. A walk up every edge finds the candidates; each
        candidate's own walk decides, since only its BOMs count."""
        candidates: set[int] = set()
        seen = {component_id}
        queue = deque([component_id])
        while queue:
            current = queue.popleft()
            if current in self._products and current != component_id:
                candidates.add(current)
            for source, _ in self._in(current):
                if source not in seen:
                    seen.add(source)
                    queue.append(source)
        found = []
        for holder in self._ordered(candidates):
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
        return sorted(steps, key=lambda step: self._sort_key(step.target_id))

    def closure_document(
        self, product_id: int, visible_boms: frozenset[int] | None = None
    ) -> dict[str, Any]:
        """The product's closure as plain data (nodes, containment edges with the BOMs that
        declare them, and lineage from its models), in identity order; with `visible_boms`,
        only what those BOMs declare."""
        scope = self.scope(product_id)
        inside = scope.closure
        nodes = self._ordered(inside)
        edges: list[dict[str, Any]] = []
        targets: set[int] = set()
        for source in nodes:
            outgoing = [
                (target, scope.declarations(declared), True)
                for target, declared in self._out(source)
                if target in inside
            ] + [(step.target_id, step.declarations, False) for step in scope.lineage(source)]
            for target, declarations, _ in outgoing:
                shown = [
                    d for d in declarations if visible_boms is None or d.bom_id in visible_boms
                ]
                if not shown:
                    continue
                targets.add(target)
                edges.append(
                    {
                        "source": source,
                        "target": target,
                        "kinds": sorted({d.kind.value for d in shown}),
                        "bom_ids": sorted({d.bom_id for d in shown}),
                    }
                )
        lineage_only = self._ordered(targets.difference(inside))
        if visible_boms is not None:
            # Only components a visible BOM names, reached through visible steps.
            shown_nodes = {product_id, *(e["source"] for e in edges), *targets}
            nodes = [n for n in nodes if n in shown_nodes]
        return {
            "product_id": product_id,
            "boms": sorted(scope.boms),
            "nodes": [
                self._node_document(n, inside=n in inside, is_ai=scope.is_ai(n))
                for n in [*nodes, *lineage_only]
            ],
            "edges": edges,
        }

    def _node_document(self, component_id: int, *, inside: bool, is_ai: bool) -> dict[str, Any]:
        node = self.node(component_id)
        return {
            "id": component_id,
            "identity": node.identity_key,
            "name": node.display_name,
            "type": node.type,
            "is_ai": is_ai,
            "inside_product": inside,
        }

    def closure_graphml(self, product_id: int, visible_boms: frozenset[int] | None = None) -> str:
        """The same closure as GraphML, for graph tools."""
        document = self.closure_document(product_id, visible_boms)
        exported: nx.DiGraph[int] = nx.DiGraph()
        for node in document["nodes"]:
            exported.add_node(
                node["id"], **{k: _xml_safe_value(v) for k, v in node.items() if k != "id"}
            )
        for edge in document["edges"]:
            exported.add_edge(
                edge["source"],
                edge["target"],
                kinds=",".join(edge["kinds"]),
                bom_ids=",".join(str(b) for b in edge["bom_ids"]),
            )
        return "\n".join(nx.generate_graphml(exported))


# What XML 1.0 cannot carry at all, not even as a character reference: C0 controls other
# than tab, newline and carriage return, lone surrogates, U+FFFE and U+FFFF. A JSON BOM can
# hold them in any string.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` with each character XML cannot carry written as a visible escape (\\x01,
    \\ufffe), so a GraphML document is always well-formed whatever a BOM named."""
    return _NOT_XML.sub(
        lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text
    )


def _xml_safe_value(value: object) -> object:
    return xml_safe(value) if isinstance(value, str) else value


def _met(
    links: Iterable[BomLink],
    active: set[int],
    include: Callable[[Iterable[int]], None],
    waiting: dict[int, list[int]],
) -> list[BomLink]:
    """Follow the BOM-Links of a component reached: into their BOMs when the BOM declaring
    the link is one of the product's, else once it becomes one. The links that lead to no
    BOM held are returned."""
    missing = []
    for link in links:
        if link.is_missing or link.target_id is None:
            missing.append(link)
        if link.declared_by in active:
            include(link.linked_boms)
        else:
            waiting[link.declared_by].extend(link.linked_boms)
    return missing


class Scope:
    """One product as its BOMs make it (PRODUCT.md section 3): the BOMs it is made of, the
    components inside it, and a shortest-path tree from the product to each of them.

    The walk starts with the product's current BOMs and follows an edge only when one of
    those BOMs declares it. Reaching a subject of other BOMs, or a component a BOM-Link of an
    included BOM points from, includes their BOMs too; edges met before the BOM declaring them
    was included wait for it. The BOMs and the closure are thereby the least set closed under
    those rules, whatever order the walk met them in. When a waiting edge was taken, the tree
    is walked once more over the final BOMs, so that paths are shortest and ties fall in
    identity order, independent of the order in which BOMs were stored.
    """

    def __init__(self, graph: PortfolioGraph, product_id: int) -> None:
        self._graph = graph
        self.product_id = product_id
        self.boms: frozenset[int] = frozenset()
        # BOM-Links met in the product that lead to no BOM held (or no such component).
        self.missing_links: list[BomLink] = []
        parents, depth, released = self._expand()
        if released:
            parents, depth = self._shortest_tree()
        self._parents = parents
        self._depth = depth
        self._euler: tuple[dict[int, int], dict[int, int]] | None = None

    # -- the walk --------------------------------------------------------------------------

    def _expand(self) -> tuple[dict[int, int], dict[int, int], bool]:
        """The walk that finds the product's BOMs and components. Hot: a check walks every
        edge of a closure of tens of thousands, so it reads the adjacency dicts directly."""
        graph = self._graph
        start = self.product_id
        active: set[int] = set()
        parents = {start: start}
        depth = {start: 0}
        queue = deque([start])
        waiting_edges: dict[int, list[tuple[int, int]]] = defaultdict(list)
        waiting_boms: dict[int, list[int]] = defaultdict(list)
        released = False
        missing: list[BomLink] = []
        plain = graph._overlay is None
        stored = graph._successors
        links = graph._links if plain else None

        def include(boms: Iterable[int]) -> None:
            nonlocal released
            pending = list(boms)
            while pending:
                bom = pending.pop()
                if bom in active:
                    continue
                active.add(bom)
                for source, target in waiting_edges.pop(bom, ()):
                    if target not in parents:
                        parents[target] = source
                        depth[target] = depth[source] + 1
                        queue.append(target)
                        released = True
                pending.extend(waiting_boms.pop(bom, ()))

        include(graph.product(start).bom_ids if graph.is_product(start) else ())
        while queue:
            current = queue.popleft()
            if current != start and graph.is_product(current):
                include(graph.product(current).bom_ids)
            found = links.get(current) if links is not None else graph.links_of(current)
            outgoing = stored.get(current, _NOTHING) if plain else graph._adjacency(current)
            if found:
                missing.extend(_met(found, active, include, waiting_boms))
            below = depth[current] + 1
            for target, data in outgoing.items():
                if target in parents:
                    continue
                declarations = data["declarations"]
                # Most edges are declared by one BOM: test it without a generator.
                if (
                    declarations[0].bom_id in active
                    if len(declarations) == 1
                    else any(map(active.__contains__, map(_BOM_ID, declarations)))
                ):
                    parents[target] = current
                    depth[target] = below
                    queue.append(target)
                else:
                    for declaration in declarations:
                        waiting_edges[declaration.bom_id].append((current, target))
        self.boms = frozenset(active)
        # A missing link counts only where a BOM of the product declares it.
        self.missing_links = sorted(
            {link for link in missing if link.declared_by in active},
            key=lambda k: (graph._sort_key(k.source_id), k.urn),
        )
        return parents, depth, released

    def _shortest_tree(self) -> tuple[dict[int, int], dict[int, int]]:
        adjacency = self._graph._adjacency
        active = self.boms
        parents = {self.product_id: self.product_id}
        depth = {self.product_id: 0}
        queue = deque([self.product_id])
        while queue:
            current = queue.popleft()
            for target, data in adjacency(current).items():
                if target not in parents and any(
                    map(active.__contains__, map(_BOM_ID, data["declarations"]))
                ):
                    parents[target] = current
                    depth[target] = depth[current] + 1
                    queue.append(target)
        return parents, depth

    # -- what it holds ---------------------------------------------------------------------

    @property
    def closure(self) -> Mapping[int, int]:
        """Every component inside the product (a mapping to the component it was first
        reached from: iterate it, or ask `in`)."""
        return self._parents

    def declarations(self, declared: Iterable[Declaration]) -> tuple[Declaration, ...]:
        """Of an edge's declarations, those made by the product's BOMs, in a stable order."""
        return tuple(
            sorted({d for d in declared if d.bom_id in self.boms}, key=lambda d: (d.kind, d.bom_id))
        )

    def is_ai(self, component_id: int) -> bool:
        """An explicit AI signal from a BOM the product is made of."""
        return not self._graph.node(component_id).ai_boms.isdisjoint(self.boms)

    def artifacts(self, component_id: int) -> tuple[str, ...]:
        """File names, URLs and endpoints the product's BOMs give the component."""
        return tuple(
            artifact
            for bom, found in self._graph.node(component_id).artifacts
            if bom in self.boms
            for artifact in found
        )

    def holds_anything(self, component_id: int) -> bool:
        """Whether a BOM of the product lists parts inside the component."""
        return any(
            any(map(self.boms.__contains__, map(_BOM_ID, declared)))
            for _, declared in self._graph._out(component_id)
        )

    def nested_in_ai(self, component_id: int) -> bool:
        """Whether a BOM of the product nests the component inside one of its AI components
        (the weight files a generator lists under a declared model are that model)."""
        return any(
            self.is_ai(source)
            and any(d.kind is EdgeKind.NESTING and d.bom_id in self.boms for d in declared)
            for source, declared in self._graph._in(component_id)
        )

    def lineage(self, component_id: int) -> list[Step]:
        return self._graph.lineage(component_id, self.boms)

    # -- paths -----------------------------------------------------------------------------

    def _step(self, source: int, target: int) -> Step:
        return Step(source, target, self.declarations(self._graph._declared(source, target)))

    def _route(self, component_id: int) -> list[int]:
        nodes = [component_id]
        while nodes[-1] != self.product_id:
            nodes.append(self._parents[nodes[-1]])
        nodes.reverse()
        return nodes

    def tree_path(self, component_id: int) -> Path:
        """The first shortest path from the product to the component."""
        route = self._route(component_id)
        return Path(tuple(self._step(s, t) for s, t in itertools.pairwise(route)))

    def _euler_tour(self) -> tuple[dict[int, int], dict[int, int]]:
        """Entry and exit times of the tree's depth-first tour: `a` lies on the tree path to
        `b` exactly when enter[a] <= enter[b] and exit[b] <= exit[a]; one pass, then every
        such question costs two comparisons."""
        if self._euler is None:
            children: dict[int, list[int]] = defaultdict(list)
            for component, parent in self._parents.items():
                if component != parent:
                    children[parent].append(component)
            enter: dict[int, int] = {}
            leave: dict[int, int] = {}
            clock = 0
            stack: list[tuple[int, bool]] = [(self.product_id, False)]
            while stack:
                component, done = stack.pop()
                if done:
                    leave[component] = clock
                    clock += 1
                    continue
                enter[component] = clock
                clock += 1
                stack.append((component, True))
                stack.extend((child, False) for child in reversed(children.get(component, ())))
            self._euler = (enter, leave)
        return self._euler

    def _introducers(self, component_id: int, holders: list[int]) -> list[int]:
        """The holders whose tree path does not pass through the component itself (those
        are inside it, and do not introduce it). Only holders deeper than the component can
        be; a few are walked up to its depth, many are answered by one Euler tour."""
        depth = self._depth
        below = depth[component_id]
        deeper = [h for h in holders if depth[h] > below]
        if not deeper:
            return holders
        if len(deeper) * 8 > len(self._parents) or self._euler is not None:
            enter, leave = self._euler_tour()
            first, last = enter[component_id], leave[component_id]
            inside = {h for h in deeper if first <= enter[h] and leave[h] <= last}
        else:
            inside = set()
            for holder in deeper:
                node = holder
                while depth[node] > below:
                    node = self._parents[node]
                if node == component_id:
                    inside.add(holder)
        return [h for h in holders if h not in inside]

    def paths_to(self, component_id: int, limit: int) -> tuple[list[Path], int]:
        """Up to `limit` introductions of the component, shortest first (ties in identity
        order), and how many more there are.

        A component is introduced once per distinct parent that holds it inside the product
        (by an edge one of the product's BOMs declares); each introduction is the shortest
        path to that parent plus the step into the component. Parents reached only through
        the component itself do not introduce it. Time and memory grow with the number of
        parents and the length of the paths returned, never with the number of paths."""
        if component_id == self.product_id or component_id not in self._parents:
            return [], 0
        depth = self._depth
        holders = [
            source
            for source, declared in self._graph._in(component_id)
            if source in self._parents and any(map(self.boms.__contains__, map(_BOM_ID, declared)))
        ]
        parents = self._introducers(component_id, holders)
        chosen = heapq.nsmallest(
            max(limit, 0), parents, key=lambda p: (depth[p], self._graph._sort_key(p))
        )
        paths = [
            Path(
                tuple(
                    self._step(source, target)
                    for source, target in itertools.pairwise([*self._route(p), component_id])
                )
            )
            for p in chosen
        ]
        return paths, len(parents) - len(paths)
