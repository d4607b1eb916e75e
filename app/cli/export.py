"""`exportgate check`, `demo` and `decisions`: the export decision on the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from app.cli.common import (
    JsonOption,
    OnOption,
    invoke,
    opened_runtime,
    operator,
    out,
    parse_day,
    print_json,
    reports_errors,
)
from app.cli.decision_documents import attestation_command, report_command
from app.cli.files import named_path, read_regular_file
from app.domain.decision import Blocker, Decision
from app.domain.product_slice import Question
from app.services.access import LOCAL_ORGANISATION, LOCAL_ORGANISATION_NAME, ensure_organisation
from app.services.checks import DEFAULT_PATH_LIMIT, CheckResult, check_export
from app.services.decisions import get_decision
from app.services.dry_run import dry_run
from app.services.graph_export import product_graph
from app.services.ingest import ingest_bom
from app.services.paths import PathStep
from app.services.products import ProductSummary, product_summaries
from app.services.registry import import_registry
from app.services.runtime import Runtime

EXIT_INELIGIBLE = 1
decisions_app = typer.Typer(help="Stored decision records (immutable).", no_args_is_help=True)


def format_path(path: tuple[PathStep, ...]) -> str:
    """camera ─[BOM 8]→ board ─[BOM 4]→ model: every step names the BOM that declares it."""
    if not path:
        return "(the product itself)"
    parts = [path[0].parent]
    for step in path:
        boms = ",".join(str(bom_id) for bom_id in step.bom_ids)
        parts.append(f"─[BOM {boms}]→ {step.child}")
    return " ".join(parts)


def format_considered(blocker: Blocker) -> str:
    """Every certificate considered, closest first, with the reasons each fails."""
    return "; ".join(
        f"{c.certificate} ({', '.join(f.reason.value for f in c.failures)})"
        for c in blocker.certificates
    )


def print_check(result: CheckResult) -> None:
    check = result.check
    question = check.question
    sector = f", sector {question.sector}" if question.sector else ""
    verdict = f"{result.product.display_name} → {question.destination} on {question.day}{sector}: "
    group = len(check.countries) > 1 or [c.destination for c in check.countries] != [
        question.destination
    ]
    if check.decision is Decision.NOT_IN_SCOPE:
        why = f" ({check.scope_reason.sentence})" if check.scope_reason else ""
        out.print(verdict + f"NOT IN SCOPE{why}", style="bold")
    elif check.decision is Decision.ELIGIBLE:
        out.print(verdict + "ELIGIBLE", style="bold green")
    else:
        count = len({b.blocker.component.component_id for b in result.blockers})
        where = f" for {', '.join(check.ineligible_countries)}" if group else ""
        out.print(verdict + f"INELIGIBLE{where} — {count} blocking component(s)", style="bold red")
    if group:
        out.print(
            "by country: "
            + ", ".join(f"{c.destination} {c.decision.value}" for c in check.countries)
        )
    out.print(
        f"ruleset {check.ruleset}; evidence sha256 {result.evidence_sha256[:16]}…"
        + (f"; decision record {result.decision_id}" if result.decision_id else "")
    )
    if result.blockers:
        table = Table("component", "reason", "certificate", "how it is introduced")
        for explained in result.blockers:
            blocker = explained.blocker
            shown = [format_path(path) for path in explained.paths] or ["(the product itself)"]
            if explained.paths_omitted:
                shown.append(f"… and {explained.paths_omitted} more")
            table.add_row(
                blocker.component.name,
                f"{blocker.reason.value}\n{blocker.detail}",
                blocker.certificate or "—",
                "\n".join(shown),
            )
        out.print(table)
        # Outside the table, so long lists are never cut to its column widths.
        for explained in result.blockers:
            blocker = explained.blocker
            if group:
                out.print(f"{blocker.component.name} blocks {', '.join(blocker.countries)}")
            if blocker.certificates:
                out.print(
                    f"{blocker.component.name}: certificates considered: "
                    + format_considered(blocker)
                )
    for warning in check.warnings:
        out.print(f"warning {warning.code.value}: {warning.message}")


def check_command(
    product: Annotated[
        str | None, typer.Argument(help="A purl, name@version, or an id.", show_default=False)
    ] = None,
    *,
    bom: Annotated[
        str | None,
        typer.Option("--bom", help="Dry run: check the product this unsaved BOM describes."),
    ] = None,
    to: Annotated[
        str,
        typer.Option(
            "--to",
            help="Destination: an ISO 3166-1 alpha-2 code, or a group the ruleset defines "
            "(such as EU), answered for each of its countries.",
        ),
    ],
    on: OnOption = None,
    sector: Annotated[str | None, typer.Option(help="Sector, if not the product's.")] = None,
    paths: Annotated[int, typer.Option(min=0, help="Paths shown per blocker.")] = (
        DEFAULT_PATH_LIMIT
    ),
    as_json: JsonOption = False,
) -> None:
    """May PRODUCT be exported to --to on --on? Exit 0 eligible or not in scope, 1
    ineligible, 2 error. Every check is kept as a decision record; a dry run (--bom FILE)
    stores nothing."""
    if (product is None) == (bom is None):
        raise typer.BadParameter("name a PRODUCT, or give --bom FILE for a dry run")
    question = Question(to, parse_day(on), sector)
    # Read before anything else: a FIFO or a device given as --bom is refused unread.
    data = read_regular_file(named_path(bom)) if bom is not None else None
    with opened_runtime() as runtime:
        if data is not None:
            result = dry_run(runtime, data, None, question, path_limit=paths, where="--to")
        else:
            assert product is not None  # noqa: S101 - checked above
            result = check_export(
                runtime,
                product,
                question,
                record=True,
                path_limit=paths,
                where="--to",
                actor=operator(),
            )
    if as_json:
        print_json(result.answer())
    else:
        print_check(result)
    if result.check.decision is Decision.INELIGIBLE:
        raise typer.Exit(EXIT_INELIGIBLE)


check = reports_errors(check_command)


@decisions_app.command("show")
@reports_errors
def show_decision(decision_id: int) -> None:
    """A stored decision record, as it was answered."""
    print_json(invoke(get_decision, decision_id))


DEMO_DESTINATIONS = ("DE", "US")


@reports_errors
def demo(
    samples: Annotated[Path, typer.Option(help="Folder of sample BOMs and registry.json.")] = Path(
        "sbom_samples"
    ),
    on: OnOption = None,
) -> None:
    """Load the sample BOMs and registry, then show every sample product's answer for two
    destinations: every kind of answer in one table."""
    day = parse_day(on)
    with opened_runtime() as runtime:
        # The samples belong to the built-in local organisation, created here if new.
        ensure_organisation(runtime, LOCAL_ORGANISATION, LOCAL_ORGANISATION_NAME, actor="demo")
        for path in sorted(samples.glob("*.cdx.*")):
            ingest_bom(
                runtime,
                read_regular_file(path),
                None,
                uploaded_by="demo",
                organisation=LOCAL_ORGANISATION,
            )
        registry_file = samples / "registry.json"
        if registry_file.is_file():
            import_registry(runtime, json.loads(read_regular_file(registry_file)), actor="demo")
        products = product_summaries(runtime)
        joins = _how_boms_join(runtime, products)
        table = Table("product", "to", "decision", "why", title=f"export checks on {day}")
        for summary in products:
            for destination in DEMO_DESTINATIONS:
                result = check_export(
                    runtime, str(summary.product.id), Question(destination, day), record=False
                )
                table.add_row(
                    summary.product.display_name,
                    destination,
                    result.check.decision.value,
                    _why(result),
                )
    out.print(table)
    for line in joins:
        out.print(line)
    out.print("Try: exportgate check <product> --to DE   (exit code 1 when ineligible)")


def _how_boms_join(runtime: Runtime, products: list[ProductSummary]) -> list[str]:
    """A line for each way a sample product joins documents other than by identity: several
    current BOMs of the product at once, and each part of it that only a BOM-Link joins to
    another BOM's subject."""
    current = {summary.product.id: summary.current_bom_ids for summary in products}
    lines = []
    for summary in products:
        name = summary.product.display_name
        if len(summary.current_bom_ids) > 1:
            count, boms = len(summary.current_bom_ids), ", ".join(map(str, summary.current_bom_ids))
            lines.append(f"{name}: {count} current BOMs (BOMs {boms}), checked together")
        graph = product_graph(runtime, summary.product.id)
        names = {node["id"]: node["name"] for node in graph["nodes"]}
        for edge in graph["edges"]:
            # A link to the BOM of a part's own identity joins nothing identity would not.
            if "bom_link" not in edge["kinds"] or edge["source"] == edge["target"]:
                continue
            target = edge["target"]
            where = current.get(target, ())
            bom = f" (BOM {', '.join(str(bom_id) for bom_id in where)})" if where else ""
            lines.append(
                f"{name}: {names[edge['source']]} joined by BOM-Link to {names[target]}{bom}"
            )
    return lines


def _why(result: CheckResult) -> str:
    if result.check.scope_reason is not None:
        return result.check.scope_reason.sentence
    reasons: dict[str, Any] = {}
    for explained in result.blockers:
        reasons.setdefault(explained.blocker.reason.value, []).append(
            explained.blocker.component.name
        )
    return "; ".join(f"{reason}: {', '.join(names)}" for reason, names in reasons.items())


decisions_app.command("report")(report_command)
decisions_app.command("attestation")(attestation_command)
