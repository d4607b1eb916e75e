"""A product's counts (components and AI components inside it, as a viewer may see them)
agree with the closure document they summarise, whatever BOMs the viewer sees."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.graph import documents
from tests.unit.graph.portfolios import Portfolio, portfolios


def counted_from_document(
    drawn: Portfolio, product: int, visible: frozenset[int] | None
) -> tuple[int, int]:
    document = documents.closure_document(drawn.graph(), product, visible)
    inside = [n for n in document["nodes"] if n["inside_product"] and n["id"] != product]
    return len(inside), sum(n["is_ai"] for n in inside)


@settings(max_examples=200)
@given(portfolios(), st.data())
def test_counts_agree_with_the_closure_document(drawn: Portfolio, data: st.DataObject) -> None:
    graph = drawn.graph()
    boms = sorted({e.bom_id for e in drawn.edges} | {b for p in drawn.products.values() for b in p})
    for product in drawn.products:
        seen = data.draw(st.none() | st.frozensets(st.sampled_from(boms or [0])))
        counted = graph.closure_counts(product, seen)
        assert counted == counted_from_document(drawn, product, seen)
        # Asked again, the same answer (from the memo).
        assert graph.closure_counts(product, seen) == counted
