"""The schema exists only through Alembic: it builds from nothing, matches the models, and
downgrades and upgrades again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text

from app.config import Settings
from app.domain.errors import SchemaOutOfDateError
from app.services.ingest import ingest_bom
from app.services.runtime import Runtime
from app.store.engine import build_engine
from app.store.migrations import (
    alembic_config,
    check_database,
    downgrade_database,
    upgrade_database,
)
from app.store.rows import Base
from app.store.schema import require_current_schema, revisions
from tests.builders import camera_bom, component, supplier_module_bom
from tests.conftest import (
    BACKEND,
    create_postgres_database,
    drop_postgres_database,
    previous_revision,
)

# The revision before documents were stored packed.
PACKED_DOCUMENTS_REVISION_BEFORE = "0004"
# The revision before stored reasons were codes.
REASON_CODES_REVISION_BEFORE = "0008"


@pytest.fixture
def empty_url(tmp_path: Path) -> Iterator[str]:
    if BACKEND == "postgresql":
        url = create_postgres_database("exportgate_migration")
        try:
            yield url
        finally:
            drop_postgres_database(url)
    else:
        yield f"sqlite:///{tmp_path / 'empty.db'}"


def _tables(url: str) -> set[str]:
    engine = build_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_builds_every_table_when_the_database_is_empty(empty_url: str) -> None:
    upgrade_database(empty_url)
    assert _tables(empty_url) == set(Base.metadata.tables)


def test_models_and_migrations_agree_when_fully_upgraded(empty_url: str) -> None:
    upgrade_database(empty_url)
    check_database(empty_url)  # raises when `alembic check` finds drift


def test_downgrade_then_upgrade_round_trips(empty_url: str) -> None:
    upgrade_database(empty_url)
    downgrade_database(empty_url, "base")
    assert _tables(empty_url) == set()
    upgrade_database(empty_url)
    assert _tables(empty_url) == set(Base.metadata.tables)


def _stored_document(url: str) -> bytes:
    engine = build_engine(url)
    try:
        with engine.connect() as connection:
            stored: bytes = connection.execute(text("SELECT document FROM boms")).scalar_one()
        return stored
    finally:
        engine.dispose()


def test_documents_read_as_uploaded_across_the_packed_documents_revision(empty_url: str) -> None:
    upgrade_database(empty_url)
    data = camera_bom()
    runtime = Runtime(Settings(database_url=empty_url))
    try:
        bom_id = ingest_bom(runtime, data, None).bom_id
        # Stored packed, and smaller than uploaded.
        assert len(_stored_document(empty_url)) < len(data)
        downgrade_database(empty_url, PACKED_DOCUMENTS_REVISION_BEFORE)
        # The earlier schema reads documents as stored: unpacked on the way down.
        assert _stored_document(empty_url) == data
        upgrade_database(empty_url)
        with runtime.reading() as uow:
            assert uow.boms.document(bom_id) == data
    finally:
        runtime.close()


def _stored_reasons(url: str) -> tuple[list[object], list[object], object]:
    """Every occurrence's AI reasons and claim sources, and the one decision's answer."""
    occurrences, decisions = Base.metadata.tables["occurrences"], Base.metadata.tables["decisions"]
    engine = build_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(occurrences.c.ai_reasons, occurrences.c.claimed_certificates).order_by(
                    occurrences.c.id
                )
            ).all()
            answer = connection.execute(select(decisions.c.answer)).scalar_one()
        reasons = [reason for row in rows for reason in row.ai_reasons]
        sources = [claim["source"] for row in rows for claim in row.claimed_certificates]
        return reasons, sources, answer
    finally:
        engine.dispose()


def test_stored_reasons_are_codes_and_sentences_below_the_reason_codes_revision(
    empty_url: str,
) -> None:
    upgrade_database(empty_url)
    claimant = component(
        "llm",
        "assistant",
        type_="application",
        version="1",
        properties=[
            {"name": "exportgate:ai-component", "value": "true"},
            {"name": "exportgate:certificate", "value": "AIEC-2026-0009"},
        ],
        externalReferences=[
            {
                "type": "certification-report",
                "url": "https://reviewer.example/reports/9",
                "comment": "AIEC-2026-0010",
            }
        ],
    )
    country = {
        "destination": "CN",
        "decision": "not_in_scope",
        "not_in_scope_code": "domestic",
        "not_in_scope_reason": "the destination is the domestic country",
    }
    answer = {**country, "countries": [country], "blocking": []}
    runtime = Runtime(Settings(database_url=empty_url))
    try:
        product = ingest_bom(runtime, camera_bom(extra=[claimant]), None)
        ingest_bom(runtime, supplier_module_bom(), None)
        product_id = product.subject_id
        engine = build_engine(empty_url)
        with engine.begin() as connection:
            connection.execute(
                Base.metadata.tables["decisions"].insert(),
                {
                    "product_id": product_id,
                    "destination": "CN",
                    "on_date": dt.date(2026, 11, 27),
                    "ruleset_version": "1",
                    "decision": "not_in_scope",
                    "answer": answer,
                    "evidence_sha256": "0" * 64,
                    "decided_at": dt.datetime(2026, 11, 27, tzinfo=dt.UTC),
                },
            )
        engine.dispose()
        at_head = _stored_reasons(empty_url)
        assert at_head[:2] == (
            ["ai_component_property", "model_type", "model_card"],
            ["property", "external_reference"],
        )
        downgrade_database(empty_url, REASON_CODES_REVISION_BEFORE)
        reasons, sources, earlier = _stored_reasons(empty_url)
        assert reasons == [
            "property exportgate:ai-component=true",
            "type is machine-learning-model",
            "carries a modelCard",
        ]
        assert sources == [
            "property:exportgate:certificate",
            "externalReference:certification-report",
        ]
        # Below the revision an answer says its reason in words only, as it was given.
        assert isinstance(earlier, dict)
        assert "not_in_scope_code" not in earlier
        assert "not_in_scope_code" not in earlier["countries"][0]
        assert earlier["not_in_scope_reason"] == answer["not_in_scope_reason"]
        upgrade_database(empty_url)
        assert _stored_reasons(empty_url) == at_head
    finally:
        runtime.close()


def test_the_schema_check_reads_the_same_head_as_alembic() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    known, heads = revisions()
    assert heads == frozenset(script.get_heads())
    assert known == frozenset(revision.revision for revision in script.walk_revisions())


def test_the_schema_check_passes_only_at_the_head(empty_url: str) -> None:
    engine = build_engine(empty_url)
    try:
        with pytest.raises(SchemaOutOfDateError):
            require_current_schema(engine)
        upgrade_database(empty_url, previous_revision())
        with pytest.raises(SchemaOutOfDateError) as behind:
            require_current_schema(engine)
        assert "exportgate db upgrade" in behind.value.diagnostics()
        upgrade_database(empty_url)
        require_current_schema(engine)
    finally:
        engine.dispose()
