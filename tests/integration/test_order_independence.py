"""The same BOMs and registry, arriving in another order, give the same answers."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from app.config import Settings
from app.domain.product_slice import Question
from app.services.checks import check_export
from app.services.ingest import ingest_bom
from app.services.products import list_products
from app.services.registry import import_registry
from app.services.runtime import Runtime
from app.store.engine import build_engine
from app.store.rows import table_of
from app.store.rows.evidence import EvidenceSecretRow
from tests.conftest import SAMPLE_BOMS, SAMPLE_REGISTRY

DAYS = (dt.date(2026, 9, 15), dt.date(2026, 11, 27))
DESTINATIONS = ("DE", "US", "SG")


def _load(runtime: Runtime, *, reverse: bool, registry_first: bool) -> None:
    def registry() -> None:
        import_registry(runtime, json.loads(SAMPLE_REGISTRY.read_bytes()), actor="tests")

    if registry_first:
        registry()
    for path in reversed(SAMPLE_BOMS) if reverse else SAMPLE_BOMS:
        ingest_bom(runtime, path.read_bytes(), None)
    if not registry_first:
        registry()


def _share_evidence_secret(source: Runtime, target_url: str) -> None:
    """Evidence digests are keyed by each database's own secret (docs/evidence.md): two
    histories of the same data are compared under one."""
    with source.reading() as uow:
        secret = uow.evidence.secret()
    engine = build_engine(target_url)
    try:
        with engine.begin() as connection:
            table = table_of(EvidenceSecretRow)
            connection.execute(table.delete())
            connection.execute(table.insert().values(id=1, secret=secret))
    finally:
        engine.dispose()


def _answers(runtime: Runtime) -> list[dict[str, Any]]:
    """Every sample product's answers, without what depends on storage order (ids)."""
    with runtime.reading() as uow:
        products = [
            summary.product.identity_key for summary in list_products(uow, runtime.cache).items
        ]
    answers = []
    for product in products:
        for day in DAYS:
            for destination in DESTINATIONS:
                answer = check_export(
                    runtime, product, Question(destination, day), record=False
                ).answer()
                answers.append(
                    {
                        "product": answer["product"]["identity"],
                        "question": (destination, day),
                        "decision": answer["decision"],
                        "blocking": [
                            (
                                b["component"]["identity"],
                                b["reason"],
                                b["certificate"],
                                [[(s["parent"], s["child"]) for s in p] for p in b["paths"]],
                            )
                            for b in answer["blocking"]
                        ],
                        "warnings": [(w["code"], w["message"]) for w in answer["warnings"]],
                        "evidence": answer["evidence_sha256"],
                    }
                )
    return answers


def test_answers_are_identical_whatever_the_order_of_arrival(
    database_url: str, second_database_url: str
) -> None:
    first, second = (
        Runtime(Settings(database_url=database_url)),
        Runtime(Settings(database_url=second_database_url)),
    )
    try:
        _share_evidence_secret(first, second_database_url)
        _load(first, reverse=False, registry_first=False)
        _load(second, reverse=True, registry_first=True)
        expected, got = _answers(first), _answers(second)
    finally:
        first.close()
        second.close()
    assert len(expected) == 10 * len(DAYS) * len(DESTINATIONS)  # the ten sample products
    assert {a["decision"] for a in expected} == {"eligible", "ineligible", "not_in_scope"}
    assert got == expected
