"""`exportgate audit`: checking the tamper-evident audit chain."""

from __future__ import annotations

import typer

from app.cli.common import JsonOption, err, invoke, out, print_json, reports_errors
from app.domain.audit import ChainVerification
from app.services.audit import verify_audit_chain

audit_app = typer.Typer(help="The audit trail and its hash chain.", no_args_is_help=True)

# A problem found: the chain or a record does not match.
EXIT_TAMPERED = 1


def _as_json(found: ChainVerification) -> dict[str, object]:
    return {
        "intact": found.intact,
        "entries": found.entries,
        "head": found.head or None,
        "problems": [
            {"problem": p.problem, "seq": p.seq, "kind": p.kind, "record_id": p.record_id,
             "detail": p.detail}
            for p in found.problems
        ],
    }  # fmt: skip


@audit_app.command("verify")
@reports_errors
def verify(as_json: JsonOption = False) -> None:
    """Recompute every chain entry and every audited record's digest. Exit 0 when all
    match, 1 naming the first problem (and counting the rest), 2 when it cannot check."""
    found = invoke(verify_audit_chain)
    if as_json:
        print_json(_as_json(found))
    elif found.intact:
        out.print(f"audit chain intact: {found.entries} entries, head {found.head}")
    else:
        first, *rest = found.problems
        more = f" ({len(rest)} more problem{'s' * (len(rest) != 1)})" if rest else ""
        err.print(f"audit chain broken: {first}{more}")
    if not found.intact:
        raise typer.Exit(EXIT_TAMPERED)
