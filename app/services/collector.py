"""Keeping Python's cyclic garbage collector out of bulk work."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """While a large BOM or the portfolio graph is built, millions of objects are allocated
    that all live on; collecting then would walk them again and again and free nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def freeze_survivors() -> None:
    """Move everything alive now out of the collector's sight (the portfolio graph lives
    until the next upload; full collections over it cost more than the questions asked).

    What an earlier call froze is handed back to the collector first: a frozen object is
    never examined again, so anything frozen that later became garbage inside a reference
    cycle (a replaced graph a request was still holding, caught in a traceback or a cached
    view) would otherwise stay for the life of the process, one more graph per upload. The
    collection this costs is the one this function always made, plus the objects frozen
    before, which by now are mostly the loaded modules: the replaced graph is already gone
    by reference counting (PortfolioGraph.release)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
