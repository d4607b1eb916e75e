"""One portfolio graph alive at a time: when a process builds its graph again (at start-up,
or fallen too far behind the change log), the graph it replaces must be freed, or a server
holds one more graph per build until it runs out of memory (2.1 GB after three rebuilds of a
portfolio of a million edges). Here every upload is past the limit, so each read rebuilds."""

from __future__ import annotations

import datetime as dt
import gc
import weakref
from collections.abc import Iterator

import networkx as nx
import pytest

from app.domain.product_slice import Question
from app.graph import documents
from app.graph.portfolio import PortfolioGraph
from app.services.checks import check_export
from app.services.ingest import ingest_bom
from app.services.portfolio import PortfolioCache
from app.services.runtime import Runtime
from tests.builders import CAMERA_PURL, MODEL_PURL, camera_bom, supplier_module_bom

DAY = dt.date(2026, 11, 27)


@pytest.fixture
def uploads(runtime: Runtime) -> Iterator[int]:
    """Stores a new BOM of the camera each time it is advanced; the next read builds the
    graph again (no change is applied in place)."""
    runtime.cache = PortfolioCache(delta_limit=0)

    def stored() -> Iterator[int]:
        ingest_bom(runtime, supplier_module_bom(), None)
        version = 0
        while True:
            version += 1
            yield ingest_bom(runtime, camera_bom(version), None).bom_id

    return stored()


def current_graph(runtime: Runtime) -> PortfolioGraph:
    with runtime.reading() as uow:
        return runtime.cache.current(uow)


def tracked(graph: PortfolioGraph) -> list[weakref.ref[object]]:
    """Weak references to the graph and to the networkx graphs that hold nearly all its
    memory (a graph object freed while they live on would free nothing)."""
    inner: list[object] = [v for v in vars(graph).values() if isinstance(v, nx.Graph)]
    assert inner, "the portfolio graph keeps its adjacency in networkx graphs"
    return [weakref.ref(graph), *(weakref.ref(value) for value in inner)]


def alive(references: list[weakref.ref[object]]) -> list[object]:
    gc.collect()
    return [found for found in (reference() for reference in references) if found is not None]


def test_a_replaced_graph_is_freed_when_the_next_upload_rebuilds_it(
    runtime: Runtime, uploads: Iterator[int]
) -> None:
    references: list[weakref.ref[object]] = []
    for _ in range(5):
        next(uploads)
        # Every kind of question the graph answers, as requests ask them.
        check_export(runtime, CAMERA_PURL, Question("DE", DAY), record=True)
        graph = current_graph(runtime)
        assert graph.edge_count > 0
        for product in graph.products():
            documents.closure_graphml(graph, product.component_id)
            graph.where_used(product.component_id)
        references.extend(tracked(graph))
        del graph

    survivors = alive(references)

    # Five uploads, one graph: the current one.
    assert survivors == alive(tracked(current_graph(runtime)))


def test_a_graph_a_request_held_through_the_rebuild_is_freed_once_it_lets_go(
    runtime: Runtime, uploads: Iterator[int]
) -> None:
    next(uploads)
    held = current_graph(runtime)
    # A request still answering from the graph while an upload rebuilds it, and caught in a
    # reference cycle meanwhile (as a traceback or a cached view would catch it).
    cycle: list[object] = [held]
    cycle.append(cycle)
    next(uploads)
    assert current_graph(runtime) is not held
    assert held.edge_count > 0
    references = tracked(held)
    del held, cycle

    next(uploads)
    current_graph(runtime)

    assert alive(references) == []


def test_the_rebuilt_graph_answers_as_before(runtime: Runtime, uploads: Iterator[int]) -> None:
    next(uploads)
    before = check_export(runtime, CAMERA_PURL, Question("DE", DAY), record=False)
    next(uploads)

    after = check_export(runtime, CAMERA_PURL, Question("DE", DAY), record=False)

    assert after.check.decision == before.check.decision
    assert MODEL_PURL in str(after.answer())
