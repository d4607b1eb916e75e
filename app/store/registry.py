"""The certificate registry, reviewer roster, rulesets and decision records in SQL, read
back as domain objects."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select

from app.domain.ids import IdentityKey
from app.domain.registry import (
    Certificate,
    CertificateStatus,
    Dimension,
    Evidence,
    Period,
    Reviewer,
    Ruleset,
    StatusEvent,
)
from app.domain.stored import RegistryGeneration
from app.store.conflicts import inserted
from app.store.repository import Repository
from app.store.rows import (
    CertificateEventRow,
    CertificateRow,
    ReviewerChangeRow,
    ReviewerRow,
    RulesetRow,
    table_of,
)

CHUNK = 900


def subject_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _period(entry: Mapping[str, str | None]) -> Period:
    start = entry.get("from")
    end = entry.get("to")
    return Period(dt.date.fromisoformat(str(start)), dt.date.fromisoformat(end) if end else None)


def reviewer_from_row(row: ReviewerRow) -> Reviewer:
    return Reviewer(
        id=row.code,
        name=row.name,
        accreditations=tuple(_period(entry) for entry in row.accreditations),
        public_key=row.public_key,
    )


def certificate_from_row(row: Any, events: Sequence[Any]) -> Certificate:
    """From a CertificateRow or a plain row of its columns, and its event rows."""
    return Certificate(
        number=row.number,
        subject=IdentityKey(row.subject_key),
        reviewer_id=row.reviewer_code,
        dimensions=frozenset(Dimension(d) for d in row.dimensions),
        issued=row.issued,
        expires=row.expires,
        destinations=frozenset(row.destinations),
        sectors=frozenset(row.sectors),
        evidence=Evidence(row.evidence_url, row.evidence_sha256) if row.evidence_url else None,
        signature=row.signature,
        events=tuple(
            StatusEvent(e.date, CertificateStatus(e.status), e.reason, e.actor, e.signature)
            for e in sorted(events, key=lambda e: (e.date, e.id))
        ),
    )


class RegistryRepository(Repository):
    # -- reviewers ---------------------------------------------------------------------------

    def _reviewer_row(self, code: str) -> ReviewerRow | None:
        return self._one_row(ReviewerRow, ReviewerRow.code == code)

    def reviewer(self, code: str) -> Reviewer | None:
        row = self._reviewer_row(code)
        return None if row is None else reviewer_from_row(row)

    def save_reviewer(self, reviewer: Reviewer, now: dt.datetime, actor: str) -> bool:
        """Insert or update, keeping the change and its actor; True when anything changed."""
        accreditations = [
            {"from": p.start.isoformat(), "to": p.end.isoformat() if p.end else None}
            for p in reviewer.accreditations
        ]
        row = self._reviewer_row(reviewer.id)
        if row is None:
            added = ReviewerRow(
                code=reviewer.id,
                name=reviewer.name,
                public_key=reviewer.public_key,
                accreditations=accreditations,
                updated_at=now,
            )
            if inserted(self._session, added):
                self._changed(reviewer, accreditations, now, actor)
                return True
            # A concurrent request added it first: bring that one up to date instead.
            row = self._reviewer_row(reviewer.id)
            if row is None:  # pragma: no cover - the unique key has just named it
                raise RuntimeError(f"reviewer {reviewer.id!r} vanished")
        if (row.name, row.public_key, row.accreditations) == (
            reviewer.name,
            reviewer.public_key,
            accreditations,
        ):
            return False
        row.name, row.public_key, row.accreditations = (
            reviewer.name,
            reviewer.public_key,
            accreditations,
        )
        row.updated_at = now
        self._changed(reviewer, accreditations, now, actor)
        return True

    def _changed(
        self,
        reviewer: Reviewer,
        accreditations: list[dict[str, str | None]],
        now: dt.datetime,
        actor: str,
    ) -> None:
        self._session.add(
            ReviewerChangeRow(
                reviewer_code=reviewer.id,
                name=reviewer.name,
                public_key=reviewer.public_key,
                accreditations=accreditations,
                actor=actor,
                at=now,
            )
        )
        self._session.flush()

    def reviewers(self) -> dict[str, Reviewer]:
        rows = self._session.scalars(select(ReviewerRow).order_by(ReviewerRow.code))
        return {row.code: reviewer_from_row(row) for row in rows}

    def reviewers_page(self, *, after_code: str | None, limit: int | None) -> list[Reviewer]:
        """The roster by id, after `after_code` and at most `limit` of them."""
        query = select(ReviewerRow).order_by(ReviewerRow.code).limit(limit)
        if after_code is not None:
            query = query.where(ReviewerRow.code > after_code)
        return [reviewer_from_row(row) for row in self._session.scalars(query)]

    # -- certificates ------------------------------------------------------------------------

    def _certificate_row(self, number: str) -> CertificateRow | None:
        return self._one_row(CertificateRow, CertificateRow.number == number)

    def certificate_id(self, number: str) -> int | None:
        """The id status events of the certificate are recorded against."""
        return self._session.scalar(
            select(CertificateRow.id).where(CertificateRow.number == number)
        )

    def add_certificate(self, certificate: Certificate, now: dt.datetime, actor: str) -> int | None:
        """The new certificate's id; None, with nothing written, when a concurrent request
        recorded a certificate of this number first (read it back to compare)."""
        row = CertificateRow(
            number=certificate.number,
            subject_key=certificate.subject,
            subject_digest=subject_digest(certificate.subject),
            reviewer_code=certificate.reviewer_id,
            dimensions=sorted(certificate.dimensions),
            issued=certificate.issued,
            expires=certificate.expires,
            destinations=sorted(certificate.destinations),
            sectors=sorted(certificate.sectors),
            evidence_url=certificate.evidence.url if certificate.evidence else None,
            evidence_sha256=certificate.evidence.sha256 if certificate.evidence else None,
            recorded_at=now,
            recorded_by=actor,
            signature=certificate.signature,
        )
        return row.id if inserted(self._session, row) else None

    def add_event(self, certificate_id: int, event: StatusEvent, now: dt.datetime) -> bool:
        """Append a status event; False (and nothing written) when it is already recorded,
        or a concurrent request has just recorded it."""
        exists = self._session.scalar(
            select(func.count()).where(
                CertificateEventRow.certificate_id == certificate_id,
                CertificateEventRow.status == event.status.value,
                CertificateEventRow.date == event.date,
            )
        )
        if exists:
            return False
        return inserted(
            self._session,
            CertificateEventRow(
                certificate_id=certificate_id,
                status=event.status.value,
                date=event.date,
                reason=event.reason,
                actor=event.actor,
                recorded_at=now,
                signature=event.signature,
            ),
        )

    def _with_events(self, rows: Sequence[Any]) -> list[Certificate]:
        # Plain rows, not ORM instances: a check reads hundreds of certificates and has no
        # use for identity maps or change tracking.
        events: dict[int, list[Any]] = defaultdict(list)
        ids = [row.id for row in rows]
        event_columns = table_of(CertificateEventRow).columns
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            for event in self._session.execute(
                select(*event_columns).where(CertificateEventRow.certificate_id.in_(chunk))
            ):
                events[event.certificate_id].append(event)
        return [certificate_from_row(row, events[row.id]) for row in rows]

    def certificate(self, number: str) -> Certificate | None:
        row = self._certificate_row(number)
        return None if row is None else self._with_events([row])[0]

    def all_certificates(self) -> dict[IdentityKey, list[Certificate]]:
        """Every certificate, by subject, in number order."""
        rows = list(
            self._session.execute(
                select(*table_of(CertificateRow).columns).order_by(CertificateRow.number)
            )
        )
        found: dict[IdentityKey, list[Certificate]] = defaultdict(list)
        for certificate in self._with_events(rows):
            found[certificate.subject].append(certificate)
        return dict(found)

    def generation(self) -> RegistryGeneration:
        """Changes whenever anything is recorded (app.domain.stored.RegistryGeneration)."""
        reviewers = table_of(ReviewerRow)
        query = select(
            *(select(func.count()).select_from(table_of(r)).scalar_subquery()
              for r in (CertificateRow, CertificateEventRow, RulesetRow, ReviewerRow)),
            *(select(func.coalesce(func.max(table_of(r).c.id), 0)).scalar_subquery()
              for r in (CertificateRow, CertificateEventRow, RulesetRow)),
            select(func.max(reviewers.c.updated_at)).scalar_subquery(),
        )  # fmt: skip
        counts_and_newest = self._session.execute(query).one()
        return RegistryGeneration(*counts_and_newest[:7], reviewers_updated=counts_and_newest[7])

    def certificates_since(self, newest_certificate: int, newest_event: int) -> list[Certificate]:
        """The certificates recorded after `newest_certificate`, or given an event after
        `newest_event`, each with all its events."""
        columns = table_of(CertificateRow).columns
        evented = select(CertificateEventRow.certificate_id).where(
            CertificateEventRow.id > newest_event
        )
        rows = list(
            self._session.execute(
                select(*columns)
                .where((CertificateRow.id > newest_certificate) | CertificateRow.id.in_(evented))
                .order_by(CertificateRow.number)
            )
        )
        return self._with_events(rows)

    def certificates(
        self,
        *,
        subject: str | None,
        after_number: str | None,
        limit: int | None,
        reviewer: str | None = None,
        expiring_between: tuple[dt.date, dt.date] | None = None,
    ) -> list[Certificate]:
        """Certificates by number, after `after_number` and at most `limit` of them."""
        query = select(CertificateRow)
        if after_number is not None:
            query = query.where(CertificateRow.number > after_number)
        if subject is not None:
            query = query.where(CertificateRow.subject_digest == subject_digest(subject))
        if reviewer is not None:
            query = query.where(CertificateRow.reviewer_code == reviewer)
        if expiring_between is not None:
            first, last = expiring_between
            query = query.where(CertificateRow.expires.between(first, last))
        rows = list(self._session.scalars(query.order_by(CertificateRow.number).limit(limit)))
        return self._with_events(rows)

    # -- rulesets ----------------------------------------------------------------------------

    def ruleset_documents(self) -> list[dict[str, Any]]:
        """Every published version's document, oldest published first."""
        query = select(RulesetRow.document).order_by(RulesetRow.id)
        return [dict(document) for document in self._session.scalars(query)]

    def ruleset_document(self, version: str) -> dict[str, Any] | None:
        row = self._one_row(RulesetRow, RulesetRow.version == version)
        return None if row is None else dict(row.document)

    def publish_ruleset(
        self, version: str, document: Mapping[str, Any], now: dt.datetime, actor: str
    ) -> bool:
        """False, with nothing written, when a concurrent request published this version
        first (read it back to compare)."""
        row = RulesetRow(
            version=version, document=dict(document), published_at=now, published_by=actor
        )
        return inserted(self._session, row)

    def ruleset_versions(
        self, *, after_id: int | None, limit: int | None
    ) -> list[tuple[int, str, dt.datetime, dict[str, Any]]]:
        """Published versions in the order they were published (their ids'), after the one
        of id `after_id` and at most `limit` of them: (id, version, published at, document)."""
        query = (
            select(RulesetRow.id, RulesetRow.version, RulesetRow.published_at, RulesetRow.document)
            .order_by(RulesetRow.id)
            .limit(limit)
        )
        if after_id is not None:
            query = query.where(RulesetRow.id > after_id)
        return [
            (ruleset_id, version, published, dict(document))
            for ruleset_id, version, published, document in self._session.execute(query)
        ]


__all__ = ["RegistryRepository", "Ruleset", "subject_digest"]
