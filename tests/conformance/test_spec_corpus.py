"""The CycloneDX specification's own test documents: every valid-* accepted, every invalid-*
refused with a located error and nothing stored. The folder is enumerated, not hand-picked."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.config import Settings
from app.domain.errors import BomRejectedError
from app.services.ingest import ingest_bom
from app.services.runtime import Runtime
from app.store.rows import Base
from tests.conftest import BACKEND, CORPUS, corpus_present, require_corpus, truncate_all

TEST_RESOURCES = CORPUS / "cyclonedx-spec" / "test-resources"
VERSIONS = ("1.2", "1.3", "1.4", "1.5", "1.6", "1.7")


def _documents(prefix: str) -> list[Path]:
    return sorted(
        path
        for version in VERSIONS
        for path in (TEST_RESOURCES / version).glob(f"{prefix}*")
        if path.suffix in (".json", ".xml")
    )


VALID = _documents("valid-")
# 1.7's informal-invalid-* break a rule its XSD cannot express (an XSD 1.1 assert); they are
# refused all the same.
INVALID = _documents("invalid-") + _documents("informal-invalid-")


def _params(paths: list[Path]) -> list[Any]:
    """One case per document; without the corpus, one case that says so (require_corpus
    skips it, or fails it under CI), where an empty set would skip without a word."""
    if not corpus_present():
        return [pytest.param(CORPUS, id="corpus-missing")]
    return [pytest.param(path, id=f"{path.parent.name}/{path.name}") for path in paths]


def test_the_corpus_is_there() -> None:
    require_corpus()
    assert len(VALID) > 400
    assert len(INVALID) > 280


@pytest.fixture(scope="module")
def shared_runtime(
    migrated_template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Runtime]:
    """One database for the module: each document is its own transaction, as in use."""
    if BACKEND == "postgresql":
        url = migrated_template
    else:
        path = tmp_path_factory.mktemp("corpus") / "corpus.db"
        shutil.copyfile(migrated_template, path)
        url = f"sqlite:///{path}"
    live = Runtime(Settings(database_url=url))
    try:
        yield live
    finally:
        live.close()
        if BACKEND == "postgresql":
            truncate_all(url)


def _row_counts(runtime: Runtime) -> dict[str, int]:
    with runtime.reading() as uow:
        return {
            table.name: uow.session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


@pytest.mark.parametrize("path", _params(VALID))
def test_valid_document_is_stored(path: Path, shared_runtime: Runtime) -> None:
    require_corpus()
    result = ingest_bom(shared_runtime, path.read_bytes(), None)
    with shared_runtime.reading() as uow:
        assert uow.boms.get(result.bom_id) is not None


@pytest.mark.parametrize("path", _params(INVALID))
def test_invalid_document_is_refused_with_a_location(path: Path, shared_runtime: Runtime) -> None:
    require_corpus()
    before = _row_counts(shared_runtime)
    with pytest.raises(BomRejectedError) as refused:
        ingest_bom(shared_runtime, path.read_bytes(), None)
    assert refused.value.errors, "a refusal names where the document is wrong"
    assert all(error.message for error in refused.value.errors)
    assert any(error.location for error in refused.value.errors)
    assert _row_counts(shared_runtime) == before
