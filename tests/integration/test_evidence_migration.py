"""Migration 0016 on a database that already holds decision records: those records keep no
evidence and carry no signature (their bundle is refused as predating kept evidence), each
database draws its own evidence secret, and the revision goes down and up again."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.config import Settings
from app.domain.errors import ConflictError
from app.domain.product_slice import Question
from app.services.checks import check_export
from app.services.evidence_bundle import evidence_bundle
from app.services.ingest import ingest_bom
from app.services.runtime import Runtime
from app.services.signing_keys import signing_keys
from app.signing.bundle_verify import public_keys, verify_bundle
from app.store.engine import build_engine
from app.store.migrations import downgrade_database, upgrade_database
from app.store.rows import Base
from tests.builders import camera_bom
from tests.conftest import BACKEND, create_postgres_database, drop_postgres_database

BEFORE_KEPT_EVIDENCE = "0015"


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


def _secret(url: str) -> bytes | None:
    engine = build_engine(url)
    try:
        with engine.connect() as connection:
            found = connection.scalar(select(Base.metadata.tables["evidence_secret"].c.secret))
    finally:
        engine.dispose()
    return None if found is None else bytes(found)


def test_a_record_from_before_the_revision_is_refused_and_new_ones_verify(
    empty_url: str, tmp_path: Path
) -> None:
    upgrade_database(empty_url)
    first_secret = _secret(empty_url)
    assert first_secret is not None
    assert len(first_secret) == 32
    settings = Settings(database_url=empty_url, signing_key_file=tmp_path / "key.pem")
    runtime = Runtime(settings)
    try:
        product = ingest_bom(runtime, camera_bom(), None).subject_id
        runtime.close()
        downgrade_database(empty_url, BEFORE_KEPT_EVIDENCE)
        engine = build_engine(empty_url)
        with engine.begin() as connection:
            inserted = connection.execute(
                Base.metadata.tables["decisions"]
                .insert()
                .returning(Base.metadata.tables["decisions"].c.id),
                {
                    "product_id": product,
                    "destination": "DE",
                    "on_date": dt.date(2026, 11, 27),
                    "ruleset_version": "1",
                    "decision": "ineligible",
                    "answer": {"product": {"identity": "x", "name": "x"}},
                    "evidence_sha256": "0" * 64,
                    "decided_at": dt.datetime(2026, 11, 27, tzinfo=dt.UTC),
                },
            )
            old = int(inserted.scalar_one())
        engine.dispose()
        upgrade_database(empty_url)
        # Each upgrade draws a secret of its own.
        assert _secret(empty_url) not in {None, first_secret}
        runtime = Runtime(settings)
        with pytest.raises(ConflictError, match=f"decision record {old} predates kept evidence"):
            evidence_bundle(runtime, old)
        new = check_export(
            runtime, str(product), Question("DE", dt.date(2026, 11, 27)), record=True
        )
        assert new.decision_id is not None
        keys = public_keys(json.dumps(signing_keys(runtime)))
        verified = verify_bundle(evidence_bundle(runtime, new.decision_id), keys)
        assert verified.record["evidence_sha256"] == new.evidence_sha256
    finally:
        runtime.close()
