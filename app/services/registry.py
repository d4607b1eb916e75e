"""Registry use cases: import a registry file, record certificates and status events,
maintain reviewers and rulesets. History is appended to, never rewritten."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.bom.identity import identity_from_reference
from app.domain.access import Principal, Role
from app.domain.errors import (
    ConflictError,
    Located,
    NotFoundError,
    PermissionDeniedError,
    RegistryRejectedError,
)
from app.domain.paging import (
    CERTIFICATES,
    REVIEWERS,
    WHOLE_LIST,
    Page,
    PageRequest,
    read_limit,
)
from app.domain.registry import (
    DEFAULT_RULESET,
    Certificate,
    Reviewer,
    Ruleset,
    ruleset_in_force,
)
from app.domain.statuses import Cause, CauseKind
from app.services.destinations import ruleset_problems, scope_problems
from app.services.registry_file import (
    CertificateEntry,
    EventEntry,
    RegistryFile,
    ReviewerEntry,
    parse_registry_file,
    parse_ruleset,
    ruleset_document,
)
from app.services.reviewer_signatures import (
    certificate_signature_problems,
    certificate_signed_object,
    event_signature_problems,
)
from app.services.status_work import note_change
from app.services.webhooks import record_status_event

if TYPE_CHECKING:
    from app.services.runtime import Runtime
    from app.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class ImportReport:
    reviewers_changed: int
    certificates_added: int
    events_added: int
    ruleset_published: str | None

    @property
    def changed_anything(self) -> bool:
        return bool(
            self.reviewers_changed
            or self.certificates_added
            or self.events_added
            or self.ruleset_published
        )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _may_record_for(principal: Principal | None, reviewer_id: str) -> None:
    """A reviewer key records for its own reviewer body only; administrators and the
    command line's operator (no principal) record for any."""
    if principal is None or Role.ADMIN in principal.roles:
        return
    if principal.reviewer_id != reviewer_id:
        raise PermissionDeniedError(
            f"this key records for reviewer {principal.reviewer_id!r}, not {reviewer_id!r}"
        )


def _same_certificate(recorded: Certificate, new: Certificate) -> bool:
    """The fields a certificate number stands for; status events are a separate history."""

    def fields(c: Certificate) -> tuple[object, ...]:
        return (c.subject, c.reviewer_id, c.dimensions, c.issued, c.expires, c.destinations,
                c.sectors, c.evidence)  # fmt: skip

    return fields(recorded) == fields(new)


def _store_certificate(
    uow: UnitOfWork, certificate: Certificate, location: str, now: dt.datetime, actor: str
) -> tuple[bool, int, list[Located]]:
    """(added, events added, errors) for one certificate and its events."""
    recorded = uow.registry.certificate(certificate.number)
    if recorded is not None and not _same_certificate(recorded, certificate):
        return (
            False,
            0,
            [
                Located(
                    location,
                    f"certificate {certificate.number} is already recorded with other fields; a "
                    "recorded certificate is never changed (record a status event instead)",
                )
            ],
        )
    certificate_id = uow.registry.certificate_id(certificate.number) if recorded else None
    if certificate_id is None:
        certificate_id = uow.registry.add_certificate(certificate, now, actor)
        if certificate_id is None:
            # A concurrent request recorded this number first: answer as one request later.
            return _store_certificate(uow, certificate, location, now, actor)
    added = recorded is None
    events = sum(
        record_status_event(uow, certificate_id, certificate.number, event, now)
        for event in certificate.events
    )
    if added or events:
        kind = CauseKind.CERTIFICATE_RECORDED if added else CauseKind.CERTIFICATE_EVENT
        _note_certificate_change(uow, certificate, kind, now)
    return added, events, []


def _note_certificate_change(
    uow: UnitOfWork, certificate: Certificate, kind: CauseKind, now: dt.datetime
) -> None:
    """The products holding the certificate's subject are weighed again."""
    component = uow.components.find_by_identity(identity_from_reference(certificate.subject))
    seeds = [] if component is None else [component.id]
    note_change(uow, Cause(kind, certificate.number), seeds, at=now)


def _store_ruleset(
    uow: UnitOfWork, ruleset: Ruleset, now: dt.datetime, location: str, actor: str
) -> tuple[bool, list[Located]]:
    problems = ruleset_problems(ruleset, location)
    if problems:
        return False, problems
    document = ruleset_document(ruleset)
    recorded = uow.registry.ruleset_document(ruleset.version)
    if recorded is None:
        if uow.registry.publish_ruleset(ruleset.version, document, now, actor):
            note_change(uow, Cause(CauseKind.RULESET_PUBLISHED, ruleset.version), None, at=now)
            return True, []
        # A concurrent request published this version first: compare with what it published.
        recorded = uow.registry.ruleset_document(ruleset.version)
    if recorded != document:
        return False, [
            Located(
                f"{location}/version",
                f"ruleset {ruleset.version} is already published with other content; publish "
                "a new version instead",
            )
        ]
    return False, []


