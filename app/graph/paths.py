"""Paths from a product down to a component inside it: the first shortest one, and each
distinct introduction of a component, shortest first and bounded (decision record 12)."""

from __future__ import annotations

import heapq
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.domain.portfolio import PortfolioEdge

# One BOM's word that an edge exists: the stored edge itself, which names its kind and BOM.
Declaration = PortfolioEdge


@dataclass(frozen=True, slots=True)
class Step:
    """One edge of a path, with every BOM of the product that declares it."""

    source_id: int
    target_id: int
    declarations: tuple[Declaration, ...]


@dataclass(frozen=True, slots=True)
class Path:
    """A chain of steps from a product down to a component."""

    steps: tuple[Step, ...]


class ShortestTree:
    """A breadth-first tree of a product's closure: for each component, the component it is
    first reached from on a shortest path from the product, and how deep it lies."""

    def __init__(self, root: int, parents: Mapping[int, int], depth: Mapping[int, int]) -> None:
        self.root = root
        self.parents = parents
        self.depth = depth
        self._euler: tuple[dict[int, int], dict[int, int]] | None = None

    def route(self, component_id: int) -> list[int]:
        """The components of the tree path from the root to `component_id`, both included."""
        nodes = [component_id]
        while nodes[-1] != self.root:
            nodes.append(self.parents[nodes[-1]])
        nodes.reverse()
        return nodes

    def _euler_tour(self) -> tuple[dict[int, int], dict[int, int]]:
        """Entry and exit times of the tree's depth-first tour: `a` lies on the tree path to
        `b` exactly when enter[a] <= enter[b] and exit[b] <= exit[a]; one pass, then every
        such question costs two comparisons."""
        if self._euler is None:
            children: dict[int, list[int]] = defaultdict(list)
            for component, parent in self.parents.items():
                if component != parent:
                    children[parent].append(component)
            enter: dict[int, int] = {}
            leave: dict[int, int] = {}
            clock = 0
            stack: list[tuple[int, bool]] = [(self.root, False)]
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

    def below(self, component_id: int, candidates: Sequence[int]) -> set[int]:
        """The candidates whose tree path passes through `component_id`. Only candidates
        deeper than it can be; a few are walked up to its depth, many are answered by one
        Euler tour."""
        depth = self.depth
        level = depth[component_id]
        deeper = [c for c in candidates if depth[c] > level]
        if not deeper:
            return set()
        if len(deeper) * 8 > len(self.parents) or self._euler is not None:
            enter, leave = self._euler_tour()
            first, last = enter[component_id], leave[component_id]
            return {c for c in deeper if first <= enter[c] and leave[c] <= last}
        found = set()
        for candidate in deeper:
            node = candidate
            while depth[node] > level:
                node = self.parents[node]
            if node == component_id:
                found.add(candidate)
        return found


def _routes_around(
    root: int, avoided: int, wanted: set[int], follows: Callable[[int], Iterable[int]]
) -> dict[int, list[int]]:
    """A shortest route from `root` to each of `wanted` that never passes through `avoided`
    (a breadth-first walk that does not enter it), for those that have one."""
    parents = {root: root}
    queue = deque([root])
    left = len(wanted)
    while queue and left:
        current = queue.popleft()
        for target in follows(current):
            if target not in parents and target != avoided:
                parents[target] = current
                queue.append(target)
                left -= target in wanted
    routes = {}
    for holder in wanted.intersection(parents):
        nodes = [holder]
        while nodes[-1] != root:
            nodes.append(parents[nodes[-1]])
        nodes.reverse()
        routes[holder] = nodes
    return routes


def introductions(
    tree: ShortestTree,
    component_id: int,
    holders: Iterable[int],
    *,
    follows: Callable[[int], Iterable[int]],
    rank: Callable[[int], tuple[str, int]],
    limit: int,
) -> tuple[list[list[int]], int]:
    """Up to `limit` introductions of a component, shortest first (ties in `rank` order of
    the holder), each as the components of its route from the root; and how many more.

    `holders` are the components of the closure that hold `component_id` by an edge of the
    product's BOMs; `follows` gives the components an edge of those BOMs leads to. A holder
    introduces the component when the product reaches the holder without passing through
    the component (a holder reached only through the component lies inside it); its route
    is a shortest such way to the holder, then the step into the component. The tree path
    is one whenever it avoids the component; only holders below the component in the tree
    (there are none unless the component lies on a cycle) cost one more walk of the
    closure, which avoids it. Time and memory grow with the closure, the holders and the
    routes returned, never with the number of distinct routes through the graph."""
    if component_id == tree.root or component_id not in tree.parents:
        return [], 0
    inside = tree.parents
    distinct = [h for h in dict.fromkeys(holders) if h != component_id and h in inside]
    behind = tree.below(component_id, distinct)
    if not behind:
        # The common case, and the one with tens of thousands of holders: every tree path
        # avoids the component, and is a shortest way to its holder.
        depth = tree.depth
        chosen = heapq.nsmallest(max(limit, 0), distinct, key=lambda h: (depth[h], rank(h)))
        return [[*tree.route(h), component_id] for h in chosen], len(distinct) - len(chosen)
    around = _routes_around(tree.root, component_id, behind, follows)
    lengths = {
        holder: len(around[holder]) if holder in behind else tree.depth[holder] + 1
        for holder in distinct
        if holder not in behind or holder in around
    }
    chosen = heapq.nsmallest(max(limit, 0), lengths, key=lambda h: (lengths[h], rank(h)))
    routes = [
        [*(around[holder] if holder in behind else tree.route(holder)), component_id]
        for holder in chosen
    ]
    return routes, len(lengths) - len(routes)
