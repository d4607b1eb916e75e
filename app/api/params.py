"""Parameter types shared by routes: ids within what every database can store, and cursors
read strictly (an unreadable cursor is answered 422 at `query/cursor`, never page one)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, TypeVar

from fastapi import Path, Query

from app.domain.errors import InvalidRequestError, Located
from app.domain.limits import MAX_ID
from app.domain.paging import MAX_CURSOR_LENGTH

T = TypeVar("T")

__all__ = ["CURSOR_PLACE", "MAX_ID", "Cursor", "Limit", "PathId"]

PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
CURSOR_PLACE = "query/cursor"

Cursor = Annotated[
    str | None,
    Query(description="next_cursor of the previous page", max_length=MAX_CURSOR_LENGTH),
]
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page")]


def unreadable_cursor(why: str) -> InvalidRequestError:
    return InvalidRequestError(
        "the cursor is not one this list answered", [Located(CURSOR_PLACE, why)]
    )


def page_after(
    items: Sequence[T], key: Callable[[T], str], cursor: str | None, limit: int
) -> tuple[list[T], str | None]:
    """One page of a list already in its stable order: the items after the one whose key
    is `cursor`, and the next page's cursor. A cursor that names no item is refused."""
    start = 0
    if cursor:
        keys = [key(item) for item in items]
        if cursor not in keys:
            raise unreadable_cursor("names no item of this list")
        start = keys.index(cursor) + 1
    page = list(items[start : start + limit])
    more = start + limit < len(items)
    return page, key(page[-1]) if more and page else None
