"""`exportgate components`, `status` and `where-used`: what the operator learns of a
component, and the classification records it keeps."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

import typer
from rich.table import Table

from app.cli.common import (
    ComponentArgument,
    JsonOption,
    OnOption,
    invoke,
    opened_runtime,
    operator,
    out,
    parse_day,
    print_json,
    print_table,
    reports_errors,
)
from app.cli.statuses import refresh_statuses
from app.domain.classification import Classification, ClassificationScope
from app.services.classification import (
    classifications_by_reference,
    record_classification_as_operator,
)
from app.services.components import ComponentStatus, ProductUse, uses_of_reference
from app.services.procurement import report_on

components_app = typer.Typer(
    help="Components: whether each is an AI component, as people decided.", no_args_is_help=True
)


def classification_json(classification: Classification, day: dt.date) -> dict[str, Any]:
    return {
        "id": classification.id,
        "component_id": classification.component_id,
        "is_ai": classification.is_ai,
        "reason": classification.reason,
        "expires": classification.expires.isoformat() if classification.expires else None,
        "decided_at": classification.decided_at.isoformat(),
        "actor": classification.actor,
        "organisation": classification.organisation,
        "scope": classification.scope.value,
        "in_force": classification.in_force_on(day),
    }


def classification_line(classification: Classification) -> str:
    """One record as a person reads it."""
    verdict = "AI" if classification.is_ai else "not AI"
    scope = (
        f"for {classification.organisation}'s products"
        if classification.scope is ClassificationScope.ORGANISATION
        else "for every product"
    )
    until = f" until {classification.expires}" if classification.expires else ""
    return (
        f"{verdict} {scope}{until}: {classification.reason} "
        f"({classification.actor}, {classification.decided_at:%Y-%m-%d})"
    )


def _expiry(value: str | None) -> dt.date | None:
    return None if value is None else parse_day(value)


@components_app.command("classify")
@reports_errors
def classify(
    component: ComponentArgument,
    *,
    ai: Annotated[
        bool | None,
        typer.Option("--ai/--not-ai", help="Whether it is an AI component (one is required)."),
    ] = None,
    reason: Annotated[str, typer.Option(help="Why; kept with the record and audited.")],
    expires: Annotated[
        str | None, typer.Option(help="Last day in force (YYYY-MM-DD); open-ended if absent.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Record that a component is (--ai), or is not (--not-ai), an AI component, for every
    product. It overrides suspected-AI hints, never the explicit signals."""
    if ai is None:
        raise typer.BadParameter("say --ai or --not-ai", param_hint="'--ai' / '--not-ai'")
    with opened_runtime() as runtime:
        recorded = record_classification_as_operator(
            runtime,
            component,
            is_ai=ai,
            reason=reason,
            expires=_expiry(expires),
            operator=operator(),
        )
    if as_json:
        print_json(classification_json(recorded, parse_day(None)))
        return
    out.print(f"recorded classification {recorded.id}: {classification_line(recorded)}")


@components_app.command("classifications")
@reports_errors
def classifications(
    component: ComponentArgument,
    on: OnOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every classification record of a component, oldest first, and whether each is in
    force on a date (today by default)."""
    day = parse_day(on)
    found, recorded = invoke(classifications_by_reference, component)
    if as_json:
        print_json([classification_json(c, day) for c in recorded])
        return
    if not recorded:
        out.print(f"{found.display_name} has no classification records")
        return
    table = Table("id", "in force", "AI", "scope", "expires", "actor", "decided", "reason")
    for c in recorded:
        table.add_row(
            str(c.id),
            "yes" if c.in_force_on(day) else "no",
            "yes" if c.is_ai else "no",
            "every product"
            if c.scope is ClassificationScope.GLOBAL
            else f"{c.organisation}'s products",
            str(c.expires or ""),
            c.actor,
            f"{c.decided_at:%Y-%m-%d}",
            c.reason,
        )
    out.print(table)


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
                "bom_id": a.occurrence.bom_id,
                "bom_subject": a.bom_subject,
                "current": a.is_current,
                "bom_ref": a.occurrence.bom_ref,
                "role": a.occurrence.role,
                "type": a.occurrence.type,
                "is_ai": a.occurrence.is_ai,
                "claimed_certificates": list(a.occurrence.claimed_certificates),
            }
            for a in status.appearances
        ],
    }


@reports_errors
def status(
    component: Annotated[
        str,
        typer.Argument(
            help="A purl, name@version, or an id; `refresh` re-evaluates every product's "
            "stored status for --on (today by default) instead."
        ),
    ],
    *,
    to: Annotated[str | None, typer.Option("--to", help="A destination to weigh.")] = None,
    on: OnOption = None,
    sector: Annotated[str | None, typer.Option(help="A sector to weigh.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Whether a component is an AI component and why (with the classification records in
    force), its certificates (status, expiry, scope), what it needs to be verified for --to,
    which products use it, and its BOMs."""
    if component == "refresh":
        refresh_statuses(on, as_json=as_json)
        return
    day = parse_day(on)
    report = invoke(report_on, component, day=day, destination=to, sector=sector)
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
    print_table(
        ("BOM", "of", "current", "bom-ref", "role", "claims"),
        (
            (a.occurrence.bom_id, a.bom_subject, "yes" if a.is_current else "no",
             a.occurrence.bom_ref, a.occurrence.role, ", ".join(a.occurrence.claimed_certificates))
            for a in result.appearances
        ),
    )  # fmt: skip


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


@reports_errors
def where_used_command(
    component: ComponentArgument,
    as_json: JsonOption = False,
) -> None:
    """Every product whose closure holds the component, with one shortest path each."""
    found, uses = invoke(uses_of_reference, component)
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
