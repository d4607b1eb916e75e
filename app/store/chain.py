"""Appending to the audit chain. Every audited record a unit of work writes enters the
chain in the same transaction: rows added through the session are noticed after each flush,
rows inserted in bulk are reported by `insert_many`, and in-place changes are told here by
the use case that makes them. All of them are entered just before commit, under a lock
that keeps two writers from forking the chain (chain_kinds.py says what a digest covers)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, event, select, text, update
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.attributes import set_committed_value

from app.domain.audit import ChainVerification
from app.store.bulk import INSERT_WATCHER, chunks, insert_many
from app.store.chain_kinds import (
    BY_KIND,
    BY_ROW,
    BY_TABLE,
    GENESIS,
    AuditedKind,
    Canonical,
    entry_hash,
    record_digest,
)
from app.store.repository import Repository
from app.store.rows import (
    BomShareRow,
    DecisionRow,
    OrganisationRow,
    SubjectDelegateRow,
    table_of,
)
from app.store.rows.chain import ChainEntryRow, RecordChangeRow

# The PostgreSQL advisory lock every appender takes (an arbitrary constant of its own).
_APPEND_LOCK = 0x65786731


@dataclass(frozen=True, slots=True)
class _Change:
    kind: str
    record_id: int
    change: str
    detail: dict[str, Any]
    actor: str


def head(session: Session) -> tuple[int, str]:
    """The last entry's sequence number and hash; (0, GENESIS) for an empty chain."""
    last = session.execute(
        select(ChainEntryRow.seq, ChainEntryRow.hash).order_by(ChainEntryRow.seq.desc()).limit(1)
    ).first()
    return (0, GENESIS) if last is None else (int(last[0]), str(last[1]))


def load_rows(
    session: Session, kind: AuditedKind, ids: Sequence[int] | None = None
) -> Iterable[dict[str, Any]]:
    """Rows of one audited kind (of `ids` only, when given): their key and covered columns."""
    table = kind.table
    names = dict.fromkeys((kind.key, *kind.columns))
    query = select(*(table.c[name] for name in names))
    if ids is None:
        ordered = query.order_by(table.c[kind.key])
        yield from (dict(row._mapping) for row in session.execute(ordered))
        return
    for chunk in chunks(sorted(set(ids))):
        found = session.execute(query.where(table.c[kind.key].in_(chunk)))
        yield from (dict(row._mapping) for row in found)


