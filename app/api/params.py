"""Parameter types shared by routes: ids within what every database can store."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

# Ids are 64-bit signed integers in PostgreSQL and SQLite alike; anything larger names nothing
# and must not reach the driver (which would refuse to bind it).
MAX_ID = 2**63 - 1

PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


def cursor_position(cursor: str | None) -> int:
    """The id a page starts after; an unreadable cursor starts at the beginning."""
    if cursor and cursor.isdigit() and int(cursor) <= MAX_ID:
        return int(cursor)
    return 0
