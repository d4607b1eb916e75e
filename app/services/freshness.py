"""What a read answer depends on, in one digest: the portfolio, the registry, and what the
caller may see. An unchanged digest means an unchanged answer, so an HTTP client can be
told "not modified" before anything is computed."""

from __future__ import annotations

import hashlib

from app.domain.access import Viewer
from app.services.visibility import visible_boms
from app.store.unit_of_work import UnitOfWork


def read_state(uow: UnitOfWork, viewer: Viewer | None) -> str:
    """Changes whenever a BOM is stored, anything in the registry changes (certificates,
    events, reviewers, rulesets), a classification is recorded, or the set of BOMs the
    viewer may see inside changes."""
    visible = visible_boms(uow, viewer)
    parts = (
        uow.graph.generation(),
        uow.registry.generation(),
        uow.classifications.generation(),
        "everything" if visible is None else sorted(visible),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()
