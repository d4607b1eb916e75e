"""`exportgate decisions report` and `decisions attestation`: a decision record as a
printable report and as a signed CycloneDX attestation, written to a file or printed."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from app.cli.common import invoke, out, reports_errors
from app.cli.files import FileRefusedError, named_path
from app.services.decision_attestation import decision_attestation
from app.services.decision_report import decision_report_html, decision_report_pdf


def _write(value: str, data: bytes) -> None:
    path = named_path(value)
    try:
        path.write_bytes(data)
    except OSError as error:
        raise FileRefusedError(value, f"not written: {error.strerror or error}") from None
    out.print(f"wrote {path}")


@reports_errors
def report_command(
    decision_id: int,
    *,
    pdf: Annotated[str | None, typer.Option("--pdf", help="Write the report as PDF here.")] = None,
    html: Annotated[
        str | None, typer.Option("--html", help="Write the report as HTML here.")
    ] = None,
) -> None:
    """A decision record as a printable report: HTML on standard output, or written to
    --html FILE or --pdf FILE."""
    if pdf is not None and html is not None:
        raise typer.BadParameter("give --pdf FILE or --html FILE, not both")
    if pdf is not None:
        _write(pdf, invoke(decision_report_pdf, decision_id))
        return
    page = invoke(decision_report_html, decision_id)
    if html is not None:
        _write(html, page.encode("utf-8"))
        return
    sys.stdout.write(page)


@reports_errors
def attestation_command(
    decision_id: int,
    *,
    output: Annotated[
        str | None, typer.Option("-o", "--output", help="Write the attestation here.")
    ] = None,
) -> None:
    """A decision record as a CycloneDX 1.6 attestation signed with the service's key, on
    standard output or written to -o FILE."""
    document = json.dumps(invoke(decision_attestation, decision_id), ensure_ascii=False, indent=2)
    if output is not None:
        _write(output, document.encode("utf-8") + b"\n")
        return
    sys.stdout.write(document + "\n")
