"""A graph changed in place by a delta answers exactly as a graph built at once from the
portfolio after the change: the same nodes, edges, declarations, products and links, every
neighbour in identity order, and the same scopes, paths and uses."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TypeVar

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.bom import EdgeKind
from app.domain.portfolio import BomLink, PortfolioEdge, PortfolioNode
from app.graph.delta import GraphDelta
from app.graph.ordered import NeighbourOrder, Neighbours, OrderedDiGraph
from app.graph.portfolio import PortfolioGraph
from tests.unit.graph.portfolios import Portfolio, everything, portfolios

T = TypeVar("T")


def _less(first: Iterable[T], second: Iterable[T]) -> tuple[T, ...]:
    """What `first` holds beyond `second`, counting repeats."""
    return tuple((Counter(first) - Counter(second)).elements())


def delta_between(before: Portfolio, after: Portfolio) -> GraphDelta:
    old = {n.component_id: n for n in before.nodes()}
    new = {n.component_id: n for n in after.nodes()}
    return GraphDelta(
        nodes=tuple(n for c, n in new.items() if old.get(c) != n),
        gone=tuple(sorted(old.keys() - new.keys())),
        removed_edges=_less(before.edges, after.edges),
        added_edges=_less(after.edges, before.edges),
        products={
            c: after.products.get(c)
            for c in before.products.keys() | after.products.keys()
            if before.products.get(c) != after.products.get(c)
        },
        removed_links=_less(before.links, after.links),
        added_links=_less(after.links, before.links),
    )


@settings(max_examples=300, deadline=None)
@given(portfolios(max_size=8), portfolios(max_size=8))
def test_a_delta_leaves_the_graph_as_a_build_of_the_new_portfolio(
    before: Portfolio, after: Portfolio
) -> None:
    graph = before.graph()
    graph.scope(next(iter(before.products)))  # memoised answers must not survive the change

    graph.apply(delta_between(before, after))

    assert everything(graph) == everything(after.graph())


@settings(max_examples=100, deadline=None)
@given(portfolios(max_size=8), st.lists(portfolios(max_size=8), min_size=2, max_size=4))
def test_deltas_in_a_row_leave_the_graph_as_a_build_of_the_last_portfolio(
    first: Portfolio, later: list[Portfolio]
) -> None:
    graph = first.graph()
    previous = first
    for portfolio in later:
        graph.apply(delta_between(previous, portfolio))
        previous = portfolio

    assert everything(graph) == everything(previous.graph())


def test_an_empty_delta_changes_nothing() -> None:
    drawn = Portfolio((PortfolioEdge(1, 2, EdgeKind.DEPENDENCY, 1),), {1: (1,)})
    graph = drawn.graph()
    assert GraphDelta().is_empty
    graph.apply(GraphDelta())
    assert everything(graph) == everything(drawn.graph())


def test_neighbours_stay_in_identity_order_whatever_order_they_arrive_in() -> None:
    order = NeighbourOrder(lambda c: (f"{100 - c:03d}", c))
    graph = OrderedDiGraph(order)
    graph.add_edges_from([(1, 5), (1, 9), (1, 3), (1, 7), (4, 9), (8, 9), (2, 9)])
    graph.add_edge(1, 5, declarations=())

    assert list(graph.succ[1]) == [9, 7, 5, 3]
    assert list(graph.pred[9]) == [8, 4, 2, 1]
    assert isinstance(dict(graph.adjacency())[1], Neighbours)


def test_a_link_whose_resolution_changed_is_replaced_in_place() -> None:
    missing = BomLink(1, 1, "urn:cdx:a/1")
    found = BomLink(1, 1, "urn:cdx:a/1", (2,), 3)
    before = Portfolio((), {1: (1,)}, (missing,), extra_nodes=frozenset({3}))
    after = Portfolio((), {1: (1,)}, (found,), extra_nodes=frozenset({3}))
    graph = before.graph()

    graph.apply(delta_between(before, after))

    assert graph.links_of(1) == [found]
    assert [t for t, _ in graph.parts(1)] == [3]
    assert isinstance(graph.node(3), PortfolioNode)


def _made_of(graph: PortfolioGraph, product: int) -> tuple[object, ...]:
    """What a product's closure makes it: its BOMs, and each component inside with its facts."""
    scope = graph.scope(product)
    return scope.boms, tuple((c, graph.node(c)) for c in sorted(scope.closure))


@settings(max_examples=300, deadline=None)
@given(portfolios(max_size=8), portfolios(max_size=8))
def test_what_is_kept_of_a_product_outlives_a_delta_only_while_it_still_holds(
    before: Portfolio, after: Portfolio
) -> None:
    # Settling keeps each product's slice on the graph (`keep`): a delta must forget it for
    # every product whose closure it changed, or a stale slice would be answered.
    graph = before.graph()
    for product in before.products:
        graph.keep(product, "made of", "key", _made_of(graph, product))

    graph.apply(delta_between(before, after))

    rebuilt = after.graph()
    for product in after.products:
        kept = graph.recall(product, "made of", "key")
        assert kept is None or kept == _made_of(rebuilt, product)
        assert graph.recall(product, "made of", "another key") is None
