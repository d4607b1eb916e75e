"""Whose BOMs a read may look inside, as a plain value the store turns into SQL itself."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BomVisibility:
    """The BOMs one reader may see inside: its organisation's own, public ones, and those
    shared with its organisation; every BOM for an administrator (or the operator)."""

    organisation_id: int | None
    is_admin: bool = False


EVERY_BOM = BomVisibility(organisation_id=None, is_admin=True)
