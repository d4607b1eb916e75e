"""Where a component is used, and what a model was made from (app/graph/portfolio.py):
each product answers from its own BOMs, as its check does."""

from __future__ import annotations

from hypothesis import given, settings

from app.domain.bom import EdgeKind
from tests.unit.graph.portfolios import (
    Portfolio,
    chain,
    containment_edges,
    graph,
    naive_scope,
    portfolios,
    reachable,
)

DATA = EdgeKind.DATASET
BASE = EdgeKind.BASE_MODEL


class TestWhereUsed:
    def test_every_product_holding_it_in_identity_order_with_a_shortest_path(self) -> None:
        built = graph(
            [(1, 3, 10), (3, 4, 10), (2, 4, 20), (5, 4, 50)],
            {1: (10,), 2: (20,), 5: (50,), 6: (60,)},
        )

        found = built.where_used(4)

        assert [(p.component_id, chain(path)) for p, path, _ in found] == [
            (5, [5, 4]),
            (2, [2, 4]),
            (1, [1, 3, 4]),
        ]
        assert all(4 in scope.closure for _, _, scope in found)

    def test_a_product_whose_own_boms_do_not_reach_it_does_not_use_it(self) -> None:
        # BOM 20 says 2 holds 3, but 2 is not BOM 10's product's subject: 1 does not hold 3.
        built = graph([(1, 2, 10), (2, 3, 20)], {1: (10,), 9: (20,)})

        assert built.where_used(3) == []

    def test_a_product_is_not_its_own_user_but_a_cycle_above_it_is(self) -> None:
        built = graph([(1, 2, 10), (2, 1, 20)], {1: (10,), 2: (20,)})

        assert [p.component_id for p, _, _ in built.where_used(1)] == [2]
        assert [p.component_id for p, _, _ in built.where_used(2)] == [1]

    def test_through_another_products_bom(self) -> None:
        # Camera 1 holds module 2 (a product); the module's BOM holds model 3.
        built = graph([(1, 2, 10), (2, 3, 20)], {1: (10,), 2: (20,)})

        assert [(p.component_id, chain(path)) for p, path, _ in built.where_used(3)] == [
            (2, [2, 3]),
            (1, [1, 2, 3]),
        ]


class TestLineage:
    def test_what_a_model_was_made_from_in_identity_order(self) -> None:
        built = graph(
            [(1, 2, 10), (2, 3, 10, DATA), (2, 4, 10, BASE), (2, 4, 20, DATA), (2, 5, 20, DATA)],
            {1: (10,), 6: (20,)},
        )

        every = built.lineage(2)
        own = built.scope(1).lineage(2)

        assert [(s.target_id, [(d.kind, d.bom_id) for d in s.declarations]) for s in every] == [
            (5, [(DATA, 20)]),
            (4, [(BASE, 10), (DATA, 20)]),
            (3, [(DATA, 10)]),
        ]
        assert [(s.target_id, [d.bom_id for d in s.declarations]) for s in own] == [
            (4, [10]),
            (3, [10]),
        ]

    def test_containment_is_not_lineage(self) -> None:
        assert graph([(1, 2, 10)], {1: (10,)}).lineage(1) == []


@settings(max_examples=100, deadline=None)
@given(portfolios())
def test_where_used_is_every_other_product_whose_closure_holds_it(drawn: Portfolio) -> None:
    built = drawn.graph()
    edges = containment_edges(drawn)
    scopes = {product: naive_scope(drawn, product) for product in drawn.products}
    for component in sorted(drawn.component_ids):
        holders = {
            product
            for product, (_, closure) in scopes.items()
            if product != component and component in closure
        }

        found = built.where_used(component)

        assert [p.component_id for p, _, _ in found] == built.ordered(holders)
        for product, path, _ in found:
            boms, _ = scopes[product.component_id]
            route = chain(path)
            assert route[0] == product.component_id
            assert route[-1] == component
            assert len(path.steps) == reachable(product.component_id, edges, boms)[component]


@settings(max_examples=100, deadline=None)
@given(portfolios(with_links=False))
def test_lineage_is_every_lineage_edge_declared_by_the_boms_asked(drawn: Portfolio) -> None:
    built = drawn.graph()
    for product in drawn.products:
        boms = built.scope(product).boms
        for component in drawn.component_ids:
            declared = {
                (e.target_id, e.kind, e.bom_id)
                for e in drawn.edges
                if e.source_id == component and not e.kind.is_containment
            }

            every = built.lineage(component)
            own = built.lineage(component, boms)

            assert {
                (s.target_id, d.kind, d.bom_id) for s in every for d in s.declarations
            } == declared
            assert {(s.target_id, d.kind, d.bom_id) for s in own for d in s.declarations} == {
                found for found in declared if found[2] in boms
            }
            assert [s.target_id for s in every] == built.ordered(s.target_id for s in every)
            assert all(s.source_id == component and s.declarations for s in own)
