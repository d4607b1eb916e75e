"""`exportgate keys list`, `reviewers list` and `certificates list`: the command line lists
every item, however many pages the API would answer them in."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from app.cli.main import app
from app.config import Settings
from app.domain.access import Role
from app.services.runtime import Runtime
from tests.conftest import SAMPLE_REGISTRY, issue_key

runner = CliRunner()


def _listed(*args: str) -> list[dict[str, Any]]:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    listed: list[dict[str, Any]] = json.loads(result.stdout)
    return listed


def test_the_listings_show_every_item_in_the_lists_order(
    cli_env: str, database_url: str, samples: Runtime
) -> None:
    del cli_env, samples
    settings = Settings(database_url=database_url)
    for organisation in ("org01", "org02", "org01"):
        issue_key(settings, Role.AUDITOR, organisation=organisation)
    registry = json.loads(SAMPLE_REGISTRY.read_bytes())

    keys = _listed("keys", "list")
    assert [key["organisation"] for key in keys] == ["org01", "org02", "org01"]
    assert [key["id"] for key in keys] == sorted(key["id"] for key in keys)
    reviewers = _listed("reviewers", "list")
    assert [r["id"] for r in reviewers] == sorted(r["id"] for r in registry["reviewers"])
    certificates = _listed("certificates", "list")
    expected = sorted(c["number"] for c in registry["certificates"])
    assert [c["number"] for c in certificates] == expected
