"""`exportgate check`, `registry import`, `certificates`, `decisions` and `demo`, end to end
on the sample supply chain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from app.cli.main import app
from app.services.runtime import Runtime
from app.store.rows import BomRow, DecisionRow
from tests.builders import bom, component, model
from tests.conftest import SAMPLE_REGISTRY, SAMPLES
from tests.export_cases import (
    CAMERA,
    CASES,
    CHATBOT,
    DETECTOR_CERTIFICATE,
    MODULE,
    Case,
    assert_answer,
)

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def prepare(case: Case, folder: Path) -> None:
    for number, status, day in case.events:
        code, _, err = run("certificates", "event", number, "--status", status, "--on", day)
        assert code == 0, err
    if case.ruleset:
        current = json.loads(SAMPLE_REGISTRY.read_bytes())["ruleset"]
        path = folder / "ruleset.json"
        path.write_text(json.dumps({"ruleset": {**current, **case.ruleset}}))
        code, _, err = run("registry", "import", str(path))
        assert code == 0, err


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_check_answers_with_reasons_paths_and_exit_code(
    cli_env: str, samples: Runtime, case: Case, tmp_path: Path
) -> None:
    prepare(case, tmp_path)
    args = ["check", case.product, "--to", case.to, "--on", case.on, "--json"]
    if case.sector:
        args += ["--sector", case.sector]
    code, out, err = run(*args)
    assert code == (1 if case.decision == "ineligible" else 0), err
    answer = json.loads(out)
    assert_answer(case, answer)
    assert answer["decision_id"] is not None


def test_human_output_names_each_blocker_and_its_path(cli_env: str, samples: Runtime) -> None:
    code, out, _ = run("check", CAMERA, "--to", "DE", "--on", "2026-11-27")
    assert code == 1
    assert "INELIGIBLE — 1 blocking component(s)" in out
    assert "privacy-blur@1.0.0" in out
    assert "no_certificate" in out
    assert "─[BOM" in out


def test_unknown_product_is_an_error_with_exit_2(cli_env: str, samples: Runtime) -> None:
    code, out, err = run("check", "pkg:generic/nobody/nothing@1", "--to", "DE")
    assert (code, out) == (2, "")
    assert "not found" in err
    code, _, err = run("check", "defect-detector@2.1.0", "--to", "DE")
    assert code == 2
    assert "is not a product" in err


def test_a_decision_record_is_kept_and_reproduced(cli_env: str, samples: Runtime) -> None:
    _, first, _ = run("check", MODULE, "--to", "DE", "--on", "2026-11-27", "--json")
    _, again, _ = run("check", MODULE, "--to", "DE", "--on", "2026-11-27", "--json")
    first_answer, second_answer = json.loads(first), json.loads(again)
    assert first_answer["evidence_sha256"] == second_answer["evidence_sha256"]
    assert first_answer["decision_id"] != second_answer["decision_id"]
    code, out, _ = run("decisions", "show", str(first_answer["decision_id"]))
    assert code == 0
    assert json.loads(out)["evidence_sha256"] == first_answer["evidence_sha256"]
    run(
        "certificates", "event", DETECTOR_CERTIFICATE, "--status", "suspended", "--on", "2026-11-01"
    )
    _, changed, _ = run("check", MODULE, "--to", "DE", "--on", "2026-11-27", "--json")
    assert json.loads(changed)["evidence_sha256"] != first_answer["evidence_sha256"]


def test_registry_import_is_idempotent(cli_env: str, samples: Runtime) -> None:
    code, out, _ = run("registry", "import", str(SAMPLE_REGISTRY))
    assert code == 0
    assert "nothing new" in out


def test_a_bad_registry_file_is_refused_whole_naming_the_entry(
    cli_env: str, tmp_path: Path
) -> None:
    document = json.loads(SAMPLE_REGISTRY.read_bytes())
    document["certificates"][3]["expires"] = "not a date"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    code, _, err = run("registry", "import", str(path))
    assert code == 2
    assert "/certificates/3/expires" in err
    code, out, _ = run("certificates", "list", "--json")
    assert json.loads(out) == []


def test_impact_names_what_breaks_and_changes_nothing(cli_env: str, samples: Runtime) -> None:
    code, out, _ = run(
        "certificates", "impact", DETECTOR_CERTIFICATE, "--to", "DE", "--on", "2026-11-27", "--json"
    )
    assert code == 0
    impact = json.loads(out)
    by_product = {row["product"]: row for row in impact["products"]}
    assert by_product["DI-VM3 Vision Module@3.2.0"]["breaks"] is True
    camera = by_product["HV-S3 Smart Inspection Camera@1.0"]
    assert (camera["now"], camera["if_revoked"]) == ("ineligible", "ineligible")
    assert "JC-AOI 560 Automated Optical Inspection Station@2.3" in by_product
    _, shown, _ = run("certificates", "show", DETECTOR_CERTIFICATE, "--json")
    assert json.loads(shown)["status"] == "active"


def test_status_events_change_the_next_check(cli_env: str, samples: Runtime) -> None:
    assert run("check", CHATBOT, "--to", "DE", "--on", "2026-11-27")[0] == 1
    code, _, _ = run(
        "certificates",
        "event",
        "AIEC-2026-000207",
        "--status",
        "active",
        "--on",
        "2026-11-10",
        "--reason",
        "re-review passed",
    )
    assert code == 0
    assert run("check", CHATBOT, "--to", "DE", "--on", "2026-11-27")[0] == 0
    assert run("check", CHATBOT, "--to", "DE", "--on", "2026-10-15")[0] == 1


def test_demo_prints_every_sample_answer(cli_env: str) -> None:
    code, out, _ = run("demo", "--samples", str(SAMPLES), "--on", "2026-11-27")
    assert code == 0
    for word in ("eligible", "ineligible", "not_in_scope", "certificate_revoked"):
        assert word in out


def test_demo_shows_a_product_of_two_current_boms_and_a_part_joined_by_bom_link(
    cli_env: str,
) -> None:
    code, out, _ = run("demo", "--samples", str(SAMPLES), "--on", "2026-11-27")
    assert code == 0
    lines = out.splitlines()
    rows = _table_rows(out)
    # MJ-Guard's SBOM and AI-BOM make one product: its row answers for both together.
    assert rows[("MJ-Guard Content Moderation Gateway@5.2.0", "DE")] == (
        "ineligible",
        "no_certificate: mj-image-safety@2.0.0",
    )
    assert rows[("KW-X7 Inline X-ray Battery Cell Inspector@1.2", "DE")] == ("eligible", "")
    assert "MJ-Guard Content Moderation Gateway@5.2.0: 2 current BOMs (BOMs " in out
    assert any(
        line.startswith("KW-X7 Inline X-ray Battery Cell Inspector@1.2: HY-X2 X-ray AI module@2.0 "
                        "joined by BOM-Link to HY-X2 Edge AI Module for X-ray Inspection@2.0.3")
        for line in lines
    )  # fmt: skip
    # The camera's link to its module's BOM joins the same identity: nothing to show.
    assert not any("HV-S3" in line and "BOM-Link" in line for line in lines)


def _table_rows(out: str) -> dict[tuple[str, str], tuple[str, str]]:
    """The demo table as (product, to) → (decision, why), its wrapped cells joined again."""
    rows: list[list[str]] = []
    for line in out.splitlines():
        if not line.startswith("│"):
            continue
        cells = [cell.strip() for cell in line.strip("│").split("│")]
        if cells[1]:  # a destination starts a row; wrapped lines leave it empty
            rows.append(cells)
        else:
            rows[-1] = [" ".join(filter(None, pair)) for pair in zip(rows[-1], cells, strict=True)]
    return {(product, to): (decision, why) for product, to, decision, why in rows}


def _stored_counts(runtime: Runtime) -> tuple[int, int]:
    with runtime.reading() as uow:
        boms = uow.session.scalar(select(func.count()).select_from(BomRow)) or 0
        decisions = uow.session.scalar(select(func.count()).select_from(DecisionRow)) or 0
    return boms, decisions


def test_dry_run_checks_an_unsaved_bom_and_stores_nothing(
    cli_env: str, samples: Runtime, tmp_path: Path
) -> None:
    before = _stored_counts(samples)
    # Version 1 of the camera, before the privacy-blur model arrived: eligible.
    code, out, _ = run(
        "check", "--bom", str(SAMPLES / "smart-camera-v1.cdx.json"), "--to", "DE",
        "--on", "2026-11-27", "--json",
    )  # fmt: skip
    assert code == 0
    answer = json.loads(out)
    assert (answer["decision"], answer["decision_id"]) == ("eligible", None)
    # A product nobody has stored, holding the certified detector and a new, uncertified model.
    new_product = tmp_path / "new.cdx.json"
    new_product.write_bytes(
        bom(
            component("p", "line-scanner", version="1.0", purl="pkg:generic/acme/line-scanner@1.0"),
            [
                model("old", "pkg:huggingface/deepinspect/defect-detector@2.1.0"),
                model("new", "pkg:huggingface/acme/crack-finder@0.9"),
            ],
            {"p": ["old", "new"]},
        )
    )
    code, out, _ = run("check", "--bom", str(new_product), "--to", "DE", "--json")
    assert code == 1
    answer = json.loads(out)
    reasons = {(b["component"]["name"], b["reason"]) for b in answer["blocking"]}
    assert reasons == {
        ("line-scanner@1.0", "product_certificate_missing"),
        ("crack-finder@0.9", "no_certificate"),
    }
    assert _stored_counts(samples) == before
    blocker = next(b for b in answer["blocking"] if b["reason"] == "no_certificate")
    assert blocker["path"] == [
        {"parent": "line-scanner@1.0", "child": "crack-finder@0.9", "kind": "dependency",
         "bom_ids": [0]}
    ]  # fmt: skip


def test_dry_run_of_an_invalid_bom_is_an_error(cli_env: str, tmp_path: Path) -> None:
    invalid = tmp_path / "invalid.json"
    invalid.write_bytes(bom(component("p", "p"), [{"name": "no type"}]))
    code, _, err = run("check", "--bom", str(invalid), "--to", "DE")
    assert code == 2
    assert "/components/0" in err


def test_status_tells_procurement_what_a_model_holds_and_needs(
    cli_env: str, samples: Runtime
) -> None:
    code, out, _ = run(
        "status", "pkg:huggingface/shuguang-retail/people-counter@4.0.1", "--to", "US",
        "--on", "2026-11-27", "--json",
    )  # fmt: skip
    assert code == 0
    report = json.loads(out)
    assert [(c["number"], c["status"]) for c in report["certificates"]] == [
        ("AIEC-2026-000356", "under_review")
    ]
    assert report["readiness"]["verified"] is False
    assert report["readiness"]["reason"] == "certificate_under_review"
    assert "US" in report["readiness"]["needs"]
    assert [use["product"] for use in report["used_by"]] == [
        "StoreSight Retail Analytics Dashboard@2.6.0"
    ]
