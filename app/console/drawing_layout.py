"""Where the boxes and lines of a small layered drawing go (Sugiyama's method, kept simple):
nodes in rows by their longest distance from the root, ordered within a row by the
barycentre of their neighbours, edges as polylines bending wherever they cross a row, and
labels placed clear of each other. It knows nothing of what it draws."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

Point = tuple[float, float]

SWEEPS: Final = 5  # barycentre passes: down, up, down, up, down
GAP_X: Final = 28
LAYER_GAP: Final = 76  # between rows of boxes: room for the edges' labels
MARGIN: Final = 16
_BEND_WIDTH: Final = 14
# Where along the last stretch of an edge its label may sit, in order of preference.
_LABEL_SPOTS: Final = (0.55, 0.35, 0.75, 0.25, 0.85, 0.45, 0.65)
_CELL: Final = 64.0


@dataclass(slots=True)
class Placed:
    """A node's box (`real`), or a point where an edge crosses a row between its ends."""

    layer: int
    width: float
    height: float
    real: bool = True
    above: list[int] = field(default_factory=list)
    below: list[int] = field(default_factory=list)
    x: float = 0.0  # centre
    y: float = 0.0  # top


@dataclass(frozen=True, slots=True)
class Layout:
    # The nodes first, in the order given, then the bends.
    placed: tuple[Placed, ...]
    # Each edge's polyline, from its parent's box to its child's: the way the arrow points.
    routes: tuple[tuple[Point, ...], ...]
    width: float
    height: float


def lay_out(sizes: Sequence[Point], edges: Sequence[tuple[int, int]]) -> Layout:
    """Node 0 is the root, at the top; every other node is at least one row below it. Nodes
    are given (and ties broken) in the order the drawing should read when nothing else
    decides it, so the same graph is always drawn the same way."""
    layer, backward = _layers(len(sizes), edges)
    placed = [Placed(layer[i], width, height) for i, (width, height) in enumerate(sizes)]
    chains = []
    for parent, child in edges:
        upward = (parent, child) in backward
        top, bottom = (child, parent) if upward else (parent, child)
        chain = [top]
        for level in range(placed[top].layer + 1, placed[bottom].layer):
            placed.append(Placed(level, _BEND_WIDTH, 0.0, real=False))
            chain.append(len(placed) - 1)
        chain.append(bottom)
        for upper, lower in itertools.pairwise(chain):
            placed[upper].below.append(lower)
            placed[lower].above.append(upper)
        chains.append(chain[::-1] if upward else chain)
    width, height = _coordinates(placed, _ordered_rows(placed))
    routes = tuple(_points(placed, chain) for chain in chains)
    return Layout(tuple(placed), routes, width, height)


def _layers(count: int, edges: Sequence[tuple[int, int]]) -> tuple[list[int], set[tuple[int, int]]]:
    """Each node's row, its longest distance from the root, and the edges set aside as
    closing a cycle: a depth-first walk from the root (children in the order given) finds
    them; they are left out of the layering, and drawn pointing upward, so it always ends."""
    below: list[list[int]] = [[] for _ in range(count)]
    for parent, child in edges:
        below[parent].append(child)
    for held in below:
        held.sort()
    backward: set[tuple[int, int]] = set()
    reached: set[int] = set()
    done: set[int] = set()
    finished: list[int] = []
    for root in range(count):
        if root in reached:
            continue
        reached.add(root)
        stack = [(root, iter(below[root]))]
        while stack:
            node, children = stack[-1]
            for child in children:
                if child in reached:
                    if child not in done:  # still on the walk: this edge closes a cycle
                        backward.add((node, child))
                    continue
                reached.add(child)
                stack.append((child, iter(below[child])))
                break
            else:
                done.add(node)
                finished.append(node)
                stack.pop()
    layer = [0] * count
    for node in reversed(finished):  # a topological order of the edges kept
        for child in below[node]:
            if (node, child) not in backward:
                layer[child] = max(layer[child], layer[node] + 1)
    return [max(level, int(node > 0)) for node, level in enumerate(layer)], backward


def _ordered_rows(placed: Sequence[Placed]) -> list[list[int]]:
    rows: list[list[int]] = [[] for _ in range(max(p.layer for p in placed) + 1)]
    for i, vertex in enumerate(placed):  # the order given: the first order, and every tie
        rows[vertex.layer].append(i)
    position = {i: place for row in rows for place, i in enumerate(row)}
    for sweep in range(SWEEPS):
        downward = sweep % 2 == 0
        for level in range(1, len(rows)) if downward else range(len(rows) - 2, -1, -1):
            centre = {i: _barycentre(placed[i], i, position, downward) for i in rows[level]}
            rows[level].sort(key=lambda i: (centre[i], i))
            position.update((i, place) for place, i in enumerate(rows[level]))
    return rows


