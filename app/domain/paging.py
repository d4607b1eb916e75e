"""One page of a list in a stable order, and the opaque cursor that says where the next begins."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Generic, TypeVar, overload

from app.domain import limits
from app.domain.audit import Position
from app.domain.errors import InvalidRequestError, Located
from app.domain.limits import MAX_ID

T = TypeVar("T")
U = TypeVar("U")
K = TypeVar("K")
A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C")

# A cursor is what a previous page answered, and none is longer: the longest key a list
# writes is a text of 128 characters (a certificate number, a reviewer id), at most 512
# bytes of UTF-8, which with the list's name is under 800 characters of base64.
MAX_CURSOR_LENGTH: Final = 1024
_VERSION: Final = "v1."

# What a cursor's JSON holds after the list's name: numbers and texts only.
Scalar = int | str


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """Items of one page, and the cursor of the page after it (None on the last page)."""

    items: tuple[T, ...]
    next_cursor: str | None = None

    def map(self, render: Callable[[T], U]) -> Page[U]:
        """The same page with each item rendered; the cursor still names the same place."""
        return Page(tuple(render(item) for item in self.items), self.next_cursor)


@dataclass(frozen=True, slots=True)
class PageRequest:
    """The page a caller asks for: `limit` items (all without a limit) after the one `cursor`
    names (from the first without a cursor). A cursor the list did not answer is refused,
    located at `where`."""

    cursor: str | None = None
    limit: int | None = None
    where: str = "cursor"


# What a caller that pages nothing asks for: the whole list, from the first item.
WHOLE_LIST: Final = PageRequest()


@dataclass(frozen=True, slots=True)
class KeyShape(Generic[K]):
    """How a list's key is written into a cursor as `arity` JSON values, and read back from
    them strictly: `read` answers None for values of the wrong type or out of range."""

    arity: int
    write: Callable[[K], tuple[Scalar, ...]]
    read: Callable[[Sequence[object]], K | None]


def _read_id(values: Sequence[object]) -> int | None:
    match values:
        case [int(value)] if not isinstance(value, bool) and 0 < value <= MAX_ID:
            return value
        case _:
            return None


def text(max_length: int) -> KeyShape[str]:
    """A key that is a text of 1 to `max_length` characters (a code, a number)."""

    def read(values: Sequence[object]) -> str | None:
        match values:
            # A lone surrogate decodes from JSON but is no text any list stores.
            case [str(value)] if 0 < len(value) <= max_length and _is_utf8(value):
                return value
            case _:
                return None

    return KeyShape(1, lambda key: (key,), read)


def _is_utf8(value: str) -> bool:
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _read_moment(values: Sequence[object]) -> dt.datetime | None:
    match values:
        case [str(value)] if len(value) <= 40:
            try:
                at = dt.datetime.fromisoformat(value)
                # Every time is kept in UTC; one written in another zone, or that none can
                # hold once brought to UTC (0001-01-01T00:00:00+14:00), names no place.
                utc = at.astimezone(dt.UTC) if at.tzinfo is not None else None
            except (ValueError, OverflowError):
                return None
            return utc if utc is not None and utc.isoformat() == value else None
        case _:
            return None


def _write_moment(at: dt.datetime) -> tuple[Scalar, ...]:
    return (at.astimezone(dt.UTC).isoformat(),)


# The id of a row: a positive 64-bit integer.
ID: Final[KeyShape[int]] = KeyShape(1, lambda key: (key,), _read_id)
# A time in UTC, written as ISO 8601.
MOMENT: Final[KeyShape[dt.datetime]] = KeyShape(1, _write_moment, _read_moment)


@overload
def keys(first: KeyShape[A], second: KeyShape[B], /) -> KeyShape[tuple[A, B]]: ...
@overload
def keys(
    first: KeyShape[A], second: KeyShape[B], third: KeyShape[C], /
) -> KeyShape[tuple[A, B, C]]: ...
def keys(*shapes: KeyShape[Any]) -> KeyShape[Any]:
    """A key that is a short tuple of keys, compared in order (the audit trail's time, kind
    and id), written as their values one after another."""
    arity = sum(shape.arity for shape in shapes)

    def write(key: tuple[Any, ...]) -> tuple[Scalar, ...]:
        return tuple(
            value for shape, part in zip(shapes, key, strict=True) for value in shape.write(part)
        )

    def read(values: Sequence[object]) -> tuple[Any, ...] | None:
        parts, start = [], 0
        for shape in shapes:
            part = shape.read(values[start : start + shape.arity])
            if part is None:
                return None
            parts.append(part)
            start += shape.arity
        return tuple(parts)

    return KeyShape(arity, write, read)


@dataclass(frozen=True, slots=True)
class Keyset(Generic[K]):
    """How one list is paged: in order of a key the store compares in SQL (`WHERE key >
    :after ORDER BY key LIMIT :n + 1`), or, for a list held whole in the graph's order, from
    the place of the item named (`page_within`). A cursor names the list it came from,
    so one list refuses another's; it carries the key of the last item it answered, not a
    position, so a page boundary never moves when items come or go before it."""

    name: str
    shape: KeyShape[K]

    def cursor(self, last: K) -> str:
        """The cursor of the page after the item whose key is `last`."""
        values = [self.name, *self.shape.write(last)]
        payload = json.dumps(values, separators=(",", ":"), ensure_ascii=False).encode()
        return _VERSION + base64.urlsafe_b64encode(payload).decode().rstrip("=")

    def after(self, cursor: str | None, where: str = "cursor") -> K | None:
        """The key a page starts after: None without a cursor (or with an empty one). A
        cursor this list did not answer is refused, located at `where`, never read as page
        one: it does not decode, is too long, or does not carry one key of this list."""
        if not cursor:
            return None
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise _unreadable(where, f"longer than {MAX_CURSOR_LENGTH} characters")
        last = self._read(cursor)
        # One cursor per place: anything but the exact text this list writes is refused.
        if last is None or self.cursor(last) != cursor:
            raise _unreadable(where, f"not a cursor of the {self.name} list")
        return last

    def names_no_item(self, where: str = "cursor") -> InvalidRequestError:
        """The refusal of a well-formed cursor that names no item this reader may page from."""
        return _unreadable(where, f"names no item of the {self.name} list")

    def page(self, found: Sequence[T], limit: int | None, key: Callable[[T], K]) -> Page[T]:
        """The page of `found` (read with `limit + 1` to tell whether more follow)."""
        if limit is None or len(found) <= limit:
            return Page(tuple(found))
        items = tuple(found[:limit])
        return Page(items, self.cursor(key(items[-1])))

    def page_within(
        self, items: Sequence[T], key: Callable[[T], K], paging: PageRequest
    ) -> Page[T]:
        """A page of a list held whole in an order no store can compare (the graph's): the
        items after the one whose key the cursor carries. A cursor naming no item of the
        list is refused; the caller builds in full only the items of the page."""
        after = self.after(paging.cursor, paging.where)
        start = 0
        if after is not None:
            found = [key(item) for item in items]
            if after not in found:
                raise self.names_no_item(paging.where)
            start = found.index(after) + 1
        end = None if paging.limit is None else start + paging.limit + 1
        return self.page(items[start:end], paging.limit, key)

    def _read(self, cursor: str) -> K | None:
        body = cursor.removeprefix(_VERSION)
        if body == cursor or not body.isascii():
            return None
        try:
            decoded = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except (binascii.Error, ValueError):
            return None
        match decoded:
            case [str(name), *values] if name == self.name and len(values) == self.shape.arity:
                return self.shape.read(values)
            case _:
                return None


def read_limit(limit: int | None) -> int | None:
    """How many items a store reads for a page of `limit` (all without one): one more than
    the page holds tells whether another follows."""
    return None if limit is None else limit + 1


def _unreadable(where: str, why: str) -> InvalidRequestError:
    return InvalidRequestError("the cursor is not one this list answered", [Located(where, why)])


# The longest kind of record the audit trail names (`organisation_created`…).
_AUDIT_KIND: Final = 32

AUDIT_TRAIL: Final[Keyset[Position]] = Keyset("audit-trail", keys(MOMENT, text(_AUDIT_KIND), ID))
BOMS: Final = Keyset("boms", ID)
CERTIFICATES: Final = Keyset("certificates", text(limits.CERTIFICATE_NUMBER))
CLASSIFICATIONS: Final = Keyset("classifications", ID)
COMPONENTS: Final = Keyset("components", ID)
DECISIONS: Final = Keyset("decisions", ID)
KEYS: Final = Keyset("keys", ID)
ORGANISATIONS: Final = Keyset("organisations", text(limits.ORGANISATION_CODE))
PRODUCTS: Final = Keyset("products", ID)
STATUS_CHANGES: Final = Keyset("status-changes", ID)
# Ruleset versions in the order they were published, which is their ids' order.
RULESETS: Final = Keyset("ruleset-versions", ID)
REVIEWERS: Final = Keyset("reviewers", text(limits.REVIEWER_ID))
USES: Final = Keyset("where-used", ID)
