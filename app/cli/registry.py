"""`exportgate registry`, `certificates` and `reviewers`: the operator's commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from app.cli.common import (
    JsonOption,
    OnOption,
    err,
    invoke,
    operator,
    out,
    parse_day,
    print_json,
    print_table,
    reports_errors,
)
from app.cli.export import format_path
from app.cli.files import FileRefusedError, named_path, read_regular_file
from app.domain.errors import Located, RegistryRejectedError
from app.domain.registry import Certificate, CertificateStatus
from app.services.impact import certificate_impact
from app.services.registry import (
    add_status_event,
    certificate_document,
    get_certificate,
    import_registry,
    list_certificates,
    list_reviewers,
    record_certificate,
    status_on,
)
from app.services.registry_file import CertificateEntry, EventEntry
from app.services.reviewer_signatures import sign_registry_file

registry_app = typer.Typer(help="The certificate registry as a file.", no_args_is_help=True)
certificates_app = typer.Typer(
    help="AI Export Ethical Compliance Certificates.", no_args_is_help=True
)
reviewers_app = typer.Typer(help="Accredited reviewers.", no_args_is_help=True)


def _read_json(name: str) -> object:
    """A JSON file named on the command line; a FIFO or a device is refused unread."""
    path = named_path(name)
    data = read_regular_file(path)
    try:
        return json.loads(data)
    except ValueError as error:
        raise RegistryRejectedError(
            f"{path} cannot be read as JSON", [Located("/", str(error))]
        ) from None


@registry_app.command("import")
@reports_errors
def import_file(file: str, as_json: JsonOption = False) -> None:
    """Apply a registry file (reviewers, certificates with events, ruleset). Refused whole,
    naming each failing entry; importing it again changes nothing."""
    document = _read_json(file)
    report = invoke(import_registry, document, actor=operator())
    summary = {
        "reviewers_changed": report.reviewers_changed,
        "certificates_added": report.certificates_added,
        "events_added": report.events_added,
        "ruleset_published": report.ruleset_published,
    }
    if as_json:
        print_json(summary)
    elif not report.changed_anything:
        out.print(f"{file}: nothing new; the registry already holds all of it")
    else:
        out.print(
            f"{file}: {report.certificates_added} certificates and {report.events_added} status "
            f"events recorded, {report.reviewers_changed} reviewers changed"
            + (
                f", ruleset {report.ruleset_published} published"
                if report.ruleset_published
                else ""
            )
        )


@registry_app.command("sign")
@reports_errors
def sign_file(
    file: str,
    key: Annotated[str, typer.Option(help="The reviewer's Ed25519 private key (PKCS#8 PEM).")],
    reviewer: Annotated[str, typer.Option(help="Sign this reviewer's entries only.")],
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write here instead of to stdout.")
    ] = None,
) -> None:
    """Sign every certificate and status event of one reviewer in a registry file, leaving
    other entries as they are; the signed file imports where the registry holds that
    reviewer's public key."""
    document = _read_json(file)
    private_pem = read_regular_file(named_path(key))
    signed, count = sign_registry_file(document, private_pem, reviewer, key_source=key)
    text = json.dumps(signed, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as error:
        raise FileRefusedError(output, f"cannot be written: {error.strerror}") from None
    err.print(f"{output}: {count} entries of reviewer {reviewer} signed")


def _certificate_json(certificate: Certificate, day_text: str | None) -> dict[str, object]:
    return certificate_document(certificate, parse_day(day_text))


@certificates_app.command("show")
@reports_errors
def show(
    number: str,
    on: OnOption = None,
    as_json: JsonOption = False,
) -> None:
    """One certificate, its status on a date and its whole history."""
    certificate = invoke(get_certificate, number)
    if as_json:
        print_json(_certificate_json(certificate, on))
        return
    day = parse_day(on)
    out.print(f"number       {certificate.number}")
    out.print(f"subject      {certificate.subject}")
    out.print(f"reviewer     {certificate.reviewer_id}")
    out.print(f"valid        {certificate.issued} to {certificate.expires}")
    out.print(f"status       {status_on(certificate, day)} on {day}")
    out.print(
        f"covers       {', '.join(sorted(certificate.destinations))}; sectors "
        f"{', '.join(sorted(certificate.sectors))}"
    )
    out.print(f"dimensions   {', '.join(sorted(certificate.dimensions))}")
    out.print(f"signature    {certificate.signature or 'unsigned'}")
    for recorded in certificate.events:
        out.print(f"  {recorded.date}  {recorded.status.value:<13} {recorded.reason}")
        if recorded.signature is not None:
            out.print(f"  {'':<10}  signature     {recorded.signature}")


@certificates_app.command("list")
@reports_errors
def list_certificates_command(
    subject: Annotated[
        str | None, typer.Option(help="Only this component's (purl or key).")
    ] = None,
    on: OnOption = None,
    as_json: JsonOption = False,
) -> None:
    """Certificates in number order, with their status on a date."""
    found = invoke(list_certificates, subject=subject).items
    documents = [_certificate_json(c, on) for c in found]
    if as_json:
        print_json(documents)
        return
    columns = ("number", "subject", "status", "expires", "reviewer")
    print_table(columns, ([d[column] for column in columns] for d in documents))


@certificates_app.command("record")
@reports_errors
def record(file: str) -> None:
    """Record one certificate from a JSON file shaped like a registry file's entry."""
    document = _read_json(file)
    try:
        entry = CertificateEntry.model_validate(document)
    except ValueError as error:
        raise RegistryRejectedError(
            f"{file} is not a certificate entry", [Located("/", str(error))]
        ) from None
    certificate = invoke(record_certificate, entry, actor=operator())
    out.print(f"recorded {certificate.number} for {certificate.subject}")


@certificates_app.command("event")
@reports_errors
def event(
    number: str,
    status: Annotated[CertificateStatus, typer.Option(help="The new status.")],
    on: OnOption = None,
    reason: Annotated[str, typer.Option(help="Why; kept in the history.")] = "",
    signature: Annotated[
        str | None,
        typer.Option(help="The reviewer's signature over the event (see docs/registry.md)."),
    ] = None,
) -> None:
    """Suspend, revoke, reinstate (active) … a certificate as of a date, recorded as the
    operator who runs the command. A reviewer with a public key must have signed it."""
    try:
        entry = EventEntry(status=status, date=parse_day(on), reason=reason, signature=signature)
    except ValueError as error:
        raise RegistryRejectedError(
            "the status event was refused", [Located("/", str(error))]
        ) from None
    _, added = invoke(add_status_event, number, entry, actor=operator())
    out.print(
        f"{number}: {status.value} from {entry.date}" if added else f"{number}: already recorded"
    )


@certificates_app.command("impact")
@reports_errors
def impact(
    number: str,
    to: Annotated[list[str], typer.Option("--to", help="Destinations to weigh (repeat).")] = ["DE"],  # noqa: B006 - typer reads the default
    on: OnOption = None,
    as_json: JsonOption = False,
) -> None:
    """What becomes ineligible if this certificate is revoked or lapses (nothing changes)."""
    result = invoke(certificate_impact, number, [d.upper() for d in to], parse_day(on))
    rows = [
        {
            "product_id": p.product.id,
            "product": p.product.display_name,
            "destination": p.destination,
            "now": p.now.value,
            "if_revoked": p.after.value,
            "breaks": p.breaks,
            "path": format_path(p.path),
        }
        for p in result.products
    ]
    if as_json:
        print_json({"certificate": number, "date": result.day.isoformat(), "products": rows})
        return
    out.print(
        f"{number} ({result.certificate.subject}): {len(result.breaking)} product checks "
        f"would become ineligible on {result.day}"
    )
    keys = ("product", "destination", "now", "if_revoked", "path")
    print_table(
        ("product", "to", "now", "if revoked", "path"),
        ([row[key] for key in keys] for row in rows),
    )


@reviewers_app.command("list")
@reports_errors
def list_reviewers_command(as_json: JsonOption = False) -> None:
    """The reviewer roster with accreditation periods."""
    reviewers = invoke(list_reviewers).items
    if as_json:
        print_json(
            [
                {
                    "id": r.id,
                    "name": r.name,
                    "accreditations": [
                        {"from": p.start.isoformat(), "to": p.end.isoformat() if p.end else None}
                        for p in r.accreditations
                    ],
                }
                for r in reviewers
            ]
        )
        return
    for reviewer in reviewers:
        periods = ", ".join(f"{p.start} to {p.end or 'open'}" for p in reviewer.accreditations)
        out.print(f"{reviewer.id:<14} {reviewer.name}  accredited {periods or 'never'}")
