"""One product as its BOMs make it (PRODUCT.md section 3): the walk that finds its BOMs and
the components inside it, and what those BOMs say about each component."""

from __future__ import annotations

import itertools
import operator
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from app.domain.bom import EdgeKind
from app.domain.portfolio import BomLink
from app.graph.paths import Declaration, Path, ShortestTree, Step, introductions

if TYPE_CHECKING:
    from app.graph.portfolio import PortfolioGraph

_NOTHING: Mapping[int, Mapping[str, Any]] = {}
# A declaration's BOM, read by C code: edges shared by hundreds of products carry hundreds of
# declarations, and a walk asks of each whether one is the product's.
_BOM_ID = operator.itemgetter(3)


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
    """One product as its BOMs make it: the BOMs it is made of, the components inside it,
    and a shortest-path tree from the product to each of them.

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
        self._tree = ShortestTree(product_id, parents, depth)

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
        stored, links = graph.stored_tables() or (None, None)

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
            outgoing = (
                stored.get(current, _NOTHING) if stored is not None else graph.adjacency(current)
            )
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
        self.missing_links = self._in_order(
            {link for link in missing if link.declared_by in active}
        )
        return parents, depth, released

    def _in_order(self, links: Iterable[BomLink]) -> list[BomLink]:
        """Links by where they are declared, then by everything they say."""
        return sorted(
            links,
            key=lambda k: (
                self._graph.sort_key(k.source_id),
                k.urn,
                k.declared_by,
                k.linked_boms,
                -1 if k.target_id is None else k.target_id,
                k.location,
            ),
        )

    def _follows(self, component_id: int) -> Iterator[int]:
        """The components an edge declared by one of the product's BOMs leads to."""
        boms = self.boms
        for target, data in self._graph.adjacency(component_id).items():
            if any(map(boms.__contains__, map(_BOM_ID, data["declarations"]))):
                yield target

    def _shortest_tree(self) -> tuple[dict[int, int], dict[int, int]]:
        parents = {self.product_id: self.product_id}
        depth = {self.product_id: 0}
        queue = deque([self.product_id])
        while queue:
            current = queue.popleft()
            for target in self._follows(current):
                if target not in parents:
                    parents[target] = current
                    depth[target] = depth[current] + 1
                    queue.append(target)
        return parents, depth

    # -- what it holds ---------------------------------------------------------------------

    @property
    def closure(self) -> Mapping[int, int]:
        """Every component inside the product (a mapping to the component it was first
        reached from: iterate it, or ask `in`)."""
        return self._tree.parents

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
            for _, declared in self._graph.parts(component_id)
        )

    def nested_in_ai(self, component_id: int) -> bool:
        """Whether a BOM of the product nests the component inside one of its AI components
        (the weight files a generator lists under a declared model are that model)."""
        return any(
            self.is_ai(source)
            and any(d.kind is EdgeKind.NESTING and d.bom_id in self.boms for d in declared)
            for source, declared in self._graph.holders(component_id)
        )

    def lineage(self, component_id: int) -> list[Step]:
        return self._graph.lineage(component_id, self.boms)

    # -- paths -----------------------------------------------------------------------------

    def _path(self, route: Iterable[int]) -> Path:
        declared = self._graph.declared
        return Path(
            tuple(
                Step(source, target, self.declarations(declared(source, target)))
                for source, target in itertools.pairwise(route)
            )
        )

    def tree_path(self, component_id: int) -> Path:
        """The first shortest path from the product to the component."""
        return self._path(self._tree.route(component_id))

    def paths_to(self, component_id: int, limit: int) -> tuple[list[Path], int]:
        """Up to `limit` introductions of the component, shortest first (ties in identity
        order of the holder), and how many more there are (decision record 12): one per
        distinct component that holds it by an edge of the product's BOMs and that the
        product reaches without passing through it."""
        holders = [
            source
            for source, declared in self._graph.holders(component_id)
            if any(map(self.boms.__contains__, map(_BOM_ID, declared)))
        ]
        routes, more = introductions(
            self._tree,
            component_id,
            holders,
            follows=self._follows,
            rank=self._graph.sort_key,
            limit=limit,
        )
        return [self._path(route) for route in routes], more
