"""Typed identifiers, so a BOM id is never passed where a component id is meant."""

from typing import NewType

from app.domain.limits import MAX_ID

# The digits of MAX_ID.
_ID_DIGITS = 19

BomId = NewType("BomId", int)
IdentityKey = NewType("IdentityKey", str)
BomRef = NewType("BomRef", str)
Sha256 = NewType("Sha256", str)


def parse_id(text: str, *, minimum: int = 1) -> int | None:
    """The id `text` spells in ASCII digits, or None when it spells none that can be stored.
    str.isdigit() and int() also take other scripts' digits (`²`, `١٢`), signs, blanks and
    underscores; and a number beyond a 64-bit integer makes the database driver fail."""
    if not 0 < len(text) <= _ID_DIGITS or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if minimum <= value <= MAX_ID else None
