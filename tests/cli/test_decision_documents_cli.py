"""`exportgate decisions report` and `decisions attestation`, end to end on the samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.bom.schemas import json_validator
from app.cli.main import app
from app.domain.product_slice import Question
from app.services.checks import check_export
from app.services.runtime import Runtime
from app.signing.jsf import jsf_verifies
from tests.decision_documents import ON, pdf_text
from tests.export_cases import CAMERA

runner = CliRunner()


@pytest.fixture
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The service key the command line signs with, the test's own."""
    path = tmp_path / "signing-key.pem"
    monkeypatch.setenv("EXPORTGATE_SIGNING_KEY_FILE", str(path))
    return path


@pytest.fixture
def decision(cli_env: str, key_file: Path, samples: Runtime) -> int:
    """An ineligible decision record about the sample camera."""
    result = check_export(samples, CAMERA, Question("DE", ON), record=True)
    assert result.decision_id is not None
    return result.decision_id


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_the_report_is_written_as_pdf_and_html_and_printed(
    decision: int, samples: Runtime, tmp_path: Path
) -> None:
    with samples.reading() as uow:
        record = uow.decisions.get(decision)
    assert record is not None
    pdf, html = tmp_path / "report.pdf", tmp_path / "report.html"
    code, _, err = run("decisions", "report", str(decision), "--pdf", str(pdf))
    assert code == 0, err
    assert pdf.read_bytes().startswith(b"%PDF")
    pages, text = pdf_text(pdf.read_bytes())
    assert pages >= 1
    assert "HV-S3SmartInspectionCamera@1.0" in text
    assert "ineligible" in text
    assert record.evidence_sha256 in text
    code, _, err = run("decisions", "report", str(decision), "--html", str(html))
    assert code == 0, err
    page = html.read_text(encoding="utf-8")
    assert record.evidence_sha256 in page
    assert "privacy-blur@1.0.0" in page  # the blocker
    code, printed, _ = run("decisions", "report", str(decision))
    assert code == 0
    assert printed == page


def test_the_attestation_is_printed_or_written_and_verifies(
    decision: int, samples: Runtime, key_file: Path, tmp_path: Path
) -> None:
    code, printed, err = run("decisions", "attestation", str(decision))
    assert code == 0, err
    document = json.loads(printed)
    assert [str(e) for e in json_validator("1.6").iter_errors(document)] == []
    runtime = Runtime(samples.settings.model_copy(update={"signing_key_file": key_file}))
    try:
        assert jsf_verifies(document, runtime.signer.public_key)
    finally:
        runtime.close()
    written = tmp_path / "attestation.cdx.json"
    code, _, err = run("decisions", "attestation", str(decision), "-o", str(written))
    assert code == 0, err
    assert json.loads(written.read_bytes()) == document


@pytest.mark.usefixtures("decision")
@pytest.mark.parametrize(
    "args",
    [
        ("decisions", "report", "424242"),
        ("decisions", "report", "424242", "--pdf", "out.pdf"),
        ("decisions", "attestation", "424242"),
    ],
)
def test_an_unknown_decision_is_an_error(args: tuple[str, ...]) -> None:
    code, printed, err = run(*args)
    assert code == 2
    assert "no decision record 424242" in err
    assert printed == ""


def test_a_report_goes_to_one_file_and_a_file_it_cannot_write_is_an_error(
    decision: int, tmp_path: Path
) -> None:
    code, _, err = run("decisions", "report", str(decision), "--pdf", "a.pdf", "--html", "b.html")
    assert code == 2
    assert "not both" in err
    missing = tmp_path / "no-such-folder" / "report.html"
    code, _, err = run("decisions", "report", str(decision), "--html", str(missing))
    assert code == 2
    assert "not written" in err
    assert str(missing) in err
