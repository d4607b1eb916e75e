"""A database without exportgate's schema, or with an older one, is answered 503 as a
problem with the remedy, whether it was so from the start or became so under a running
server; /healthz says so too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from app.api.main import create_app
from app.config import Settings
from app.services.runtime import Runtime
from app.store.migrations import downgrade_database, upgrade_database
from tests.builders import camera_bom, supplier_module_bom
from tests.conftest import (
    BACKEND,
    bearer,
    create_postgres_database,
    drop_postgres_database,
    issue_key,
    previous_revision,
)

PROBLEM = "application/problem+json"
ADVICE = "the database has no exportgate schema (or an old one): run `exportgate db upgrade`"


def assert_not_migrated(response: Response, path: str) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json() == {
        "type": "urn:exportgate:problem:database-not-migrated",
        "title": "database not migrated",
        "status": 503,
        "detail": ADVICE,
        "instance": path,
    }


def test_every_request_is_503_with_the_remedy_when_the_database_is_unmigrated(
    unmigrated_url: str,
) -> None:
    app = create_app(Settings(database_url=unmigrated_url))
    with TestClient(app, headers=bearer("not-a-key")) as client:
        assert_not_migrated(client.get("/healthz"), "/healthz")
        assert_not_migrated(client.get("/api/v1/products"), "/api/v1/products")
        assert_not_migrated(client.get("/api/v1/certificates"), "/api/v1/certificates")


@pytest.fixture
def own_database_url(tmp_path: Path) -> Iterator[str]:
    """A migrated database no other test uses: these tests take its schema away."""
    if BACKEND == "postgresql":
        url = create_postgres_database("exportgate_vanishing")
    else:
        url = f"sqlite:///{tmp_path / 'vanishing.db'}"
    try:
        upgrade_database(url)
        yield url
    finally:
        if BACKEND == "postgresql":
            drop_postgres_database(url)


def test_requests_are_503_when_the_schema_vanishes_under_a_running_server(
    own_database_url: str,
) -> None:
    settings = Settings(database_url=own_database_url)
    key = issue_key(settings)
    with TestClient(create_app(settings), headers=bearer(key)) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/api/v1/products").status_code == 200
        downgrade_database(own_database_url, "base")
        assert_not_migrated(client.get("/api/v1/products"), "/api/v1/products")
        assert_not_migrated(client.get("/healthz"), "/healthz")
        upgrade_database(own_database_url)
        # Back at the head (and empty): the key is gone with the old tables.
        assert client.get("/healthz").status_code == 200
        assert client.get("/api/v1/products").status_code == 401


def test_requests_are_503_when_the_schema_falls_behind_under_a_running_server(
    own_database_url: str,
) -> None:
    settings = Settings(database_url=own_database_url)
    key = issue_key(settings)
    app = create_app(settings)
    with TestClient(app, headers=bearer(key)) as client:
        upload = {"content-type": "application/vnd.cyclonedx+json"}
        assert client.post("/api/v1/boms", content=camera_bom(), headers=upload).is_success
        downgrade_database(own_database_url, previous_revision())
        # /healthz asks every time.
        assert_not_migrated(client.get("/healthz"), "/healthz")
        # Other requests once the process's last check is older than its recheck interval.
        runtime: Runtime = app.state.runtime
        runtime.schema_recheck_seconds = 0.0
        module = client.post("/api/v1/boms", content=supplier_module_bom(), headers=upload)
        assert_not_migrated(module, "/api/v1/boms")
        assert_not_migrated(client.get("/api/v1/products"), "/api/v1/products")


def test_the_openapi_document_declares_503_on_every_operation(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    operations = [op for item in paths.values() for op in item.values()]
    assert operations
    assert all("503" in operation["responses"] for operation in operations)
