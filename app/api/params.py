"""Parameter types shared by routes: ids within what every database can store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, TypeVar

from fastapi import Path, Query

T = TypeVar("T")

# Ids are 64-bit signed integers in PostgreSQL and SQLite alike; anything larger names nothing
# and must not reach the driver (which would refuse to bind it).
MAX_ID = 2**63 - 1

PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


def cursor_position(cursor: str | None) -> int:
    """The id a page starts after; an unreadable cursor starts at the beginning."""
    if cursor and cursor.isdigit() and int(cursor) <= MAX_ID:
        return int(cursor)
    return 0


Cursor = Annotated[str | None, Query(description="next_cursor of the previous page")]
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page")]


def page_after(
    items: Sequence[T], key: Callable[[T], str], cursor: str | None, limit: int
) -> tuple[list[T], str | None]:
    """One page of a list already in its stable order: the items after the one whose key
    is `cursor` (from the start when no item has it), and the next page's cursor."""
    start = 0
    if cursor is not None:
        keys = [key(item) for item in items]
        start = keys.index(cursor) + 1 if cursor in keys else 0
    page = list(items[start : start + limit])
    more = start + limit < len(items)
    return page, key(page[-1]) if more and page else None
