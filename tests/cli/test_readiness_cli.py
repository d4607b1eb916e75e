"""`exportgate readiness COMPONENT` end to end: a model named by purl, name@version or id
shows each dimension's completeness and where each fact was found; an unknown one fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli.main import app
from tests.builders import MODEL_PURL, camera_bom, supplier_module_bom

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def ingested(cli_env: str, tmp_path: Path) -> None:
    (tmp_path / "camera.cdx.json").write_bytes(camera_bom())
    (tmp_path / "module.cdx.json").write_bytes(supplier_module_bom())
    assert run("ingest", str(tmp_path))[0] == 0


def test_readiness_names_each_dimension_and_what_the_model_card_lacks(ingested: None) -> None:
    code, out, err = run("readiness", MODEL_PURL)
    assert code == 0, err
    # The supplier's model card names one dataset by ref, a data component with no `data`.
    assert "algorithmic_bias: 0/5 (0 %)" in out
    assert "data_privacy: 0/3 (0 %)" in out
    assert "system_controllability: 0/5 (0 %)" in out
    assert "no active certificate" in out
    assert "missing, a dataset ref leads to no data[] in its BOM" in out
    assert "[ ] fairness_assessments: /modelCard/considerations/fairnessAssessments[]" in out


def test_readiness_as_json_is_the_same_answer_for_every_way_of_naming_it(
    ingested: None,
) -> None:
    code, out, _ = run("readiness", "--json", MODEL_PURL)
    assert code == 0
    by_purl = json.loads(out)
    assert by_purl["applies"] is True
    assert [d["percent"] for d in by_purl["dimensions"]] == [0, 0, 0]
    missing = {m for d in by_purl["dimensions"] for m in d["missing_items"]}
    assert {"fairness_assessments", "dataset_governance", "human_oversight"} <= missing
    for reference in ("defect-detector@2.1.0", str(by_purl["component_id"])):
        code, out, _ = run("readiness", "--json", reference)
        assert code == 0
        assert json.loads(out) == by_purl


def test_readiness_of_a_component_that_is_not_ai_says_it_does_not_apply(ingested: None) -> None:
    code, out, _ = run("readiness", "pkg:pypi/onnxruntime@1.18.0")
    assert code == 0
    assert "readiness for ethical review applies to AI components" in out


def test_readiness_of_an_unknown_component_fails_saying_so(ingested: None) -> None:
    code, _, err = run("readiness", "pkg:pypi/nothing@1.0")
    assert code == 2
    assert "no component" in err
