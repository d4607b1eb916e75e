"""`exportgate components`: the operator records and reads classification records."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer
from rich.table import Table

from app.cli.common import (
    JsonOption,
    opened_runtime,
    operator,
    out,
    parse_day,
    print_json,
    reports_errors,
)
from app.domain.classification import Classification, ClassificationScope
from app.services.catalogue import resolve_component
from app.services.classification import classifications_of, record_classification_as_operator

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
    component: Annotated[str, typer.Argument(help="A purl, name@version, or an id.")],
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
    with opened_runtime() as runtime, runtime.writing() as uow:
        recorded = record_classification_as_operator(
            uow, component, is_ai=ai, reason=reason, expires=_expiry(expires), operator=operator()
        )
    if as_json:
        print_json(classification_json(recorded, parse_day(None)))
        return
    out.print(f"recorded classification {recorded.id}: {classification_line(recorded)}")


@components_app.command("classifications")
@reports_errors
def classifications(
    component: Annotated[str, typer.Argument(help="A purl, name@version, or an id.")],
    on: Annotated[str | None, typer.Option("--on", help="In force as of (YYYY-MM-DD).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Every classification record of a component, oldest first, and whether each is in
    force on a date (today by default)."""
    day = parse_day(on)
    with opened_runtime() as runtime, runtime.reading() as uow:
        found = resolve_component(uow, component)
        recorded = classifications_of(uow, found.id, None)
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