def save_reviewer(runtime: Runtime, entry: ReviewerEntry, *, actor: str) -> tuple[Reviewer, bool]:
    """Add a reviewer or bring its name, key and accreditations up to date; (it, changed).
    A change is kept with its actor, for the audit trail."""
    reviewer = entry.to_domain()
    with runtime.writing() as uow:
        changed = _save_reviewer(uow, reviewer, _now(), actor)
        if changed:
            uow.commit()
    return reviewer, changed


def _save_reviewer(uow: UnitOfWork, reviewer: Reviewer, now: dt.datetime, actor: str) -> bool:
    """Whether the reviewer changed; a change of accreditation may move any product."""
    changed = uow.registry.save_reviewer(reviewer, now, actor)
    if changed:
        note_change(uow, Cause(CauseKind.REVIEWER_CHANGED, reviewer.id), None, at=now)
    return changed


def list_reviewers(runtime: Runtime, paging: PageRequest = WHOLE_LIST) -> Page[Reviewer]:
    """The reviewer roster by id: a page of `limit` (all without one) after `cursor`."""
    after = REVIEWERS.after(paging.cursor, paging.where)
    with runtime.reading() as uow:
        found = uow.registry.reviewers_page(after_code=after, limit=read_limit(paging.limit))
    return REVIEWERS.page(found, paging.limit, lambda reviewer: reviewer.id)


def import_registry(runtime: Runtime, document: Any, *, actor: str) -> ImportReport:
    """Apply a registry file whole, or refuse it whole naming every failing entry. Importing
    the same file again changes nothing. `actor` (the importing key, or the command) is
    recorded on everything it adds: a file cannot name who acted."""
    with runtime.writing() as uow:
        report = _import(uow, parse_registry_file(document), actor)
        uow.commit()
    return report


def _import(uow: UnitOfWork, parsed: RegistryFile, actor: str) -> ImportReport:
    """Everything the file holds, added within the caller's unit of work; any error refuses
    the whole file, before anything is committed."""
    now = _now()
    errors: list[Located] = []
    ruleset = parsed.ruleset.to_domain() if parsed.ruleset is not None else None
    groups = _known_groups(uow, *([ruleset] if ruleset is not None else []))
    reviewers_changed = sum(
        _save_reviewer(uow, entry.to_domain(), now, actor) for entry in parsed.reviewers
    )
    # As the registry holds them now, the file's own changes included.
    known_reviewers = uow.registry.reviewers()
    certificates_added = events_added = 0
    for index, entry in enumerate(parsed.certificates):
        location = f"/certificates/{index}"
        try:
            certificate = entry.to_domain(actor)
        except ValueError as error:
            errors.append(Located(location, str(error)))
            continue
        problems = scope_problems(entry.destinations, groups, f"{location}/destinations")
        if problems:
            errors.extend(problems)
            continue
        reviewer = known_reviewers.get(certificate.reviewer_id)
        if reviewer is None:
            errors.append(
                Located(f"{location}/reviewer", f"no reviewer {certificate.reviewer_id!r} is known")
            )
            continue
        problems = certificate_signature_problems(entry, certificate, reviewer, location)
        if problems:
            errors.extend(problems)
            continue
        added, events, problems = _store_certificate(uow, certificate, location, now, actor)
        certificates_added += added
        events_added += events
        errors.extend(problems)
    ruleset_published = None
    if ruleset is not None:
        published, problems = _store_ruleset(uow, ruleset, now, "/ruleset", actor)
        errors.extend(problems)
        ruleset_published = ruleset.version if published else None
    if errors:
        raise RegistryRejectedError("the registry file was refused; nothing was recorded", errors)
    return ImportReport(reviewers_changed, certificates_added, events_added, ruleset_published)


def record_certificate(
    runtime: Runtime,
    entry: CertificateEntry,
    *,
    actor: str,
    principal: Principal | None = None,
) -> Certificate:
    """Record one certificate with its first status events; `principal`, the key recording
    it (None for the command line's operator), must record for the certificate's body."""
    _may_record_for(principal, entry.reviewer)
    with runtime.writing() as uow:
        certificate = entry.to_domain(actor)
        problems = scope_problems(entry.destinations, _known_groups(uow), "/destinations")
        reviewer = uow.registry.reviewer(certificate.reviewer_id)
        if reviewer is None:
            problems.append(
                Located("/reviewer", f"no reviewer {certificate.reviewer_id!r} is known")
            )
        else:
            problems.extend(certificate_signature_problems(entry, certificate, reviewer, ""))
        if problems:
            raise RegistryRejectedError("the certificate was refused", problems)
        _, _, problems = _store_certificate(uow, certificate, "/", _now(), actor)
        if problems:
            raise ConflictError(problems[0].message)
        uow.commit()
        return certificate_in(uow, certificate.number)


