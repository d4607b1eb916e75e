"""The audit trail in SQL: every kept record that says who did what when, read as one
stream in time order. Nothing here is written: each source is an immutable record already
(BOM uploads, certificate events, classifications, rulesets, decisions, keys, reviewer
changes), so the trail cannot disagree with them. Each names its actor as the record keeps
it: the key that acted (`<organisation>/key-<id>`), or the command line's operator; records
kept before actors were show none."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, true

from app.domain.audit import TRAIL_KINDS, AuditRecord, Position
from app.domain.visibility import BomVisibility
from app.store.boms import visible_condition
from app.store.bulk import chunks
from app.store.repository import Repository
from app.store.rows import (
    ApiKeyRow,
    BomEndingRow,
    BomRow,
    CertificateEventRow,
    CertificateRow,
    ClassificationRow,
    ComponentRow,
    DecisionRow,
    OccurrenceRow,
    OrganisationRow,
    OwnershipEventRow,
    ReviewerChangeRow,
    RulesetRow,
    SubjectOwnerRow,
)
from app.store.rows.chain import ChainEntryRow, RecordChangeRow
from app.store.rows.webhooks import WebhookSubscriptionRow

# A row of a source -> (actor, subject, detail).
Describe = Callable[[Any], tuple[str | None, str, str]]


@dataclass(frozen=True, slots=True)
class _Source:
    kind: str
    at: Any  # the time column
    key: Any  # the id column
    query: Select[*tuple[Any, ...]]
    describe: Describe

    def __post_init__(self) -> None:
        if self.kind not in TRAIL_KINDS:  # pragma: no cover - a source added without its kind
            raise ValueError(f"{self.kind!r} is not among the audit trail's kinds")

    def after(self, position: Position | None, limit: int | None) -> Select[*tuple[Any, ...]]:
        """This source's next rows after `position` in (time, kind, id) order."""
        condition: ColumnElement[bool] = true()
        if position is not None:
            when, kind, last_id = position
            if self.kind > kind:
                condition = self.at >= when
            elif self.kind < kind:
                condition = self.at > when
            else:
                condition = or_(self.at > when, and_(self.at == when, self.key > last_id))
        query = self.query.add_columns(self.at.label("at"), self.key.label("id"))
        return query.where(self.at.is_not(None), condition).order_by(self.at, self.key).limit(limit)


def _named(name: str, version: str | None) -> str:
    return f"{name}@{version}" if version else name


def _classified(row: Any) -> str:
    verdict = "AI component" if row.is_ai else "not an AI component"
    scope = f"for {row.code}'s products" if row.scope == "organisation" else "for every product"
    until = f", until {row.expires}" if row.expires else ""
    return f"{verdict} {scope}{until}: {row.reason}"


def _change(row: Any) -> str:
    shown = ", ".join(f"{key} {value}" for key, value in sorted(row.detail.items()))
    return f"{row.change}" + (f": {shown}" if shown else "")


# The chain's kind for each kind of trail record; a key's revocation is the change that
# revoked it.
_CHAINED = {
    "bom_uploaded": "bom", "certificate_recorded": "certificate",
    "certificate_event": "certificate_event", "component_classified": "classification",
    "ownership_changed": "ownership_event", "bom_ended": "bom_ending",
    "ruleset_published": "ruleset", "reviewer_changed": "reviewer_change",
    "decision_made": "decision", "key_issued": "api_key",
    "organisation_created": "organisation", "record_changed": "record_change",
}  # fmt: skip


def _reviewer(row: Any) -> str:
    periods = ", ".join(
        f"from {period['from']}" + (f" to {period['to']}" if period["to"] else "")
        for period in row.accreditations
    )
    key = "with a public key" if row.public_key else "no public key"
    return f"{row.name}; {key}; accredited {periods or 'never'}"


