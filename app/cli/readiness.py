"""`exportgate readiness`: what an AI component's model card offers an ethical reviewer."""

from __future__ import annotations

from app.cli.common import (
    ComponentArgument,
    JsonOption,
    OnOption,
    invoke,
    out,
    parse_day,
    print_json,
    reports_errors,
)
from app.services.readiness import readiness_of


@reports_errors
def readiness(
    component: ComponentArgument, *, on: OnOption = None, as_json: JsonOption = False
) -> None:
    """Review readiness: per dimension (algorithmic bias, data privacy, system
    controllability) which evidence its model card and BOMs give, with where each fact was
    found, what is missing, and how complete each dimension is. Advice; it never changes a
    verdict."""
    answer = invoke(readiness_of, component, day=parse_day(on))
    document = answer.document()
    if as_json:
        print_json(document)
        return
    row = answer.component
    out.print(f"{row.display_name}  (id {row.id})", style="bold")
    if not answer.is_ai:
        out.print(answer.ai_basis)
        return
    out.print(f"AI         {answer.ai_basis}")
    certified = ", ".join(answer.active_certificates)
    out.print(
        f"certified  {certified} (active on {answer.day})"
        if certified
        else "certified  no active certificate for its identity"
    )
    out.print(f"BOMs read  {', '.join(str(b) for b in answer.bom_ids)}")
    for dimension in document["dimensions"]:
        out.print(
            f"{dimension['dimension']}: {dimension['present']}/{dimension['expected']} "
            f"({dimension['percent']} %)",
            style="bold",
        )
        for item in document["items"]:
            if item["dimension"] != dimension["dimension"]:
                continue
            out.print(f"  [{'x' if item['present'] else ' '}] {item['item']}: {item['where']}")
            for found in item["found"]:
                out.print(f"      BOM {found['bom_id']}: {found['pointer']} = {found['value']}")
            for lack in item["missing_in"]:
                out.print(f"      BOM {lack['bom_id']}: missing, {lack['why']}")
