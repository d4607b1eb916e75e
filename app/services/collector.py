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
    until the next upload; full collections over it cost more than the questions asked)."""
    gc.collect()
    gc.freeze()