def _barycentre(vertex: Placed, i: int, position: Mapping[int, int], downward: bool) -> float:
    near = vertex.above if downward else vertex.below
    return sum(position[j] for j in near) / len(near) if near else float(position[i])


def _coordinates(placed: Sequence[Placed], rows: Sequence[Sequence[int]]) -> Point:
    """Rows from the top, each vertex as near below the vertices above it as its row's order
    and spacing allow; returns the drawing's width and height."""
    top = float(MARGIN)
    for row in rows:
        height = max(placed[i].height for i in row)
        left = 0.0
        for i in row:  # packed, as the fallback for a vertex with nothing above it
            vertex = placed[i]
            vertex.x, vertex.y = left + vertex.width / 2, top
            left += vertex.width + GAP_X
            if not vertex.real:
                vertex.height = height  # the edge passes straight down through the row
        wanted = [_mean([placed[j].x for j in placed[i].above], placed[i].x) for i in row]
        _spread([placed[i] for i in row], wanted)
        top += height + LAYER_GAP
    shift = MARGIN - min(vertex.x - vertex.width / 2 for vertex in placed)
    for vertex in placed:
        vertex.x += shift
    return max(v.x + v.width / 2 for v in placed) + MARGIN, top - LAYER_GAP + MARGIN


def _spread(row: Sequence[Placed], wanted: Sequence[float]) -> None:
    """Each vertex at the x it wants, kept in order and apart: the mean of the nearest
    placement pushing rightward and the nearest pushing leftward, both of which keep the
    gaps, so their mean does too."""
    rightward, leftward = list(wanted), list(wanted)
    for n in range(1, len(row)):
        apart = (row[n - 1].width + row[n].width) / 2 + GAP_X
        rightward[n] = max(rightward[n], rightward[n - 1] + apart)
    for n in range(len(row) - 2, -1, -1):
        apart = (row[n].width + row[n + 1].width) / 2 + GAP_X
        leftward[n] = min(leftward[n], leftward[n + 1] - apart)
    for vertex, right, left in zip(row, rightward, leftward, strict=True):
        vertex.x = (right + left) / 2


def _mean(values: Sequence[float], otherwise: float) -> float:
    return sum(values) / len(values) if values else otherwise


def _points(placed: Sequence[Placed], chain: Sequence[int]) -> tuple[Point, ...]:
    """Out of the parent's box, through each row crossed, into the child's box."""
    going_down = placed[chain[0]].layer < placed[chain[-1]].layer
    points = []
    for place, i in enumerate(chain):
        vertex = placed[i]
        top, bottom = (vertex.x, vertex.y), (vertex.x, vertex.y + vertex.height)
        entry, exit_ = (top, bottom) if going_down else (bottom, top)
        if place > 0:
            points.append(entry)
        if place < len(chain) - 1:
            points.append(exit_)
    return tuple(points)


def label_spots(routes: Sequence[Sequence[Point]], sizes: Sequence[Point | None]) -> list[Point]:
    """Where each route's label (of the given width and height; None: no label) is centred:
    on the route's last stretch, just above the box it points into, at the first spot along
    it that overlaps no label placed before (else the first spot)."""
    taken: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}
    spots = []
    for route, size in zip(routes, sizes, strict=True):
        (x0, y0), (x1, y1) = route[-2], route[-1]
        candidates = [(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t) for t in _LABEL_SPOTS]
        if size is None:
            spots.append(candidates[0])
            continue
        width, height = size
        boxes = [
            (x - width / 2, y - height / 2, x + width / 2, y + height / 2) for x, y in candidates
        ]
        chosen = next((n for n, box in enumerate(boxes) if not _overlaps(box, taken)), 0)
        box = boxes[chosen]
        for cell in _cells(box):
            taken.setdefault(cell, []).append(box)
        spots.append(candidates[chosen])
    return spots


def _overlaps(
    box: tuple[float, float, float, float],
    taken: Mapping[tuple[int, int], list[tuple[float, float, float, float]]],
) -> bool:
    left, top, right, bottom = box
    return any(
        left < other[2] and other[0] < right and top < other[3] and other[1] < bottom
        for cell in _cells(box)
        for other in taken.get(cell, ())
    )


def _cells(box: tuple[float, float, float, float]) -> list[tuple[int, int]]:
    """The grid cells a box touches: a label is compared only with labels near it."""
    left, top, right, bottom = (int(edge // _CELL) for edge in box)
    return [(x, y) for x in range(left, right + 1) for y in range(top, bottom + 1)]