def add_status_event(
    runtime: Runtime,
    number: str,
    entry: EventEntry,
    *,
    actor: str,
    principal: Principal | None = None,
) -> tuple[Certificate, bool]:
    """Append a status event (suspend, revoke, reinstate…); (certificate, whether it was new).
    `principal`, the key recording it (None for the command line's operator), must record
    for the certificate's reviewer body."""
    with runtime.writing() as uow:
        reviewer_id = certificate_in(uow, number).reviewer_id
        _may_record_for(principal, reviewer_id)
        certificate_id = uow.registry.certificate_id(number)
        reviewer = uow.registry.reviewer(reviewer_id)
        if certificate_id is None or reviewer is None:  # pragma: no cover - both recorded
            raise NotFoundError(f"no certificate {number}")
        event = entry.to_domain(actor)
        problems = event_signature_problems(number, event, reviewer)
        if problems:
            raise RegistryRejectedError("the status event was refused", problems)
        now = _now()
        added = record_status_event(uow, certificate_id, number, event, now)
        if added:
            certificate = certificate_in(uow, number)
            _note_certificate_change(uow, certificate, CauseKind.CERTIFICATE_EVENT, now)
        uow.commit()
        return certificate_in(uow, number), added


def get_certificate(runtime: Runtime, number: str) -> Certificate:
    with runtime.reading() as uow:
        return certificate_in(uow, number)


def certificate_in(uow: UnitOfWork, number: str) -> Certificate:
    """The certificate of this number, within the caller's unit of work."""
    certificate = uow.registry.certificate(number)
    if certificate is None:
        raise NotFoundError(f"no certificate {number}")
    return certificate


def published_rulesets(uow: UnitOfWork) -> tuple[Ruleset, ...]:
    """Every published version, oldest published first, within the caller's unit of work."""
    return tuple(parse_ruleset(document) for document in uow.registry.ruleset_documents())


def ruleset_on(runtime: Runtime, day: dt.date) -> Ruleset:
    """The version in force on the day (see `ruleset_in_force`); the built-in defaults
    while none is."""
    with runtime.reading() as uow:
        rulesets = published_rulesets(uow)
    return ruleset_in_force(rulesets, day) or DEFAULT_RULESET


def _known_groups(uow: UnitOfWork, *more: Ruleset) -> frozenset[str]:
    """Group names a certificate scope may use: those any published version defines (a
    certificate outlives the version it was recorded under), and those of `more`."""
    return frozenset(
        name for ruleset in (*published_rulesets(uow), *more) for name in ruleset.country_groups
    )


def publish_ruleset(runtime: Runtime, document: Any, *, actor: str) -> Ruleset:
    with runtime.writing() as uow:
        ruleset = parse_ruleset(document)
        published, problems = _store_ruleset(uow, ruleset, _now(), "", actor)
        if any(problem.location == "/version" for problem in problems):
            raise ConflictError(problems[0].message)
        if problems:
            raise RegistryRejectedError("the ruleset was refused", problems)
        if published:
            uow.commit()
    return ruleset


def status_on(certificate: Certificate, day: dt.date) -> str:
    """The status a person reads: the recorded one, or `expired` once past the expiry date."""
    recorded = certificate.recorded_status_on(day)
    if recorded is None or certificate.issued > day:
        return "not_issued"
    if certificate.is_expired_on(day) and recorded.value == "active":
        return "expired"
    return recorded.value


def list_certificates(
    runtime: Runtime,
    *,
    subject: str | None,
    reviewer: str | None = None,
    expiring_between: tuple[dt.date, dt.date] | None = None,
    paging: PageRequest = WHOLE_LIST,
) -> Page[Certificate]:
    """Certificates in number order, optionally only one component's (a purl or key), one
    reviewer's, or those expiring between two dates (both included): a page of `limit`
    (all without one) after `cursor`."""
    after = CERTIFICATES.after(paging.cursor, paging.where)
    key = None
    if subject is not None:
        try:
            key = identity_from_reference(subject).key
        except ValueError as error:
            raise RegistryRejectedError(
                "the subject is not a component identity", [Located("subject", str(error))]
            ) from None
    with runtime.reading() as uow:
        found = uow.registry.certificates(
            subject=key,
            after_number=after,
            limit=read_limit(paging.limit),
            reviewer=reviewer,
            expiring_between=expiring_between,
        )
    return CERTIFICATES.page(found, paging.limit, lambda certificate: certificate.number)


def certificate_document(certificate: Certificate, day: dt.date) -> dict[str, Any]:
    """A certificate as JSON, with its status on `day`: what the CLI prints and what a
    decision's evidence digest covers."""
    fields = certificate_signed_object(certificate)
    del fields["evidence"]  # shown by the API in members of its own
    return {
        **fields,
        "status": status_on(certificate, day),
        "status_date": day.isoformat(),
        "events": [
            {"status": e.status.value, "date": e.date.isoformat(), "reason": e.reason,
             "actor": e.actor, **_signed(e.signature)}
            for e in certificate.events
        ],
        **_signed(certificate.signature),
    }  # fmt: skip


def _signed(signature: str | None) -> dict[str, str]:
    # Only signed entries name a signature: unsigned ones read as they always have.
    return {} if signature is None else {"signature": signature}
