"""The portfolio as the graph layer receives it from storage: nodes, declared edges, products."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from app.domain.bom import EdgeKind


@dataclass(frozen=True, slots=True)
class PortfolioNode:
    """A component as the graph needs it: identity for ordering, AI for the decision."""

    component_id: int
    identity_key: str
    name: str
    version: str | None
    type: str
    is_ai: bool

    @property
    def display_name(self) -> str:
        return f"{self.name}@{self.version}" if self.version else self.name


class PortfolioEdge(NamedTuple):
    """source -> target as one current BOM declares it (a tuple: a portfolio holds millions)."""

    source_id: int
    target_id: int
    kind: EdgeKind
    bom_id: int


@dataclass(frozen=True, slots=True)
class Product:
    """A component that is the subject of at least one BOM, with its current BOM."""

    component_id: int
    current_bom_id: int
