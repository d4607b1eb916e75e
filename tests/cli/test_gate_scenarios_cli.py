"""The gate cannot be talked into a wrong answer from the command line either: the same
scenarios as the API suite, through `exportgate ingest`, `check`, `owners` and `boms`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from app.cli.main import app
from tests import gate_scenarios as scenario
from tests.builders import CAMERA_PURL, MODULE_PURL, camera_bom, supplier_module_bom

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


class Shell:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def file(self, document: bytes) -> str:
        self.count += 1
        suffix = "xml" if document.lstrip().startswith(b"<") else "json"
        path = self.folder / f"bom-{self.count}.cdx.{suffix}"
        path.write_bytes(document)
        return str(path)

    def ingest(self, organisation: str, document: bytes, *extra: str) -> tuple[int, str]:
        code, out, err = run(
            "ingest", "--org", organisation, "--create-org", self.file(document), *extra
        )
        return code, out + err

    def registry(self, *subjects: str) -> None:
        path = self.folder / "registry.json"
        path.write_text(json.dumps(scenario.registry(*subjects)))
        code, _, err = run("registry", "import", str(path))
        assert code == 0, err

    def check(self, purl: str) -> tuple[int, Any]:
        code, out, err = run("check", purl, "--to", "DE", "--on", scenario.DAY, "--json")
        assert code in (0, 1), err
        return code, json.loads(out)


@pytest.fixture
def shell(cli_env: str, tmp_path: Path) -> Shell:
    return Shell(tmp_path)


def test_a_rival_cannot_publish_for_a_subject_it_does_not_own(shell: Shell) -> None:
    shell.registry(CAMERA_PURL, MODULE_PURL)
    assert shell.ingest("hikari", camera_bom())[0] == 0
    assert shell.ingest("deepinspect", supplier_module_bom())[0] == 0
    assert shell.check(CAMERA_PURL)[0] == 1

    code, said = shell.ingest("rival", scenario.hijack_module_bom())

    assert code == 2
    assert "published by another organisation" in said
    assert "deepinspect" not in said
    code, answer = shell.check(CAMERA_PURL)
    assert (code, answer["decision"]) == (1, "ineligible")
    code, out, _ = run("owners", "show", MODULE_PURL, "--json")
    assert (code, json.loads(out)["owner"]) == (0, "deepinspect")


def test_an_owner_delegates_and_ownership_is_transferred(shell: Shell) -> None:
    assert shell.ingest("deepinspect", supplier_module_bom())[0] == 0
    code, out, err = run("owners", "delegate", MODULE_PURL, "--to", "nobody")
    assert code == 2
    assert "no organisation 'nobody'" in err
    assert shell.ingest("partner", camera_bom())[0] == 0  # --create-org creates it
    assert run("owners", "delegate", MODULE_PURL, "--to", "partner")[0] == 0
    assert shell.ingest("partner", scenario.hijack_module_bom())[0] == 0
    code, out, err = run(
        "owners", "transfer", MODULE_PURL, "--to", "partner", "--reason", "acquired", "--json"
    )
    assert code == 0, err
    moved = json.loads(out)
    assert moved["owner"] == "partner"
    assert [e["kind"] for e in moved["events"]] == ["claimed", "delegated", "transferred"]
    assert moved["events"][-1]["reason"] == "acquired"


@pytest.mark.parametrize("module_first", [True, False], ids=["module-first", "camera-first"])
def test_a_module_joined_only_by_bom_link_blocks_the_camera(
    shell: Shell, module_first: bool
) -> None:
    shell.registry(scenario.LINKED_CAMERA_PURL)
    uploads = [("supplier", scenario.linked_module_bom()), ("hikari", scenario.linked_camera_bom())]
    for organisation, document in uploads if module_first else reversed(uploads):
        assert shell.ingest(organisation, document)[0] == 0

    code, answer = shell.check(scenario.LINKED_CAMERA_PURL)

    assert code == 1
    assert [(b["component"]["name"], b["reason"]) for b in answer["blocking"]] == [
        ("defect-detector@2.1.0", "no_certificate")
    ]


@pytest.mark.parametrize("sbom_last", [True, False], ids=["sbom-last", "aibom-last"])
def test_an_sbom_and_an_ai_bom_of_one_product_count_together(shell: Shell, sbom_last: bool) -> None:
    shell.registry(scenario.APP_PURL)
    documents = [scenario.application_aibom(), scenario.application_sbom()]
    for document in documents if sbom_last else reversed(documents):
        assert shell.ingest("acme", document)[0] == 0

    code, answer = shell.check(scenario.APP_PURL)

    assert (code, answer["decision"]) == (1, "ineligible")
    assert len(answer["boms"]) == 2


def test_supersedes_and_retire_from_the_command_line(shell: Shell) -> None:
    shell.registry(scenario.APP_PURL)
    ai_serial = "urn:uuid:11111111-2222-4333-8444-555555555555"
    assert shell.ingest("acme", scenario.application_sbom())[0] == 0
    assert shell.ingest("acme", scenario.application_aibom(ai_serial))[0] == 0
    assert shell.check(scenario.APP_PURL)[0] == 1
    code, said = shell.ingest("acme", scenario.application_sbom(), "--supersedes", "urn:uuid:x")
    assert code == 2
    assert "supersedes[0]" in said
    code, said = shell.ingest("acme", scenario.application_sbom(), "--supersedes", "all")
    assert code == 0, said
    code, answer = shell.check(scenario.APP_PURL)
    assert (code, answer["decision"]) == (0, "not_in_scope")
    bom = answer["boms"][0]["id"]
    code, _, err = run("boms", "retire", str(bom), "--reason", "replaced")
    assert code == 0, err
    code, _, err = run("check", scenario.APP_PURL, "--to", "DE", "--on", scenario.DAY)
    assert code == 2
    assert "not a product" in err


@pytest.mark.parametrize("case", sorted(scenario.unmarked_ai_boms()))
def test_ai_that_no_bom_marks_is_suspected_and_blocks(shell: Shell, case: str) -> None:
    shell.registry(scenario.INSPECTOR_PURL)
    assert shell.ingest("acme", scenario.unmarked_ai_boms()[case])[0] == 0

    code, answer = shell.check(scenario.INSPECTOR_PURL)

    assert (code, answer["decision"]) == (1, "ineligible")
    assert answer["blocking"][0]["detail"].startswith("suspected AI component")


def test_another_organisations_bom_cannot_poison_a_shared_library(shell: Shell) -> None:
    assert shell.ingest("acme", scenario.opencv_product_bom())[0] == 0
    assert shell.ingest("rival", scenario.poisoning_bom())[0] == 0

    code, answer = shell.check(scenario.INSPECTOR_PURL)

    assert (code, answer["decision"]) == (0, "not_in_scope")
    code, rival = shell.check("pkg:generic/rival/q@1.0")
    assert (code, rival["decision"]) == (1, "ineligible")
