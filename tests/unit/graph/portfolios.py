"""Portfolios for the graph layer's tests: builders from domain values, hypothesis
strategies with cycles, diamonds, self-loops, several BOMs and BOM-Links, and the slow,
obvious answers the graph layer must agree with."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from app.domain.bom import EdgeKind
from app.domain.portfolio import BomLink, PortfolioEdge, PortfolioNode, Product
from app.graph.paths import Path
from app.graph.portfolio import PortfolioGraph

DEP = EdgeKind.DEPENDENCY
CONTAINMENT = (EdgeKind.DEPENDENCY, EdgeKind.NESTING, EdgeKind.INVENTORY)
LINEAGE = (EdgeKind.DATASET, EdgeKind.BASE_MODEL)
# (source, target, BOM), a dependency; or (source, target, BOM, kind).
EdgeSpec = tuple[int, int, int] | tuple[int, int, int, EdgeKind]


def node(component_id: int, *, ai_boms: frozenset[int] = frozenset()) -> PortfolioNode:
    # Identity order is the reverse of id order, so no test passes by sorting on ids.
    key = f"key-{100_000 - component_id:06d}"
    return PortfolioNode(component_id, key, f"c{component_id}", "1", "library", ai_boms)


@dataclass(frozen=True)
class Portfolio:
    """What storage would hand the graph layer: components, declared edges, products, links."""

    edges: tuple[PortfolioEdge, ...]
    products: Mapping[int, tuple[int, ...]]
    links: tuple[BomLink, ...] = ()
    ai: Mapping[int, frozenset[int]] = field(default_factory=dict)
    extra_nodes: frozenset[int] = frozenset()

    @property
    def component_ids(self) -> set[int]:
        ids = {c for e in self.edges for c in (e.source_id, e.target_id)}
        ids |= {link.source_id for link in self.links}
        ids |= {link.target_id for link in self.links if link.target_id is not None}
        return ids | set(self.products) | set(self.extra_nodes)

    def nodes(self) -> list[PortfolioNode]:
        return [node(c, ai_boms=self.ai.get(c, frozenset())) for c in sorted(self.component_ids)]

    def graph(self) -> PortfolioGraph:
        return PortfolioGraph(
            self.nodes(),
            self.edges,
            [Product(c, boms) for c, boms in self.products.items()],
            self.links,
        )


def portfolio(
    edges: Iterable[EdgeSpec],
    products: Mapping[int, tuple[int, ...]],
    *,
    links: Iterable[BomLink] = (),
    ai: Mapping[int, frozenset[int]] | None = None,
) -> Portfolio:
    declared = tuple(PortfolioEdge(e[0], e[1], e[3] if len(e) > 3 else DEP, e[2]) for e in edges)
    return Portfolio(declared, dict(products), tuple(links), dict(ai or {}))


def graph(
    edges: Iterable[EdgeSpec],
    products: Mapping[int, tuple[int, ...]],
    *,
    links: Iterable[BomLink] = (),
    ai: Mapping[int, frozenset[int]] | None = None,
) -> PortfolioGraph:
    return portfolio(edges, products, links=links, ai=ai).graph()


def targets(path: Path) -> list[int]:
    return [step.target_id for step in path.steps]


def chain(path: Path) -> list[int]:
    """The components a path passes through, its start included."""
    return [path.steps[0].source_id, *targets(path)] if path.steps else []


# -- strategies ----------------------------------------------------------------------------


@st.composite
def portfolios(draw: st.DrawFn, *, max_size: int = 10, with_links: bool = True) -> Portfolio:
    """Small portfolios dense enough for cycles, diamonds and self-loops; BOMs 1-6, each the
    BOM of at most one product; links that lead into other BOMs, to components, or nowhere."""
    size = draw(st.integers(2, max_size))
    component = st.integers(0, size - 1)
    bom = st.integers(1, 6)
    edges = draw(
        st.lists(
            st.builds(PortfolioEdge, component, component, st.sampled_from(CONTAINMENT), bom)
            | st.builds(PortfolioEdge, component, component, st.sampled_from(LINEAGE), bom),
            max_size=3 * size,
        )
    )
    subjects = draw(st.lists(component, min_size=1, max_size=4, unique=True))
    owners = draw(st.lists(st.sampled_from(subjects), min_size=6, max_size=6))
    products: dict[int, tuple[int, ...]] = {}
    for bom_id, owner in enumerate(owners, start=1):
        if draw(st.booleans()):
            products[owner] = (*products.get(owner, ()), bom_id)
    products.setdefault(subjects[0], ())
    links: list[BomLink] = []
    if with_links:
        links = draw(
            st.lists(
                st.builds(
                    BomLink,
                    component,
                    bom,
                    st.sampled_from(["urn:cdx:a/1", "urn:cdx:b/1", "urn:cdx:c/2"]),
                    st.lists(bom, max_size=2, unique=True).map(tuple),
                    st.none() | component,
                ),
                max_size=3,
            )
        )
    ai = draw(st.dictionaries(component, st.frozensets(bom, max_size=2), max_size=3))
    return Portfolio(tuple(edges), products, tuple(links), ai)


# -- the slow, obvious answers -------------------------------------------------------------


def containment_edges(drawn: Portfolio) -> list[tuple[int, int, int]]:
    """(source, target, BOM) of every containment edge, BOM-Links to a component included."""
    found = [(e.source_id, e.target_id, e.bom_id) for e in drawn.edges if e.kind.is_containment]
    found += [
        (link.source_id, link.target_id, link.declared_by)
        for link in drawn.links
        if link.target_id is not None
    ]
    return found


def reachable(
    start: int, edges: Iterable[tuple[int, int, int]], boms: set[int], avoid: int | None = None
) -> dict[int, int]:
    """Distance from `start` to each component the edges of `boms` reach, never entering
    `avoid`."""
    listed = list(edges)
    distance = {start: 0}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        for source, target, bom in listed:
            if source == current and bom in boms and target not in distance and target != avoid:
                distance[target] = distance[current] + 1
                queue.append(target)
    return distance


def naive_scope(drawn: Portfolio, product: int) -> tuple[set[int], set[int]]:
    """The product's BOMs and closure as a fixpoint: include BOMs until nothing changes."""
    edges = containment_edges(drawn)
    boms = set(drawn.products.get(product, ()))
    while True:
        reached = set(reachable(product, edges, boms))
        more = set(boms)
        for component in reached:
            more.update(drawn.products.get(component, ()))
        for link in drawn.links:
            if link.source_id in reached and link.declared_by in boms:
                more.update(link.linked_boms)
        if more == boms:
            return boms, reached
        boms = more


