"""What of a check answer's blocking paths is drawn: one box per component (merged by the
identity the answer gives), one arrow per distinct step, within bounds that keep the picture
readable and quick to draw; what is left out is counted. No text or geometry here."""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final, NamedTuple

# Beyond these the picture stops being readable; what is left out is counted and said.
MAX_BLOCKERS: Final = 25
MAX_PATHS_PER_BLOCKER: Final = 10
# Every drawn blocker's first path is drawn; further paths while the boxes stay this few.
MAX_BOXES: Final = 150
# A path longer than the head and tail steps by two or more shows one box for its middle.
_HEAD_STEPS: Final = 3
_TAIL_STEPS: Final = 2
# The kind app.services.visibility gives the last step of a path cut where it enters a BOM
# the caller may not see; that step's child is a marker, not a component's name.
HIDDEN_KIND: Final = "hidden"

Key = tuple[str, ...]
Json = Mapping[str, Any]
PRODUCT: Final[Key] = ("product",)


class Line(StrEnum):
    """How an edge is drawn, and the class it carries."""

    DECLARED = "declared"  # a BOM the caller may see declares it: labelled with its name
    HIDDEN = "hidden"  # only BOMs the caller may not see do: dashed, named by no BOM
    ELIDED = "elided"  # into the box standing for the middle of a long path: dotted


@dataclass(slots=True)
class Node:
    key: Key
    name: str  # "" for a box standing for what a hidden BOM holds, or for elided steps
    hidden: bool = False
    is_product: bool = False
    reasons: list[str] = field(default_factory=list)  # a blocker when not empty
    more_paths: int = 0
    elided: int = 0  # the number of components of a long path this box stands for


@dataclass(slots=True)
class Edge:
    parent: Key
    child: Key
    line: Line
    bom_ids: set[int] = field(default_factory=set)


class _Link(NamedTuple):
    """One edge of one path, before it is known whether the path fits in the picture."""

    parent: Key
    child: Key
    name: str  # the child's, as the path names it
    line: Line = Line.DECLARED
    bom_ids: Sequence[int] = ()
    elided: int = 0


@dataclass(slots=True)
class Drawing:
    nodes: dict[Key, Node]
    edges: dict[tuple[Key, Key], Edge]
    blockers: int
    paths: int
    paths_left_out: int
    blockers_left_out: int


def collect_paths(answer: Mapping[str, Any]) -> Drawing:
    """The nodes and edges of the drawn paths: every drawn blocker's first path, then their
    second paths, and so on while the picture holds fewer than MAX_BOXES boxes."""
    product = answer["product"]
    blocking: Sequence[Mapping[str, Any]] = answer.get("blocking", ())
    drawn = blocking[:MAX_BLOCKERS]
    routes = [list(blocker["paths"][:MAX_PATHS_PER_BLOCKER]) for blocker in drawn]
    hidden = [blocker["component"]["id"] is None for blocker in drawn]
    names = _Names.of(product["name"], routes, hidden)
    nodes: dict[Key, Node] = {PRODUCT: Node(PRODUCT, product["name"], is_product=True)}
    edges: dict[tuple[Key, Key], Edge] = {}
    ends = []
    for index, (blocker, paths) in enumerate(zip(drawn, routes, strict=True)):
        component = blocker["component"]
        here: Key = ("blocker", str(index))
        if component["id"] is not None and component["id"] == product["id"] and not paths:
            here = PRODUCT
        node = nodes.setdefault(
            here, Node(here, "" if hidden[index] else component["name"], hidden[index])
        )
        node.reasons.append(blocker["reason"])
        node.more_paths += blocker.get("more_paths", 0) + len(blocker["paths"]) - len(paths)
        ends.append(here)
    paths_drawn = 0
    for number in range(MAX_PATHS_PER_BLOCKER):
        for index, paths in enumerate(routes):
            if number >= len(paths):
                continue
            links = _fitting(
                _links(paths[number], ends[index], hidden[index], f"{index}.{number}", names),
                nodes,
                room=MAX_BOXES - len(nodes) if number else None,
            )
            if links is None:
                nodes[ends[index]].more_paths += 1
                continue
            paths_drawn += 1
            for link in links:
                if link.child not in nodes:
                    hidden_box = link.line is Line.HIDDEN
                    nodes[link.child] = Node(link.child, link.name, hidden_box, elided=link.elided)
                edge = edges.setdefault(
                    (link.parent, link.child), Edge(link.parent, link.child, link.line)
                )
                edge.bom_ids.update(link.bom_ids)
    return Drawing(
        nodes,
        edges,
        blockers=len(blocking),
        paths=paths_drawn,
        paths_left_out=sum(node.more_paths for node in nodes.values()),
        blockers_left_out=max(0, len(blocking) - MAX_BLOCKERS),
    )


