"""What a caller may see: the one place that decides it (PRODUCT.md section 7).

BOMs belong to the organisation that uploaded them. A verdict uses every BOM, but a caller
sees the inside of another organisation's BOM only where that BOM is public or shared with
the caller's organisation; a path through any other BOM shows the component where it enters
that BOM and no more. Administrators (and the command line, which runs as the operator) see
everything: for them every function here returns None or leaves the answer as it is.

Every read and every answer shape asks this module: which BOMs a viewer may see inside
(`visible_boms`, `bom_visibility`), whether it may see a BOM, a product or a component at
all, which classification records it may read, and how a path, a check answer (stored, live
or dry run), a diff's blockers, a product's graph, where-used and impact are cut for it.
Nothing else in the application redacts.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.domain.access import Viewer
from app.domain.bom import EdgeKind, reached_from
from app.domain.classification import Classification, ClassificationScope
from app.domain.portfolio import Product
from app.domain.visibility import BomVisibility
from app.graph import documents
from app.services.paths import PathStep
from app.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from app.graph.paths import Path, Step
    from app.graph.portfolio import PortfolioGraph

HIDDEN = "(inside a BOM you may not see)"
_HIDDEN_KIND = "hidden"

# -- which BOMs a viewer may see inside -----------------------------------------------------


def organisation_id(uow: UnitOfWork, viewer: Viewer) -> int | None:
    organisation = uow.access.organisation(viewer.organisation)
    return organisation.id if organisation else None


def _restricted(viewer: Viewer | None) -> bool:
    return viewer is not None and not viewer.sees_everything


def bom_visibility(uow: UnitOfWork, viewer: Viewer | None) -> BomVisibility | None:
    """Which BOMs a listing keeps to, as a value the store turns into its own query; None
    when nothing is hidden from the viewer."""
    if viewer is None or not _restricted(viewer):
        return None
    return BomVisibility(organisation_id(uow, viewer))


def visible_boms(uow: UnitOfWork, viewer: Viewer | None) -> frozenset[int] | None:
    """The BOMs a viewer may see inside; None when nothing is hidden from it."""
    visibility = bom_visibility(uow, viewer)
    if visibility is None:
        return None
    return frozenset(uow.boms.visible_ids(visibility))


def may_see_bom(uow: UnitOfWork, bom_id: int, viewer: Viewer | None) -> bool:
    """Whether the viewer may see this stored BOM. One it may not see must be answered
    exactly like one that does not exist."""
    visibility = bom_visibility(uow, viewer)
    return visibility is None or uow.boms.is_visible(bom_id, visibility)


def shows_bom(visible: frozenset[int] | None, bom_id: int) -> bool:
    return visible is None or bom_id in visible


def shows_any_bom(visible: frozenset[int] | None, bom_ids: Iterable[int]) -> bool:
    return visible is None or any(bom_id in visible for bom_id in bom_ids)


def shown_boms(boms: tuple[int, ...], visible: frozenset[int] | None) -> tuple[int, ...]:
    """The BOMs of a product a viewer may know of."""
    return boms if visible is None else tuple(b for b in boms if b in visible)


def sees_product(graph: PortfolioGraph, product_id: int, visible: frozenset[int] | None) -> bool:
    """Whether the component is a product the viewer may see: one whose current BOM it may
    see. Any other is answered exactly like a component that is no product at all."""
    return (
        product_id in graph
        and graph.is_product(product_id)
        and shows_any_bom(visible, graph.product(product_id).bom_ids)
    )


def declared_visibly(step: Step, visible: frozenset[int] | None) -> bool:
    """Whether a BOM the viewer may see declares this step."""
    return shows_any_bom(visible, (d.bom_id for d in step.declarations))


def path_is_visible(path: Path | None, visible: frozenset[int] | None) -> bool:
    """Whether the viewer may see every step of the path (no path: nothing to hide)."""
    return path is None or all(declared_visibly(step, visible) for step in path.steps)


def shows_use(product: Product, path: Path | None, visible: frozenset[int] | None) -> bool:
    """Whether a viewer is shown that a product holds a component (where-used, impact): only
    for a product it may see, reaching the component through steps it may see."""
    return shows_any_bom(visible, product.bom_ids) and path_is_visible(path, visible)


def knowable(
    uow: UnitOfWork, viewer: Viewer | None, component_ids: Collection[int]
) -> frozenset[int] | None:
    """Of these stored components, those the viewer may know exist: ones a BOM it may see
    inside mentions. None when nothing is hidden from it."""
    visibility = bom_visibility(uow, viewer)
    if visibility is None:
        return None
    return frozenset(uow.components.mentioned_in(component_ids, visibility))


def knows_component(uow: UnitOfWork, viewer: Viewer | None, component_id: int) -> bool:
    """Whether the component exists and the viewer may know it does (`knowable`)."""
    if uow.components.get(component_id) is None:
        return False
    known = knowable(uow, viewer, [component_id])
    return known is None or component_id in known


def visible_classifications(
    classifications: Iterable[Classification], viewer: Viewer | None
) -> list[Classification]:
    """The classification records a viewer may see: global ones and its own
    organisation's."""
    if viewer is None or viewer.sees_everything:
        return list(classifications)
    return [
        c
        for c in classifications
        if c.scope is ClassificationScope.GLOBAL or c.organisation == viewer.organisation
    ]


