"""Real databases for every test: a fresh migrated SQLite file, or a PostgreSQL database
created for the run, migrated by Alembic, emptied after each test and dropped at the end.

EXPORTGATE_TEST_BACKEND selects sqlite (default) or postgresql;
EXPORTGATE_TEST_POSTGRES_URL names the PostgreSQL server (an administrative database on it);
EXPORTGATE_TEST_CORPUS names the CycloneDX corpus folder (default: ../shared/corpus beside the
checkout). Without the corpus its tests skip, saying so, except under CI=true, where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from psycopg import sql
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.api.main import create_app
from app.config import Settings
from app.domain.access import Role
from app.services.access import create_key, ensure_organisation
from app.services.ingest import ingest_bom
from app.services.registry import import_registry, list_reviewers, save_reviewer
from app.services.registry_file import ReviewerEntry
from app.services.runtime import Runtime
from app.store.engine import build_engine
from app.store.migrations import alembic_config, upgrade_database
from app.store.rows import Base

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = Path(os.environ.get("EXPORTGATE_TEST_CORPUS") or SHARED / "corpus")
SAMPLES = REPO / "sbom_samples"

BACKEND = os.environ.get("EXPORTGATE_TEST_BACKEND", "sqlite")
# Apps and servers started by tests run no background work unless a test asks for it: a
# runner settling statuses beside a test would take the write lock at moments the test does
# not choose. The tests of the background work turn it on, or take its turns themselves.
os.environ.setdefault("EXPORTGATE_BACKGROUND_JOBS", "false")
# Decision records are signed: tests sign with a key of their own, never the one in var/.
os.environ.setdefault(
    "EXPORTGATE_SIGNING_KEY_FILE",
    str(Path(tempfile.mkdtemp(prefix="exportgate-test-key-")) / "signing-key.pem"),
)
POSTGRES_ADMIN_URL = os.environ.get(
    "EXPORTGATE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def corpus_present() -> bool:
    return CORPUS.is_dir()


def require_corpus() -> Path:
    """The CycloneDX corpus folder, for a test that reads it. A clone without the corpus
    beside it skips such a test, with the reason shown; CI must not pass by skipping, so
    under CI=true a missing corpus fails the test instead."""
    if corpus_present():
        return CORPUS
    reason = (
        f"CycloneDX corpus not found at {CORPUS} "
        "(put it there, or name its folder in EXPORTGATE_TEST_CORPUS)"
    )
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{reason}; CI=true requires it", pytrace=False)
    pytest.skip(reason)


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_postgres_database(prefix: str = "exportgate_test") -> str:
    """A new, empty database on the test server; its URL."""
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_libpq(POSTGRES_ADMIN_URL), autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    name = make_url(url).database
    with psycopg.connect(_libpq(POSTGRES_ADMIN_URL), autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(str(name)))
        )


def empty_database(url: str) -> str:
    """A database with no schema at all, for migration tests; dropped by the caller."""
    if BACKEND == "postgresql":
        return create_postgres_database("exportgate_migration")
    return url


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrated once per run: a SQLite file to copy, or the run's PostgreSQL database."""
    if BACKEND == "postgresql":
        url = create_postgres_database()
        try:
            upgrade_database(url)
            yield url
        finally:
            drop_postgres_database(url)
        return
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade_database(f"sqlite:///{path}")
    yield str(path)


def previous_revision() -> str:
    """The revision before the head: the schema a database has that fell one step behind."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    (head_revision,) = script.get_heads()
    head = script.get_revision(head_revision)
    assert head is not None
    assert isinstance(head.down_revision, str)
    return head.down_revision


@pytest.fixture(params=["empty", "behind"])
def unmigrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own with no exportgate schema, or one a revision behind the code."""
    if BACKEND == "postgresql":
        url = create_postgres_database("exportgate_unmigrated")
    else:
        url = f"sqlite:///{tmp_path / 'unmigrated.db'}"
    try:
        if request.param == "behind":
            upgrade_database(url, previous_revision())
        yield url
    finally:
        if BACKEND == "postgresql":
            drop_postgres_database(url)


def truncate_all(url: str) -> None:
    engine = build_engine(url)
    try:
        tables = ", ".join(table.name for table in reversed(Base.metadata.sorted_tables))
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database for one test."""
    if BACKEND == "postgresql":
        yield migrated_template
        truncate_all(migrated_template)
        return
    path = tmp_path / "exportgate.db"
    shutil.copyfile(migrated_template, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url)


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    live = Runtime(settings)
    try:
        yield live
    finally:
        live.close()


def issue_key(
    settings: Settings,
    *roles: Role,
    organisation: str = "tests",
    reviewer: str | None = None,
) -> str:
    """A key for the test's database, through the same use case as `exportgate keys`."""
    runtime = Runtime(settings)
    try:
        ensure_organisation(runtime, organisation, organisation, actor="tests")
        # A reviewer key speaks for a body on the roster; put it there unless it is.
        if reviewer is not None and reviewer not in {r.id for r in list_reviewers(runtime).items}:
            save_reviewer(runtime, ReviewerEntry(id=reviewer, name=reviewer), actor="tests")
        return create_key(
            runtime,
            organisation,
            list(roles or (Role.ADMIN,)),
            reviewer_id=reviewer,
            actor="tests",
        ).secret
    finally:
        runtime.close()


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def admin_key(settings: Settings) -> str:
    return issue_key(settings, Role.ADMIN)


@pytest.fixture
def client(settings: Settings, admin_key: str) -> Iterator[TestClient]:
    """The API as an administrator calls it."""
    with TestClient(create_app(settings), headers=bearer(admin_key)) as test_client:
        yield test_client


@pytest.fixture
def cli_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The CLI reads its database from the environment, as it does for a user."""
    monkeypatch.setenv("EXPORTGATE_DATABASE_URL", database_url)
    return database_url


SAMPLE_REGISTRY = SAMPLES / "registry.json"
SAMPLE_BOMS = sorted(SAMPLES.glob("*.cdx.*"))


def load_samples(runtime: Runtime, *, registry_first: bool = False) -> None:
    """The sample supply chain and its registry, through the same use cases as the CLI."""

    def registry() -> None:
        import_registry(runtime, json.loads(SAMPLE_REGISTRY.read_bytes()), actor="tests")

    if registry_first:
        registry()
    for path in SAMPLE_BOMS:
        ingest_bom(runtime, path.read_bytes(), None)
    if not registry_first:
        registry()


@pytest.fixture
def samples(runtime: Runtime) -> Runtime:
    """A database holding the sample BOMs and registry."""
    load_samples(runtime)
    return runtime


@pytest.fixture
def second_database_url(migrated_template: str, tmp_path: Path) -> Iterator[str]:
    """Another migrated, empty database, for comparing two histories of the same data."""
    if BACKEND == "postgresql":
        url = create_postgres_database("exportgate_second")
        try:
            upgrade_database(url)
            yield url
        finally:
            drop_postgres_database(url)
        return
    path = tmp_path / "second.db"
    shutil.copyfile(migrated_template, path)
    yield f"sqlite:///{path}"
