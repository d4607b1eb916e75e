"""Paths from a product to a component (app/graph/paths.py, decision record 12): one
introduction per distinct holder the product reaches without passing through the component,
shortest first, bounded, with an honest count of the rest."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.bom import EdgeKind
from app.graph.paths import ShortestTree, introductions
from tests.unit.graph.portfolios import (
    Portfolio,
    chain,
    containment_edges,
    graph,
    naive_introducers,
    naive_scope,
    portfolios,
    reachable,
    targets,
)

PATHS = [
    # Each case: why; the edges; the component; the bound; the routes returned, each after
    # the product; how many more.
    ("a direct part", [(1, 2, 10)], 2, 10, [[2]], 0),
    (
        "a diamond: each parent once",
        [(1, 2, 10), (1, 3, 10), (2, 4, 10), (3, 4, 10)],
        4,
        10,
        [[3, 4], [2, 4]],
        0,
    ),
    (
        "shortest first, then identity order of the holder",
        [(1, 2, 10), (1, 3, 10), (2, 4, 10), (3, 4, 10), (1, 5, 10), (5, 6, 10), (6, 4, 10)],
        4,
        10,
        [[3, 4], [2, 4], [5, 6, 4]],
        0,
    ),
    (
        "bounded, the rest counted",
        [(1, 2, 10), (1, 3, 10), (2, 4, 10), (3, 4, 10), (1, 5, 10), (5, 6, 10), (6, 4, 10)],
        4,
        2,
        [[3, 4], [2, 4]],
        1,
    ),
    (
        "no path asked for, all counted",
        [(1, 2, 10), (1, 3, 10), (2, 4, 10), (3, 4, 10)],
        4,
        0,
        [],
        2,
    ),
    ("a negative bound is none", [(1, 2, 10)], 2, -1, [], 1),
    (
        "a holder inside the component does not introduce it",
        [(1, 2, 10), (2, 3, 10), (3, 2, 10)],
        2,
        10,
        [[2]],
        0,
    ),
    ("a self-loop introduces nothing", [(1, 2, 10), (2, 2, 10)], 2, 10, [[2]], 0),
    ("the product's own edge back to it", [(1, 2, 10), (2, 1, 10)], 2, 10, [[2]], 0),
    (
        # 1 -> 2 -> 3 -> 2, and 3 also reached around 2: 1 -> 4 -> 5 -> 3.
        "a holder on a cycle that is also reached around the component",
        [(1, 2, 10), (2, 3, 10), (3, 2, 10), (1, 4, 10), (4, 5, 10), (5, 3, 10)],
        2,
        10,
        [[2], [4, 5, 3, 2]],
        0,
    ),
    ("another BOM's holder does not count", [(1, 2, 10), (1, 3, 10), (3, 2, 20)], 2, 10, [[2]], 0),
    (
        "lineage does not introduce",
        [(1, 2, 10), (1, 3, 10), (3, 2, 10, EdgeKind.DATASET)],
        2,
        10,
        [[2]],
        0,
    ),
]


@pytest.mark.parametrize(
    ("edges", "component", "limit", "expected", "more"),
    [case[1:] for case in PATHS],
    ids=[case[0] for case in PATHS],
)
def test_the_paths_when_the_portfolio_is_shaped_so(
    edges: list[tuple[int, int, int]],
    component: int,
    limit: int,
    expected: list[list[int]],
    more: int,
) -> None:
    scope = graph(edges, {1: (10,)}).scope(1)

    paths, rest = scope.paths_to(component, limit)

    assert [targets(p) for p in paths] == expected
    assert rest == more


def test_there_is_no_path_to_the_product_or_to_what_it_does_not_hold() -> None:
    scope = graph([(1, 2, 10), (3, 4, 10)], {1: (10,)}).scope(1)

    assert scope.paths_to(1, 10) == ([], 0)
    assert scope.paths_to(4, 10) == ([], 0)


def test_each_step_names_the_products_boms_that_declare_it() -> None:
    scope = graph([(1, 2, 10), (1, 2, 20), (2, 3, 11)], {1: (10, 11)}).scope(1)

    (path,), _ = scope.paths_to(3, 10)

    assert [[d.bom_id for d in s.declarations] for s in path.steps] == [[10], [11]]
    assert scope.tree_path(3) == path


@pytest.mark.parametrize("length", [50, 2_000])
def test_a_chain_of_holders_counts_every_introduction(length: int) -> None:
    # Every link of a chain depends on the model (id 0): `length` introductions; many
    # holders lie deeper than the model, which one tour of the tree answers.
    links = list(range(1, length + 1))
    edges = [(p, c, 10) for p, c in itertools.pairwise([50_000, *links])]
    edges += [(c, 0, 10) for c in links] + [(0, links[-1], 10)]
    scope = graph(edges, {50_000: (10,)}).scope(50_000)

    paths, more = scope.paths_to(0, 10)

    assert len(paths) == 10
    assert more == length - 10
    assert [len(p.steps) for p in paths] == list(range(2, 12))


class TestShortestTree:
    def test_routes_and_what_lies_below(self) -> None:
        # A line 0 -> 1 -> ... -> 29, and a branch 0 -> 100 -> 101.
        parents = {0: 0, **{c: c - 1 for c in range(1, 30)}, 100: 0, 101: 100}
        depth = {**{c: c for c in range(30)}, 100: 1, 101: 2}
        tree = ShortestTree(0, parents, depth)

        assert tree.route(3) == [0, 1, 2, 3]
        # Few candidates deeper than the component: walked up.
        assert tree.below(5, [7, 100, 2]) == {7}
        assert tree.below(5, [4]) == set()
        assert tree.below(1, [101]) == set()
        # Many: one tour answers, and then answers every later question.
        assert tree.below(5, list(range(30))) == set(range(6, 30))
        assert tree.below(1, [101, 2]) == {2}
        assert tree.below(100, [101, 2]) == {101}

    def test_an_introduction_needs_the_component_in_the_tree(self) -> None:
        tree = ShortestTree(0, {0: 0, 1: 0}, {0: 0, 1: 1})

        assert introductions(
            tree, 5, [0], follows=lambda _: [], rank=lambda c: ("", c), limit=10
        ) == ([], 0)
        assert introductions(
            tree, 1, [0, 0, 7], follows=lambda _: [], rank=lambda c: ("", c), limit=10
        ) == (
            [[0, 1]],
            0,
        )


@settings(max_examples=200, deadline=None)
@given(portfolios(), st.integers(0, 4))
def test_paths_are_real_bounded_shortest_first_and_count_every_introducer(
    drawn: Portfolio, limit: int
) -> None:
    built = drawn.graph()
    edges = containment_edges(drawn)
    for product in drawn.products:
        boms, closure = found = naive_scope(drawn, product)
        declared = {(s, t) for s, t, bom in edges if bom in boms}
        distance = reachable(product, edges, boms)
        scope = built.scope(product)
        for component in closure:
            expected = naive_introducers(drawn, product, component, found)

            paths, more = scope.paths_to(component, limit)

            # Bounded, and the rest is every other introducer.
            assert len(paths) == min(limit, len(expected))
            assert len(paths) + more == len(expected)
            holders = [p.steps[-1].source_id for p in paths]
            # The shortest introducers, ties in identity order of the holder.
            best = sorted(expected, key=lambda h: (expected[h], built.sort_key(h)))
            assert holders == best[:limit]
            for path in paths:
                route = chain(path)
                # A real chain of the product's edges from the product to the component,
                # passing through the component only at its end.
                assert route[0] == product
                assert route[-1] == component
                assert component not in route[:-1]
                assert len(set(route)) == len(route)
                assert all(pair in declared for pair in itertools.pairwise(route))
                assert all(step.declarations for step in path.steps)
                assert len(path.steps) == expected[route[-2]]
            tree = scope.tree_path(component)
            assert len(tree.steps) == distance[component]
            assert all(pair in declared for pair in itertools.pairwise(chain(tree)))
            # Same input, same answer.
            assert built.scope(product).paths_to(component, limit) == (paths, more)
