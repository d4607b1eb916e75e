"""Issue 9 on the command line: destinations are country codes or ruleset groups (anything
else exits 2 and records nothing), a group is answered per country as one record, a blocker
lists every certificate considered, and a check uses the ruleset version in force on its
date."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from app.cli.main import app
from app.services.runtime import Runtime
from app.store.rows import DecisionRow
from tests.conftest import SAMPLE_REGISTRY, SAMPLES
from tests.export_cases import CAMERA, CHATBOT, DETECTOR_CERTIFICATE, MODULE, TODAY

runner = CliRunner()
EU = sorted(json.loads(SAMPLE_REGISTRY.read_bytes())["ruleset"]["country_groups"]["EU"])
DETECTOR = "pkg:huggingface/deepinspect/defect-detector@2.1.0"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def records(runtime: Runtime) -> list[tuple[str, str]]:
    with runtime.reading() as uow:
        rows = uow.session.scalars(select(DecisionRow).order_by(DecisionRow.id))
        return [(row.destination, row.decision) for row in rows]


def import_file(folder: Path, document: dict[str, Any]) -> tuple[int, str, str]:
    path = folder / "registry.json"
    path.write_text(json.dumps(document))
    return run("registry", "import", str(path))


@pytest.mark.parametrize("asked", ["XX", "Germany", "", "E1"])
def test_an_unknown_destination_exits_2_and_records_nothing(
    cli_env: str, samples: Runtime, asked: str
) -> None:
    code, out, err = run("check", MODULE, "--to", asked, "--on", TODAY, "--json")

    assert (code, out) == (2, "")
    assert "--to" in err
    assert "neither an ISO 3166-1 alpha-2 country code nor a group" in err
    assert records(samples) == []


def test_a_dry_run_to_an_unknown_destination_exits_2(cli_env: str, samples: Runtime) -> None:
    bom = SAMPLES / "smart-camera-v1.cdx.json"
    code, _, err = run("check", "--bom", str(bom), "--to", "XX", "--on", TODAY)
    assert code == 2
    assert "'XX'" in err


def test_a_group_is_answered_per_country_and_kept_as_one_record(
    cli_env: str, samples: Runtime
) -> None:
    code, out, _ = run("check", CAMERA, "--to", "eu", "--on", TODAY, "--json")

    assert code == 1
    answer = json.loads(out)
    assert (answer["destination"], answer["decision"]) == ("EU", "ineligible")
    assert [c["destination"] for c in answer["countries"]] == EU
    assert answer["ineligible_countries"] == EU
    (blocker,) = answer["blocking"]
    assert blocker["component"]["name"].startswith("privacy-blur")
    assert blocker["countries"] == EU
    assert records(samples) == [("EU", "ineligible")]


def test_the_human_answer_to_a_group_names_the_countries(cli_env: str, samples: Runtime) -> None:
    code, out, _ = run("check", CAMERA, "--to", "ASEAN", "--on", TODAY)

    assert code == 1
    assert "INELIGIBLE for BN, ID, KH" in out
    assert "by country: BN ineligible" in out
    assert "blocks BN, ID, KH, LA, MM, MY, PH, SG, TH, VN" in out


def test_a_registry_file_scoping_a_certificate_to_nowhere_is_refused(
    cli_env: str, samples: Runtime, tmp_path: Path
) -> None:
    certificate = {
        "number": "C-XX", "subject": DETECTOR, "reviewer": "CAICT-ER",
        "dimensions": ["algorithmic_bias", "data_privacy", "system_controllability"],
        "issued": "2026-11-01", "expires": "2027-10-31", "destinations": ["DE", "XX"],
    }  # fmt: skip

    code, _, err = import_file(tmp_path, {"certificates": [certificate]})

    assert code == 2
    assert "/certificates/0/destinations/1" in err
    assert run("certificates", "show", "C-XX")[0] == 2


def test_a_blocker_lists_every_certificate_considered(
    cli_env: str, samples: Runtime, tmp_path: Path
) -> None:
    run(
        "certificates", "event", DETECTOR_CERTIFICATE, "--status", "suspended", "--on", "2026-11-20"
    )
    partial = {
        "number": "AIEC-2026-000001", "subject": DETECTOR, "reviewer": "CAICT-ER",
        "dimensions": ["algorithmic_bias", "data_privacy"],
        "issued": "2026-10-01", "expires": "2027-09-30",
        "events": [{"status": "active", "date": "2026-10-01"}],
    }  # fmt: skip
    assert import_file(tmp_path, {"certificates": [partial]})[0] == 0

    code, out, _ = run("check", MODULE, "--to", "DE", "--on", TODAY, "--json")

    assert code == 1
    (blocker,) = json.loads(out)["blocking"]
    assert (blocker["reason"], blocker["certificate"]) == (
        "certificate_suspended",
        DETECTOR_CERTIFICATE,
    )
    assert [
        (c["number"], [f["reason"] for f in c["failures"]]) for c in blocker["certificates"]
    ] == [
        (DETECTOR_CERTIFICATE, ["certificate_suspended"]),
        ("AIEC-2026-000001", ["dimension_missing"]),
    ]
    _, human, _ = run("check", MODULE, "--to", "DE", "--on", TODAY)
    assert (
        f"certificates considered: {DETECTOR_CERTIFICATE} (certificate_suspended); "
        "AIEC-2026-000001 (dimension_missing)"
    ) in human


def test_a_check_uses_the_ruleset_version_in_force_on_its_date(
    cli_env: str, samples: Runtime, tmp_path: Path
) -> None:
    ruleset = json.loads(SAMPLE_REGISTRY.read_bytes())["ruleset"]
    strict = {
        **ruleset, "version": "2026-11-15.1-strict", "effective_from": "2026-11-15",
        "block_on_incomplete_inventory": True,
    }  # fmt: skip
    assert import_file(tmp_path, {"ruleset": strict})[0] == 0

    code, out, _ = run("check", CHATBOT, "--to", "DE", "--on", "2026-09-15", "--json")
    assert code == 0
    assert json.loads(out)["ruleset"] == ruleset["version"]
    code, out, _ = run("check", CHATBOT, "--to", "DE", "--on", "2026-11-20", "--json")
    assert code == 1
    answer = json.loads(out)
    assert answer["ruleset"] == "2026-11-15.1-strict"
    assert "inventory_incomplete" in [b["reason"] for b in answer["blocking"]]
