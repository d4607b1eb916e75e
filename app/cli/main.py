"""The `exportgate` command: typer commands over the service layer."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress
from rich.table import Table

from app.cli.access import keys_app, orgs_app
from app.cli.common import (
    EXIT_ERROR,
    JsonOption,
    err,
    opened_runtime,
    operator,
    out,
    parse_day,
    print_json,
    reports_errors,
)
from app.cli.components import classification_json, classification_line, components_app
from app.cli.export import check, decisions_app, demo
from app.cli.files import FileRefusedError, named_path, read_regular_file
from app.cli.owners import boms_app, owners_app
from app.cli.registry import certificates_app, registry_app, reviewers_app
from app.cli.serving import uvicorn_options
from app.config import load_settings
from app.domain.access import Role
from app.domain.errors import ExportgateError, InputRejectedError, NotFoundError
from app.services.access import (
    LOCAL_ORGANISATION,
    LOCAL_ORGANISATION_NAME,
    create_key,
    ensure_organisation,
    ensure_publisher,
)
from app.services.catalogue import (
    ComponentStatus,
    ProductUse,
    resolve_component,
    where_used,
)
from app.services.ingest import IngestResult, ingest_bom
from app.services.procurement import component_report
from app.services.runtime import Runtime

app = typer.Typer(
    name="exportgate",
    help="May this AI-bearing product be exported, and if not, which upstream component blocks it?",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(registry_app, name="registry")
app.add_typer(certificates_app, name="certificates")
app.add_typer(reviewers_app, name="reviewers")
app.add_typer(decisions_app, name="decisions")
app.add_typer(orgs_app, name="orgs")
app.add_typer(keys_app, name="keys")
app.add_typer(owners_app, name="owners")
app.add_typer(boms_app, name="boms")
app.add_typer(components_app, name="components")
app.command("check")(check)
app.command("demo")(demo)

BOM_SUFFIXES = (".json", ".xml")


@db_app.command("upgrade")
@reports_errors
def db_upgrade() -> None:
    """Create or migrate the database schema to the latest revision."""
    # Imported here: Alembic costs a tenth of a second that no other command needs.
    from app.store.migrations import upgrade_database  # noqa: PLC0415

    url = load_settings().database_url
    upgrade_database(url)
    out.print(f"database is at the latest schema: {_without_password(url)}")


def _without_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "…@" + rest.split("@", 1)[1]
    return f"{scheme}{sep}{rest}"


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


@app.command()
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
            with runtime.writing() as uow:
                ensure_publisher(uow, org, create=create_org, actor=operator())
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
                with runtime.writing() as uow:
                    result = ingest_bom(
                        uow,
                        data,
                        None,
                        runtime.limits,
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


def _status_json(status: ComponentStatus) -> dict[str, Any]:
    component = status.component
    return {
        "id": component.id,
        "identity": {"kind": component.identity_kind, "key": component.identity_key},
        "name": component.name,
        "version": component.version,
        "purl": component.purl,
        "types": list(status.types),
        "is_ai": status.is_ai,
        "ai_reason_codes": [reason.value for reason in status.ai_reasons],
        "ai_reasons": [reason.sentence for reason in status.ai_reasons],
        "is_product": status.is_product,
        "appearances": [
            {
                "bom_id": a.bom_id,
                "bom_subject": a.bom_subject,
                "current": a.is_current,
                "bom_ref": a.bom_ref,
                "role": a.role,
                "type": a.type,
                "is_ai": a.is_ai,
                "claimed_certificates": list(a.claimed_certificates),
            }
            for a in status.appearances
        ],
    }


@app.command()
@reports_errors
def status(
    component: Annotated[str, typer.Argument(help="A purl, name@version, or an id.")],
    *,
    to: Annotated[str | None, typer.Option("--to", help="A destination to weigh.")] = None,
    on: Annotated[str | None, typer.Option("--on", help="Date (YYYY-MM-DD).")] = None,
    sector: Annotated[str | None, typer.Option(help="A sector to weigh.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Whether a component is an AI component and why (with the classification records in
    force), its certificates (status, expiry, scope), what it needs to be verified for --to,
    which products use it, and its BOMs."""
    day = parse_day(on)
    with opened_runtime() as runtime:
        with runtime.reading() as uow:
            found = resolve_component(uow, component)
        report = component_report(runtime, found.id, day=day, destination=to, sector=sector)
    result = report.status
    if as_json:
        print_json(
            {
                **_status_json(result),
                "certificates": [dataclasses.asdict(c) for c in report.certificates],
                "readiness": dataclasses.asdict(report.readiness) if report.readiness else None,
                "used_by": [_use_json(use) for use in report.used_by],
                "classifications": [classification_json(c, day) for c in report.classifications],
            }
        )
        return
    row = result.component
    ai = f"yes ({'; '.join(r.sentence for r in result.ai_reasons)})" if result.is_ai else "no"
    out.print(f"{row.name}{'@' + row.version if row.version else ''}  (id {row.id})", style="bold")
    out.print(f"identity   {row.identity_kind}: {row.identity_key}")
    out.print(f"type       {', '.join(result.types) or 'unknown'}")
    out.print(f"AI         {ai}")
    for classified in report.classifications:
        out.print(f"classified {classification_line(classified)}")
    out.print(f"product    {'yes' if result.is_product else 'no'}")
    for held in report.certificates:
        out.print(
            f"certificate {held.number}: {held.status}, expires {held.expires}, covers "
            f"{', '.join(held.destinations)}; sectors {', '.join(held.sectors)} ({held.reviewer})"
        )
    if not report.certificates:
        out.print("certificate none in the registry")
    if report.readiness is not None:
        ready = report.readiness
        verdict = "verified" if ready.verified else f"not verified ({ready.reason})"
        out.print(f"for {ready.destination} on {ready.date}: {verdict}; needs {ready.needs}")
    for use in report.used_by:
        out.print(f"used by    {use.product} (id {use.product_id})")
    table = Table("BOM", "of", "current", "bom-ref", "role", "claims")
    for a in result.appearances:
        table.add_row(
            str(a.bom_id),
            a.bom_subject,
            "yes" if a.is_current else "no",
            a.bom_ref,
            a.role,
            ", ".join(a.claimed_certificates),
        )
    out.print(table)


