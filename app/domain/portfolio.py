"""The portfolio as the graph layer receives it from storage: nodes, declared edges, products,
and the BOM-Links that join one BOM to another."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from app.domain.bom import EdgeKind


@dataclass(frozen=True, slots=True)
class PortfolioNode:
    """A component as the graph needs it: identity for ordering, and the facts that make it
    an AI component, kept per BOM, because a signal counts only inside the products whose
    BOMs carry it (PRODUCT.md section 3)."""

    component_id: int
    identity_key: str
    name: str
    version: str | None
    type: str
    # The BOMs that give it an explicit AI signal (type, modelCard or property).
    ai_boms: frozenset[int] = frozenset()
    purl: str | None = None
    # (BOM, file names, URLs and endpoints that BOM gives it), for the suspected-AI hints.
    artifacts: tuple[tuple[int, tuple[str, ...]], ...] = ()

    @property
    def display_name(self) -> str:
        return f"{self.name}@{self.version}" if self.version else self.name

    @property
    def is_ai_anywhere(self) -> bool:
        return bool(self.ai_boms)


class PortfolioEdge(NamedTuple):
    """source -> target as one BOM declares it (a tuple: a portfolio holds millions)."""

    source_id: int
    target_id: int
    kind: EdgeKind
    bom_id: int


@dataclass(frozen=True, slots=True)
class Product:
    """A component that is the subject of at least one current BOM: its contents are the
    union of all of them (an SBOM, an AI-BOM and an HBOM of one product, say)."""

    component_id: int
    bom_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class BomLink:
    """A component that one BOM says another BOM describes (CycloneDX BOM-Link,
    `urn:cdx:<serial>/<version>[#<bom-ref>]`), as resolved against the BOMs held:
    `linked_boms` are expanded when `source_id` is reached; `target_id`, when the link
    names a component of the linked BOM, is where the link leads."""

    source_id: int
    declared_by: int
    urn: str
    linked_boms: tuple[int, ...] = ()
    target_id: int | None = None
    location: str = ""

    @property
    def is_missing(self) -> bool:
        return not self.linked_boms


@dataclass(frozen=True, slots=True)
class BomFacts:
    """What one BOM says about its subject beyond its parts."""

    bom_id: int
    serial_number: str | None
    version: int
    sector: str | None = None
    human_oversight: bool = False
    incomplete_aggregates: tuple[str, ...] = field(default_factory=tuple)
    uploaded_on: dt.date | None = None
    subject_id: int | None = None


class RawLink(NamedTuple):
    """A BOM-Link as one BOM declares it, before it is resolved."""

    source_id: int
    bom_id: int
    serial_number: str
    linked_version: int | None
    target_ref: str | None
    location: str
