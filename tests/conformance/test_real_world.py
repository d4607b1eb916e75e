"""Every real-world BOM in the shared corpus is stored or refused with a clear reason; none
crashes the ingester. The counts are reported in the test output."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from app.domain.errors import BomRejectedError, ExportgateError
from app.services.ingest import ingest_bom
from app.services.runtime import Runtime
from tests.conftest import CORPUS, require_corpus

EXAMPLES = CORPUS / "examples"
# Not BOMs: prose and licences that sit beside the examples.
NOT_BOMS = {".md", ".gitattributes", ""}
# Known refusals, each with the reason a user would be given; any other refusal fails.
EXPECTED_REFUSALS = {
    # Trailing commas: not JSON (upstream MLBOM examples, a real negative case).
    "bom-examples/MLBOM/Dataset/bom.json": "not valid JSON",
    "bom-examples/MLBOM/Model/OpenSource/bom.json": "not valid JSON",
    # URLs with unexpanded Maven ${...} placeholders are not IRI references.
    "bom-examples/OBOM/Example-1-Decoupled/bom.json": "JSON schema",
    "bom-examples/OBOM/Example-1-Standalone/bom.json": "JSON schema",
    # CycloneDX 1.1 predates every version exportgate accepts.
    "bom-examples/SBOM/laravel-7.12.0/bom.1.1.xml": "not supported",
    # Elements out of XSD order, and duplicate bom-refs the XSD forbids.
    "large/dependency-track/bom-issue2519.xml": "XML schema",
    # Endpoints with {template} braces are not IRI references.
    "large/sbom-utility/cdx-1-4-appthreat-vex.json": "JSON schema",
}


def _real_world() -> list[Path]:
    return sorted(
        path
        for path in EXAMPLES.rglob("*")
        if path.is_file() and path.suffix not in NOT_BOMS and path.name != "LICENSE"
    )


def test_every_real_world_bom_is_stored_or_refused_clearly(
    runtime: Runtime, capsys: pytest.CaptureFixture[str]
) -> None:
    require_corpus()
    outcomes: Counter[str] = Counter()
    unexpected: list[str] = []
    for path in _real_world():
        name = str(path.relative_to(EXAMPLES))
        try:
            ingest_bom(runtime, path.read_bytes(), None)
        except BomRejectedError as refused:
            outcomes["refused"] += 1
            expected = EXPECTED_REFUSALS.get(name)
            if expected is None or expected not in refused.detail:
                unexpected.append(f"{name}: {refused.diagnostics()[:300]}")
            if not (refused.errors and refused.errors[0].location):
                unexpected.append(f"{name}: refused without a located error")
        except ExportgateError as error:
            unexpected.append(f"{name}: {error.diagnostics()[:300]}")
        else:
            outcomes["stored"] += 1
            if name in EXPECTED_REFUSALS:
                unexpected.append(f"{name}: stored, but it was expected to be refused")
    with capsys.disabled():
        print(  # noqa: T201 - the acceptance asks the run to report these counts
            f"\nreal-world corpus: {outcomes['stored']} stored, {outcomes['refused']} refused"
        )
    assert not unexpected, "\n".join(unexpected)
    assert outcomes["stored"] >= 60
    assert outcomes["refused"] == len(EXPECTED_REFUSALS)