def naive_introducers(
    drawn: Portfolio, product: int, component: int, scope: tuple[set[int], set[int]]
) -> dict[int, int]:
    """Each holder that introduces the component (decision record 12), with the length of
    the shortest path through it: a holder by an edge of the product's BOMs (`scope` is
    the product's BOMs and closure) that the product reaches without passing through the
    component."""
    boms, closure = scope
    if component == product or component not in closure:
        return {}
    edges = containment_edges(drawn)
    around = reachable(product, edges, boms, avoid=component)
    return {
        source: around[source] + 1
        for source, target, bom in edges
        if target == component and bom in boms and source != component and source in around
    }


# -- everything a graph answers -------------------------------------------------------------


def everything(graph: PortfolioGraph) -> dict[str, Any]:
    """All a graph answers, in the order it answers it."""
    components = graph.ordered(graph.nodes_where(("all", "tests"), lambda _node, _links: True))
    # A viewer who sees some of the BOMs: memoised answers for it must follow changes too.
    some = frozenset(b for b in graph.current_bom_ids() if b % 2 == 0)
    scopes = {}
    for product in graph.products():
        scope = graph.scope(product.component_id)
        scopes[product.component_id] = (
            sorted(scope.boms),
            list(scope.closure.items()),
            scope.missing_links,
            {c: scope.paths_to(c, 3) for c in scope.closure},
            {c: scope.tree_path(c) for c in scope.closure},
            sorted(graph.boms_of(product.component_id)),
            graph.closure_counts(product.component_id),
            graph.closure_counts(product.component_id, some),
        )
    return {
        # A memoised question about facts and links, kept up to date by every delta.
        "ai or linked": sorted(
            graph.nodes_where(("ai or linked", "tests"), lambda n, links: bool(n.ai_boms) or links)
        ),
        "nodes": [graph.node(c) for c in components],
        "out": {c: list(graph.adjacency(c).items()) for c in components},
        "in": {c: list(graph.holders(c)) for c in components},
        "lineage": {c: graph.lineage(c) for c in components},
        "links": {c: graph.links_of(c) for c in components},
        "products": graph.products(),
        "current": sorted(graph.current_bom_ids()),
        "edges": graph.edge_count,
        "scopes": scopes,
        "used": {
            c: [(product, path, sorted(scope.boms)) for product, path, scope in graph.where_used(c)]
            for c in components
        },
    }
