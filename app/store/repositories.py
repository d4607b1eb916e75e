"""The repositories a unit of work opens, one module per noun: components, BOMs, the
portfolio graph's rows, decision records. Bulk paths are set-based, never per row."""

from __future__ import annotations

from app.store.boms import BomFilter, BomRepository, DocumentAlreadyStoredError, current_bom_ids
from app.store.bulk import CHUNK
from app.store.components import ComponentRepository, NewComponent, identity_digest
from app.store.decisions import DecisionRepository
from app.store.graph import GraphRepository

__all__ = [
    "CHUNK",
    "BomFilter",
    "BomRepository",
    "ComponentRepository",
    "DecisionRepository",
    "DocumentAlreadyStoredError",
    "GraphRepository",
    "NewComponent",
    "current_bom_ids",
    "identity_digest",
]
