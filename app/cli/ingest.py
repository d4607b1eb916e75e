"""`exportgate ingest`: store BOM files and folders of them, one report line each."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress

from app.cli.common import (
    EXIT_ERROR,
    JsonOption,
    err,
    opened_runtime,
    operator,
    out,
    print_json,
    reports_errors,
)
from app.cli.files import FileRefusedError, named_path, read_regular_file
from app.domain.errors import ExportgateError, InputRejectedError, NotFoundError
from app.services.access import LOCAL_ORGANISATION, ensure_publisher
from app.services.ingest import IngestResult, ingest_bom
from app.services.runtime import Runtime

BOM_SUFFIXES = (".json", ".xml")
_CYCLONEDX_MARKS = (b'"bomFormat"', b"cyclonedx.org/schema/bom")


def _expand(paths: list[Path]) -> tuple[list[Path], list[Path], list[FileRefusedError]]:
    """(files to ingest, files skipped, paths refused). A file named on the command line is
    always tried; in a folder, JSON and XML files that do not even mention CycloneDX are
    passed over, and one that is not a regular file or cannot be read (nor can a folder
    inside) is refused by path while the others go on."""
    files: list[Path] = []
    skipped: list[Path] = []
    refused: list[FileRefusedError] = []

    def unreadable(error: OSError) -> None:
        refused.append(
            FileRefusedError(str(error.filename), f"cannot read the folder: {error.strerror}")
        )

    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        found = [
            Path(folder, name)
            for folder, _, names in os.walk(path, onerror=unreadable)
            for name in names
            if Path(name).suffix in BOM_SUFFIXES
        ]
        for candidate in sorted(found):
            try:
                head = read_regular_file(candidate, at_most=4096)
            except FileRefusedError as error:
                refused.append(error)
                continue
            looks_like_cyclonedx = any(mark in head for mark in _CYCLONEDX_MARKS)
            (files if looks_like_cyclonedx else skipped).append(candidate)
    return files, skipped, refused


def _ingest_line(path: Path, result: IngestResult) -> str:
    state = "stored" if result.created else "already stored"
    return (
        f"{path}: {state} as BOM {result.bom_id} — {result.subject}: "
        f"{result.component_count} components, {result.ai_component_count} AI, "
        f"{result.edge_count} edges"
    )


def _ingest_json(path: Path, result: IngestResult) -> dict[str, Any]:
    return {
        "path": str(path),
        "status": "stored" if result.created else "already_stored",
        "bom_id": result.bom_id,
        "product_id": result.subject_id,
        "product": result.subject,
        "components": result.component_count,
        "ai_components": result.ai_component_count,
        "edges": result.edge_count,
        "warnings": [
            {"code": w.code.value, "message": w.message, "location": w.location}
            for w in result.warnings
        ],
    }


@reports_errors
def ingest(
    paths: Annotated[list[str], typer.Argument(help="BOM files, or folders to search.")],
    as_json: JsonOption = False,
    org: Annotated[
        str,
        typer.Option(
            "--org",
            help="The organisation the BOMs belong to; it must exist (see `orgs create`), "
            "except the built-in 'local'.",
        ),
    ] = LOCAL_ORGANISATION,
    create_org: Annotated[
        bool, typer.Option("--create-org", help="Create the --org organisation if it is new.")
    ] = False,
    supersedes: Annotated[
        list[str] | None,
        typer.Option(
            "--supersedes",
            help="A serial number of a current BOM of the subject that this one ends, or "
            "'all' (repeat for more).",
        ),
    ] = None,
) -> None:
    """Store CycloneDX BOMs (JSON or XML, 1.2-1.7). Exit 0 when all were stored, 2 if any
    was refused: a file that is not a regular file (a FIFO, a device) is refused unread."""
    files, skipped, refusals = _expand([named_path(path) for path in paths])
    for path in skipped:
        err.print(f"{path}: skipped, not a CycloneDX document")
    if not files and not refusals:
        err.print("no BOM files found (looked for *.json and *.xml)")
        raise typer.Exit(EXIT_ERROR)
    refused = len(refusals)
    reports: list[dict[str, Any]] = [
        {"path": error.path, "status": "refused", "error": _problem(error)} for error in refusals
    ]
    if not as_json:
        for error in refusals:
            out.print(error.diagnostics())
    if files:
        refused += _ingest_files(files, reports, org, create_org, supersedes, as_json=as_json)
    if as_json:
        print_json(reports)
    if refused:
        err.print(f"{refused} of {len(files) + len(refusals)} documents refused")
        raise typer.Exit(EXIT_ERROR)


def _ingest_files(
    files: list[Path],
    reports: list[dict[str, Any]],
    org: str,
    create_org: bool,
    supersedes: list[str] | None,
    *,
    as_json: bool,
) -> int:
    """Ingest each file as `org`, adding a report for each; the number refused."""
    with opened_runtime() as runtime:
        # Before the first document: an unmigrated database or an unknown organisation is
        # no document's fault, and each would be refused for it.
        runtime.check_schema()
        try:
            ensure_publisher(runtime, org, create=create_org, actor=operator())
        except NotFoundError as error:
            err.print(error.diagnostics())
            err.print(
                f"  create it with `exportgate orgs create {org} --name …`, or pass --create-org"
            )
            raise typer.Exit(EXIT_ERROR) from None
        return _ingest_each(runtime, files, reports, org, supersedes, as_json=as_json)


def _ingest_each(
    runtime: Runtime,
    files: list[Path],
    reports: list[dict[str, Any]],
    org: str,
    supersedes: list[str] | None,
    *,
    as_json: bool,
) -> int:
    refused = 0
    with Progress(console=err, transient=True, disable=len(files) < 5 or as_json) as progress:
        task = progress.add_task("ingesting", total=len(files))
        for path in files:
            try:
                data = read_regular_file(path)
                result = ingest_bom(
                    runtime,
                    data,
                    None,
                    uploaded_by=operator(),
                    organisation=org,
                    supersedes=supersedes or (),
                )
            except ExportgateError as error:
                refused += 1
                reports.append({"path": str(path), "status": "refused", "error": _problem(error)})
                if not as_json:
                    said = isinstance(error, FileRefusedError)
                    out.print(error.diagnostics() if said else f"{path}: {_brief(error)}")
            else:
                reports.append(_ingest_json(path, result))
                if not as_json:
                    out.print(_ingest_line(path, result))
                    for warning in result.warnings:
                        out.print(f"  warning {warning}")
            progress.advance(task)
    return refused


def _brief(error: ExportgateError, shown: int = 10) -> str:
    """The diagnostics with at most `shown` located errors; --json lists them all."""
    lines = error.diagnostics().splitlines()
    if len(lines) <= shown + 1:
        return "\n".join(lines)
    hidden = len(lines) - 1 - shown
    return "\n".join([*lines[: shown + 1], f"  … and {hidden} more (use --json for all)"])


def _problem(error: ExportgateError) -> dict[str, Any]:
    problem: dict[str, Any] = {"title": error.title, "detail": error.detail}
    errors = error.errors if isinstance(error, InputRejectedError) else None
    if errors:
        problem["errors"] = [{"location": e.location, "message": e.message} for e in errors]
    return problem
