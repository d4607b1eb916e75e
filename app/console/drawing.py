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
from collections.abc import Mapping
from typing import Any, Final
from xml.sax.saxutils import escape

from app.console.drawing_layout import MARGIN as _MARGIN
from app.console.drawing_layout import Placed, label_spots, lay_out
from app.console.drawing_paths import MAX_BLOCKERS, Drawing, Edge, Key, Line, Node, collect_paths

NAME_CHARS: Final = 32
LABEL_CHARS: Final = 28

HIDDEN_BOX: Final = "hidden BOM"

_NAME_PX: Final = 13
_SMALL_PX: Final = 12
_LINE_PX: Final = 17
_PAD_X: Final = 10
_PAD_Y: Final = 7
_INK: Final = "#1a1a1a"
_ID: Final = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
# Text that XML carries as it is: most names.
_PLAIN: Final = re.compile(r"[\w .,:;@/+()=~'\"-]*")
# Characters XML 1.0 cannot carry at all; a BOM's JSON strings can hold them.
_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Hidden and elided parts are told apart by their outline, not by colour alone.
_DASHES: Final = {
    Line.DECLARED: "",
    Line.HIDDEN: ' stroke-dasharray="6 4"',
    Line.ELIDED: ' stroke-dasharray="2 3"',
}
_ABOUT: Final = {
    Line.DECLARED: ": declared in ",
    Line.HIDDEN: ": declared only in BOMs you may not see",
    Line.ELIDED: ": the path goes on through components not drawn",
}


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
    drawing = collect_paths(answer)
    return _render(drawing, answer["product"]["name"], names, id_prefix)


def _lines(node: Node) -> list[str]:
    if node.elided:
        return [f"{node.elided} more on this path"]
    shown = [HIDDEN_BOX if node.hidden else _truncated(node.name, NAME_CHARS)]
    if node.is_product:
        shown.append("PRODUCT")
    shown.extend(f"BLOCKER: {_words(reason)}" for reason in node.reasons)
    if node.more_paths:
        shown.append(f"and {node.more_paths} more {_plural(node.more_paths, 'path')}")
    return shown


def _title(node: Node) -> str:
    if node.elided:
        return f"{node.elided} components of this path, not drawn"
    what = [HIDDEN_BOX + ": inside a BOM you may not see" if node.hidden else node.name]
    what.extend(f"blocker ({_words(reason)})" for reason in node.reasons)
    return ", ".join(what)


def _shown_name(node: Node) -> str:
    return _title(node) if node.elided else HIDDEN_BOX if node.hidden else node.name


def _box(node: Node) -> tuple[float, float]:
    lines = _lines(node)
    width = max(_text_width(line, _NAME_PX) for line in lines) + 2 * _PAD_X
    return max(width, 80.0), 2 * _PAD_Y + _LINE_PX * len(lines)


def _text_width(text: str, size: int) -> float:
    """An estimate (the server has no fonts to measure with): wide scripts take a full em."""
    if text.isascii():
        return len(text) * size * 0.62
    return sum(
        0.0
        if unicodedata.combining(char)
        else size * (1.0 if unicodedata.east_asian_width(char) in "WF" else 0.62)
        for char in text
    )


def _order(node: Node) -> tuple[bool, str, Key]:
    """The product first, then by name, then by key: how ties are broken, so the same answer
    is always drawn the same way."""
    return (not node.is_product, node.name, node.key)


