"""`exportgate components classify` and `classifications` end to end: the operator records
global decisions, named by the command line and its login, and reads them back."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli.main import app
from tests.builders import MODEL_PURL, MODULE_PURL, camera_bom, supplier_module_bom

runner = CliRunner()
TODAY = dt.datetime.now(dt.UTC).date()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def ingested(cli_env: str, tmp_path: Path) -> None:
    (tmp_path / "camera.cdx.json").write_bytes(camera_bom())
    (tmp_path / "module.cdx.json").write_bytes(supplier_module_bom())
    assert run("ingest", str(tmp_path))[0] == 0


def test_classify_records_a_global_decision_by_the_operator(
    ingested: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGNAME", "alice")
    monkeypatch.setenv("USER", "alice")
    expires = str(TODAY + dt.timedelta(days=90))
    code, out, err = run(
        "components", "classify", MODULE_PURL, "--not-ai", "--reason", "no weights in it",
        "--expires", expires,
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("recorded classification 1: not AI for every product until")
    code, out, _ = run("components", "classifications", "--json", MODULE_PURL)
    assert code == 0
    [recorded] = json.loads(out)
    assert recorded["actor"] == "cli (alice)"
    assert (recorded["scope"], recorded["is_ai"], recorded["in_force"]) == ("global", False, True)
    assert recorded["expires"] == expires
    # Past its expiry it is still listed, no longer in force.
    later = str(TODAY + dt.timedelta(days=91))
    code, out, _ = run("components", "classifications", "--json", "--on", later, MODULE_PURL)
    assert json.loads(out)[0]["in_force"] is False


def test_status_shows_the_classifications_in_force(ingested: None) -> None:
    run("components", "classify", MODEL_PURL, "--ai", "--reason", "a vision model")
    code, out, _ = run("status", MODEL_PURL)
    assert code == 0
    assert "classified AI for every product: a vision model (cli (" in out
    code, out, _ = run("status", "--json", MODEL_PURL)
    assert [c["reason"] for c in json.loads(out)["classifications"]] == ["a vision model"]


def test_classifications_says_when_there_are_none(ingested: None) -> None:
    code, out, _ = run("components", "classifications", MODULE_PURL)
    assert (code, out.strip()) == (0, "vision-module@3.2.0 has no classification records")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--ai", "--reason", " "], "/reason: a classification needs a reason"),
        (["--ai", "--reason", "r", "--expires", "2020-01-01"], "/expires: the expiry 2020-01-01"),
        (["--reason", "neither --ai nor --not-ai"], "say --ai or --not-ai"),
        (["--ai", "--reason", "r", "--expires", "soon"], "'soon' is not a date"),
    ],
)
def test_a_refused_classification_exits_2_and_records_nothing(
    ingested: None, args: list[str], message: str
) -> None:
    code, _, err = run("components", "classify", MODULE_PURL, *args)
    assert code == 2
    assert message in err
    assert json.loads(run("components", "classifications", "--json", MODULE_PURL)[1]) == []


def test_an_unknown_component_exits_2(ingested: None) -> None:
    code, out, err = run("components", "classify", "pkg:npm/unknown@1.0", "--ai", "--reason", "r")
    assert (code, out) == (2, "")
    assert err.startswith("not found:")
