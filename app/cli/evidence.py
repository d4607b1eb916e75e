"""`exportgate decisions export|verify` and `exportgate signing-key`: evidence bundles and
the keys that sign decision records, on the command line."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from app.cli.common import EXIT_ERROR, err, invoke, out, print_json, reports_errors
from app.cli.export import decisions_app
from app.cli.files import named_path, read_regular_file
from app.services.evidence_bundle import evidence_bundle
from app.services.signing_keys import current_signing_key, rotate_signing_key
from app.signing.bundle_verify import BundleRefusedError, public_keys, verify_bundle
from app.signing.ed25519 import BadKeyError

EXIT_NOT_VERIFIED = 1
signing_key_app = typer.Typer(
    help="The service's key that signs decision records.", no_args_is_help=True
)


@decisions_app.command("export")
@reports_errors
def export_decision(
    decision_id: int,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="Write the bundle here; standard output if absent."),
    ] = None,
) -> None:
    """A decision's evidence bundle (RFC 8785 JSON): its signed record, the signature and
    the evidence, for `exportgate decisions verify`."""
    bundle = invoke(evidence_bundle, decision_id)
    if output is None:
        sys.stdout.buffer.write(bundle)
        sys.stdout.buffer.flush()
        return
    named_path(output).write_bytes(bundle)
    err.print(f"decision {decision_id}: evidence bundle written to {output}")


@decisions_app.command("verify")
@reports_errors
def verify_decision(
    file: Annotated[str, typer.Argument(help="An evidence bundle (`decisions export`).")],
    keys: Annotated[
        str,
        typer.Option(
            "--keys",
            help="The JWK set `GET /api/v1/signing-keys` publishes, one JWK, or a PEM public key.",
        ),
    ],
) -> None:
    """Verify a bundle offline: canonical bytes, evidence digest, signature. Exit 0 when
    all hold, 1 naming what differs, 2 when a file cannot be read."""
    data = read_regular_file(named_path(file))
    try:
        known = public_keys(read_regular_file(named_path(keys)).decode("utf-8", "replace"))
    except BadKeyError as error:
        err.print(f"{keys}: {error}")
        raise typer.Exit(EXIT_ERROR) from None
    try:
        verified = verify_bundle(data, known)
    except BundleRefusedError as error:
        err.print(f"{file}: does not verify: {error}")
        raise typer.Exit(EXIT_NOT_VERIFIED) from None
    record = verified.record
    out.print(
        f"{file}: verified — decision {record['id']}, {record['decision']} for "
        f"{record['destination']} on {record['date']}, evidence sha256 "
        f"{record['evidence_sha256']}, signed by key {verified.key_id}"
    )


@signing_key_app.command("show")
@reports_errors
def show_signing_key() -> None:
    """The key id and public JWK of the key decision records are signed with now."""
    print_json(invoke(current_signing_key))


@signing_key_app.command("rotate")
@reports_errors
def rotate_key() -> None:
    """Write a new signing key into the configured file and retire the old one (which still
    verifies the records it signed). Restart running servers to sign with the new key."""
    old, new = invoke(rotate_signing_key)
    out.print(f"signing key rotated: {old} retired, {new} current")
