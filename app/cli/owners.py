"""`exportgate owners` and `exportgate boms`: who may publish for a subject, and retiring a
BOM. The command line acts as the operator of its database, recorded as such."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli.common import JsonOption, invoke, operator, out, print_json, reports_errors
from app.services.ownership import Ownership, delegate, ownership, retire_bom, transfer

owners_app = typer.Typer(help="Who may publish BOMs for a subject.", no_args_is_help=True)
boms_app = typer.Typer(help="Stored BOMs.", no_args_is_help=True)


def _show(found: Ownership, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "component_id": found.component_id,
                "component": found.component,
                "owner": found.owner,
                "delegates": list(found.delegates),
                "events": [
                    {"kind": e.kind, "organisation": e.organisation,
                     "previous_organisation": e.previous_organisation, "reason": e.reason,
                     "actor": e.actor, "at": e.at.isoformat()}
                    for e in found.events
                ],
            }
        )  # fmt: skip
        return
    out.print(f"{found.component} (component {found.component_id}) is owned by {found.owner}")
    if found.delegates:
        out.print(f"  delegates: {', '.join(found.delegates)}")
    for event in found.events:
        previous = f" from {event.previous_organisation}" if event.previous_organisation else ""
        reason = f": {event.reason}" if event.reason else ""
        out.print(
            f"  {event.at:%Y-%m-%d %H:%M} {event.kind} {event.organisation}{previous}"
            f" by {event.actor}{reason}"
        )


@owners_app.command("show")
@reports_errors
def show(component: str, as_json: JsonOption = False) -> None:
    """The subject's owner, delegates and ownership history."""
    found = invoke(ownership, component)
    _show(found, as_json)


@owners_app.command("delegate")
@reports_errors
def delegate_command(
    component: str,
    to: Annotated[str, typer.Option("--to", help="The organisation that may publish too.")],
    revoke: Annotated[bool, typer.Option("--revoke", help="Stop the delegation.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Let another organisation publish BOMs for the subject (or stop letting it)."""
    found = invoke(delegate, component, to, viewer=None, actor=operator(), revoke=revoke)
    _show(found, as_json)


@owners_app.command("transfer")
@reports_errors
def transfer_command(
    component: str,
    to: Annotated[str, typer.Option("--to", help="The new owner.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the audit trail).")],
    as_json: JsonOption = False,
) -> None:
    """Move the subject's ownership to another organisation."""
    found = invoke(transfer, component, to, reason=reason, actor=operator())
    _show(found, as_json)


@boms_app.command("retire")
@reports_errors
def retire(
    bom_id: int,
    reason: Annotated[str, typer.Option("--reason", help="Why it stops being current.")],
) -> None:
    """Retire a BOM: it is current no more, and stays stored as history."""
    invoke(retire_bom, bom_id, reason=reason, viewer=None, actor=operator())
    out.print(f"BOM {bom_id} retired")
