"""A database without exportgate's schema, or with an older one, is said plainly on the
command line: exit 2 and the remedy, never a raw SQL error; `serve` will not start on it
unless told to migrate it first."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from app.cli.main import app
from tests.conftest import SAMPLE_REGISTRY, SAMPLES

runner = CliRunner()
ADVICE = "has no exportgate schema (or an old one): run `exportgate db upgrade`"
CAMERA = SAMPLES / "smart-camera-v1.cdx.json"

# Commands that read or write data, one of each kind.
DATA_COMMANDS = [
    ("ingest", str(CAMERA)),
    ("status", "pkg:generic/hikari-vision/hv-s3-smart-camera@1.0"),
    ("where-used", "1"),
    ("check", "1", "--to", "DE"),
    ("check", "--bom", str(CAMERA), "--to", "DE"),
    ("registry", "import", str(SAMPLE_REGISTRY)),
    ("certificates", "list"),
    ("reviewers", "list"),
    ("decisions", "show", "1"),
    ("keys", "list"),
    ("orgs", "create", "acme", "--name", "Acme"),
    ("demo", "--samples", str(SAMPLES)),
]


@pytest.fixture
def unmigrated_env(unmigrated_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("EXPORTGATE_DATABASE_URL", unmigrated_url)
    return unmigrated_url


def test_every_data_command_exits_2_with_the_remedy_when_the_database_is_unmigrated(
    unmigrated_env: str,
) -> None:
    for command in DATA_COMMANDS:
        result = runner.invoke(app, list(command))
        said = " ".join(result.stderr.split())
        assert result.exit_code == 2, (command, result.output)
        assert ADVICE in said, (command, result.stderr)
        assert "database not migrated: the database at " in said, command
        assert "no such table" not in result.output.lower(), command
        assert "undefinedtable" not in result.output.lower(), command


def record_serving(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Stand in for uvicorn: what it was asked to serve, instead of serving."""
    served: list[dict[str, Any]] = []

    def run(_app: str, **options: Any) -> None:
        served.append(options)

    monkeypatch.setattr("uvicorn.run", run)
    return served


def test_serve_refuses_to_start_when_the_database_is_unmigrated(
    unmigrated_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = record_serving(monkeypatch)
    result = runner.invoke(app, ["serve", "--port", "8765"])
    assert result.exit_code == 2
    assert ADVICE in " ".join(result.stderr.split())
    assert served == []


def test_serve_migrates_and_starts_when_told_to_upgrade(
    unmigrated_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = record_serving(monkeypatch)
    result = runner.invoke(app, ["serve", "--upgrade", "--port", "8765"])
    assert result.exit_code == 0, result.output
    assert [call["port"] for call in served] == [8765]
    assert runner.invoke(app, ["certificates", "list"]).exit_code == 0


def test_db_upgrade_brings_an_unmigrated_database_into_use(unmigrated_env: str) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["ingest", str(CAMERA)])
    assert result.exit_code == 0, result.output
