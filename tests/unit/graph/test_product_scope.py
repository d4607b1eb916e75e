"""The product walk (app/graph/scope.py `Scope`): a product is made of its BOMs, reaches
its suppliers' BOMs through their subjects and BOM-Links, and finds its paths in time that
grows with the closure, never with the number of paths."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.bom import EdgeKind
from app.domain.portfolio import BomLink, PortfolioEdge, PortfolioNode, Product
from app.graph.portfolio import PortfolioGraph

DEP = EdgeKind.DEPENDENCY


def node(component_id: int, *, ai_boms: frozenset[int] = frozenset()) -> PortfolioNode:
    return PortfolioNode(
        component_id, f"key-{component_id:04d}", f"c{component_id}", "1", "library", ai_boms
    )


def graph(
    edges: list[tuple[int, int, int]],
    products: dict[int, tuple[int, ...]],
    *,
    ai: dict[int, frozenset[int]] | None = None,
    links: list[BomLink] | None = None,
) -> PortfolioGraph:
    ids = {c for s, t, _ in edges for c in (s, t)} | set(products)
    ai = ai or {}
    return PortfolioGraph(
        [node(c, ai_boms=ai.get(c, frozenset())) for c in sorted(ids)],
        [PortfolioEdge(s, t, DEP, b) for s, t, b in edges],
        [Product(c, boms) for c, boms in products.items()],
        links or [],
    )


class TestWhatAProductIsMadeOf:
    def test_follows_only_edges_its_own_boms_declare(self) -> None:
        # Product 1 (BOM 10) uses library 2; BOM 20 (product 5's) says library 2 holds model 3.
        portfolio = graph([(1, 2, 10), (5, 2, 20), (2, 3, 20)], {1: (10,), 5: (20,)})

        assert set(portfolio.scope(1).closure) == {1, 2}
        assert set(portfolio.scope(5).closure) == {5, 2, 3}

    def test_reaching_a_subject_brings_in_its_boms(self) -> None:
        # Camera 1 (BOM 10) holds module 2, whose own BOM 20 holds model 3.
        portfolio = graph([(1, 2, 10), (2, 3, 20)], {1: (10,), 2: (20,)})

        scope = portfolio.scope(1)

        assert set(scope.closure) == {1, 2, 3}
        assert scope.boms == {10, 20}

    def test_an_edge_met_before_its_bom_waits_for_it(self) -> None:
        # Product 1 (BOM 10) holds 2 and 4; 4 is a subject whose BOM 40 says 2 holds 3.
        portfolio = graph([(1, 2, 10), (1, 4, 10), (2, 3, 40)], {1: (10,), 4: (40,)})

        scope = portfolio.scope(1)

        assert set(scope.closure) == {1, 2, 3, 4}
        assert [step.target_id for step in scope.tree_path(3).steps] == [2, 3]

    def test_a_product_is_the_union_of_its_current_boms(self) -> None:
        portfolio = graph([(1, 2, 10), (1, 3, 11)], {1: (10, 11)})

        assert set(portfolio.scope(1).closure) == {1, 2, 3}

    def test_ai_signals_count_only_from_its_boms(self) -> None:
        portfolio = graph([(1, 2, 10), (5, 2, 20)], {1: (10,), 5: (20,)}, ai={2: frozenset({20})})

        assert not portfolio.scope(1).is_ai(2)
        assert portfolio.scope(5).is_ai(2)

    def test_a_bom_link_of_its_bom_brings_in_the_linked_bom(self) -> None:
        link = BomLink(2, 10, "urn:cdx:x/1", (30,), 7)
        portfolio = graph(
            [(1, 2, 10), (7, 8, 30)], {1: (10,)}, links=[link, BomLink(2, 99, "urn:cdx:y/1")]
        )

        scope = portfolio.scope(1)

        assert set(scope.closure) == {1, 2, 7, 8}
        # The missing link is declared by a BOM that is not the product's: not its concern.
        assert scope.missing_links == []
        assert [s.declarations[0].kind for s in scope.tree_path(7).steps] == [
            DEP,
            EdgeKind.BOM_LINK,
        ]

    def test_a_missing_link_of_its_own_bom_is_said(self) -> None:
        missing = BomLink(2, 10, "urn:cdx:gone/1")
        scope = graph([(1, 2, 10)], {1: (10,)}, links=[missing]).scope(1)

        assert scope.missing_links == [missing]

    def test_cycles_are_harmless(self) -> None:
        portfolio = graph([(1, 2, 10), (2, 3, 10), (3, 1, 10), (3, 2, 10)], {1: (10,)})

        assert set(portfolio.scope(1).closure) == {1, 2, 3}
        assert portfolio.scope(1).paths_to(2, 10)[1] == 0


class TestPaths:
    def test_one_introduction_per_distinct_parent_shortest_first(self) -> None:
        # A diamond: 1 -> 2 -> 4, 1 -> 3 -> 4, and a longer way 1 -> 5 -> 6 -> 4.
        portfolio = graph(
            [(1, 2, 10), (1, 3, 10), (2, 4, 10), (3, 4, 10), (1, 5, 10), (5, 6, 10), (6, 4, 10)],
            {1: (10,)},
        )

        paths, more = portfolio.scope(1).paths_to(4, 10)

        assert [[s.target_id for s in p.steps] for p in paths] == [[2, 4], [3, 4], [5, 6, 4]]
        assert more == 0
        paths, more = portfolio.scope(1).paths_to(4, 2)
        assert (len(paths), more) == (2, 1)

    def test_a_parent_reached_only_through_the_component_does_not_introduce_it(self) -> None:
        # 1 -> 2 -> 3 -> 2: 3 holds 2 but lies inside 2.
        portfolio = graph([(1, 2, 10), (2, 3, 10), (3, 2, 10)], {1: (10,)})

        paths, more = portfolio.scope(1).paths_to(2, 10)

        assert [[s.target_id for s in p.steps] for p in paths] == [[2]]
        assert more == 0

    @pytest.mark.parametrize("length", [50, 2_000])
    def test_a_chain_of_holders_counts_every_introduction(self, length: int) -> None:
        # Every link of a chain depends on the model (id 0): `length` introductions.
        chain = list(range(1, length + 1))
        edges = [(p, c, 10) for p, c in itertools.pairwise([1000000, *chain])]
        edges += [(c, 0, 10) for c in chain]
        portfolio = graph(edges, {1000000: (10,)})

        paths, more = portfolio.scope(1000000).paths_to(0, 10)

        assert len(paths) == 10
        assert more == length - 10
        assert [len(p.steps) for p in paths] == list(range(2, 12))


@st.composite
def portfolios(draw: st.DrawFn) -> tuple[list[tuple[int, int, int]], dict[int, tuple[int, ...]]]:
    size = draw(st.integers(2, 12))
    edges = draw(
        st.lists(
            st.tuples(st.integers(0, size - 1), st.integers(0, size - 1), st.integers(1, 4)),
            max_size=30,
        )
    )
    subjects = draw(st.lists(st.integers(0, size - 1), min_size=1, max_size=4, unique=True))
    products: dict[int, tuple[int, ...]] = {
        s: (bom,) for s, bom in zip(subjects, range(1, 5), strict=False)
    }
    return edges, products


@settings(max_examples=200, deadline=None)
@given(portfolios(), st.randoms(use_true_random=False))
def test_the_walk_does_not_depend_on_the_order_edges_arrive_in(
    drawn: tuple[list[tuple[int, int, int]], dict[int, tuple[int, ...]]], shuffle: random.Random
) -> None:
    edges, products = drawn
    product = next(iter(products))
    first = graph(edges, products).scope(product)
    shuffled = list(edges)
    shuffle.shuffle(shuffled)
    second = graph(shuffled, products).scope(product)

    assert dict(first.closure) == dict(second.closure)
    assert first.boms == second.boms
    for component in first.closure:
        one = first.paths_to(component, 3)
        two = second.paths_to(component, 3)
        assert [[s.target_id for s in p.steps] for p in one[0]] == [
            [s.target_id for s in p.steps] for p in two[0]
        ]
        assert one[1] == two[1]


@settings(max_examples=200, deadline=None)
@given(portfolios())
def test_the_closure_is_what_the_products_boms_reach(
    drawn: tuple[list[tuple[int, int, int]], dict[int, tuple[int, ...]]],
) -> None:
    """A fixpoint computed the slow way: include BOMs until nothing changes."""
    edges, products = drawn
    product = next(iter(products))
    boms = set(products[product])
    while True:
        reached = {product}
        frontier = [product]
        while frontier:
            current = frontier.pop()
            for source, target, bom in edges:
                if source == current and bom in boms and target not in reached:
                    reached.add(target)
                    frontier.append(target)
        more = boms | {b for c in reached if c in products for b in products[c]}
        if more == boms:
            break
        boms = more

    scope = graph(edges, products).scope(product)

    assert set(scope.closure) == reached
    assert scope.boms == frozenset(boms)
