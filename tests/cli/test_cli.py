"""The `exportgate` command end to end: typer's runner, the real database from the
environment, the same services as the API."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import main as cli_main
from app.cli.entry import load
from app.cli.main import app
from tests.builders import MODEL_PURL, bom, camera_bom, component, supplier_module_bom

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def boms(tmp_path: Path) -> Path:
    folder = tmp_path / "boms"
    (folder / "suppliers").mkdir(parents=True)
    (folder / "camera.cdx.json").write_bytes(camera_bom())
    (folder / "suppliers" / "module.cdx.json").write_bytes(supplier_module_bom())
    (folder / "notes.txt").write_text("not a BOM, not picked up")
    return folder


def test_ingest_stores_every_bom_in_a_folder(cli_env: str, boms: Path) -> None:
    code, out, _ = run("ingest", str(boms))
    assert code == 0
    assert "camera.cdx.json: stored as BOM 1 — smart-camera@4.0: 2 components, 0 AI" in out
    assert "module.cdx.json: stored as BOM 2 — vision-module@3.2.0: 3 components, 1 AI" in out
    code, out, _ = run("ingest", str(boms / "camera.cdx.json"))
    assert (code, "already stored as BOM 1" in out) == (0, True)


def test_ingest_exits_2_and_locates_the_error_when_a_bom_is_refused(
    cli_env: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(bom(component("p", "p"), [{"name": "no type"}]))
    good = tmp_path / "good.json"
    good.write_bytes(supplier_module_bom())
    code, out, err = run("ingest", str(bad), str(good))
    assert code == 2
    assert '/components/0: "type" is a required property' in out
    assert "good.json: stored" in out
    assert "1 of 2 documents refused" in err


def test_ingest_json_reports_warnings(cli_env: str, tmp_path: Path) -> None:
    inventory = tmp_path / "inventory.json"
    inventory.write_bytes(bom(None, [component("a", "a")]))
    code, out, _ = run("ingest", "--json", str(inventory))
    assert code == 0
    report = json.loads(out)
    assert report[0]["status"] == "stored"
    assert [w["code"] for w in report[0]["warnings"]] == ["no_subject"]


def test_where_used_lists_products_with_paths(cli_env: str, boms: Path) -> None:
    run("ingest", str(boms))
    code, out, _ = run("where-used", MODEL_PURL)
    assert code == 0
    assert "smart-camera@4.0 (id" in out
    assert (
        "vision-module@3.2.0 → defect-detector@2.1.0   [dependency; BOM 2 (vision-module@3.2.0)]"
        in out
    )
    code, out, _ = run("where-used", "--json", "defect-detector@2.1.0")
    used = {use["product"] for use in json.loads(out)["used_by"]}
    assert used == {"smart-camera@4.0", "vision-module@3.2.0"}


def test_status_shows_identity_ai_and_boms(cli_env: str, boms: Path) -> None:
    run("ingest", str(boms))
    code, out, _ = run("status", "--json", MODEL_PURL)
    assert code == 0
    status = json.loads(out)
    assert status["is_ai"] is True
    assert status["identity"] == {"kind": "purl", "key": MODEL_PURL}
    assert [a["bom_id"] for a in status["appearances"]] == [2]


@pytest.mark.parametrize("reference", ["pkg:npm/unknown@1.0", "nothing-by-this-name", "424242"])
def test_unknown_component_is_an_error_with_exit_2(cli_env: str, reference: str) -> None:
    code, out, err = run("status", reference)
    assert code == 2
    assert out == ""
    assert err.startswith("not found:")


def test_db_upgrade_is_idempotent(cli_env: str) -> None:
    assert run("db", "upgrade")[0] == 0
    assert run("db", "upgrade")[0] == 0


@pytest.mark.parametrize(
    ("variable", "value"),
    [("EXPORTGATE_WORKERS", "many"), ("EXPORTGATE_BODY_TIMEOUT_SECONDS", "-1")],
)
def test_a_setting_that_cannot_be_used_stops_the_command_naming_it(
    cli_env: str, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    code, _out, err = run("status", "anything")
    assert code == 2
    assert variable in err
    assert "Traceback" not in err


def test_the_executable_loads_the_command_line_and_leaves_the_collector_running() -> None:
    assert load() is cli_main.main
    assert gc.isenabled()
    # As the installed script runs it, in a process of its own.
    started = subprocess.run(
        [sys.executable, "-c", "from app.cli.entry import run; run()", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert started.returncode == 0, started.stderr
    assert "ingest" in started.stdout
