"""Every list page rendered one way: its items, and `next_cursor` for the page after it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from app.domain.paging import Page

T = TypeVar("T")
PageRead = TypeVar("PageRead", bound=BaseModel)


def page_read(
    shape: type[PageRead], page: Page[T], render: Callable[[T], Any], **fields: Any
) -> PageRead:
    """The page in the response shape of its list (`items`, `next_cursor`, and any `fields`
    the list adds, such as the date statuses are for), each item rendered by `render`."""
    return shape.model_validate(
        {"items": [render(item) for item in page.items], "next_cursor": page.next_cursor, **fields}
    )