# -- what a viewer sees of one answer -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sight:
    """What one restricted viewer may see of one answer about a product."""

    # The BOMs it may see inside.
    boms: frozenset[int]
    # The product's components it reaches through those BOMs alone; None when not known
    # (a stored record, judged by its paths).
    components: frozenset[int] | None = None
    # Ids shown in place of stored ones it may not know exist (a dry run's components).
    aliases: Mapping[int, int] = field(default_factory=dict)


def seen_inside(graph: PortfolioGraph, product_id: int, visible: frozenset[int]) -> frozenset[int]:
    """The product's components the viewer reaches from it through steps a BOM it may see
    declares (the product itself included)."""
    steps: dict[int, list[int]] = {}
    for edge in documents.closure_document(graph, product_id, visible)["edges"]:
        if any(EdgeKind(kind).is_containment for kind in edge["kinds"]):
            steps.setdefault(edge["source"], []).append(edge["target"])
    return frozenset(reached_from(product_id, steps))


def identities_seen_inside(
    graph: PortfolioGraph, product_id: int, visible: frozenset[int]
) -> frozenset[str]:
    """The identities of the product's components the viewer reaches through BOMs it may
    see, as the graph holds them now (a component it no longer reaches is withheld)."""
    if product_id not in graph or not graph.is_product(product_id):
        return frozenset()
    return frozenset(
        graph.node(c).identity_key for c in seen_inside(graph, product_id, visible) if c in graph
    )


def sight_of(
    graph: PortfolioGraph,
    product_id: int,
    visible: frozenset[int] | None,
    aliases: Mapping[int, int] | None = None,
) -> Sight | None:
    """What the viewer who may see inside `visible` sees of an answer about the product in
    this graph; None when nothing is hidden from it."""
    if visible is None:
        return None
    return Sight(visible, seen_inside(graph, product_id, visible), aliases or {})


def redacted(path: tuple[PathStep, ...], visible: frozenset[int] | None) -> tuple[PathStep, ...]:
    """The path up to the first step only hidden BOMs declare: the entry component stays,
    what lies beyond it is not named."""
    if visible is None:
        return path
    cut = _first_hidden((step.bom_ids for step in path), visible)
    if cut is None:
        return path
    return (*path[:cut], PathStep(path[cut].parent, HIDDEN, _HIDDEN_KIND, (), ()))


def _first_hidden(steps: Iterable[Iterable[int]], visible: frozenset[int]) -> int | None:
    """The first step (by its declaring BOMs) that only BOMs the viewer may not see declare."""
    for index, bom_ids in enumerate(steps):
        if visible.isdisjoint(bom_ids):
            return index
    return None


