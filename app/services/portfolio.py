"""The portfolio graph, kept current in every process without rebuilding it per upload.

Each process builds its graph once, then follows the database's log of graph changes
(`graph_changes`, written in the same transaction as each upload, supersession and
retirement): a read asks for the newest change id (one cheap query) and, when the graph has
not applied it yet, the changes after the graph's position are applied as a delta: the
BOMs that joined or left, their nodes and edges, the products whose current BOMs changed,
and the BOM-Links whose resolution changed. A whole build happens at start-up, and when a
process has fallen more than `delta_limit` changes behind. Decision record 15.

Requests in other threads read the graph while a change waits: a unit of work that asked
for the graph holds it until it ends, and a change waits until no unit of work holds it,
so none sees half of one. A read never answers from a graph older than what was committed
when it asked.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.domain.portfolio import BomLink, PortfolioEdge, RawLink
from app.services.collector import collector_paused, freeze_survivors
from app.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from app.graph.delta import GraphDelta
    from app.graph.portfolio import PortfolioGraph

# Past this many logged changes, building the whole graph again costs less than reading each.
DELTA_LIMIT = 200


@dataclass
class _Ledger:
    """What the graph was made from, beside the graph: the current BOMs of each product, the
    BOM-Links each current BOM declares (as declared and as resolved), and every BOM whose
    nodes and edges the graph holds (current, or a link's target)."""

    products: dict[int, tuple[int, ...]]
    declared: dict[int, list[RawLink]]
    resolved: dict[int, list[BomLink]]
    included: set[int] = field(default_factory=set)

    def current(self) -> set[int]:
        return {bom for boms in self.products.values() for bom in boms}

    def linked(self) -> set[int]:
        return {b for links in self.resolved.values() for link in links for b in link.linked_boms}


def _by_bom(links: list[BomLink]) -> dict[int, list[BomLink]]:
    found: dict[int, list[BomLink]] = {}
    for link in links:
        found.setdefault(link.declared_by, []).append(link)
    return found


def _raw_by_bom(links: list[RawLink]) -> dict[int, list[RawLink]]:
    found: dict[int, list[RawLink]] = {}
    for link in links:
        found.setdefault(link.bom_id, []).append(link)
    return found


class PortfolioCache:
    """One graph per process, brought up to date from the change log as it is read."""

    def __init__(self, *, delta_limit: int = DELTA_LIMIT) -> None:
        self.delta_limit = delta_limit
        self._condition = threading.Condition()
        # Units of work holding the graph, by thread (a thread may hold it in nested ones).
        self._readers: dict[int, int] = {}
        self._changing = False
        self._waiting = 0
        self._graph: PortfolioGraph | None = None
        self._ledger: _Ledger | None = None
        self._position = -1
        # Whole builds and deltas applied in this process, for tests and /healthz.
        self.builds = 0
        self.deltas = 0

    @property
    def position(self) -> int:
        """The id of the last logged change the graph holds (-1 before the first build)."""
        return self._position

    def current(self, uow: UnitOfWork) -> PortfolioGraph:
        """The graph, holding every change committed before this call, for the rest of the
        unit of work: asked again within it, the same graph; no change is applied to it
        until the unit of work ends."""
        lent = uow.borrowed.get(self)
        if lent is not None:
            return lent  # type: ignore[return-value] # only this cache lends under its own key
        needed = uow.graph.latest_change()
        me = threading.get_ident()
        with self._condition:
            while True:
                fresh = self._graph is not None and self._position >= needed
                if fresh and not self._changing and (self._waiting == 0 or me in self._readers):
                    graph = self._lend(uow, me)
                    break
                if not fresh and me in self._readers:
                    # This thread holds the graph in an enclosing unit of work: waiting for
                    # it to let go would wait forever. Answer from a graph of its own.
                    return self._private(uow)
                if not fresh and not self._changing:
                    self._change(uow, needed)
                    continue
                self._condition.wait()
        if self._position > needed:
            # Newer than what this unit of work has read so far: let it read anew, so that
            # nothing the graph holds is missing from what it reads next.
            uow.renew_snapshot()
        return graph

    def _lend(self, uow: UnitOfWork, me: int) -> PortfolioGraph:
        graph = self._graph
        assert graph is not None  # noqa: S101 - checked by the caller, under the lock
        self._readers[me] = self._readers.get(me, 0) + 1
        uow.borrowed[self] = graph
        uow.on_exit(lambda: self._give_back(me))
        return graph

    def _give_back(self, me: int) -> None:
        with self._condition:
            left = self._readers[me] - 1
            if left:
                self._readers[me] = left
            else:
                del self._readers[me]
            self._condition.notify_all()

    def _change(self, uow: UnitOfWork, needed: int) -> None:
        """Called holding the lock: wait for every reader to let go, then bring the graph
        up to date (the lock is released meanwhile; readers wait on `_changing`)."""
        self._waiting += 1
        try:
            while self._readers or self._changing:
                self._condition.wait()
        finally:
            self._waiting -= 1
        self._changing = True
        self._condition.release()
        try:
            self._update(uow, needed)
        finally:
            self._condition.acquire()
            self._changing = False
            self._condition.notify_all()

    def _update(self, uow: UnitOfWork, needed: int) -> None:
        graph, ledger = self._graph, self._ledger
        if graph is not None and ledger is not None and 0 <= self._position <= needed:
            pending = uow.graph.changes_after(self._position, self.delta_limit)
            if pending is not None:
                boms, last = pending
                try:
                    delta = _delta(uow, ledger, boms)
                    if not delta.is_empty:
                        graph.apply(delta)
                except BaseException:
                    # A graph half changed is no graph to answer from: build anew next time.
                    self._graph, self._ledger, self._position = None, None, -1
                    raise
                self._position = last
                self.deltas += 1
                return
        self._build(uow)

    def _build(self, uow: UnitOfWork) -> None:
        # networkx is imported on first use: ingesting from the command line never needs it.
        from app.graph.portfolio import PortfolioGraph  # noqa: PLC0415

        # One graph alive at a time: the replaced one goes before the new one is built, so
        # that the process never holds two (a request still answering from it keeps it
        # until it is done, and no longer).
        replaced, self._graph, self._ledger = self._graph, None, None
        self._position = -1
        if replaced is not None:
            replaced.release()
            del replaced
        # The position first: whatever commits while the tables are read is applied again
        # by the next delta, which leaves a graph that holds it already unchanged.
        position = uow.graph.latest_change()
        with collector_paused():
            products = uow.graph.products()
            current = {bom for product in products for bom in product.bom_ids}
            declared = uow.graph.raw_links(current=current)
            links = uow.graph.resolve_links(declared, current)
            nodes, edges = uow.graph.contents(links)
            graph = PortfolioGraph(nodes, edges, products, links)
        ledger = _Ledger(
            {p.component_id: p.bom_ids for p in products}, _raw_by_bom(declared), _by_bom(links)
        )
        ledger.included = ledger.current() | ledger.linked()
        self._graph, self._ledger, self._position = graph, ledger, position
        self.builds += 1
        freeze_survivors()

    def _private(self, uow: UnitOfWork) -> PortfolioGraph:
        """A whole graph for this unit of work alone, not kept."""
        from app.graph.portfolio import PortfolioGraph  # noqa: PLC0415

        graph = PortfolioGraph(*uow.graph.portfolio())
        uow.borrowed[self] = graph
        return graph


def _delta(uow: UnitOfWork, ledger: _Ledger, logged: list[int]) -> GraphDelta:
    """What the logged BOMs changed, read from the database and set against `ledger`, which
    is brought up to date as the graph will be once the delta is applied. Reading it again
    changes nothing: a change the graph holds already comes out empty."""
    from app.graph.delta import GraphDelta  # noqa: PLC0415

    subjects = {subject for _, subject, _ in uow.graph.lineages(logged)}
    now = uow.graph.current_of_subjects(subjects)
    products = {
        subject: now.get(subject)
        for subject in subjects
        if now.get(subject) != ledger.products.get(subject)
    }
    before = ledger.current()
    for subject, boms in products.items():
        if boms is None:
            ledger.products.pop(subject, None)
        else:
            ledger.products[subject] = boms
    current = ledger.current()
    ended, started = before - current, current - before
    # BOM-Links: those of BOMs no longer current go, those of new current BOMs come, and
    # those to a serial number whose BOMs changed are resolved again.
    for bom in ended:
        ledger.declared.pop(bom, None)
    ledger.declared.update(_raw_by_bom(uow.graph.raw_links(declared_by=started)))
    serials = uow.graph.serials({*logged, *ended, *started})
    again = {
        bom
        for bom, links in ledger.declared.items()
        if bom in started or any(link.serial_number.lower() in serials for link in links)
    }
    removed_links: list[BomLink] = []
    added_links: list[BomLink] = []
    for bom in ended:
        removed_links.extend(ledger.resolved.pop(bom, ()))
    resolved = _by_bom(
        uow.graph.resolve_links(
            [link for b in sorted(again) for link in ledger.declared[b]], current
        )
    )
    for bom in again:
        old, new = ledger.resolved.get(bom, []), resolved.get(bom, [])
        if old != new:
            removed_links.extend(old)
            added_links.extend(new)
        if new:
            ledger.resolved[bom] = new
        else:
            ledger.resolved.pop(bom, None)
    included = current | ledger.linked()
    left, joined = ledger.included - included, included - ledger.included
    ledger.included = included
    touched = uow.graph.mentioned_by(left | joined)
    nodes = uow.graph.nodes_among(touched, included)
    held = {node.component_id for node in nodes}
    removed_edges: list[PortfolioEdge] = uow.graph.edges_of_boms(left)
    added_edges: list[PortfolioEdge] = uow.graph.edges_of_boms(joined)
    return GraphDelta(
        nodes=tuple(nodes),
        gone=tuple(sorted(touched - held)),
        removed_edges=tuple(removed_edges),
        added_edges=tuple(added_edges),
        products=products,
        removed_links=tuple(removed_links),
        added_links=tuple(added_links),
    )
