"""The `exportgate` command: typer commands over the service layer."""

from __future__ import annotations

import typer

from app.cli.access import keys_app, orgs_app
from app.cli.audit import audit_app
from app.cli.common import EXIT_ERROR, err
from app.cli.components import components_app, status, where_used_command
from app.cli.db import db_app
from app.cli.evidence import signing_key_app
from app.cli.export import check, decisions_app, demo
from app.cli.ingest import ingest
from app.cli.owners import boms_app, owners_app
from app.cli.readiness import readiness
from app.cli.registry import certificates_app, registry_app, reviewers_app
from app.cli.serving import serve
from app.cli.statuses import changes, worker

app = typer.Typer(
    name="exportgate",
    help="May this AI-bearing product be exported, and if not, which upstream component blocks it?",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db_app, name="db")
app.add_typer(registry_app, name="registry")
app.add_typer(certificates_app, name="certificates")
app.add_typer(reviewers_app, name="reviewers")
app.add_typer(decisions_app, name="decisions")
app.add_typer(signing_key_app, name="signing-key")
app.add_typer(orgs_app, name="orgs")
app.add_typer(keys_app, name="keys")
app.add_typer(owners_app, name="owners")
app.add_typer(boms_app, name="boms")
app.add_typer(components_app, name="components")
app.add_typer(audit_app, name="audit")
app.command("check")(check)
app.command("demo")(demo)
app.command("ingest")(ingest)
app.command("status")(status)
app.command("readiness")(readiness)
app.command("where-used")(where_used_command)
app.command("serve")(serve)
app.command("changes")(changes)
app.command("worker")(worker)


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
