"""The dry run: check the product an unsaved BOM describes, storing nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING

from app.bom.reader import read_bom
from app.domain.access import Viewer
from app.domain.bom import BomContents, EdgeKind, Identity, Mention
from app.domain.copying import copied
from app.domain.portfolio import PortfolioEdge, PortfolioNode, Product, RawLink
from app.domain.product_slice import Question
from app.domain.stored import ComponentRecord
from app.services.checks import DEFAULT_PATH_LIMIT, CheckResult, asked_question, evaluate
from app.services.evidence import UnsavedBom
from app.services.visibility import knowable, shows_bom, sight_of, visible_boms
from app.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from app.graph.portfolio import PortfolioGraph
    from app.services.runtime import Runtime


def dry_run(
    runtime: Runtime,
    data: bytes,
    media_type: str | None,
    question: Question,
    *,
    path_limit: int = DEFAULT_PATH_LIMIT,
    viewer: Viewer | None = None,
    where: str = "to",
) -> CheckResult:
    """Check the product an unsaved BOM describes, as if that BOM were its current one,
    against everything stored. Nothing is stored, not even a decision record. The unsaved
    BOM is the caller's own; what it is shown of the rest is redacted as in a stored check
    (`for_caller`), and a stored component it may not know of is shown as if unknown."""
    with runtime.reading() as uow:
        snapshot = runtime.registry.current(uow)
        question = asked_question(question, snapshot, where)
    read = read_bom(data, media_type, runtime.limits)
    contents = read.contents
    with runtime.reading() as uow:
        portfolio = runtime.cache.current(uow)
        known = uow.components.ids_for({m.identity for m in contents.mentions})
        ids = _unsaved_ids(known, contents)
        unsaved = UnsavedBom(contents, read.sha256, ids)
        subject_id = ids[contents.subject.identity]
        graph = portfolio.with_bom(
            _as_if_uploaded(
                uow, portfolio, subject_id, contents, visible_boms(uow, viewer)
            ),
            nodes=[_unsaved_node(ids[m.identity], m) for m in contents.mentions],
            edges=[
                PortfolioEdge(ids[source], ids[target], kind, UnsavedBom.BOM_ID)
                for source, target, kind in _edges(contents)
            ],
            links=uow.graph.resolve_links(
                [
                    RawLink(ids[m.identity], UnsavedBom.BOM_ID, link.serial_number,
                            link.version, link.ref, m.location)
                    for m in contents.mentions
                    for link in m.links
                ],
                portfolio.current_bom_ids(),
            ),
        )  # fmt: skip
        subject = contents.subject
        product = copied(
            ComponentRecord,
            subject,
            id=ids[subject.identity],
            identity_kind=subject.identity.kind.value,
            identity_key=subject.identity.key,
        )
        result = evaluate(
            uow,
            graph,
            product,
            question,
            path_limit=path_limit,
            snapshot=snapshot,
            unsaved=unsaved,
        )
        visible = visible_boms(uow, viewer)
        if visible is None:
            return result
        may_know = knowable(uow, viewer, set(known.values())) or frozenset()
        shown = _unsaved_ids({i: c for i, c in known.items() if c in may_know}, contents)
        aliases = {ids[i]: shown[i] for i in ids if ids[i] != shown[i]}
        own = visible | {UnsavedBom.BOM_ID}
        return dataclasses.replace(result, sight=sight_of(graph, product.id, own, aliases))


def _unsaved_ids(known: Mapping[Identity, int], contents: BomContents) -> dict[Identity, int]:
    """The stored id of each component the unsaved BOM mentions, where `known`; others get
    ids no stored one can have (-1, -2, ... in the order the BOM mentions them)."""
    ids: dict[Identity, int] = dict(known)
    for mention in contents.mentions:
        ids.setdefault(mention.identity, -(len(ids) - len(known) + 1))
    return ids


def _unsaved_node(component_id: int, mention: Mention) -> PortfolioNode:
    bom = UnsavedBom.BOM_ID
    return PortfolioNode(
        component_id,
        mention.identity.key,
        mention.name,
        mention.version,
        mention.type,
        frozenset({bom}) if mention.is_ai else frozenset(),
        mention.purl,
        ((bom, mention.artifacts),) if mention.artifacts else (),
    )


def _as_if_uploaded(
    uow: UnitOfWork,
    graph: PortfolioGraph,
    subject_id: int,
    contents: BomContents,
    visible: frozenset[int] | None,
) -> Product:
    """The product were the unsaved BOM uploaded: it joins the subject's current BOMs that
    the caller may see (another organisation's would refuse its upload, and are none of its
    business) and takes the place of those of its own lineage (the same serial number, or
    none)."""
    current = graph.product(subject_id).bom_ids if graph.is_product(subject_id) else ()
    kept = [
        facts.bom_id
        for facts in uow.boms.facts(current)
        if facts.serial_number is not None
        and facts.serial_number != contents.serial_number
        and shows_bom(visible, facts.bom_id)
    ]
    return Product(subject_id, (UnsavedBom.BOM_ID, *kept))


def _edges(contents: BomContents) -> list[tuple[Identity, Identity, EdgeKind]]:
    identity = {mention.ref: mention.identity for mention in contents.mentions}
    return [(identity[e.source], identity[e.target], e.kind) for e in contents.edges]
