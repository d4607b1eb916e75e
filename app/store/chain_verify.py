"""Checking the audit chain against itself and against the records it vouches for: every
entry's hash and link recomputed, every audited row's digest recomputed from the row as it
stands, and every audited row looked for in the chain."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.audit import ChainProblem, ChainVerification
from app.store.chain import load_rows, shares_by_bom
from app.store.chain_kinds import AUDITED, GENESIS, Canonical, entry_hash, plain, record_digest
from app.store.rows import ReviewerChangeRow, ReviewerRow
from app.store.rows.chain import ChainEntryRow, RecordChangeRow

# A reviewer body's fields, which its latest reviewer change must hold too.
_REVIEWER_FIELDS = ("name", "public_key", "accreditations")

_BATCH = 5_000


@dataclass(slots=True)
class _Expected:
    seq: int  # the entry (or the latest change's entry) that says what the record must be
    digest: str | None  # None: a change removed the record


def verify_chain(session: Session, canonical: Canonical) -> ChainVerification:
    # One snapshot for the chain and the records: a writer committing halfway through the
    # check must not look like a record without an entry (SQLite reads one snapshot anyway).
    if session.get_bind().dialect.name == "postgresql" and not session.in_transaction():
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    expected: dict[tuple[str, int], _Expected] = {}
    walked = _walk(session, canonical, expected)
    if isinstance(walked, ChainProblem):
        count = session.scalar(select(ChainEntryRow.seq).order_by(ChainEntryRow.seq.desc()))
        return ChainVerification(int(count or 0), "", (walked,))
    entries, head = walked
    _apply_changes(session, expected)
    problems = _compare_records(session, canonical, expected)
    problems += _compare_reviewers(session, expected)
    problems += _compare_shares(session, expected)
    ordered = sorted(problems, key=lambda found: (found.seq is None, found.seq or 0))
    return ChainVerification(entries, head, tuple(ordered))


def _walk(
    session: Session, canonical: Canonical, expected: dict[tuple[str, int], _Expected]
) -> tuple[int, str] | ChainProblem:
    """Each entry in order: numbered one after the other, linked to the one before, and
    hashed over its own fields. The first break ends the walk: what follows is unanchored."""
    running, count = GENESIS, 0
    for entry in _entries(session):
        count += 1
        if entry.seq != count:
            return ChainProblem(
                "broken_link",
                count,
                entry.kind,
                entry.record_id,
                f"expected entry {count} next, found entry {entry.seq}: an entry was removed "
                "or inserted",
            )
        if entry.prev_hash != running:
            return ChainProblem(
                "broken_link",
                entry.seq,
                entry.kind,
                entry.record_id,
                "its previous hash is not the hash of the entry before: an entry was "
                "removed, inserted or reordered",
            )
        recomputed = entry_hash(
            canonical,
            seq=entry.seq,
            kind=entry.kind,
            record_id=entry.record_id,
            digest=entry.record_digest,
            at=entry.at,
            actor=entry.actor,
            prev=entry.prev_hash,
        )
        if recomputed != entry.hash:
            return ChainProblem(
                "entry_altered",
                entry.seq,
                entry.kind,
                entry.record_id,
                "the entry's fields do not hash to its stored hash",
            )
        running = entry.hash
        expected[(entry.kind, entry.record_id)] = _Expected(entry.seq, entry.record_digest)
    return count, running


def _entries(session: Session) -> Iterator[ChainEntryRow]:
    """Every entry in sequence order, read a batch at a time."""
    last: int | None = None
    while True:
        query = select(ChainEntryRow).order_by(ChainEntryRow.seq).limit(_BATCH)
        if last is not None:
            query = query.where(ChainEntryRow.seq > last)
        batch = list(session.scalars(query))
        yield from batch
        if len(batch) < _BATCH:
            return
        last = batch[-1].seq
        session.expunge_all()


def _apply_changes(session: Session, expected: dict[tuple[str, int], _Expected]) -> None:
    """A record changed in place must now match its latest chained change's digest."""
    query = select(
        RecordChangeRow.id,
        RecordChangeRow.record_kind,
        RecordChangeRow.record_id,
        RecordChangeRow.record_digest,
    )
    for change_id, kind, record_id, digest in session.execute(query):
        change = expected.get(("record_change", change_id))
        target = expected.get((kind, record_id))
        # An unchained change counts for nothing (it is reported as unchained itself).
        if change is not None and target is not None and change.seq > target.seq:
            expected[(kind, record_id)] = _Expected(change.seq, digest)


