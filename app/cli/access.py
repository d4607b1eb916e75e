"""`exportgate orgs` and `exportgate keys`: bootstrap who may use a deployment."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli.common import (
    JsonOption,
    invoke,
    opened_runtime,
    operator,
    out,
    print_json,
    print_table,
    reports_errors,
)
from app.domain.access import Role
from app.services.access import create_key, create_organisation, list_keys, revoke_key

orgs_app = typer.Typer(help="Organisations.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys (shown once, stored as a digest).", no_args_is_help=True)


@orgs_app.command("create")
@reports_errors
def create_org(code: str, name: Annotated[str, typer.Option(help="Display name.")] = "") -> None:
    """A new organisation; its code is how keys and BOMs name it."""
    _, created = invoke(create_organisation, code, name or code, actor=operator())
    out.print(f"organisation {code} {'created' if created else 'exists already, as asked'}")


@keys_app.command("create")
@reports_errors
def create(
    *,
    org: Annotated[str, typer.Option("--org", help="The organisation it belongs to.")],
    role: Annotated[list[Role], typer.Option("--role", help="A role (repeat for more).")],
    expires_in_days: Annotated[int | None, typer.Option(min=1, help="Lifetime.")] = None,
    reviewer: Annotated[str | None, typer.Option(help="Reviewer body (reviewer keys).")] = None,
    label: Annotated[str, typer.Option(help="What the key is for.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Issue a key. The secret is printed once and cannot be shown again."""
    with opened_runtime() as runtime:
        issued = create_key(
            runtime,
            org,
            role,
            label=label,
            expires_in_days=expires_in_days,
            reviewer_id=reviewer,
            actor=operator(),
        )
    if as_json:
        print_json({"id": issued.key_id, "key": issued.secret, "organisation": org,
                    "roles": list(issued.roles), "expires_at": issued.expires_at})  # fmt: skip
        return
    out.print(f"key {issued.key_id} for {org} ({', '.join(issued.roles)}):")
    out.print(issued.secret)
    out.print("Keep it now: it is stored only as a digest and cannot be shown again.")


@keys_app.command("revoke")
@reports_errors
def revoke(key_id: int) -> None:
    """Refuse a key from now on."""
    invoke(revoke_key, key_id, actor=operator())
    out.print(f"key {key_id} revoked")


@keys_app.command("list")
@reports_errors
def list_all(as_json: JsonOption = False) -> None:
    """Keys by id, with their organisation, roles and state (never the secret)."""
    keys = invoke(list_keys).items
    if as_json:
        print_json([
            {"id": k.id, "prefix": k.prefix, "organisation": k.organisation,
             "roles": list(k.roles), "label": k.label, "expires_at": k.expires_at,
             "revoked_at": k.revoked_at}
            for k in keys
        ])  # fmt: skip
        return
    print_table(
        ("id", "prefix", "organisation", "roles", "expires", "revoked"),
        (
            (k.id, k.prefix + "…", k.organisation, ", ".join(k.roles), k.expires_at or "never",
             k.revoked_at or "")
            for k in keys
        ),
    )  # fmt: skip
