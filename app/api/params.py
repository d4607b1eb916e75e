"""Parameter types shared by routes: ids within what every database can store, and cursors
read strictly (an unreadable cursor is answered 422 at `query/cursor`, never page one)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Path, Query

from app.domain.limits import MAX_ID
from app.domain.paging import MAX_CURSOR_LENGTH, PageRequest

__all__ = [
    "CURSOR_PLACE",
    "MAX_ID",
    "Cursor",
    "Limit",
    "OfProduct",
    "Paging",
    "PathId",
    "today",
]

PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
CURSOR_PLACE = "query/cursor"

Cursor = Annotated[
    str | None,
    Query(description="next_cursor of the previous page", max_length=MAX_CURSOR_LENGTH),
]
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page")]


def _paging(cursor: Cursor = None, limit: Limit = 100) -> PageRequest:
    return PageRequest(cursor, limit, CURSOR_PLACE)


# The page a list route is asked for, from `?cursor=&limit=` (100 items unless told).
Paging = Annotated[PageRequest, Depends(_paging)]
# A listing narrowed to one product (its BOMs, decision records, status changes).
OfProduct = Annotated[
    int | None, Query(ge=1, le=MAX_ID, description="Only what concerns this product (its id)")
]


def today() -> dt.date:
    """The day a question without a date asks about: today in UTC, whatever the server's zone."""
    return dt.datetime.now(dt.UTC).date()
