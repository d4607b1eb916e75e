"""Walks up the portfolio graph: what holds a component, through any BOM."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.graph.portfolio import PortfolioGraph


def above(graph: PortfolioGraph, start: Iterable[int], seen: set[int] | None = None) -> set[int]:
    """The components of `start` the graph holds and every component above them (holding
    them through any containment edge, whichever BOM declared it). Components in `seen`
    were walked from before, with everything above them, and are skipped; every component
    walked now is added to it, so several walks together visit each component once."""
    walked = set() if seen is None else seen
    found = {component for component in start if component in graph and component not in walked}
    walked.update(found)
    frontier = list(found)
    while frontier:
        for holder, _declared in graph.holders(frontier.pop()):
            if holder not in walked:
                walked.add(holder)
                found.add(holder)
                frontier.append(holder)
    return found