def _render(drawing: Drawing, product: str, bom_names: Mapping[int, str], prefix: str) -> str:
    nodes = sorted(drawing.nodes.values(), key=_order)
    index = {node.key: i for i, node in enumerate(nodes)}
    edges = sorted(drawing.edges.values(), key=lambda e: (index[e.parent], index[e.child]))
    layout = lay_out(
        [_box(node) for node in nodes], [(index[e.parent], index[e.child]) for e in edges]
    )
    arrows, labels = [], []
    for number, (edge, route) in enumerate(zip(edges, layout.routes, strict=True)):
        parent, child = drawing.nodes[edge.parent], drawing.nodes[edge.child]
        declared = list(dict.fromkeys(_declared_in(edge, bom_names)))
        about = f"{_shown_name(parent)} → {_shown_name(child)}" + _ABOUT[edge.line]
        if edge.line is Line.DECLARED:
            about += "; ".join(declared)
        arrows.append(
            f'<g class="edge {edge.line}" id="{prefix}-e{number}"'
            f' data-from="{prefix}-n{index[parent.key]}" data-to="{prefix}-n{index[child.key]}">'
            f"<title>{_text(about)}</title>"
            f'<polyline points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in route)}"'
            f' marker-end="url(#{prefix}-arrow)"{_DASHES[edge.line]}/></g>'
        )
        whole = ", ".join(declared)
        labels.append((whole, about, f"{prefix}-e{number}") if edge.line is Line.DECLARED else None)
    sizes = [
        None
        if label is None
        else (_text_width(_truncated(label[0], LABEL_CHARS), _SMALL_PX) + 4, _SMALL_PX + 4.0)
        for label in labels
    ]
    spots = label_spots(layout.routes, sizes)
    notes = _notes(drawing)
    # Labels and notes may reach past the boxes: the picture takes them in.
    reach = [
        (x - size[0] / 2, x + size[0] / 2)
        for (x, _), size in zip(spots, sizes, strict=True)
        if size is not None
    ]
    reach += [(_MARGIN, _MARGIN + _text_width(note, _NAME_PX)) for note in notes]
    left = min([0.0, *(start - 4 for start, _ in reach)])
    width = max([layout.width, *(end + 4 for _, end in reach)]) - left
    height = layout.height + len(notes) * _LINE_PX
    lines = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="blocking-paths" role="img"'
            f' aria-labelledby="{prefix}-title {prefix}-desc" width="{width:.0f}"'
            f' height="{height:.0f}" viewBox="{left:.0f} 0 {width:.0f} {height:.0f}"'
            f' font-family="system-ui, sans-serif" font-size="{_NAME_PX}" fill="{_INK}">'
        ),
        f'<title id="{prefix}-title">Blocking paths of {_text(product)}</title>',
        f'<desc id="{prefix}-desc">{_text("; ".join([_counted(drawing), *notes]))}</desc>',
        (
            f'<defs><marker id="{prefix}-arrow" viewBox="0 0 10 10" refX="10" refY="5"'
            ' markerWidth="9" markerHeight="9" orient="auto-start-reverse">'
            f'<path d="M0,0 L10,5 L0,10 z" fill="{_INK}"/></marker></defs>'
        ),
        f'<g class="edges" fill="none" stroke="{_INK}" stroke-width="1.5">',
        *arrows,
        "</g>",
        '<g class="nodes">',
        *(
            _node(node, placed, f"{prefix}-n{i}")
            for i, (node, placed) in enumerate(zip(nodes, layout.placed, strict=False))
        ),
        "</g>",
        (
            f'<g class="edge-labels" font-size="{_SMALL_PX}" text-anchor="middle"'
            ' stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke">'
        ),
        *(
            _label(*label, x, y)
            for label, (x, y) in zip(labels, spots, strict=True)
            if label is not None
        ),
        "</g>",
        *(
            f'<text class="note" x="{_MARGIN}" y="{layout.height + n * _LINE_PX - 8:.0f}">'
            f"{_text(note)}</text>"
            for n, note in enumerate(notes, start=1)
        ),
        "</svg>",
    ]
    return "\n".join(lines)


def _label(whole: str, about: str, edge_id: str, x: float, y: float) -> str:
    """The declaring BOMs' names; shortened, with the whole of what the edge says in a title."""
    shown = _truncated(whole, LABEL_CHARS)
    title = f"<title>{_text(about)}</title>" if shown != whole else ""
    at = f'data-edge="{edge_id}" x="{x:.1f}" y="{y + _SMALL_PX / 3:.1f}"'
    return f'<text class="edge-label" {at}>{title}{_text(shown)}</text>'


def _node(node: Node, placed: Placed, element_id: str) -> str:
    kind = (
        "elided"
        if node.elided
        else " ".join(
            word
            for word, holds in (
                ("product", node.is_product),
                ("blocker", bool(node.reasons)),
                ("hidden", node.hidden),
                ("component", not node.hidden),
            )
            if holds
        )
    )
    left = placed.x - placed.width / 2
    fill = "#fdeceb" if node.reasons else "#eef3fb" if node.is_product else "#ffffff"
    outline = Line.ELIDED if node.elided else Line.HIDDEN if node.hidden else Line.DECLARED
    parts = [
        f'<g class="node {kind}" id="{element_id}" data-layer="{placed.layer}">',
        f"<title>{_text(_title(node))}</title>",
        (
            f'<rect x="{left:.1f}" y="{placed.y:.1f}" width="{placed.width:.1f}"'
            f' height="{placed.height:.1f}" rx="4"'
            f' fill="{"#f2f2f2" if node.hidden or node.elided else fill}" stroke="{_INK}"'
            f' stroke-width="{3 if node.reasons else 1.5}"{_DASHES[outline]}/>'
        ),
    ]
    for number, line in enumerate(_lines(node)):
        baseline = placed.y + _PAD_Y + _LINE_PX * (number + 1) - 4
        weight = "" if number == 0 and not node.is_product else ' font-weight="bold"'
        parts.append(
            f'<text x="{placed.x:.1f}" y="{baseline:.1f}" text-anchor="middle"{weight}>'
            f"{_text(line)}</text>"
        )
    parts.append("</g>")
    return "".join(parts)


def _declared_in(edge: Edge, bom_names: Mapping[int, str]) -> list[str]:
    """The names of the edge's BOMs the caller may see; an edge only other BOMs declare (an
    answer should hold none) says so rather than staying quiet."""
    named = [bom_names[bom_id] for bom_id in sorted(edge.bom_ids) if bom_id in bom_names]
    return named or ["a BOM not shown"]


def _counted(drawing: Drawing) -> str:
    blockers = _plural(drawing.blockers, "blocking component")
    return f"{drawing.blockers} {blockers}, {drawing.paths} {_plural(drawing.paths, 'path')}"


def _notes(drawing: Drawing) -> list[str]:
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
    if _PLAIN.fullmatch(value):  # most names: nothing to do
        return value
    return escape(_NOT_XML.sub("\ufffd", value))
