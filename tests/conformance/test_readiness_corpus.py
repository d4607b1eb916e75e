"""Review readiness on the official ML-BOM examples: each document is ingested through the
real ingest service, readiness of each model it describes is asked over HTTP, and the answer
lists, dimension by dimension, exactly the fields the file gives.

What each file gives is computed here from the file's own JSON (for an XML document, from
its JSON twin in the specification's test resources), by a reading written for this test
and never by the code under test. The corpus is read where it lies (tests/conftest.py
`require_corpus`), never copied here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.services.ingest import ingest_bom
from app.services.runtime import Runtime
from tests.conformance.test_ai_hints_corpus import (
    _with_spdx_licence_ids_only,
    _without_trailing_commas,
)
from tests.conftest import require_corpus

MLBOM = "examples/bom-examples/MLBOM"
# The upstream ML-BOM examples, and the specification's ML-BOM conformance documents.
DOCUMENTS = (
    f"{MLBOM}/Model/FoundationModels/bom.json",
    f"{MLBOM}/Model/OpenSource/bom.json",
    f"{MLBOM}/Dataset/bom.json",
    *(
        f"cyclonedx-spec/test-resources/{v}/valid-machine-learning-{v}.{form}"
        for v in ("1.5", "1.6", "1.7")
        for form in ("json", "xml")
    ),
    *(
        f"cyclonedx-spec/test-resources/{v}/valid-machine-learning-considerations-env-{v}.{form}"
        for v in ("1.6", "1.7")
        for form in ("json", "xml")
    ),
)

# Where each checklist item lives in a component, as docs/readiness.md tells BOM authors.
FIELDS = {
    "performance_metrics": ("modelCard", "quantitativeAnalysis", "performanceMetrics"),
    "fairness_assessments": ("modelCard", "considerations", "fairnessAssessments"),
    "ethical_considerations": ("modelCard", "considerations", "ethicalConsiderations"),
    "approach": ("modelCard", "modelParameters", "approach", "type"),
    "use_cases": ("modelCard", "considerations", "useCases"),
    "intended_users": ("modelCard", "considerations", "users"),
    "technical_limitations": ("modelCard", "considerations", "technicalLimitations"),
}
DATASET_FIELDS = {
    "dataset_provenance": ("contents", "description"),
    "dataset_classification": ("classification",),
    "dataset_sensitive_data": ("sensitiveData",),
    "dataset_governance": ("governance",),
}
DIMENSIONS = {
    "algorithmic_bias": {
        "datasets_declared", "dataset_provenance", "performance_metrics",
        "fairness_assessments", "ethical_considerations",
    },
    "data_privacy": {"dataset_classification", "dataset_sensitive_data", "dataset_governance"},
    "system_controllability": {
        "approach", "use_cases", "intended_users", "technical_limitations", "human_oversight",
    },
}  # fmt: skip


def _given(value: Any) -> bool:
    return value not in (None, "", [], {}) and not (isinstance(value, str) and not value.strip())


def _dig(node: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _components(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in items:
        yield item
        yield from _components(item.get("components") or [])


def _expected(model: dict[str, Any], by_ref: dict[str, dict[str, Any]]) -> set[str]:
    """The checklist items the file gives for this model, read straight from its JSON."""
    present = {item for item, path in FIELDS.items() if _given(_dig(model, path))}
    declared = _dig(model, ("modelCard", "modelParameters", "datasets")) or []
    datasets: list[dict[str, Any] | None] = []
    for entry in declared:
        if "ref" in entry:
            target = by_ref.get(entry["ref"], {}).get("data") or [None]
            datasets.extend(target)
        else:
            datasets.append(entry)
    if datasets and all(d is not None for d in datasets):
        present.add("datasets_declared")
    for item, names in DATASET_FIELDS.items():
        if datasets and all(
            d is not None and any(_given(d.get(n)) for n in names) for d in datasets
        ):
            present.add(item)
    oversight = [
        p for p in model.get("properties") or [] if p.get("name") == "exportgate:human-oversight"
    ]
    if any(str(p.get("value", "")).strip().lower() == "true" for p in oversight):
        present.add("human_oversight")
    return present


def _as_json(corpus: Path, name: str) -> dict[str, Any]:
    """The document's content as JSON: an XML document's JSON twin; an upstream example
    repaired as test_ai_hints_corpus.py explains."""
    path = corpus / (name.removesuffix(".xml") + ".json" if name.endswith(".xml") else name)
    document: dict[str, Any] = json.loads(_readable(path.read_bytes()))
    return document


def _readable(data: bytes) -> bytes:
    try:
        json.loads(data)
    except json.JSONDecodeError:
        return _with_spdx_licence_ids_only(_without_trailing_commas(data))
    return data


def _at(document: dict[str, Any], by_ref: dict[str, dict[str, Any]], pointer: str) -> Any:
    root: Any = document
    if ":" in pointer and not pointer.startswith("/"):
        ref, _, pointer = pointer.partition(":")
        root = by_ref[ref]
    for part in pointer.strip("/").split("/"):
        root = root[int(part)] if isinstance(root, list) else root[part]
    return root


@pytest.mark.parametrize("name", DOCUMENTS)
def test_readiness_lists_the_fields_each_official_ml_bom_gives(
    name: str, runtime: Runtime, client: TestClient
) -> None:
    corpus = require_corpus()
    data = (corpus / name).read_bytes()
    ingest_bom(runtime, data if name.endswith(".xml") else _readable(data), None)
    document = _as_json(corpus, name)
    listed = list(_components(document.get("components") or []))
    by_ref = {c["bom-ref"]: c for c in listed if "bom-ref" in c}
    models = [c for c in listed if c["type"] == "machine-learning-model" or "modelCard" in c]
    for item in listed:
        found = client.get("/api/v1/components", params={"name": item["name"]}).json()["items"]
        ids = [c["id"] for c in found if c["name"] == item["name"]]
        assert len(ids) == 1, item["name"]
        answer = client.get(f"/api/v1/components/{ids[0]}/readiness")
        assert answer.status_code == 200, answer.text
        body = answer.json()
        if item not in models:
            # The dataset example describes no model: readiness says it does not apply.
            if item["type"] == "data":
                assert body["applies"] is False
            continue
        assert body["applies"] is True, item["name"]
        expected = _expected(item, by_ref)
        items = {i["item"]: i for i in body["items"]}
        assert {i for i, found_item in items.items() if found_item["present"]} == expected
        for dimension in body["dimensions"]:
            wanted = DIMENSIONS[dimension["dimension"]]
            assert set(dimension["present_items"]) == expected & wanted
            assert set(dimension["missing_items"]) == wanted - expected
            assert dimension["percent"] == len(expected & wanted) * 100 // len(wanted)
        # Every fact is cited where the file really gives it.
        for entry in items.values():
            for fact in entry["found"]:
                if entry["item"] != "datasets_declared":
                    assert _given(_at(item, by_ref, fact["pointer"])), fact
