"""Where in a document a refusal points: the line (and column) a located error names, and
the document's text around it.

A JSON pointer is followed through the document's text by a small position-aware scan, to
where the value it names starts (or, when part of the pointer names nothing, to where the
deepest part that exists starts). An XPath as the XML reader writes it
(`/bom/components/component[3]/properties`) is followed through the parsed tree to the
element's `sourceline`. Parser errors that say "line N, column M" are taken at their word.
Nothing here raises on a document it cannot read: it finds no line instead."""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass

from lxml import etree

from app.domain.errors import Located

# Lines of context shown either side of the line an error names, and how much of one line.
AROUND = 3
LINE_WIDTH = 160
# Errors past this many are listed without their place: following a pointer costs a scan.
MAX_LOCATED = 50

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_STRUCTURE = re.compile(r'[\[\]{}"]')
_SPACE = re.compile(r"[ \t\r\n]*")
_SAID_LINE = re.compile(r"\bline (\d+),? column (\d+)")
# The XML reader ends each schema error with the line libxml2 gives it.
_XSD_LINE = re.compile(r"\(line (\d+)\)$")
_STEP = re.compile(r"^([A-Za-z_][\w.-]*)(?:\[(\d+)\])?$")


@dataclass(frozen=True, slots=True)
class Place:
    """A place in the document: its line and column, both counted from 1."""

    line: int
    column: int = 1


@dataclass(frozen=True, slots=True)
class ShownLine:
    number: int
    text: str
    named: bool


@dataclass(frozen=True, slots=True)
class Excerpt:
    """A located error, with the lines of the document around the one it names (none when
    the document's text cannot be shown or the place not found)."""

    location: str
    message: str
    place: Place | None
    lines: tuple[ShownLine, ...]


def decoded(data: bytes) -> str | None:
    """The document as text (UTF-8, a leading byte-order mark dropped), or None."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def pointer_tokens(pointer: str) -> list[str] | None:
    """The reference tokens of a JSON pointer (RFC 6901), or None when it is not one."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        return None
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer[1:].split("/")]


def _skip_space(text: str, at: int) -> int:
    found = _SPACE.match(text, at)
    return found.end() if found else at


def _string_end(text: str, at: int) -> int:
    found = _STRING.match(text, at)
    return found.end() if found else len(text)


_DECODER = json.JSONDecoder()


def _value_end(text: str, at: int) -> int:
    """Where the JSON value starting at `at` ends: read by the standard library's scanner, or,
    when that refuses it, by skipping strings whole (so braces and quotes inside them count
    for nothing) and counting brackets."""
    if at >= len(text):
        return at
    try:
        return int(_DECODER.raw_decode(text, at)[1])
    except ValueError:
        pass
    if text[at] == '"':
        return _string_end(text, at)
    if text[at] not in "[{":
        end = at
        while end < len(text) and text[end] not in ",]}\r\n\t ":
            end += 1
        return end
    depth, cursor = 0, at
    while True:
        found = _STRUCTURE.search(text, cursor)
        if found is None:
            return len(text)
        char, cursor = found.group(), found.end()
        if char == '"':
            cursor = _string_end(text, found.start())
        elif char in "[{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return cursor