class AuditRepository(Repository):
    def records(
        self,
        *,
        after: Position | None,
        limit: int | None,
        boms_visible: BomVisibility | None,
    ) -> list[AuditRecord]:
        """The next `limit` records after `after`. With `boms_visible`, only uploads of
        those BOMs, decisions about products one of them describes, and the reader's own
        organisation and keys; the registry is everyone's to read."""
        restricted = boms_visible is not None
        visible = visible_condition(boms_visible) if boms_visible is not None else true()
        organisation_id = boms_visible.organisation_id if boms_visible is not None else None
        own = OrganisationRow.id == organisation_id if organisation_id else false()
        mine = own if restricted else true()
        # A classification is shown where its component is: global ones and the caller's
        # own, of components a BOM it may see mentions.
        classified = (
            and_(
                or_(ClassificationRow.scope == "global", own),
                ClassificationRow.component_id.in_(
                    select(OccurrenceRow.component_id)
                    .join(BomRow, BomRow.id == OccurrenceRow.bom_id)
                    .where(visible)
                ),
            )
            if restricted
            else true()
        )
        # Who may publish for a subject is its owner's business, and the business of the
        # organisations an event names.
        owned = (
            or_(
                OwnershipEventRow.organisation_id == organisation_id,
                OwnershipEventRow.previous_organisation_id == organisation_id,
                OwnershipEventRow.subject_id.in_(
                    select(SubjectOwnerRow.subject_id).where(
                        SubjectOwnerRow.organisation_id == organisation_id
                    )
                ),
            )
            if restricted
            else true()
        )
        # In-place changes (a key's revocation has its own kind); another organisation sees
        # those of BOMs it may see and of its own webhook subscriptions.
        changed = (
            or_(
                and_(
                    RecordChangeRow.record_kind == "bom",
                    RecordChangeRow.record_id.in_(select(BomRow.id).where(visible)),
                ),
                and_(
                    RecordChangeRow.record_kind == "webhook_subscription",
                    RecordChangeRow.record_id.in_(
                        select(WebhookSubscriptionRow.id).where(
                            WebhookSubscriptionRow.organisation_id == organisation_id
                        )
                    ),
                ),
            )
            if restricted
            else true()
        )
        sources = [
            _Source(
                "record_changed", RecordChangeRow.at, RecordChangeRow.id,
                select(RecordChangeRow.actor, RecordChangeRow.record_kind,
                       RecordChangeRow.record_id, RecordChangeRow.change, RecordChangeRow.detail)
                .where(changed, or_(RecordChangeRow.record_kind != "api_key",
                                    RecordChangeRow.change != "revoked")),
                lambda r: (r.actor, f"{r.record_kind} {r.record_id}", _change(r)),
            ),
            _Source(
                "bom_uploaded", BomRow.uploaded_at, BomRow.id,
                select(BomRow.uploaded_by, ComponentRow.name, ComponentRow.version, BomRow.sha256)
                .join(ComponentRow, ComponentRow.id == BomRow.subject_id).where(visible),
                lambda r: (r.uploaded_by, _named(r.name, r.version), f"sha256 {r.sha256}"),
            ),
            _Source(
                "certificate_recorded", CertificateRow.recorded_at, CertificateRow.id,
                select(CertificateRow.recorded_by, CertificateRow.number,
                       CertificateRow.subject_key, CertificateRow.reviewer_code),
                lambda r: (r.recorded_by, r.number,
                           f"subject {r.subject_key}, reviewer {r.reviewer_code}"),
            ),
            _Source(
                "certificate_event", CertificateEventRow.recorded_at, CertificateEventRow.id,
                select(CertificateEventRow.actor, CertificateRow.number, CertificateEventRow.status,
                       CertificateEventRow.date, CertificateEventRow.reason)
                .join(CertificateRow, CertificateRow.id == CertificateEventRow.certificate_id),
                lambda r: (r.actor, r.number,
                           f"{r.status} as of {r.date}" + (f": {r.reason}" if r.reason else "")),
            ),
            _Source(
                "component_classified", ClassificationRow.decided_at, ClassificationRow.id,
                select(ClassificationRow.actor, ComponentRow.name, ComponentRow.version,
                       ClassificationRow.is_ai, ClassificationRow.scope, OrganisationRow.code,
                       ClassificationRow.expires, ClassificationRow.reason)
                .join(ComponentRow, ComponentRow.id == ClassificationRow.component_id)
                .join(OrganisationRow, OrganisationRow.id == ClassificationRow.organisation_id)
                .where(classified),
                lambda r: (r.actor, _named(r.name, r.version), _classified(r)),
            ),
            _Source(
                "ownership_changed", OwnershipEventRow.at, OwnershipEventRow.id,
                select(OwnershipEventRow.actor, OwnershipEventRow.kind, ComponentRow.name,
                       ComponentRow.version, OwnershipEventRow.reason,
                       OrganisationRow.code.label("organisation"))
                .join(ComponentRow, ComponentRow.id == OwnershipEventRow.subject_id)
                .join(OrganisationRow, OrganisationRow.id == OwnershipEventRow.organisation_id)
                .where(owned),
                lambda r: (r.actor, _named(r.name, r.version),
                           f"{r.kind} {r.organisation}" + (f": {r.reason}" if r.reason else "")),
            ),
            _Source(
                "bom_ended", BomEndingRow.at, BomEndingRow.id,
                select(BomEndingRow.actor, BomEndingRow.kind, BomEndingRow.bom_id,
                       BomEndingRow.reason, ComponentRow.name, ComponentRow.version)
                .join(BomRow, BomRow.id == BomEndingRow.bom_id)
                .join(ComponentRow, ComponentRow.id == BomRow.subject_id)
                .where(visible),
                lambda r: (r.actor, _named(r.name, r.version),
                           f"BOM {r.bom_id} {r.kind}: {r.reason}"),
            ),
            _Source(
                "ruleset_published", RulesetRow.published_at, RulesetRow.id,
                select(RulesetRow.published_by, RulesetRow.version),
                lambda r: (r.published_by, r.version, "published"),
            ),
            _Source(
                "reviewer_changed", ReviewerChangeRow.at, ReviewerChangeRow.id,
                select(ReviewerChangeRow.actor, ReviewerChangeRow.reviewer_code,
                       ReviewerChangeRow.name, ReviewerChangeRow.public_key,
                       ReviewerChangeRow.accreditations),
                lambda r: (r.actor, r.reviewer_code, _reviewer(r)),
            ),
            _Source(
                "decision_made", DecisionRow.decided_at, DecisionRow.id,
                select(DecisionRow.decided_by, ComponentRow.name, ComponentRow.version,
                       DecisionRow.destination, DecisionRow.on_date, DecisionRow.decision,
                       DecisionRow.evidence_sha256)
                .join(ComponentRow, ComponentRow.id == DecisionRow.product_id)
                .where(DecisionRow.product_id.in_(select(BomRow.subject_id).where(visible))),
                lambda r: (r.decided_by, _named(r.name, r.version),
                           (f"{r.decision} for {r.destination} on {r.on_date}; "
                            f"evidence sha256 {r.evidence_sha256}")),
            ),
            _Source(
                "key_issued", ApiKeyRow.created_at, ApiKeyRow.id,
                select(ApiKeyRow.issued_by, OrganisationRow.code, ApiKeyRow.prefix,
                       ApiKeyRow.roles, ApiKeyRow.reviewer_code)
                .join(OrganisationRow, OrganisationRow.id == ApiKeyRow.organisation_id)
                .where(mine),
                lambda r: (r.issued_by, f"key {r.prefix}…",
                           f"for {r.code}, roles {', '.join(r.roles)}"
                           + (f", reviewer {r.reviewer_code}" if r.reviewer_code else "")),
            ),
            _Source(
                "key_revoked", ApiKeyRow.revoked_at, ApiKeyRow.id,
                select(ApiKeyRow.revoked_by, OrganisationRow.code, ApiKeyRow.prefix)
                .join(OrganisationRow, OrganisationRow.id == ApiKeyRow.organisation_id)
                .where(mine),
                lambda r: (r.revoked_by, f"key {r.prefix}…", f"of {r.code}"),
            ),
            _Source(
                "organisation_created", OrganisationRow.created_at, OrganisationRow.id,
                select(OrganisationRow.created_by, OrganisationRow.code,
                       OrganisationRow.name).where(mine),
                lambda r: (r.created_by, r.code, r.name),
            ),
        ]  # fmt: skip
        found = [
            AuditRecord(row.at, source.kind, row.id, *source.describe(row))
            for source in sources
            for row in self._session.execute(source.after(after, limit))
        ]
        found.sort(key=lambda record: (record.at, record.kind, record.record_id))
        return self._with_chain(found[:limit])

    def _with_chain(self, records: list[AuditRecord]) -> list[AuditRecord]:
        """Each record with its audit chain entry's sequence number and hash."""
        wanted: dict[str, list[int]] = {}
        for record in records:
            kind = _CHAINED.get(record.kind)
            if kind is not None:
                wanted.setdefault(kind, []).append(record.record_id)
        revoked = [record.record_id for record in records if record.kind == "key_revoked"]
        revocations: dict[int, int] = {}
        for chunk in chunks(revoked):
            query = select(RecordChangeRow.record_id, func.max(RecordChangeRow.id)).where(
                RecordChangeRow.record_kind == "api_key",
                RecordChangeRow.change == "revoked",
                RecordChangeRow.record_id.in_(chunk),
            )
            revocations.update(
                dict(self._session.execute(query.group_by(RecordChangeRow.record_id)).all())
            )
        wanted.setdefault("record_change", []).extend(revocations.values())
        entries: dict[tuple[str, int], tuple[int, str]] = {}
        for kind, ids in wanted.items():
            for chunk in chunks(sorted(set(ids))):
                located = select(
                    ChainEntryRow.record_id, ChainEntryRow.seq, ChainEntryRow.hash
                ).where(ChainEntryRow.kind == kind, ChainEntryRow.record_id.in_(chunk))
                # A record's latest entry is its own (an id may be lent again on SQLite).
                located = located.order_by(ChainEntryRow.seq)
                entries.update(
                    ((kind, row_id), (seq, digest))
                    for row_id, seq, digest in self._session.execute(located)
                )

        def entry(record: AuditRecord) -> tuple[int, str] | None:
            if record.kind == "key_revoked":
                change = revocations.get(record.record_id)
                return None if change is None else entries.get(("record_change", change))
            kind = _CHAINED.get(record.kind)
            return None if kind is None else entries.get((kind, record.record_id))

        return [
            dataclasses.replace(record, chain_seq=found[0], chain_hash=found[1])
            if (found := entry(record)) is not None
            else record
            for record in records
        ]
