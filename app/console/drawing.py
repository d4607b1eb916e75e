"""A check answer's blocking paths drawn as an SVG picture: the product at the top, each
drawn path down to its blocker, each edge labelled with the BOMs that declare it.

The picture is drawn from the answer exactly as the caller may see it (`for_caller()`, so
already cut by app.services.visibility) and from the names of the BOMs that answer lists;
it learns nothing else, so it can show nothing else. Standard library only: the console's
templates embed the string as it is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final
from xml.sax.saxutils import escape

from app.console.drawing_layout import MARGIN as _MARGIN
from app.console.drawing_layout import Placed, label_spots, lay_out

# Beyond these the picture stops being readable; what is left out is counted and said.
MAX_BLOCKERS: Final = 25
MAX_PATHS_PER_BLOCKER: Final = 10
NAME_CHARS: Final = 32
LABEL_CHARS: Final = 28

# The kind app.services.visibility gives the last step of a path cut where it enters a BOM
# the caller may not see; that step's child is a marker, not a component's name.
HIDDEN_KIND: Final = "hidden"
HIDDEN_BOX: Final = "hidden BOM"

_NAME_PX: Final = 13
_SMALL_PX: Final = 12
_LINE_PX: Final = 17
_PAD_X: Final = 10
_PAD_Y: Final = 7
_INK: Final = "#1a1a1a"
_DASHES: Final = ' stroke-dasharray="6 4"'  # what a hidden BOM holds: not colour alone
_ID: Final = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
# Characters XML 1.0 cannot carry at all; a BOM's JSON strings can hold them.
_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

Key = tuple[str, ...]
_PRODUCT: Final[Key] = ("product",)


@dataclass(slots=True)
class _Node:
    key: Key
    name: str  # "" for a box standing for what a hidden BOM holds
    hidden: bool = False
    is_product: bool = False
    reasons: list[str] = field(default_factory=list)  # a blocker when not empty
    more_paths: int = 0

    def lines(self) -> list[str]:
        shown = [HIDDEN_BOX if self.hidden else _truncated(self.name, NAME_CHARS)]
        if self.is_product:
            shown.append("PRODUCT")
        shown.extend(f"BLOCKER: {_words(reason)}" for reason in self.reasons)
        if self.more_paths:
            shown.append(f"and {self.more_paths} more {_plural(self.more_paths, 'path')}")
        return shown

    def title(self) -> str:
        what = [HIDDEN_BOX + ": inside a BOM you may not see" if self.hidden else self.name]
        what.extend(f"blocker ({_words(reason)})" for reason in self.reasons)
        return ", ".join(what)


@dataclass(slots=True)
class _Edge:
    parent: Key
    child: Key
    bom_ids: set[int] = field(default_factory=set)
    # Declared only inside BOMs the caller may not see: drawn dashed, named by no BOM.
    hidden: bool = False


@dataclass(slots=True)
class _Drawing:
    nodes: dict[Key, _Node]
    edges: dict[tuple[Key, Key], _Edge]
    blockers: int
    paths: int
    paths_left_out: int
    blockers_left_out: int


def blocking_paths_svg(
    answer: Mapping[str, Any],
    bom_names: Mapping[int, str] | None = None,
    *,
    id_prefix: str = "blocking-paths",
) -> str:
    """The answer's blocking paths as an SVG document (an `<svg>` element to embed).

    `bom_names` names BOMs by id (a BOM's subject, as the BOM list shows it); only the BOMs
    the answer lists (`answer["boms"]`, those the caller may see) are named, any other is
    not shown. `id_prefix` keeps the element ids unique on the page."""
    if not _ID.fullmatch(id_prefix):
        raise ValueError(f"id_prefix must be a short XML name, not {id_prefix!r}")
    listed = {bom["id"] for bom in answer.get("boms", ())}
    names = {bom_id: (bom_names or {}).get(bom_id, f"BOM {bom_id}") for bom_id in listed}
    drawing = _collect(answer)
    return _render(drawing, answer["product"]["name"], names, id_prefix)


# -- what is drawn ----------------------------------------------------------------------------


def _collect(answer: Mapping[str, Any]) -> _Drawing:
    """The nodes and edges of the drawn paths.

    A step names its parent and child by display name only, so components are merged by
    name: the product is the first parent of every path and each blocker the last child of
    its own paths (both known by position, whatever they are called); a component between
    them is one node per name. Two components can share a display name, so a name is not
    merged where it is known to stand for more than one: repeated on one path (paths are
    simple), the name of two blockers, or the product's own name below the product. Such a
    component is drawn once per route from the product instead. Two same-named components
    that never meet on one path, neither of them a blocker, cannot be told apart from the
    answer and are drawn as one."""
    product = answer["product"]
    blocking: Sequence[Mapping[str, Any]] = answer.get("blocking", ())
    drawn = blocking[:MAX_BLOCKERS]
    nodes: dict[Key, _Node] = {_PRODUCT: _Node(_PRODUCT, product["name"], is_product=True)}
    edges: dict[tuple[Key, Key], _Edge] = {}
    routes = [list(blocker["paths"][:MAX_PATHS_PER_BLOCKER]) for blocker in drawn]
    hidden = [blocker["component"]["id"] is None for blocker in drawn]
    ends: dict[str, set[int]] = {}
    ambiguous = {product["name"]}
    for index, paths in enumerate(routes):
        for path in paths:
            names = [step["child"] for step in path if step["kind"] != HIDDEN_KIND]
            ambiguous.update(name for name in names if names.count(name) > 1)
            if path and path[-1]["kind"] != HIDDEN_KIND and not hidden[index]:
                ends.setdefault(path[-1]["child"], set()).add(index)
    ambiguous.update(name for name, owners in ends.items() if len(owners) > 1)

    def key_of(name: str, parent: Key) -> Key:
        if name in ambiguous:
            return ("component", name, *parent)
        owners = ends.get(name)
        return ("blocker", str(min(owners))) if owners else ("component", name)

    def add_edge(parent: Key, child: Key, bom_ids: Sequence[int], *, hidden: bool) -> None:
        edge = edges.setdefault((parent, child), _Edge(parent, child, hidden=hidden))
        edge.bom_ids.update(bom_ids)
        edge.hidden = edge.hidden and hidden

    for index, (blocker, paths) in enumerate(zip(drawn, routes, strict=True)):
        component = blocker["component"]
        here: Key = ("blocker", str(index))
        if component["id"] is not None and component["id"] == product["id"] and not paths:
            here = _PRODUCT
        node = nodes.setdefault(
            here, _Node(here, "" if hidden[index] else component["name"], hidden[index])
        )
        node.reasons.append(blocker["reason"])
        node.more_paths += blocker.get("more_paths", 0) + len(blocker["paths"]) - len(paths)
        for path in paths:
            parent = _PRODUCT
            for position, step in enumerate(path):
                if step["kind"] == HIDDEN_KIND:
                    # Cut where it enters a hidden BOM: a hidden blocker is that box itself;
                    # a blocker the caller sees elsewhere is reached from one box of its own.
                    child = here if hidden[index] else ("hidden", str(index))
                    nodes.setdefault(child, _Node(child, "", hidden=True))
                    add_edge(parent, child, (), hidden=True)
                    if child != here:
                        add_edge(child, here, (), hidden=True)
                    break
                child = here if position == len(path) - 1 else key_of(step["child"], parent)
                if child not in nodes:
                    nodes[child] = _Node(child, step["child"])
                add_edge(parent, child, step["bom_ids"], hidden=False)
                parent = child

    return _Drawing(
        nodes,
        edges,
        blockers=len(blocking),
        paths=sum(len(paths) for paths in routes),
        paths_left_out=sum(node.more_paths for node in nodes.values()),
        blockers_left_out=max(0, len(blocking) - MAX_BLOCKERS),
    )


# -- how it is written ------------------------------------------------------------------------


def _box(node: _Node) -> tuple[float, float]:
    lines = node.lines()
    width = max(_text_width(line, _NAME_PX) for line in lines) + 2 * _PAD_X
    return max(width, 80.0), 2 * _PAD_Y + _LINE_PX * len(lines)


def _text_width(text: str, size: int) -> float:
    """An estimate (the server has no fonts to measure with): wide scripts take a full em."""
    return sum(
        0.0
        if unicodedata.combining(char)
        else size * (1.0 if unicodedata.east_asian_width(char) in "WF" else 0.62)
        for char in text
    )


def _order(node: _Node) -> tuple[bool, str, Key]:
    """The product first, then by name, then by key: how ties are broken, so the same answer
    is always drawn the same way."""
    return (not node.is_product, node.name, node.key)


def _render(drawing: _Drawing, product: str, bom_names: Mapping[int, str], prefix: str) -> str:
    nodes = sorted(drawing.nodes.values(), key=_order)
    index = {node.key: i for i, node in enumerate(nodes)}
    edges = sorted(drawing.edges.values(), key=lambda e: (index[e.parent], index[e.child]))
    layout = lay_out(
        [_box(node) for node in nodes], [(index[e.parent], index[e.child]) for e in edges]
    )
    notes = _notes(drawing)
    width, height = f"{layout.width:.0f}", f"{layout.height + len(notes) * _LINE_PX:.0f}"
    summary = "; ".join([_counted(drawing), *notes])
    lines = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="blocking-paths" role="img"'
            f' aria-labelledby="{prefix}-title {prefix}-desc" width="{width}" height="{height}"'
            f' viewBox="0 0 {width} {height}" font-family="system-ui, sans-serif"'
            f' font-size="{_NAME_PX}" fill="{_INK}">'
        ),
        f'<title id="{prefix}-title">Blocking paths of {_text(product)}</title>',
        f'<desc id="{prefix}-desc">{_text(summary)}</desc>',
        (
            f'<defs><marker id="{prefix}-arrow" viewBox="0 0 10 10" refX="10" refY="5"'
            f' markerWidth="9" markerHeight="9" orient="auto-start-reverse">'
            f'<path d="M0,0 L10,5 L0,10 z" fill="{_INK}"/></marker></defs>'
        ),
        f'<g class="edges" fill="none" stroke="{_INK}" stroke-width="1.5">',
    ]
    labels: list[tuple[str, str] | None] = []
    for edge, route in zip(edges, layout.routes, strict=True):
        parent, child = drawing.nodes[edge.parent], drawing.nodes[edge.child]
        declared = list(dict.fromkeys(_declared_in(edge, bom_names)))
        about = f"{_shown_name(parent)} → {_shown_name(child)}: " + (
            "declared only in BOMs you may not see"
            if edge.hidden
            else "declared in " + "; ".join(declared)
        )
        lines.append(
            f'<g class="edge{" hidden" if edge.hidden else ""}"'
            f' data-from="{prefix}-n{index[parent.key]}" data-to="{prefix}-n{index[child.key]}">'
            f"<title>{_text(about)}</title>"
            f'<polyline points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in route)}"'
            f' marker-end="url(#{prefix}-arrow)"{_DASHES if edge.hidden else ""}/></g>'
        )
        labels.append(
            None if edge.hidden else (_truncated(", ".join(declared), LABEL_CHARS), about)
        )
    lines.append("</g>")
    lines.append('<g class="nodes">')
    lines.extend(
        _node(node, placed, f"{prefix}-n{i}")
        for i, (node, placed) in enumerate(zip(nodes, layout.placed, strict=False))
    )
    lines.append("</g>")
    lines.append(
        f'<g class="edge-labels" font-size="{_SMALL_PX}" text-anchor="middle"'
        ' stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke">'
    )
    sizes = [
        None if label is None else (_text_width(label[0], _SMALL_PX) + 4, _SMALL_PX + 4.0)
        for label in labels
    ]
    for label, (x, y) in zip(labels, label_spots(layout.routes, sizes), strict=True):
        if label is not None:
            lines.append(
                f'<text class="edge-label" x="{x:.1f}" y="{y + _SMALL_PX / 3:.1f}">'
                f"<title>{_text(label[1])}</title>{_text(label[0])}</text>"
            )
    lines.append("</g>")
    for number, note in enumerate(notes):
        baseline = layout.height - _MARGIN / 2 + (number + 1) * _LINE_PX
        lines.append(f'<text class="note" x="{_MARGIN}" y="{baseline:.0f}">{_text(note)}</text>')
    lines.append("</svg>")
    return "\n".join(lines)


def _node(node: _Node, placed: Placed, element_id: str) -> str:
    kind = " ".join(
        word
        for word, holds in (
            ("product", node.is_product),
            ("blocker", bool(node.reasons)),
            ("hidden", node.hidden),
            ("component", not node.hidden),
        )
        if holds
    )
    left = placed.x - placed.width / 2
    fill = (
        "#f2f2f2"
        if node.hidden
        else "#fdeceb"
        if node.reasons
        else "#eef3fb"
        if node.is_product
        else "#ffffff"
    )
    parts = [
        f'<g class="node {kind}" id="{element_id}" data-layer="{placed.layer}">',
        f"<title>{_text(node.title())}</title>",
        (
            f'<rect x="{left:.1f}" y="{placed.y:.1f}" width="{placed.width:.1f}"'
            f' height="{placed.height:.1f}" rx="4" fill="{fill}" stroke="{_INK}"'
            f' stroke-width="{3 if node.reasons else 1.5}"{_DASHES if node.hidden else ""}/>'
        ),
    ]
    for number, line in enumerate(node.lines()):
        baseline = placed.y + _PAD_Y + _LINE_PX * (number + 1) - 4
        weight = "" if number == 0 and not node.is_product else ' font-weight="bold"'
        parts.append(
            f'<text x="{placed.x:.1f}" y="{baseline:.1f}" text-anchor="middle"{weight}>'
            f"{_text(line)}</text>"
        )
    parts.append("</g>")
    return "".join(parts)


def _declared_in(edge: _Edge, bom_names: Mapping[int, str]) -> list[str]:
    """The names of the edge's BOMs the caller may see; an edge only other BOMs declare (an
    answer should hold none) says so rather than staying quiet."""
    named = [bom_names[bom_id] for bom_id in sorted(edge.bom_ids) if bom_id in bom_names]
    return named or ["a BOM not shown"]


def _shown_name(node: _Node) -> str:
    return HIDDEN_BOX if node.hidden else node.name


def _counted(drawing: _Drawing) -> str:
    blockers = _plural(drawing.blockers, "blocking component")
    return f"{drawing.blockers} {blockers}, {drawing.paths} {_plural(drawing.paths, 'path')}"


def _notes(drawing: _Drawing) -> list[str]:
    notes = []
    if drawing.blockers_left_out:
        notes.append(
            f"and {drawing.blockers_left_out} more blocking"
            f" {_plural(drawing.blockers_left_out, 'component')} not drawn"
            f" (only the first {MAX_BLOCKERS} are)"
        )
    if drawing.paths_left_out:
        notes.append(
            f"and {drawing.paths_left_out} more {_plural(drawing.paths_left_out, 'path')}"
            " to the blockers drawn, not drawn"
        )
    return notes


def _plural(count: int, noun: str) -> str:
    return noun if count == 1 else noun + "s"


def _words(code: str) -> str:
    return code.replace("_", " ")


def _truncated(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(value: str) -> str:
    """Text as XML carries it: markup escaped, characters XML cannot hold replaced."""
    return escape(_NOT_XML.sub("\ufffd", value))
