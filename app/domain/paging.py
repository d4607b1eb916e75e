"""One page of a list in a stable order, and the opaque cursor that says where the next begins."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

from app.domain.errors import InvalidRequestError, Located
from app.domain.limits import MAX_ID

T = TypeVar("T")
U = TypeVar("U")

# A cursor is what a previous page answered, and none was ever longer.
MAX_CURSOR_LENGTH: Final = 512
_VERSION: Final = "v1."


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """Items of one page, and the cursor of the page after it (None on the last page)."""

    items: tuple[T, ...]
    next_cursor: str | None = None

    def map(self, render: Callable[[T], U]) -> Page[U]:
        """The same page with each item rendered; the cursor still names the same place."""
        return Page(tuple(render(item) for item in self.items), self.next_cursor)


@dataclass(frozen=True, slots=True)
class Keyset:
    """How one list is paged: in order of a key the store compares in SQL (`WHERE key >
    :after ORDER BY key LIMIT :n + 1`), or, for a list held whole in the graph's order, from
    the place of the item named (`page_within`). A cursor names the list it came from,
    so one list refuses another's; it carries the id of the last item it answered, not a
    position, so a page boundary never moves when items come or go before it."""

    name: str

    def cursor(self, last_id: int) -> str:
        """The cursor of the page after the item `last_id`."""
        payload = json.dumps([self.name, last_id], separators=(",", ":")).encode()
        return _VERSION + base64.urlsafe_b64encode(payload).decode().rstrip("=")

    def after(self, cursor: str | None, where: str = "cursor") -> int | None:
        """The id a page starts after: None without a cursor (or with an empty one). A
        cursor this list did not answer is refused, located at `where`, never read as page
        one: it does not decode, is too long, or does not carry one id of this list."""
        if not cursor:
            return None
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise _unreadable(where, f"longer than {MAX_CURSOR_LENGTH} characters")
        last_id = self._read(cursor)
        # One cursor per place: anything but the exact text this list writes is refused.
        if last_id is None or self.cursor(last_id) != cursor:
            raise _unreadable(where, f"not a cursor of the {self.name} list")
        return last_id

    def names_no_item(self, where: str = "cursor") -> InvalidRequestError:
        """The refusal of a well-formed cursor that names no item this reader may page from."""
        return _unreadable(where, f"names no item of the {self.name} list")

    def page(self, found: Sequence[T], limit: int | None, key: Callable[[T], int]) -> Page[T]:
        """The page of `found` (read with `limit + 1` to tell whether more follow)."""
        if limit is None or len(found) <= limit:
            return Page(tuple(found))
        items = tuple(found[:limit])
        return Page(items, self.cursor(key(items[-1])))

    def page_within(
        self,
        items: Sequence[T],
        key: Callable[[T], int],
        cursor: str | None,
        limit: int | None,
        where: str = "cursor",
    ) -> Page[T]:
        """A page of a list held whole in an order no store can compare (the graph's): the
        items after the one whose id the cursor carries. A cursor naming no item of the list
        is refused; the caller builds in full only the items of the page."""
        after = self.after(cursor, where)
        start = 0
        if after is not None:
            ids = [key(item) for item in items]
            if after not in ids:
                raise self.names_no_item(where)
            start = ids.index(after) + 1
        end = None if limit is None else start + limit + 1
        return self.page(items[start:end], limit, key)

    def _read(self, cursor: str) -> int | None:
        body = cursor.removeprefix(_VERSION)
        if body == cursor or not body.isascii():
            return None
        try:
            decoded = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except (binascii.Error, ValueError):
            return None
        match decoded:
            case [str(name), int(last_id)] if (
                name == self.name and not isinstance(last_id, bool) and 0 < last_id <= MAX_ID
            ):
                return last_id
            case _:
                return None


def _unreadable(where: str, why: str) -> InvalidRequestError:
    return InvalidRequestError("the cursor is not one this list answered", [Located(where, why)])


BOMS: Final = Keyset("boms")
CLASSIFICATIONS: Final = Keyset("classifications")
COMPONENTS: Final = Keyset("components")
DECISIONS: Final = Keyset("decisions")
PRODUCTS: Final = Keyset("products")
USES: Final = Keyset("where-used")
