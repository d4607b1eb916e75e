"""Where in a document a located error is: the line a JSON pointer names in a JSON text, or
the line an XML schema error states, with that line and its neighbours to show beside it.

The JSON walk follows only the pointer's path and skips every other value without decoding
it, so finding a line costs one pass over the text at most. A pointer the text does not hold
(or a text that is no JSON) has no line; the error is then shown without one."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Final

from app.domain.errors import Located

_WHITESPACE: Final = " \t\r\n"
_XML_LINE: Final = re.compile(r"\(line (\d+)\)\s*$")
# At most this much of a line is shown; a minified document is one long line.
LINE_CHARS: Final = 240


@dataclass(frozen=True, slots=True)
class Placed:
    """A located error, and the line of the document it names (None when it names none)."""

    location: str
    message: str
    line: int | None
    excerpt: tuple[tuple[int, str], ...]


def place_errors(text: str, errors: list[Located], *, is_xml: bool) -> list[Placed]:
    """Each error with its line and the lines around it, as the document has them."""
    lines = text.splitlines()
    placed = []
    for error in errors:
        line = _xml_line(error.message) if is_xml else json_pointer_line(text, error.location)
        excerpt: tuple[tuple[int, str], ...] = ()
        if line is not None and 1 <= line <= len(lines):
            excerpt = tuple(
                (number, lines[number - 1][:LINE_CHARS])
                for number in range(max(1, line - 1), min(len(lines), line + 1) + 1)
            )
        placed.append(Placed(error.location, error.message, line, excerpt))
    return placed


def _xml_line(message: str) -> int | None:
    found = _XML_LINE.search(message)
    return int(found.group(1)) if found else None


def json_pointer_line(text: str, pointer: str) -> int | None:
    """The line (from 1) where the value a JSON pointer names starts (for a member, where its
    name does), or None when the text holds no such value."""
    if pointer in ("", "/"):
        return None
    if not pointer.startswith("/"):
        return None
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]
    try:
        at = _value_at(text, _skip_space(text, 0), parts)
    except (IndexError, ValueError):
        return None
    return None if at is None else text.count("\n", 0, at) + 1


def _value_at(text: str, pos: int, parts: list[str]) -> int | None:
    """Where the value at `parts` below the value starting at `pos` starts."""
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if text[pos] == "{":
            found = _member(text, pos, part)
            if found is None:
                return None
            name_at, pos = found
            if last:
                return name_at
        elif text[pos] == "[" and part.isdigit():
            found_item = _item(text, pos, int(part))
            if found_item is None:
                return None
            pos = found_item
        else:
            return None
    return pos


def _member(text: str, pos: int, name: str) -> tuple[int, int] | None:
    """Where the member `name` of the object at `pos` starts, and where its value does."""
    pos = _skip_space(text, pos + 1)
    while text[pos] != "}":
        name_at = pos
        end = _skip_string(text, pos)
        key = json.loads(text[pos:end])
        pos = _skip_space(text, end)
        if text[pos] != ":":
            raise ValueError("no colon after a member name")
        value_at = _skip_space(text, pos + 1)
        if key == name:
            return name_at, value_at
        pos = _skip_space(text, _skip_value(text, value_at))
        if text[pos] == ",":
            pos = _skip_space(text, pos + 1)
    return None


def _item(text: str, pos: int, index: int) -> int | None:
    """Where item `index` of the array at `pos` starts."""
    pos = _skip_space(text, pos + 1)
    count = 0
    while text[pos] != "]":
        if count == index:
            return pos
        pos = _skip_space(text, _skip_value(text, pos))
        if text[pos] == ",":
            pos = _skip_space(text, pos + 1)
        count += 1
    return None


def _skip_space(text: str, pos: int) -> int:
    while text[pos] in _WHITESPACE:
        pos += 1
    return pos


def _skip_string(text: str, pos: int) -> int:
    """Just past the string starting at `pos`."""
    if text[pos] != '"':
        raise ValueError("not a string")
    pos += 1
    while text[pos] != '"':
        pos += 2 if text[pos] == "\\" else 1
    return pos + 1


def _skip_value(text: str, pos: int) -> int:
    """Just past the value starting at `pos` (an object or array whole)."""
    if text[pos] == '"':
        return _skip_string(text, pos)
    if text[pos] not in "{[":
        while text[pos] not in ",]}" + _WHITESPACE:
            pos += 1
        return pos
    depth = 0
    while True:
        char = text[pos]
        if char == '"':
            pos = _skip_string(text, pos)
            continue
        if char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return pos + 1
        pos += 1
