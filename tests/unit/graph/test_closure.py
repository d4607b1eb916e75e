"""A product's closure and BOMs (app/graph/scope.py): table-driven cases over cycles,
diamonds, self-loops and cross-BOM expansion, and the fixpoint the walk must agree with."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.bom import EdgeKind
from app.domain.portfolio import BomLink, PortfolioEdge, PortfolioNode, Product
from app.graph.portfolio import PortfolioGraph
from tests.unit.graph.portfolios import (
    DEP,
    Portfolio,
    graph,
    naive_scope,
    node,
    portfolios,
)

NEST = EdgeKind.NESTING
DATA = EdgeKind.DATASET

CLOSURES = [
    # Each case: why; the edges as source, target and BOM; the products; the product asked
    # about; its closure and BOMs.
    ("a lone product", [], {1: (10,)}, 1, {1}, {10}),
    ("a product with no BOM", [(1, 2, 10)], {1: ()}, 1, {1}, set()),
    ("a chain", [(1, 2, 10), (2, 3, 10)], {1: (10,)}, 1, {1, 2, 3}, {10}),
    (
        "a diamond",
        [(1, 2, 10), (1, 3, 10), (2, 4, 10), (3, 4, 10)],
        {1: (10,)},
        1,
        {1, 2, 3, 4},
        {10},
    ),
    ("a cycle back to the product", [(1, 2, 10), (2, 1, 10)], {1: (10,)}, 1, {1, 2}, {10}),
    ("a self-loop", [(1, 1, 10), (1, 2, 10), (2, 2, 10)], {1: (10,)}, 1, {1, 2}, {10}),
    ("another BOM's edge below", [(1, 2, 10), (2, 3, 20)], {1: (10,), 5: (20,)}, 1, {1, 2}, {10}),
    (
        "a subject brings its BOMs",
        [(1, 2, 10), (2, 3, 20)],
        {1: (10,), 2: (20,)},
        1,
        {1, 2, 3},
        {10, 20},
    ),
    (
        "an edge waits for its BOM",
        [(1, 2, 10), (1, 4, 10), (2, 3, 40)],
        {1: (10,), 4: (40,)},
        1,
        {1, 2, 3, 4},
        {10, 40},
    ),
    (
        "subjects that hold each other",
        [(1, 2, 10), (2, 1, 20), (2, 3, 20)],
        {1: (10,), 2: (20,)},
        2,
        {1, 2, 3},
        {10, 20},
    ),
    ("lineage puts nothing inside", [(1, 2, 10), (2, 3, 10, DATA)], {1: (10,)}, 1, {1, 2}, {10}),
    ("nesting does", [(1, 2, 10, NEST)], {1: (10,)}, 1, {1, 2}, {10}),
    ("the union of its BOMs", [(1, 2, 10), (1, 3, 11)], {1: (10, 11)}, 1, {1, 2, 3}, {10, 11}),
]


@pytest.mark.parametrize(
    ("edges", "products", "product", "closure", "boms"),
    [case[1:] for case in CLOSURES],
    ids=[case[0] for case in CLOSURES],
)
def test_the_closure_when_the_portfolio_is_shaped_so(
    edges: list[tuple[int, int, int]],
    products: dict[int, tuple[int, ...]],
    product: int,
    closure: set[int],
    boms: set[int],
) -> None:
    built = graph(edges, products)

    scope = built.scope(product)

    assert set(scope.closure) == closure
    assert scope.boms == boms
    assert built.closure(product) == closure
    assert built.boms_of(product) == boms
    assert built.boms_of(product) is built.boms_of(product)


class TestBomLinks:
    def test_a_link_of_the_products_bom_brings_in_the_linked_bom(self) -> None:
        link = BomLink(2, 10, "urn:cdx:x/1", (30,), 7)
        built = graph([(1, 2, 10), (7, 8, 30)], {1: (10,)}, links=[link])

        scope = built.scope(1)

        assert set(scope.closure) == {1, 2, 7, 8}
        assert scope.boms == {10, 30}
        assert scope.missing_links == []

    def test_a_link_without_a_component_brings_in_the_bom_and_is_said_missing(self) -> None:
        link = BomLink(2, 10, "urn:cdx:x/1", (30,))
        built = graph([(1, 2, 10), (2, 9, 30)], {1: (10,)}, links=[link])

        scope = built.scope(1)

        assert set(scope.closure) == {1, 2, 9}
        assert scope.missing_links == [link]

    def test_a_link_declared_by_another_bom_waits_until_that_bom_joins(self) -> None:
        # 3 is the subject of BOM 20, which links 2 to BOM 30; 3 is reached after 2.
        link = BomLink(2, 20, "urn:cdx:x/1", (30,))
        built = graph(
            [(1, 2, 10), (1, 4, 10), (4, 3, 10), (2, 5, 30)], {1: (10,), 3: (20,)}, links=[link]
        )

        scope = built.scope(1)

        assert scope.boms == {10, 20, 30}
        assert 5 in scope.closure

    def test_a_link_no_bom_of_the_product_declares_changes_nothing(self) -> None:
        links = [BomLink(2, 99, "urn:cdx:y/1", (30,), 7), BomLink(2, 99, "urn:cdx:gone/1")]
        built = graph([(1, 2, 10), (7, 8, 30)], {1: (10,)}, links=links)

        scope = built.scope(1)

        assert set(scope.closure) == {1, 2}
        assert scope.missing_links == []

    def test_missing_links_are_said_once_in_identity_order(self) -> None:
        first, second = BomLink(3, 10, "urn:cdx:b/1"), BomLink(2, 10, "urn:cdx:a/1")
        built = graph([(1, 2, 10), (1, 3, 10)], {1: (10,)}, links=[first, second, first])

        # Identity order is the reverse of id order in these portfolios.
        assert built.scope(1).missing_links == [first, second]


class TestWhatTheProductsBomsSay:
    def test_ai_signals_count_only_from_its_boms(self) -> None:
        built = graph([(1, 2, 10), (5, 2, 20)], {1: (10,), 5: (20,)}, ai={2: frozenset({20})})

        assert not built.scope(1).is_ai(2)
        assert built.scope(5).is_ai(2)

    def test_holds_anything_reads_only_its_boms(self) -> None:
        built = graph([(1, 2, 10), (2, 3, 20)], {1: (10,), 5: (20,)})

        assert built.scope(1).holds_anything(1)
        assert not built.scope(1).holds_anything(2)

    def test_nested_in_ai_needs_nesting_by_its_bom_under_its_ai(self) -> None:
        built = graph(
            [(1, 2, 10), (2, 3, 10, NEST), (2, 4, 10), (5, 2, 20), (2, 6, 20, NEST)],
            {1: (10,), 5: (20,)},
            ai={2: frozenset({10})},
        )
        scope = built.scope(1)

        assert scope.nested_in_ai(3)
        assert not scope.nested_in_ai(4)
        assert not scope.nested_in_ai(6)
        assert not built.scope(5).nested_in_ai(6)

    def test_declarations_keep_its_boms_in_kind_then_bom_order(self) -> None:
        built = graph([(1, 2, 11), (1, 2, 10, NEST), (1, 2, 99), (1, 2, 10)], {1: (10, 11)})
        step = built.scope(1).tree_path(2).steps[0]

        assert [(d.kind, d.bom_id) for d in step.declarations] == [
            (EdgeKind.DEPENDENCY, 10),
            (EdgeKind.DEPENDENCY, 11),
            (NEST, 10),
        ]

    def test_artifacts_come_from_its_boms(self) -> None:
        weights = PortfolioNode(
            2, "key-2", "weights", None, "file", artifacts=((10, ("a.onnx",)), (20, ("b.pt",)))
        )
        built = PortfolioGraph(
            [node(1), weights], [PortfolioEdge(1, 2, DEP, 10)], [Product(1, (10,))]
        )

        assert built.scope(1).artifacts(2) == ("a.onnx",)
        assert built.node(2).display_name == "weights"


@settings(max_examples=200, deadline=None)
@given(portfolios())
def test_the_closure_is_the_fixpoint_of_the_products_boms(drawn: Portfolio) -> None:
    built = drawn.graph()
    for product in drawn.products:
        boms, reached = naive_scope(drawn, product)

        scope = built.scope(product)

        assert set(scope.closure) == reached
        assert scope.boms == boms
        missing = {
            link
            for link in drawn.links
            if (link.is_missing or link.target_id is None)
            and link.source_id in reached
            and link.declared_by in boms
        }
        assert set(scope.missing_links) == missing
        assert len(scope.missing_links) == len(missing)


@settings(max_examples=100, deadline=None)
@given(portfolios(), st.randoms(use_true_random=False))
def test_the_walk_does_not_depend_on_the_order_things_arrive_in(
    drawn: Portfolio, shuffle: random.Random
) -> None:
    edges, links = list(drawn.edges), list(drawn.links)
    shuffle.shuffle(edges)
    shuffle.shuffle(links)
    again = Portfolio(tuple(edges), drawn.products, tuple(links), drawn.ai)
    for product in drawn.products:
        first, second = drawn.graph().scope(product), again.graph().scope(product)

        assert dict(first.closure) == dict(second.closure)
        assert first.boms == second.boms
        assert first.missing_links == second.missing_links
        for component in first.closure:
            assert first.tree_path(component) == second.tree_path(component)
            assert first.paths_to(component, 3) == second.paths_to(component, 3)


def test_an_edge_declared_twice_by_one_bom_is_one_edge() -> None:
    built = graph([(1, 2, 10), (1, 2, 10), (1, 2, 11, EdgeKind.INVENTORY)], {1: (10,)})

    assert built.edge_count == 1
    assert built.node_count == 2
    assert (
        PortfolioEdge(1, 2, EdgeKind.DEPENDENCY, 10)
        in built.scope(1).tree_path(2).steps[0].declarations
    )
