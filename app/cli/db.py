"""`exportgate db`: the database schema."""

from __future__ import annotations

import typer

from app.cli.common import out, reports_errors
from app.config import load_settings
from app.services.runtime import upgrade_schema

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)


@db_app.command("upgrade")
@reports_errors
def db_upgrade() -> None:
    """Create or migrate the database schema to the latest revision."""
    url = load_settings().database_url
    upgrade_schema(url)
    out.print(f"database is at the latest schema: {_without_password(url)}")


def _without_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "…@" + rest.split("@", 1)[1]
    return f"{scheme}{sep}{rest}"