@dataclass(frozen=True, slots=True)
class _Names:
    """Which node a component's display name stands for.

    A step names its parent and child by display name only, so components are merged by
    name: the product is the first parent of every path and each blocker the last child of
    its own paths (both known by position, whatever they are called); a component between
    them is one node per name. Two components can share a display name, so a name is not
    merged where it is known to stand for more than one: repeated on one path (paths are
    simple), the name of two blockers, or the product's own name below the product. Such a
    component is drawn once per route from the product instead. Two same-named components
    that never meet on one path, neither of them a blocker, cannot be told apart from the
    answer and are drawn as one."""

    ambiguous: frozenset[str]
    blockers: Mapping[str, int]  # the one blocker a name ends paths at, by its index

    @classmethod
    def of(
        cls, product: str, routes: Sequence[Sequence[Sequence[Json]]], hidden: Sequence[bool]
    ) -> _Names:
        ends: dict[str, set[int]] = {}
        ambiguous = {product}
        for index, paths in enumerate(routes):
            for path in paths:
                names = [step["child"] for step in path if step["kind"] != HIDDEN_KIND]
                ambiguous.update(name for name in names if names.count(name) > 1)
                if path and path[-1]["kind"] != HIDDEN_KIND and not hidden[index]:
                    ends.setdefault(path[-1]["child"], set()).add(index)
        ambiguous.update(name for name, owners in ends.items() if len(owners) > 1)
        blockers = {name: min(owners) for name, owners in ends.items() if name not in ambiguous}
        return cls(frozenset(ambiguous), blockers)

    def key(self, name: str, parent: Key) -> Key:
        if name in self.ambiguous:
            return ("component", name, *parent)
        if name in self.blockers:
            return ("blocker", str(self.blockers[name]))
        return ("component", name)


def _fitting(links: Iterable[_Link], drawn: Container[Key], room: int | None) -> list[_Link] | None:
    """The path's edges, unless it adds more than `room` boxes to those drawn (looked at
    only as far as needed: a long answer asks this of many paths)."""
    fitting: list[_Link] = []
    boxes: set[Key] = set()
    for link in links:
        if link.child not in drawn:
            boxes.add(link.child)
            if room is not None and len(boxes) > room:
                return None
        fitting.append(link)
    return fitting


def _links(
    path: Sequence[Json], here: Key, hidden: bool, path_id: str, names: _Names
) -> Iterator[_Link]:
    """One path as edges from the product down to the blocker (`here`). A long path keeps
    its first and last steps; one box stands for the components between them."""
    parent = PRODUCT
    elided = len(path) - _HEAD_STEPS - _TAIL_STEPS
    for position, step in enumerate(path):
        if elided > 1 and _HEAD_STEPS <= position < len(path) - _TAIL_STEPS:
            if position == _HEAD_STEPS:
                middle = ("elided", path_id)
                yield _Link(parent, middle, "", Line.ELIDED, elided=elided)
                parent = middle
            continue
        if step["kind"] == HIDDEN_KIND:
            # Cut where it enters a hidden BOM: a hidden blocker is that box itself; a
            # blocker the caller sees elsewhere is reached through a box of its own.
            child = here if hidden else ("hidden", *here)
            yield _Link(parent, child, "", Line.HIDDEN)
            if child != here:
                yield _Link(child, here, "", Line.HIDDEN)
            break
        child = here if position == len(path) - 1 else names.key(step["child"], parent)
        yield _Link(parent, child, step["child"], bom_ids=step["bom_ids"])
        parent = child
