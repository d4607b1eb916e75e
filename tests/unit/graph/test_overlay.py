"""An unsaved BOM standing in the graph (a dry run or a diff), a graph let go when it is
replaced, and a closure written out as data and GraphML."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.bom import EdgeKind
from app.domain.portfolio import BomLink, PortfolioEdge, PortfolioNode, Product
from app.graph import documents
from app.graph.documents import xml_safe
from app.graph.portfolio import PortfolioGraph
from tests.unit.graph.portfolios import DEP, Portfolio, graph, node, portfolios

UNSAVED = -1
DATA = EdgeKind.DATASET


def dry_run(
    base: PortfolioGraph,
    product: int,
    edges: list[tuple[int, int, EdgeKind]],
    *,
    nodes: list[PortfolioNode] | None = None,
    links: list[BomLink] | None = None,
    boms: tuple[int, ...] = (UNSAVED,),
) -> PortfolioGraph:
    return base.with_bom(
        Product(product, boms),
        nodes=nodes or [],
        edges=[PortfolioEdge(s, t, kind, UNSAVED) for s, t, kind in edges],
        links=links or [],
    )


class TestDryRun:
    def test_the_unsaved_bom_lies_over_the_stored_graph_which_is_unchanged(self) -> None:
        base = graph([(1, 2, 10), (2, 3, 10)], {1: (10,)})

        overlaid = dry_run(base, 1, [(1, 4, DEP), (4, 3, DEP), (3, 5, DATA)], nodes=[node(4)])

        assert set(overlaid.scope(1).closure) == {1, 4, 3}
        assert overlaid.scope(1).boms == {UNSAVED}
        assert [s.target_id for s in overlaid.lineage(3)] == [5]
        assert 4 in overlaid
        assert 4 not in base
        assert set(base.scope(1).closure) == {1, 2, 3}
        assert base.lineage(3) == []

    def test_a_new_product_and_its_new_components(self) -> None:
        base = graph([(1, 2, 10)], {1: (10,)})
        camera = PortfolioNode(7, "key-camera", "camera", "2", "device", frozenset({UNSAVED}))

        overlaid = dry_run(base, 7, [(7, 2, DEP)], nodes=[camera])

        assert overlaid.is_product(7)
        assert not base.is_product(7)
        assert overlaid.product(7).bom_ids == (UNSAVED,)
        assert overlaid.product(1).bom_ids == (10,)
        assert overlaid.node(7).display_name == "camera@2"
        assert overlaid.node(2) == base.node(2)
        assert overlaid.scope(7).is_ai(7)
        assert overlaid.sort_key(7) == ("key-camera", 7)
        assert base.sort_key(7) == ("", 7)

    def test_a_known_component_gains_the_unsaved_boms_signals(self) -> None:
        base = graph([(1, 2, 10)], {1: (10,)}, ai={2: frozenset({10})})
        seen_again = PortfolioNode(2, "ignored", "ignored", None, "library", frozenset({UNSAVED}))

        overlaid = dry_run(base, 1, [(1, 2, DEP)], nodes=[seen_again], boms=(10, UNSAVED))

        assert overlaid.node(2).ai_boms == {10, UNSAVED}
        assert overlaid.node(2).name == "c2"
        assert overlaid.nodes_where("ai", lambda found, _: bool(found.ai_boms)) == {2}
        # Asked once per graph and key.
        assert overlaid.nodes_where("ai", lambda *_: False) == {2}

    def test_an_edge_both_declare_is_one_step_naming_both(self) -> None:
        base = graph([(1, 2, 10), (2, 3, 10)], {1: (10,)})

        overlaid = dry_run(base, 1, [(1, 2, DEP), (1, 5, DEP)], nodes=[node(5)], boms=(10, UNSAVED))
        scope = overlaid.scope(1)

        (path,), more = scope.paths_to(2, 10)
        assert more == 0
        assert [d.bom_id for d in path.steps[0].declarations] == [UNSAVED, 10]
        assert scope.holds_anything(1)
        assert set(scope.closure) == {1, 2, 3, 5}

    def test_its_links_bring_in_their_boms_and_missing_ones_are_said(self) -> None:
        base = graph([(7, 8, 30)], {1: (10,)})
        links = [
            BomLink(1, UNSAVED, "urn:cdx:x/1", (30,), 7),
            BomLink(1, UNSAVED, "urn:cdx:gone/1"),
        ]

        overlaid = dry_run(base, 1, [], links=links)
        scope = overlaid.scope(1)

        assert set(scope.closure) == {1, 7, 8}
        assert scope.missing_links == [links[1]]
        assert overlaid.links_of(1) == links
        assert base.links_of(1) == []


@settings(max_examples=150, deadline=None)
@given(portfolios(), portfolios(max_size=6), st.integers(0, 3))
def test_a_dry_run_answers_as_the_same_bom_stored_would(
    stored: Portfolio, unsaved: Portfolio, limit: int
) -> None:
    """The unsaved BOM (id -1) becomes the first product's only BOM; stored, the same
    edges and links give the same closure, BOMs and paths."""
    product = next(iter(stored.products))
    edges = [e._replace(bom_id=UNSAVED) for e in unsaved.edges]
    links = [
        BomLink(k.source_id, UNSAVED, k.urn, k.linked_boms, k.target_id) for k in unsaved.links
    ]
    overlaid = stored.graph().with_bom(
        Product(product, (UNSAVED,)),
        nodes=[node(c) for c in sorted(unsaved.component_ids | {product})],
        edges=edges,
        links=links,
    )
    saved = Portfolio(
        (*stored.edges, *edges),
        {**stored.products, product: (UNSAVED,)},
        (*stored.links, *links),
        stored.ai,
        frozenset(unsaved.component_ids),
    ).graph()

    first, second = overlaid.scope(product), saved.scope(product)

    assert dict(first.closure) == dict(second.closure)
    assert first.boms == second.boms
    assert first.missing_links == second.missing_links
    for component in first.closure:
        assert first.paths_to(component, limit) == second.paths_to(component, limit)


def answers(built: PortfolioGraph) -> tuple[object, ...]:
    """Every kind of question, as plain values (a scope would hold on to the graph)."""
    used = [(product, path) for product, path, _ in built.where_used(3)]
    return documents.closure_graphml(built, 1), used, built.scope(1).paths_to(2, 5)


class TestRelease:
    @pytest.fixture
    def collector_off(self) -> Iterator[None]:
        gc.disable()
        try:
            yield
        finally:
            gc.enable()

    @pytest.mark.usefixtures("collector_off")
    def test_a_released_graph_answers_as_before_and_is_freed_without_the_collector(
        self,
    ) -> None:
        built = graph([(1, 2, 10), (2, 3, 10), (3, 2, 10), (2, 4, 10, DATA)], {1: (10,)})
        before = answers(built)
        built.nodes_where("all", lambda *_: True)

        built.release()

        assert answers(built) == before
        assert built.nodes_where("all", lambda *_: False) == frozenset()
        assert built.edge_count == 4
        reference = weakref.ref(built)
        del built
        assert reference() is None


class TestDocuments:
    def test_the_closure_as_data_in_identity_order_with_lineage_beside_it(self) -> None:
        built = graph(
            [(1, 2, 10), (1, 3, 10), (3, 2, 20), (2, 4, 10, DATA), (2, 5, 20, DATA)],
            {1: (10,), 9: (20,)},
            ai={2: frozenset({10})},
        )

        document = documents.closure_document(built, 1)

        assert document["product_id"] == 1
        assert document["boms"] == [10]
        assert [(n["id"], n["inside_product"], n["is_ai"]) for n in document["nodes"]] == [
            (3, True, False),
            (2, True, True),
            (1, True, False),
            (4, False, False),
        ]
        assert [
            (e["source"], e["target"], e["kinds"], e["bom_ids"]) for e in document["edges"]
        ] == [
            (2, 4, ["dataset"], [10]),
            (1, 3, ["dependency"], [10]),
            (1, 2, ["dependency"], [10]),
        ]

    def test_only_what_the_visible_boms_declare(self) -> None:
        built = graph([(1, 2, 10), (2, 3, 11), (1, 4, 11)], {1: (10, 11)})

        document = documents.closure_document(built, 1, frozenset({10}))

        assert [n["id"] for n in document["nodes"]] == [2, 1]
        assert [(e["source"], e["target"]) for e in document["edges"]] == [(1, 2)]

    def test_graphml_carries_what_xml_cannot(self) -> None:
        odd = PortfolioNode(2, "key-odd", "bad\x01name", None, "library")
        built = PortfolioGraph([node(1), odd], [PortfolioEdge(1, 2, DEP, 10)], [Product(1, (10,))])

        graphml = documents.closure_graphml(built, 1)

        assert "bad\\x01name" in graphml
        assert "\x01" not in graphml
        assert ">dependency<" in graphml

    def test_xml_safe_escapes_only_what_xml_cannot_carry(self) -> None:
        assert xml_safe("a\x01b\x1bc\ufffe\td\ne") == "a\\x01b\\x1bc\\ufffe\td\ne"


def test_the_facts_a_graph_holds() -> None:
    built = graph([(1, 2, 10), (2, 3, 20, DATA)], {1: (10,), 2: (20,)})

    assert built.current_bom_ids() == {10, 20}
    assert [p.component_id for p in built.products()] == [2, 1]
    assert built.node_count == 3
    assert built.edge_count == 2
    assert 3 in built
    assert 8 not in built