class JsonScan:
    """A JSON text and where the members of each object or array it has read start: many
    errors point into the same large array, which is then read once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._members: dict[int, dict[str, int]] = {}

    def members(self, at: int) -> dict[str, int]:
        """Where each member's value starts in the object or array starting at `at`, by key
        (the first of a key written twice) or by index; as far as the text can be read."""
        if at not in self._members:
            self._members[at] = self._read_members(at)
        return self._members[at]

    def _read_members(self, at: int) -> dict[str, int]:
        text = self.text
        found: dict[str, int] = {}
        cursor = _skip_space(text, at + 1)
        while cursor < len(text) and text[cursor] not in "]}":
            if text[at] == "{":
                key_end = _string_end(text, cursor)
                try:
                    key = str(json.loads(text[cursor:key_end]))
                except ValueError:
                    break
                cursor = _skip_space(text, key_end)
                if text[cursor : cursor + 1] != ":":
                    break
                cursor = _skip_space(text, cursor + 1)
            else:
                key = str(len(found))
            found.setdefault(key, cursor)
            cursor = _skip_space(text, _value_end(text, cursor))
            if text[cursor : cursor + 1] != ",":
                break
            cursor = _skip_space(text, cursor + 1)
        return found

    def offset(self, pointer: str) -> int | None:
        """Where the value a JSON pointer names starts, or where the deepest part of it that
        exists does; None when the text does not start with a JSON value."""
        tokens = pointer_tokens(pointer)
        if tokens is None:
            return None
        cursor = _skip_space(self.text, 0)
        if cursor >= len(self.text):
            return None
        for token in tokens:
            if self.text[cursor] not in "[{":
                break
            inside = self.members(cursor).get(token)
            if inside is None:
                break
            cursor = inside
        return cursor


def json_offset(text: str, pointer: str) -> int | None:
    """Where the value a JSON pointer names starts in the text (see JsonScan.offset)."""
    return JsonScan(text).offset(pointer)


class _Document:
    """The document's text with where each line starts, and its XML tree once asked for."""

    def __init__(self, data: bytes, text: str) -> None:
        self.data = data
        self.text = text
        self.starts = [0, *(m.end() for m in re.finditer(r"\n", text))]
        self.xml = text.lstrip().startswith("<")
        self.json = JsonScan(text)
        self._root: etree._Element | None = None
        self._parsed = False

    def place(self, offset: int) -> Place:
        index = bisect.bisect_right(self.starts, offset) - 1
        return Place(index + 1, offset - self.starts[index] + 1)

    def line(self, number: int) -> str:
        start = self.starts[number - 1]
        end = self.starts[number] - 1 if number < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r")

    def root(self) -> etree._Element | None:
        if not self._parsed:
            self._parsed = True
            parser = etree.XMLParser(
                resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
            )
            try:
                self._root = etree.fromstring(self.data, parser)
            except (etree.XMLSyntaxError, ValueError):
                self._root = None
        return self._root


def _xml_element(root: etree._Element | None, xpath: str) -> etree._Element | None:
    """The element an XPath as the XML reader writes it names, or the deepest that exists."""
    steps = [step for step in xpath.split("/") if step and not step.startswith("@")]
    if not steps or root is None or etree.QName(root).localname != steps[0]:
        return None
    element = root
    for step in steps[1:]:
        shaped = _STEP.match(step)
        if shaped is None:
            break
        name, position = shaped.group(1), int(shaped.group(2) or 1)
        same = [
            child
            for child in element
            if isinstance(child.tag, str) and etree.QName(child).localname == name
        ]
        if len(same) < position:
            break
        element = same[position - 1]
    return element


def _found(document: _Document, error: Located) -> Place | None:
    said = _SAID_LINE.fullmatch(error.location)
    if said is None and error.location in {"", "/"}:
        # A parser's complaint about the whole document says where it stopped reading.
        said = _SAID_LINE.search(error.message)
    if said is not None:
        return Place(int(said.group(1)), int(said.group(2)))
    schema_line = _XSD_LINE.search(error.message) if document.xml else None
    if schema_line is not None:
        return Place(int(schema_line.group(1)))
    if document.xml:
        element = _xml_element(document.root(), error.location)
        line = None if element is None else element.sourceline
        return Place(line) if line else None
    offset = document.json.offset(error.location)
    return None if offset is None else document.place(offset)


def _place(document: _Document, error: Located) -> Place | None:
    place = _found(document, error)
    if place is None or not 1 <= place.line <= len(document.starts):
        return None
    return place


def place_of(data: bytes, error: Located) -> Place | None:
    """The place in the document an error names, when it can be found."""
    text = decoded(data)
    return None if text is None else _place(_Document(data, text), error)


def _shown(text: str, column: int) -> str:
    """One line as shown: whole when short, else a window around the column."""
    if len(text) <= LINE_WIDTH:
        return text
    start = max(0, min(column - 1 - LINE_WIDTH // 2, len(text) - LINE_WIDTH))
    window = text[start : start + LINE_WIDTH]
    return ("…" if start else "") + window + ("…" if start + LINE_WIDTH < len(text) else "")


def excerpts(data: bytes, errors: list[Located], *, around: int = AROUND) -> list[Excerpt]:
    """Each error with the lines of the document around the one it names."""
    text = decoded(data)
    document = None if text is None else _Document(data, text)
    found = []
    for number, error in enumerate(errors):
        place = None
        if document is not None and number < MAX_LOCATED:
            place = _place(document, error)
        shown: tuple[ShownLine, ...] = ()
        if document is not None and place is not None:
            first = max(1, place.line - around)
            last = min(len(document.starts), place.line + around)
            shown = tuple(
                ShownLine(
                    n,
                    _shown(document.line(n), place.column if n == place.line else 1),
                    n == place.line,
                )
                for n in range(first, last + 1)
            )
        found.append(Excerpt(error.location, error.message, place, shown))
    return found
