"""A product's closure written out for people and graph tools: plain data and GraphML."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

import networkx as nx

if TYPE_CHECKING:
    from app.graph.portfolio import PortfolioGraph

# What XML 1.0 cannot carry at all, not even as a character reference: C0 controls other
# than tab, newline and carriage return, lone surrogates, U+FFFE and U+FFFF. A JSON BOM can
# hold them in any string.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` with each character XML cannot carry written as a visible escape (\\x01,
    \\ufffe), so a GraphML document is always well-formed whatever a BOM named."""
    return _NOT_XML.sub(
        lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text
    )


def _xml_safe_value(value: object) -> object:
    return xml_safe(value) if isinstance(value, str) else value


def closure_document(
    graph: PortfolioGraph, product_id: int, visible_boms: frozenset[int] | None = None
) -> dict[str, Any]:
    """The product's closure as plain data (nodes, containment edges with the BOMs that
    declare them, and lineage from its models), in identity order; with `visible_boms`,
    only what those BOMs declare."""
    scope = graph.scope(product_id)
    inside = scope.closure
    nodes = graph.ordered(inside)
    edges: list[dict[str, Any]] = []
    targets: set[int] = set()
    for source in nodes:
        outgoing = [
            (target, scope.declarations(declared))
            for target, declared in graph.parts(source)
            if target in inside
        ] + [(step.target_id, step.declarations) for step in scope.lineage(source)]
        for target, declarations in outgoing:
            shown = [d for d in declarations if visible_boms is None or d.bom_id in visible_boms]
            if not shown:
                continue
            targets.add(target)
            edges.append(
                {
                    "source": source,
                    "target": target,
                    "kinds": sorted({d.kind.value for d in shown}),
                    "bom_ids": sorted({d.bom_id for d in shown}),
                }
            )
    lineage_only = graph.ordered(targets.difference(inside))
    if visible_boms is not None:
        # Only components a visible BOM names, reached through visible steps.
        shown_nodes = {product_id, *(e["source"] for e in edges), *targets}
        nodes = [n for n in nodes if n in shown_nodes]
    return {
        "product_id": product_id,
        "boms": sorted(scope.boms),
        "nodes": [
            _node_document(graph, n, inside=n in inside, is_ai=scope.is_ai(n))
            for n in [*nodes, *lineage_only]
        ],
        "edges": edges,
    }


def closure_counts(
    graph: PortfolioGraph, product_id: int, visible_boms: frozenset[int] | None = None
) -> tuple[int, int]:
    """(components, AI components) inside the product besides itself, as its
    `closure_document` lists them (with `visible_boms`, only those a visible BOM declares
    inside it), without writing the document out: a products page counts a hundred."""
    scope = graph.scope(product_id)
    inside = scope.closure
    shown: Collection[int]
    if visible_boms is None or scope.boms <= visible_boms:
        shown = inside
    else:
        shown = set()
        for source in inside:
            for target, declared in graph.parts(source):
                if target in inside and any(
                    d.bom_id in visible_boms for d in scope.declarations(declared)
                ):
                    shown.add(source)
                    shown.add(target)
            for step in scope.lineage(source):
                if any(d.bom_id in visible_boms for d in step.declarations):
                    shown.add(source)
                    shown.add(step.target_id)
    counted = [n for n in shown if n in inside and n != product_id]
    return len(counted), sum(1 for n in counted if scope.is_ai(n))


def _node_document(
    graph: PortfolioGraph, component_id: int, *, inside: bool, is_ai: bool
) -> dict[str, Any]:
    node = graph.node(component_id)
    return {
        "id": component_id,
        "identity": node.identity_key,
        "name": node.display_name,
        "type": node.type,
        "is_ai": is_ai,
        "inside_product": inside,
    }


def closure_graphml(
    graph: PortfolioGraph, product_id: int, visible_boms: frozenset[int] | None = None
) -> str:
    """The same closure as GraphML, for graph tools."""
    document = closure_document(graph, product_id, visible_boms)
    exported: nx.DiGraph[int] = nx.DiGraph()
    for node in document["nodes"]:
        exported.add_node(
            node["id"], **{k: _xml_safe_value(v) for k, v in node.items() if k != "id"}
        )
    for edge in document["edges"]:
        exported.add_edge(
            edge["source"],
            edge["target"],
            kinds=",".join(edge["kinds"]),
            bom_ids=",".join(str(b) for b in edge["bom_ids"]),
        )
    return "\n".join(nx.generate_graphml(exported))