class ChainRepository(Repository):
    def __init__(self, session: Session, canonical: Canonical) -> None:
        super().__init__(session)
        self._canonical = canonical
        # (kind, record id) in the order written; a dict keeps it and drops repeats.
        self._pending: dict[tuple[str, int], None] = {}
        self._changes: list[_Change] = []
        session.info[INSERT_WATCHER] = self
        event.listen(session, "after_flush", self._after_flush)

    def _after_flush(self, session: Session, _context: UOWTransaction) -> None:
        for instance in session.new:
            kind = BY_ROW.get(type(instance))
            if kind is not None:
                self._pending[(kind.kind, getattr(instance, kind.key))] = None

    def watched_key(self, table_name: str) -> str | None:
        """The key column `insert_many` reports for a table the chain audits."""
        found = BY_TABLE.get(table_name)
        return found.key if found is not None else None

    def inserted(self, table_name: str, keys: Iterable[Any]) -> None:
        kind = BY_TABLE[table_name].kind
        for key in keys:
            self._pending[(kind, int(key))] = None

    def changed(
        self,
        kind: str,
        record_id: int,
        change: str,
        actor: str,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """An audited record changed in place (or was removed): kept as a change record,
        with the record's digest after the change, when the unit of work commits."""
        self._changes.append(_Change(kind, record_id, change, detail or {}, actor))

    def verify(self) -> ChainVerification:
        from app.store.chain_verify import verify_chain  # noqa: PLC0415 - it builds on this module

        return verify_chain(self._session, self._canonical)

    def delegation_ids(self, subject_id: int, organisation_id: int) -> list[int]:
        query = select(SubjectDelegateRow.id).where(
            SubjectDelegateRow.subject_id == subject_id,
            SubjectDelegateRow.organisation_id == organisation_id,
        )
        return list(self._session.scalars(query))

    def seal(self, now: dt.datetime) -> None:
        """Enter everything written into the chain. Called just before commit, so the
        lock that serialises appenders is held as briefly as possible."""
        self._session.flush()
        if self._changes:
            self._record_changes(now)
        if not self._pending:
            return
        loaded: dict[tuple[str, int], dict[str, Any]] = {}
        by_kind: dict[str, list[int]] = {}
        for kind, record_id in self._pending:
            by_kind.setdefault(kind, []).append(record_id)
        for kind, ids in by_kind.items():
            spec = BY_KIND[kind]
            for values in load_rows(self._session, spec, ids):
                loaded[(kind, int(values[spec.key]))] = values
        # A row written and removed again before commit has nothing to enter.
        pending, self._pending = list(self._pending), {}
        # Appenders queue here, as late as possible: on SQLite the write lock is held already.
        if self._session.get_bind().dialect.name == "postgresql":
            lock = text("SELECT pg_advisory_xact_lock(:lock)")
            self._session.execute(lock, {"lock": _APPEND_LOCK})
        _append(
            self._session,
            self._canonical,
            [(kind, record_id, loaded[kind, record_id], now)
             for kind, record_id in pending if (kind, record_id) in loaded],
        )  # fmt: skip

    def _record_changes(self, now: dt.datetime) -> None:
        """Each change told, as a record of its own with the changed record's digest (None
        when it is gone); the change records enter the chain with the rest."""
        changes, self._changes = self._changes, []
        for change in changes:
            spec = BY_KIND[change.kind]
            rows = list(load_rows(self._session, spec, [change.record_id]))
            self._session.add(
                RecordChangeRow(
                    record_kind=change.kind,
                    record_id=change.record_id,
                    change=change.change,
                    detail=change.detail,
                    record_digest=record_digest(self._canonical, spec, rows[0]) if rows else None,
                    actor=change.actor,
                    at=now,
                )
            )
        self._session.flush()


_ENTRY_KEYS = ("seq", "kind", "record_id", "record_digest", "at", "actor", "prev_hash", "hash")


def _write_heads(session: Session, heads: dict[int, str]) -> None:
    """Each new decision keeps the chain's head as it stood before the decision."""
    if not heads:
        return
    table = table_of(DecisionRow)
    session.execute(
        update(table).where(table.c.id == bindparam("decision_id")),
        [{"decision_id": decision, "chain_head": value} for decision, value in heads.items()],
    )
    for decision, value in heads.items():
        row = session.identity_map.get(session.identity_key(DecisionRow, decision))
        if row is not None:
            set_committed_value(row, "chain_head", value)


def enter_existing(session: Session, canonical: Canonical, now: dt.datetime) -> int:
    """Enter every audited row not yet in the chain, oldest first (by the record's own time,
    then kind, then id: the same order on every copy of the same data); decisions keep the
    head before them. For a database that kept records before the chain did. The count."""
    found: list[tuple[dt.datetime, str, int, dict[str, Any]]] = []
    chained = {
        (kind, record_id)
        for kind, record_id in session.execute(select(ChainEntryRow.kind, ChainEntryRow.record_id))
    }
    for spec in BY_KIND.values():
        at_column = spec.table.c[spec.at] if spec.at else None
        times = (
            dict(session.execute(select(spec.table.c[spec.key], at_column)).all())
            if at_column is not None
            else {}
        )
        for values in load_rows(session, spec):
            record_id = int(values[spec.key])
            if (spec.kind, record_id) not in chained:
                found.append((times.get(record_id) or now, spec.kind, record_id, values))
    found.sort(key=lambda item: (item[0], item[1], item[2]))
    _append(
        session, canonical, [(kind, record_id, values, at) for at, kind, record_id, values in found]
    )
    return len(found)


def _append(
    session: Session,
    canonical: Canonical,
    records: list[tuple[str, int, dict[str, Any], dt.datetime]],
) -> None:
    """Link the records, in order, after the chain's head; new decisions keep the head
    before their own entry."""
    seq, running = head(session)
    entries: list[tuple[Any, ...]] = []
    heads: dict[int, str] = {}
    for kind, record_id, values, at in records:
        spec = BY_KIND[kind]
        if kind == "decision":
            values["chain_head"] = heads[record_id] = running
        digest = record_digest(canonical, spec, values)
        actor = values.get(spec.actor) if spec.actor else None
        seq, prev = seq + 1, running
        running = entry_hash(
            canonical,
            seq=seq,
            kind=kind,
            record_id=record_id,
            digest=digest,
            at=at,
            actor=actor,
            prev=prev,
        )
        entries.append((seq, kind, record_id, digest, at, actor, prev, running))
    insert_many(session, table_of(ChainEntryRow), _ENTRY_KEYS, entries)
    _write_heads(session, heads)


def shares_by_bom(session: Session) -> dict[int, list[str]]:
    """The organisations each shared BOM is shared with, by code, sorted."""
    query = (
        select(BomShareRow.bom_id, OrganisationRow.code)
        .join(OrganisationRow, OrganisationRow.id == BomShareRow.organisation_id)
        .order_by(BomShareRow.bom_id, OrganisationRow.code)
    )
    found: dict[int, list[str]] = {}
    for bom_id, code in session.execute(query):
        found.setdefault(bom_id, []).append(code)
    return found


def note_existing_shares(
    session: Session, canonical: Canonical, now: dt.datetime, actor: str
) -> None:
    """A BOM shared before the chain existed gets a change record of its shares as they
    stand, by `actor` (the upgrade, not a person): from then on a BOM's shares must be what
    its latest visibility change says, and none without one."""
    spec = BY_KIND["bom"]
    shared = shares_by_bom(session)
    rows = {int(values["id"]): values for values in load_rows(session, spec, list(shared))}
    session.add_all(
        RecordChangeRow(
            record_kind="bom",
            record_id=bom_id,
            change="visibility",
            detail={"visibility": rows[bom_id]["visibility"], "shared_with": codes},
            record_digest=record_digest(canonical, spec, rows[bom_id]),
            actor=actor,
            at=now,
        )
        for bom_id, codes in shared.items()
    )
    session.flush()
