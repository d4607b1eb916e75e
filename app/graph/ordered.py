"""A directed graph whose every neighbour dict stays in identity order, however edges come.

The walks meet neighbours in the order networkx keeps them, and networkx keeps insertion
order. A graph built at once inserts its edges sorted; a graph changed in place (an upload
applied as a delta) adds edges in any order, and re-adding one node's edges to sort them
would move that node to the end of each neighbour's dict on the other side. So the graph
chooses its neighbour dicts through networkx's documented factory hook: each keeps itself
sorted by the neighbour's identity as networkx inserts into it, and every change still goes
through networkx's public methods (add_edges_from, remove_edges_from).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx


class NeighbourOrder:
    """Where a component falls in identity order. `trusted` while a graph is built from
    edges already sorted, when each insert goes at the end unexamined."""

    __slots__ = ("key", "trusted")

    def __init__(self, key: Callable[[int], tuple[str, int]]) -> None:
        self.key = key
        self.trusted = False


class Neighbours(dict[int, Any]):
    """One node's neighbours (neighbour -> edge data), always in identity order."""

    __slots__ = ("_order",)

    def __init__(self, order: NeighbourOrder | None) -> None:
        super().__init__()
        self._order = order

    def __setitem__(self, neighbour: int, data: Any) -> None:
        order = self._order
        if order is None or order.trusted or not self or neighbour in self:
            dict.__setitem__(self, neighbour, data)
            return
        key = order.key
        place = key(neighbour)
        if key(next(reversed(self))) < place:
            dict.__setitem__(self, neighbour, data)
            return
        # Inserted before some: those after it are taken out and put back behind it.
        later = [(n, dict.pop(self, n)) for n in [n for n in self if place < key(n)]]
        dict.__setitem__(self, neighbour, data)
        for n, moved in later:
            dict.__setitem__(self, n, moved)


class OrderedDiGraph(nx.DiGraph):  # type: ignore[type-arg] # networkx's class is not generic at run time
    """nx.DiGraph whose successor and predecessor dicts keep identity order."""

    def __init__(self, order: NeighbourOrder | None = None) -> None:
        # Set before networkx's own initialiser: it may ask for dicts. (Views networkx
        # makes of this graph construct it with no order and never insert.)
        self.neighbour_order = order
        super().__init__()

    # networkx creates each node's neighbour dicts by calling this on the graph.
    def adjlist_inner_dict_factory(self) -> Neighbours:  # type: ignore[override] # the stubs call it a class-level callable; networkx calls it on the instance
        return Neighbours(self.neighbour_order)