def _use_json(use: ProductUse) -> dict[str, Any]:
    return {
        "product_id": use.product_id,
        "product": use.product,
        "current_bom_ids": list(use.current_bom_ids),
        "path": [
            {"parent": s.parent, "child": s.child, "kind": s.kind, "bom_ids": list(s.bom_ids)}
            for s in use.path
        ],
    }


@app.command("where-used")
@reports_errors
def where_used_command(
    component: Annotated[str, typer.Argument(help="A purl, name@version, or an id.")],
    as_json: JsonOption = False,
) -> None:
    """Every product whose closure holds the component, with one shortest path each."""
    with opened_runtime() as runtime, runtime.reading() as uow:
        found = resolve_component(uow, component)
        uses = where_used(uow, runtime.cache, found.id)
    if as_json:
        print_json(
            {
                "component_id": found.id,
                "component": found.identity_key,
                "used_by": [_use_json(use) for use in uses],
            }
        )
        return
    if not uses:
        out.print(f"{found.identity_key} is in no product")
        return
    for use in uses:
        out.print(f"{use.product} (id {use.product_id})", style="bold")
        for step in use.path:
            out.print(f"  {step.parent} → {step.child}   [{step.kind}; {', '.join(step.boms)}]")


@app.command()
@reports_errors
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Worker processes, one database. [env EXPORTGATE_WORKERS]"),
    ] = None,
    upgrade: Annotated[bool, typer.Option(help="Migrate the database first.")] = False,
    demo_folder: Annotated[
        Path | None,
        typer.Option("--demo", help="Load this folder's sample BOMs and registry first."),
    ] = None,
) -> None:
    """Serve the REST API (OpenAPI at /docs). Refuses a database without the latest schema
    unless --upgrade migrates it first."""
    import uvicorn  # noqa: PLC0415 - only this command needs the server

    settings = load_settings()
    if upgrade:
        db_upgrade()
    if demo_folder is not None:
        demo(samples=demo_folder, on=None)
        with opened_runtime() as runtime:
            with runtime.writing() as uow:
                ensure_organisation(uow, LOCAL_ORGANISATION, LOCAL_ORGANISATION_NAME, actor="demo")
            with runtime.writing() as uow:
                issued = create_key(uow, "local", [Role.ADMIN], label="local demo", actor="demo")
        out.print(f"admin key for this demo (shown once): {issued.secret}")
        out.print(f"  curl -H 'Authorization: Bearer {issued.secret}' "
                  f"http://{host}:{port}/api/v1/products")  # fmt: skip
    with opened_runtime() as runtime:
        # Refuse to start on an empty or old database rather than answer every request 503.
        runtime.check_schema()
    out.print(f"exportgate API on http://{host}:{port}  (docs: http://{host}:{port}/docs)")
    options = uvicorn_options(settings, workers)
    uvicorn.run("app.api.main:create_app", host=host, port=port, **options)


def main() -> None:
    """Console entry point. Errors exportgate understands end in their command; anything
    else is a defect, reported in one line rather than a traceback."""
    try:
        app()
    except Exception as error:  # noqa: BLE001 - the last line of defence, by design
        err.print(f"internal error: {type(error).__name__}: {error}")
        raise SystemExit(EXIT_ERROR) from None


if __name__ == "__main__":
    main()