def shown_component(
    component_id: int, name: str, identity: str, sight: Sight | None
) -> tuple[int | None, str, str | None]:
    """The id, name and identity a viewer is shown of one component of the product: itself
    if it reaches it through BOMs it may see, else HIDDEN and no id or identity."""
    if sight is None:
        return component_id, name, identity
    if sight.components is not None and component_id not in sight.components:
        return None, HIDDEN, None
    return sight.aliases.get(component_id, component_id), name, identity


def _cut(path: list[dict[str, Any]], visible: frozenset[int]) -> list[dict[str, Any]]:
    """`redacted` for a path as an answer document holds it."""
    cut = _first_hidden((step["bom_ids"] for step in path), visible)
    if cut is None:
        return list(path)
    hidden = {"parent": path[cut]["parent"], "child": HIDDEN, "kind": _HIDDEN_KIND, "bom_ids": []}
    return [*path[:cut], hidden]


def redacted_answer(answer: Mapping[str, Any], sight: Sight | frozenset[int]) -> dict[str, Any]:
    """A check answer (live, stored or dry run) as a restricted viewer reads it: each path
    stops at the component where it enters a hidden BOM; a blocker it does not reach through
    BOMs it may see (or, in a stored record, whose every path is cut, or which has no path)
    keeps its reason but not its name, and comes last; the lists that would name components
    beyond its sight (verified components, their warnings) are left out; ids it may not know
    are aliased."""
    if not isinstance(sight, Sight):
        sight = Sight(sight)
    product = answer["product"]
    blocking = []
    for blocker in answer["blocking"]:
        paths = [_cut(path, sight.boms) for path in blocker["paths"]]
        component = blocker["component"]
        if sight.components is not None:
            hidden = component["id"] not in sight.components
        else:
            hidden = component["id"] != product["id"] and not paths
        hidden = hidden or (bool(paths) and all(p[-1]["kind"] == _HIDDEN_KIND for p in paths))
        shown_id, name, identity = (
            (None, HIDDEN, None)
            if hidden
            else shown_component(component["id"], component["name"], component["identity"], sight)
        )
        blocking.append(
            {
                **blocker,
                "component": {"id": shown_id, "name": name, "identity": identity},
                "paths": paths,
                "path": paths[0] if paths else [],
                **({"detail": "", "certificate": None, "certificates": []} if hidden else {}),
            }
        )
    # Hidden blockers last: where one would sort among the others says what it is called.
    blocking.sort(key=lambda blocker: blocker["component"]["id"] is None)
    return {
        **answer,
        "product": {**product, "id": sight.aliases.get(product["id"], product["id"])},
        "blocking": blocking,
        "boms": [bom for bom in answer.get("boms", ()) if bom["id"] in sight.boms],
        "verified": [],
        "warnings": [
            {**warning, "component_id": sight.aliases.get(cid, cid)}
            for warning in answer["warnings"]
            if _shows_warning(warning, product, sight)
            for cid in [warning.get("component_id")]
        ],
    }


def _shows_warning(warning: Mapping[str, Any], product: Mapping[str, Any], sight: Sight) -> bool:
    """A warning about the product, or about a component the viewer reaches through BOMs it
    may see; in a stored record (no graph), only those about the product."""
    if warning.get("code") == "ai_claimed_elsewhere":
        return False  # it speaks of other organisations' BOMs
    component_id = warning.get("component_id")
    if warning.get("component") in (None, product["name"]) and component_id in (
        None,
        product["id"],
    ):
        return True
    return sight.components is not None and component_id in sight.components


def closure_document(
    graph: PortfolioGraph, product_id: int, visible: frozenset[int] | None
) -> dict[str, Any]:
    """A product's closure as the viewer may see it: only what BOMs it may see declare."""
    return documents.closure_document(graph, product_id, visible)


def closure_counts(
    graph: PortfolioGraph, product_id: int, visible: frozenset[int] | None
) -> tuple[int, int]:
    """(components, AI components) inside a product as the viewer may see it."""
    return graph.closure_counts(product_id, visible)


def closure_graphml(graph: PortfolioGraph, product_id: int, visible: frozenset[int] | None) -> str:
    return documents.closure_graphml(graph, product_id, visible)