def _compare_records(
    session: Session, canonical: Canonical, expected: dict[tuple[str, int], _Expected]
) -> list[ChainProblem]:
    problems: list[ChainProblem] = []
    seen: set[tuple[str, int]] = set()
    for spec in AUDITED:
        for values in load_rows(session, spec):
            record = (spec.kind, int(values[spec.key]))
            seen.add(record)
            want = expected.get(record)
            if want is None:
                problems.append(
                    ChainProblem(
                        "unchained",
                        None,
                        *record,
                        "an audited row that no chain entry vouches for: inserted directly",
                    )
                )
            elif want.digest is None:
                problems.append(
                    ChainProblem(
                        "record_altered",
                        want.seq,
                        *record,
                        "the chain recorded its removal, yet the row is there",
                    )
                )
            elif record_digest(canonical, spec, values) != want.digest:
                problems.append(
                    ChainProblem(
                        "record_altered",
                        want.seq,
                        *record,
                        "the row no longer matches the digest the chain recorded "
                        f"(columns {', '.join(spec.columns)})",
                    )
                )
    for record, want in expected.items():
        if record not in seen and want.digest is not None:
            problems.append(
                ChainProblem(
                    "record_deleted",
                    want.seq,
                    *record,
                    "the chain vouches for a row that is not there",
                )
            )
    return problems


def _compare_reviewers(
    session: Session, expected: dict[tuple[str, int], _Expected]
) -> list[ChainProblem]:
    """A reviewer body's row is rewritten in place on every change, each change kept as a
    chained reviewer change: the row must hold what its latest change says (a swapped
    public key would verify forged signatures). A body with no change kept (recorded
    before changes were) cannot be compared."""
    latest = (
        select(ReviewerChangeRow.reviewer_code, func.max(ReviewerChangeRow.id).label("id"))
        .group_by(ReviewerChangeRow.reviewer_code)
        .subquery()
    )
    query = (
        select(ReviewerRow, ReviewerChangeRow)
        .join(latest, latest.c.reviewer_code == ReviewerRow.code)
        .join(ReviewerChangeRow, ReviewerChangeRow.id == latest.c.id)
        .order_by(ReviewerRow.id)
    )
    problems: list[ChainProblem] = []
    for reviewer, change in session.execute(query):
        differ = [
            field
            for field in _REVIEWER_FIELDS
            if plain(getattr(reviewer, field)) != plain(getattr(change, field))
        ]
        if differ:
            entry = expected.get(("reviewer", reviewer.id))
            problems.append(
                ChainProblem(
                    "record_altered",
                    entry.seq if entry is not None else None,
                    "reviewer",
                    reviewer.id,
                    f"its {' and '.join(differ)} {'differ' if len(differ) > 1 else 'differs'} "
                    f"from its latest reviewer change ({change.id})",
                )
            )
    return problems


def _compare_shares(
    session: Session, expected: dict[tuple[str, int], _Expected]
) -> list[ChainProblem]:
    """Who else sees inside a private BOM is kept beside it and replaced whole on each
    visibility change: a BOM's shares must be those its latest chained visibility change
    names, and none before any (a share slipped in would open the BOM to another
    organisation)."""
    chained = {change_id for (kind, change_id), _ in expected.items() if kind == "record_change"}
    query = (
        select(RecordChangeRow.id, RecordChangeRow.record_id, RecordChangeRow.detail)
        .where(RecordChangeRow.record_kind == "bom", RecordChangeRow.change == "visibility")
        .order_by(RecordChangeRow.id)
    )
    named: dict[int, list[str]] = {}
    for change_id, bom_id, detail in session.execute(query):
        if change_id in chained:
            named[bom_id] = sorted(detail.get("shared_with", []))
    shared = shares_by_bom(session)
    problems: list[ChainProblem] = []
    for bom_id in sorted(set(shared) | set(named)):
        if shared.get(bom_id, []) != named.get(bom_id, []):
            entry = expected.get(("bom", bom_id))
            problems.append(
                ChainProblem(
                    "record_altered",
                    entry.seq if entry is not None else None,
                    "bom",
                    bom_id,
                    f"shared with {shared.get(bom_id, []) or 'nobody'}, but its latest "
                    f"visibility change says {named.get(bom_id, []) or 'nobody'}",
                )
            )
    return problems
