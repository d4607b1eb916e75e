"""Stored standings, their changes, and the work that keeps them current, in SQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace

from sqlalchemy import String, delete, exists, func, select, text, type_coerce
from sqlalchemy.orm import Session

from app.domain.decision import Decision
from app.domain.statuses import (
    Cause,
    CauseKind,
    StatusChange,
    StatusWork,
    StoredStatus,
    stored_group_status,
)
from app.domain.visibility import BomVisibility
from app.store.boms import visible_condition
from app.store.bulk import chunks, insert_many
from app.store.conflicts import inserted
from app.store.rows import BomLinkRow, BomRow, table_of
from app.store.rows.statuses import DailyRunRow, ProductStatusRow, StatusChangeRow, StatusWorkRow

_STATUS_COLUMNS = (
    "product_id",
    "destination_group",
    "status",
    "countries",
    "ineligible",
    "reasons",
    "sector",
    "evaluated_on",
    "ruleset_version",
)
_CHANGE_COLUMNS = (
    "product_id",
    "destination_group",
    "old_status",
    "new_status",
    "cause_kind",
    "cause_ref",
    "cause_bom_id",
    "cause_private_to",
    "evaluated_on",
    "at",
)

# One settling pass at a time across every process: the key of the PostgreSQL advisory lock
# it holds to commit (SQLite's single writer already serialises them).
_SETTLING_LOCK = 0x65_78_70_67_73_74  # "expgst"


def _cause(kind: str, ref: str | None, bom_id: int | None, private_to: str | None) -> Cause:
    return Cause(CauseKind(kind), ref, bom_id, private_to)


def _change(row: StatusChangeRow) -> StatusChange:
    return StatusChange(
        id=row.id,
        product_id=row.product_id,
        group=row.destination_group,
        old=None if row.old_status is None else Decision(row.old_status),
        new=None if row.new_status is None else Decision(row.new_status),
        cause=_cause(row.cause_kind, row.cause_ref, row.cause_bom_id, row.cause_private_to),
        evaluated_on=row.evaluated_on,
        at=row.at,
    )


# Beyond this many products, their statuses are read in one pass over the table.
WHOLE_TABLE_FROM = 400


class StatusRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        # Whether this transaction wrote work, so that its commit wakes the settler.
        self.added_work = False

    # -- work ------------------------------------------------------------------------------

    def add_work(self, cause: Cause, seeds: Iterable[int] | None, at: dt.datetime) -> None:
        self._session.add(
            StatusWorkRow(
                cause_kind=cause.kind.value,
                cause_ref=cause.ref,
                cause_bom_id=cause.bom_id,
                cause_private_to=cause.private_to,
                seeds=None if seeds is None else sorted(set(seeds)),
                recorded_at=at,
            )
        )
        self._session.flush()
        self.added_work = True

    def has_work(self) -> bool:
        return bool(self._session.scalar(select(exists().where(StatusWorkRow.id.is_not(None)))))

    def pending_work(self, limit: int) -> list[StatusWork]:
        query = select(StatusWorkRow).order_by(StatusWorkRow.id).limit(limit)
        return [
            StatusWork(
                row.id,
                _cause(row.cause_kind, row.cause_ref, row.cause_bom_id, row.cause_private_to),
                None if row.seeds is None else tuple(row.seeds),
            )
            for row in self._session.scalars(query)
        ]

    def still_waiting(self, ids: Sequence[int]) -> bool:
        """Whether every one of these work items is still waiting (none settled by another
        runner since they were read)."""
        found = 0
        for chunk in chunks(sorted(ids)):
            query = select(func.count()).where(StatusWorkRow.id.in_(chunk))
            found += self._session.scalar(query) or 0
        return found == len(set(ids))

    def remove_work(self, ids: Sequence[int]) -> None:
        for chunk in chunks(sorted(ids)):
            self._session.execute(delete(StatusWorkRow).where(StatusWorkRow.id.in_(chunk)))

    def lock_settling(self) -> bool:
        """Whether this transaction may settle now: on PostgreSQL, whether it took the
        settling lock (held to commit); another process settling means this one need not."""
        if self._session.get_bind().dialect.name != "postgresql":
            return True
        taken = self._session.scalar(
            text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": _SETTLING_LOCK}
        )
        return bool(taken)

    def claim_day(self, day: dt.date, at: dt.datetime) -> bool:
        """Whether this runner is the one to re-evaluate `day` (the first to ask)."""
        return inserted(self._session, DailyRunRow(day=day, started_at=at))

    def last_evaluated_day(self) -> dt.date | None:
        """The latest day statuses were stored for."""
        found: dt.date | None = self._session.scalar(
            select(func.max(ProductStatusRow.evaluated_on))
        )
        return found

    def link_sources(self, serial_number: str) -> list[int]:
        """The components whose BOM-Links name this serial number (any version)."""
        query = select(BomLinkRow.source_id).where(
            func.lower(BomLinkRow.serial_number) == serial_number.lower()
        )
        return sorted(set(self._session.scalars(query)))

    # -- statuses --------------------------------------------------------------------------

    def stored(self, product_ids: Collection[int]) -> dict[int, dict[str, StoredStatus]]:
        """The stored standings of these products, by product and group."""
        found: dict[int, dict[str, StoredStatus]] = {}
        columns = (
            ProductStatusRow.product_id,
            ProductStatusRow.destination_group,
            ProductStatusRow.status,
            ProductStatusRow.countries,
            ProductStatusRow.ineligible,
            ProductStatusRow.reasons,
            ProductStatusRow.sector,
            ProductStatusRow.evaluated_on,
            ProductStatusRow.ruleset_version,
        )
        # Plain rows, not mapped objects: the portfolio reads every product's at once.
        for chunk in chunks(sorted(product_ids)):
            query = select(*columns).where(ProductStatusRow.product_id.in_(chunk))
            for (
                product,
                group,
                status,
                countries,
                ineligible,
                reasons,
                sector,
                on,
                version,
            ) in self._session.execute(query):
                found.setdefault(product, {})[group] = StoredStatus(
                    product,
                    stored_group_status(group, status, countries, ineligible, reasons),
                    sector,
                    on,
                    version,
                )
        return found

    def stored_decisions(
        self, product_ids: Collection[int]
    ) -> dict[int, dict[str, tuple[str, str]]]:
        """Only each stored standing's status and the day it is for (ISO 8601), by product
        and group: what counting the whole portfolio needs, without countries and reasons."""
        found: dict[int, dict[str, tuple[str, str]]] = {}
        columns = (
            ProductStatusRow.product_id,
            ProductStatusRow.destination_group,
            ProductStatusRow.status,
            # The day as the database writes it, unparsed: ten thousand rows are compared
            # with one day, not read as dates.
            type_coerce(ProductStatusRow.evaluated_on, String),
        )
        wanted = set(product_ids)
        # Many products: one pass over the table beats thousands of bound identifiers.
        queries = (
            [select(*columns)]
            if len(wanted) > WHOLE_TABLE_FROM
            else [
                select(*columns).where(ProductStatusRow.product_id.in_(chunk))
                for chunk in chunks(sorted(wanted))
            ]
        )
        for query in queries:
            for product, group, status, on in self._session.execute(query):
                if product in wanted:
                    found.setdefault(product, {})[group] = (status, str(on))
        return found

    def products_with_status(self) -> set[int]:
        return set(self._session.scalars(select(ProductStatusRow.product_id).distinct()))

    def replace(self, statuses: Mapping[int, Sequence[StoredStatus]], at: dt.datetime) -> None:
        """Each product's standings become exactly those given (none: it is no product any
        more); one statement per chunk, as a settling pass replaces hundreds at once."""
        for chunk in chunks(sorted(statuses)):
            self._session.execute(
                delete(ProductStatusRow).where(ProductStatusRow.product_id.in_(chunk))
            )
        insert_many(
            self._session,
            table_of(ProductStatusRow),
            _STATUS_COLUMNS,
            (
                (
                    product_id,
                    stored.status.group,
                    stored.status.decision.value,
                    list(stored.status.destinations),
                    list(stored.status.ineligible),
                    [reason.value for reason in stored.status.reasons],
                    stored.sector,
                    stored.evaluated_on,
                    stored.ruleset_version,
                )
                for product_id in sorted(statuses)
                for stored in statuses[product_id]
            ),
            shared={"updated_at": at},
        )

    # -- changes ---------------------------------------------------------------------------

    def add_changes(self, changes: Sequence[StatusChange]) -> list[StatusChange]:
        """Record the changes of one settling pass (each product and group at most once);
        each as recorded, with its id."""
        returned = insert_many(
            self._session,
            table_of(StatusChangeRow),
            _CHANGE_COLUMNS,
            (
                (
                    change.product_id,
                    change.group,
                    None if change.old is None else change.old.value,
                    None if change.new is None else change.new.value,
                    change.cause.kind.value,
                    change.cause.ref,
                    change.cause.bom_id,
                    change.cause.private_to,
                    change.evaluated_on,
                    change.at,
                )
                for change in changes
            ),
            returning=("id", "product_id", "destination_group"),
        )
        ids = {(product, group): id_ for id_, product, group in returned}
        if len(ids) != len(changes):
            raise ValueError("a settling pass records each product and group at most once")
        return [replace(c, id=ids[c.product_id, c.group]) for c in changes]

    def changes(
        self,
        *,
        after_id: int | None,
        limit: int | None,
        visible_to: BomVisibility | None,
        product_id: int | None = None,
        group: str | None = None,
        since: dt.datetime | None = None,
        newest_first: bool = False,
    ) -> list[StatusChange]:
        """Status changes in the order they were recorded (or the reverse), of products the
        reader may know: those a BOM it may see (current or not) describes."""
        order = StatusChangeRow.id.desc() if newest_first else StatusChangeRow.id
        query = select(StatusChangeRow).order_by(order)
        if visible_to is not None:
            described = select(BomRow.subject_id).where(visible_condition(visible_to))
            query = query.where(StatusChangeRow.product_id.in_(described))
        if after_id is not None:
            newer = StatusChangeRow.id > after_id
            query = query.where(StatusChangeRow.id < after_id if newest_first else newer)
        if product_id is not None:
            query = query.where(StatusChangeRow.product_id == product_id)
        if group is not None:
            query = query.where(StatusChangeRow.destination_group == group)
        if since is not None:
            query = query.where(StatusChangeRow.at >= since)
        if limit is not None:
            query = query.limit(limit)
        return [_change(row) for row in self._session.scalars(query)]

    def described_for(self, visible_to: BomVisibility, product_ids: Collection[int]) -> set[int]:
        """Those of the products that a BOM the reader may see (current or not) describes."""
        found: set[int] = set()
        for chunk in chunks(sorted(product_ids)):
            query = (
                select(BomRow.subject_id)
                .where(BomRow.subject_id.in_(chunk), visible_condition(visible_to))
                .distinct()
            )
            found.update(self._session.scalars(query))
        return found
