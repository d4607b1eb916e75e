"""Ingesting BOMs into a real database: idempotency, atomicity, and the portfolio graph
joined across BOMs and suppliers."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select, text

from app.domain.errors import BomRejectedError, NotFoundError
from app.services.components import resolve_component, where_used
from app.services.ingest import ingest_bom
from app.services.products import list_products
from app.services.runtime import Runtime
from app.store.graph import GraphRepository
from app.store.rows import Base
from tests.builders import (
    CAMERA_PURL,
    MODEL_PURL,
    MODULE_PURL,
    bom,
    camera_bom,
    component,
    model,
    supplier_module_bom,
)


def ingest(runtime: Runtime, data: bytes) -> int:
    return ingest_bom(runtime, data, None).bom_id


def row_counts(runtime: Runtime) -> dict[str, int]:
    with runtime.reading() as uow:
        return {
            table.name: uow.session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


def where_used_paths(runtime: Runtime, reference: str) -> list[tuple[str, list[str]]]:
    with runtime.reading() as uow:
        found = resolve_component(uow, reference)
        uses = where_used(uow, runtime.cache, found.id)
    return [(use.product, [f"{s.parent}>{s.child}" for s in use.path]) for use in uses]


class TestIdempotency:
    def test_same_bytes_twice_are_one_bom_when_uploaded_again(self, runtime: Runtime) -> None:
        data = camera_bom()
        first = ingest_bom(runtime, data, None)
        before = row_counts(runtime)
        second = ingest_bom(runtime, data, None)
        assert (first.created, second.created) == (True, False)
        assert second.bom_id == first.bom_id
        assert row_counts(runtime) == before

    def test_components_are_shared_when_two_boms_mention_one_identity(
        self, runtime: Runtime
    ) -> None:
        ingest(runtime, camera_bom())
        ingest(runtime, supplier_module_bom())
        with runtime.reading() as uow:
            module = resolve_component(uow, MODULE_PURL)
            occurrences = uow.components.occurrences(module.id)
        assert len(occurrences) == 2
        assert {occurrence.role for occurrence, _ in occurrences} == {"listed", "subject"}


class TestAtomicity:
    def test_nothing_is_left_when_storing_fails_part_way(
        self, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Fail after the BOM row, components and occurrences are written, inside the transaction.
        def fail(self: GraphRepository, bom_id: int, edges: object) -> None:
            raise RuntimeError("disk full")

        monkeypatch.setattr(GraphRepository, "add_edges", fail)
        # A new database holds only what its migrations put there (the evidence secret).
        before = row_counts(runtime)
        with pytest.raises(RuntimeError, match="disk full"):
            ingest(runtime, camera_bom())
        assert row_counts(runtime) == before
        assert sum(before.values()) <= 1

    def test_nothing_is_stored_when_the_document_is_invalid(self, runtime: Runtime) -> None:
        ingest(runtime, supplier_module_bom())
        before = row_counts(runtime)
        invalid = bom(component("x", "x"), [{"name": "no type"}])
        with pytest.raises(BomRejectedError) as refused:
            ingest(runtime, invalid)
        assert refused.value.errors[0].location == "/components/0"
        assert row_counts(runtime) == before


class TestPortfolio:
    @pytest.mark.parametrize("order", list(itertools.permutations(["camera", "module"])))
    def test_where_used_reaches_through_the_supplier_bom_in_either_order(
        self, runtime: Runtime, order: tuple[str, str]
    ) -> None:
        documents = {"camera": camera_bom(), "module": supplier_module_bom()}
        bom_ids = {name: ingest(runtime, documents[name]) for name in order}
        with runtime.reading() as uow:
            found = resolve_component(uow, MODEL_PURL)
            uses = where_used(uow, runtime.cache, found.id)
        camera = next(use for use in uses if use.product == "smart-camera@4.0")
        steps = [(step.parent, step.child, step.bom_ids) for step in camera.path]
        assert steps == [
            ("smart-camera@4.0", "mainboard@1.0", (bom_ids["camera"],)),
            ("mainboard@1.0", "vision-module@3.2.0", (bom_ids["camera"],)),
            ("vision-module@3.2.0", "defect-detector@2.1.0", (bom_ids["module"],)),
        ]
        assert {use.product for use in uses} == {"smart-camera@4.0", "vision-module@3.2.0"}

    @pytest.mark.parametrize("reverse", [False, True])
    def test_answers_do_not_depend_on_upload_order(self, runtime: Runtime, reverse: bool) -> None:
        documents = [camera_bom(), supplier_module_bom()]
        for data in reversed(documents) if reverse else documents:
            ingest(runtime, data)
        # Products in identity order (deepinspect's purl sorts before hikari's).
        assert where_used_paths(runtime, "pkg:pypi/onnxruntime@1.18.0") == [
            ("vision-module@3.2.0", ["vision-module@3.2.0>onnxruntime@1.18.0"]),
            (
                "smart-camera@4.0",
                [
                    "smart-camera@4.0>mainboard@1.0",
                    "mainboard@1.0>vision-module@3.2.0",
                    "vision-module@3.2.0>onnxruntime@1.18.0",
                ],
            ),
        ]

    def test_a_newer_bom_version_replaces_the_product_graph(self, runtime: Runtime) -> None:
        ingest(runtime, supplier_module_bom())
        blur = model("blur", "pkg:huggingface/hikari/face-blur@1.0")
        ingest(runtime, camera_bom(version=2, extra=[blur]))
        # An older version uploaded later does not become current.
        ingest(runtime, camera_bom(version=1))
        assert [
            p for p, _ in where_used_paths(runtime, "pkg:huggingface/hikari/face-blur@1.0")
        ] == ["smart-camera@4.0"]
        with runtime.reading() as uow:
            products = {s.product.purl: s for s in list_products(uow, runtime.cache).items}
        assert products[CAMERA_PURL].ai_components == 2

    def test_a_new_supplier_bom_changes_every_product_above_it(self, runtime: Runtime) -> None:
        ingest(runtime, camera_bom())
        with pytest.raises(NotFoundError):
            where_used_paths(runtime, MODEL_PURL)
        with runtime.reading() as uow:
            products = {s.product.purl: s for s in list_products(uow, runtime.cache).items}
        assert products[CAMERA_PURL].ai_components == 0
        ingest(runtime, supplier_module_bom())
        with runtime.reading() as uow:
            products = {s.product.purl: s for s in list_products(uow, runtime.cache).items}
        assert products[CAMERA_PURL].ai_components == 1

    def test_lineage_stays_outside_the_product(self, runtime: Runtime) -> None:
        base = model("base", "pkg:huggingface/meta/base-vision@1.0")
        tuned = model("tuned", "pkg:huggingface/acme/tuned@1.0", pedigree={"ancestors": [base]})
        ingest(runtime, bom(component("app", "inspector"), [tuned], {"app": ["tuned"]}))
        assert where_used_paths(runtime, "pkg:huggingface/meta/base-vision@1.0") == []
        assert [p for p, _ in where_used_paths(runtime, "pkg:huggingface/acme/tuned@1.0")] == [
            "inspector@1.0.0"
        ]
        with runtime.reading() as uow:
            tuned_id = resolve_component(uow, "pkg:huggingface/acme/tuned@1.0").id
            lineage = runtime.cache.current(uow).lineage(tuned_id)
        assert [step.declarations[0].kind for step in lineage] == ["base_model"]

    def test_cycles_do_not_break_where_used(self, runtime: Runtime) -> None:
        parts = [component("a", "a"), component("b", "b")]
        ingest(runtime, bom(component("p", "looped"), parts, {"p": ["a"], "a": ["b"], "b": ["a"]}))
        assert where_used_paths(runtime, "b@1.0.0") == [
            ("looped@1.0.0", ["looped@1.0.0>a@1.0.0", "a@1.0.0>b@1.0.0"])
        ]


class TestLargeBoms:
    # More rows than one multi-row statement binds on either database (SQLite 32,766 and
    # PostgreSQL 65,535 parameters: 4,095 and 8,191 components of 8 values per statement).
    PARTS = 9_000

    @staticmethod
    def _parts(first: int, count: int) -> list[dict[str, object]]:
        return [
            component(f"lib-{i}", purl=f"pkg:pypi/lib-{i}@1.0.{i}") for i in range(first, count)
        ]

    def _stored(self, runtime: Runtime, bom_id: int) -> tuple[dict[str, int], int]:
        with runtime.reading() as uow:
            by_ref: dict[str, int] = dict(
                uow.session.execute(
                    text("SELECT bom_ref, component_id FROM occurrences WHERE bom_id = :b"),
                    {"b": bom_id},
                ).all()
            )
            edges = uow.session.scalar(
                text("SELECT count(*) FROM edges WHERE bom_id = :b"), {"b": bom_id}
            )
        return by_ref, edges or 0

    def test_every_row_is_stored_when_a_bom_needs_several_statements(
        self, runtime: Runtime
    ) -> None:
        parts = self._parts(0, self.PARTS)
        chain = {f"lib-{i}": [f"lib-{i + 1}"] for i in range(self.PARTS - 1)}
        bom_id = ingest(runtime, bom(component("app", "app"), parts, {"app": ["lib-0"], **chain}))
        by_ref, edges = self._stored(runtime, bom_id)
        assert len(by_ref) == self.PARTS + 1
        assert len(set(by_ref.values())) == self.PARTS + 1
        assert edges == self.PARTS  # app -> lib-0, then the chain

    def test_known_components_keep_their_ids_when_a_large_bom_mixes_old_and_new(
        self, runtime: Runtime
    ) -> None:
        first, _ = self._stored(
            runtime, ingest(runtime, bom(component("a", "a"), self._parts(0, self.PARTS)))
        )
        half = self.PARTS // 2
        mixed = self._parts(half, self.PARTS + half)
        second, _ = self._stored(runtime, ingest(runtime, bom(component("b", "b"), mixed)))
        shared = [f"lib-{i}" for i in range(half, self.PARTS)]
        assert [second[ref] for ref in shared] == [first[ref] for ref in shared]
        new_ids = {second[f"lib-{i}"] for i in range(self.PARTS, self.PARTS + half)}
        assert len(new_ids) == half
        assert new_ids.isdisjoint(first.values())
