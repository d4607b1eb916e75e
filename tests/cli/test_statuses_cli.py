"""`exportgate status refresh` and `exportgate changes`: the operator re-evaluates the stored
statuses for a day and reads what changed, with the cause of each change."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from app.cli.main import app
from tests.conftest import SAMPLES

runner = CliRunner()
# The sample vision module's certificate expires on 2027-01-31.
ON_EXPIRY, DAY_AFTER = "2027-01-31", "2027-02-01"


def run(*args: str) -> tuple[int, str, str]:
    # Wide enough that a table row stays on one line.
    result = runner.invoke(app, list(args), env={"COLUMNS": "300"})
    return result.exit_code, result.stdout, result.stderr


def test_refresh_then_changes_tell_which_certificate_expired(cli_env: str) -> None:
    assert run("demo", "--samples", str(SAMPLES))[0] == 0
    code, out, err = run("status", "refresh", "--on", ON_EXPIRY, "--json")
    assert code == 0, err
    first = json.loads(out)
    assert first["day"] == ON_EXPIRY
    assert first["weighed"] > 0
    code, out, _ = run("status", "refresh", "--on", DAY_AFTER, "--json")
    turned = [c for c in json.loads(out)["changes"] if c["new"] == "ineligible"]
    assert turned
    assert {(c["cause"]["kind"], c["cause"]["ref"]) for c in turned} == {
        ("certificate_expired", "AIEC-2026-000124")
    }
    code, out, _ = run("changes", "--json", "--limit", "10000")
    listed = json.loads(out)
    assert [c["id"] for c in listed] == sorted(c["id"] for c in listed)
    assert {c["id"] for c in turned} <= {c["id"] for c in listed}
    code, out, _ = run("changes", "--group", "EU")
    assert code == 0
    assert "certificate AIEC-2026-000124 expired" in out


def test_changes_refuses_what_it_cannot_read(cli_env: str) -> None:
    code, _, err = run("changes", "--since", "yesterday")
    assert code == 2
    assert "is not a moment" in err
    code, _, err = run("changes", "--group", "ATLANTIS")
    assert code == 2
    assert "ATLANTIS" in err or "atlantis" in err.lower()
