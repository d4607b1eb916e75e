"""The portfolio graph, kept current in every process without rebuilding it per request.

Each process keeps one built graph and the database generation it was built from. A read
asks the database for the current generation (one cheap query); when another process (or
this one) has stored a BOM since, the graph is rebuilt before answering. So every API worker
answers from what is committed, never from a stale copy.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from app.services.collector import collector_paused, freeze_survivors
from app.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from app.graph.portfolio import PortfolioGraph


class PortfolioCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation: tuple[int, int, int] | None = None
        self._graph: PortfolioGraph | None = None

    def current(self, uow: UnitOfWork) -> PortfolioGraph:
        # networkx is imported on first use: ingesting from the command line never needs it.
        from app.graph.portfolio import PortfolioGraph  # noqa: PLC0415

        generation = uow.graph.generation()
        with self._lock:
            if self._graph is None or generation != self._generation:
                # One graph alive at a time: the replaced one goes before the new one is
                # built, so that the process never holds two (a request still answering
                # from it keeps it until it is done, and no longer).
                replaced, self._graph = self._graph, None
                if replaced is not None:
                    replaced.release()
                    del replaced
                with collector_paused():
                    graph = PortfolioGraph(*uow.graph.portfolio())
                self._graph, self._generation = graph, generation
                freeze_survivors()
            return self._graph
