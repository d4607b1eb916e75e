"""BOMs in SQL: stored whole, listed, found, shared, ended; which are current, and which a
reader may see inside."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, case, delete, func, or_, select, true
from sqlalchemy.exc import IntegrityError

from app.domain.copying import copied, fields_of
from app.domain.portfolio import BomFacts
from app.domain.stored import BomEnding, BomRecord, NewBom
from app.domain.visibility import BomVisibility
from app.store.bulk import chunks
from app.store.conflicts import inserted
from app.store.documents import unpack_document
from app.store.records import bom_record, ending_record
from app.store.repository import Repository
from app.store.rows import (
    BomEndingRow,
    BomRow,
    BomShareRow,
    ComponentRow,
    OccurrenceRow,
)

# A condition selecting BOMs, for the store's own queries (see `visible_condition`).
BomFilter = ColumnElement[bool]


class DocumentAlreadyStoredError(Exception):
    """Another transaction stored the same bytes first; the insert was undone, the rest of
    the caller's transaction stands, and ending it is the caller's business."""

    def __init__(self, sha256: str) -> None:
        super().__init__(sha256)
        self.sha256 = sha256


def visible_condition(visibility: BomVisibility) -> BomFilter:
    """A condition on BomRow: the reader's organisation's own BOMs, public ones, and those
    shared with it; every BOM for an administrator."""
    if visibility.is_admin:
        return true()
    organisation_id = visibility.organisation_id
    shared = select(BomShareRow.bom_id).where(BomShareRow.organisation_id == organisation_id)
    return or_(
        BomRow.organisation_id == organisation_id,
        BomRow.visibility == "public",
        BomRow.id.in_(shared),
    )


def visible_bom_ids(visibility: BomVisibility) -> Select[Any]:
    return select(BomRow.id).where(visible_condition(visibility))


def current_bom_ids(subjects: Sequence[int] | None = None) -> Select[tuple[int]]:
    """Every current BOM (PRODUCT.md section 3, BOM lineage): a lineage is one serial number
    of one subject and owner, its current BOM the one of highest `version` (every one of
    them, should two documents claim the same version: the stricter union, and the same
    whatever order they came in); BOMs without a serial number form one lineage per subject
    and owner, each replacing the last. A superseded or retired BOM is current no more.
    Of `subjects` only, when given: a lineage is one subject's, so they rank alike."""
    lineage = (BomRow.subject_id, BomRow.organisation_id, BomRow.serial_number)
    ranking = select(
        BomRow.id,
        BomRow.serial_number,
        func.rank().over(partition_by=lineage, order_by=BomRow.bom_version.desc()).label("rank"),
        func.row_number().over(partition_by=lineage, order_by=BomRow.id.desc()).label("latest"),
    )
    if subjects is not None:
        ranking = ranking.where(BomRow.subject_id.in_(subjects))
    ranked = ranking.subquery("ranked_boms")
    head = case((ranked.c.serial_number.is_(None), ranked.c.latest), else_=ranked.c.rank)
    return select(ranked.c.id).where(head == 1, ranked.c.id.not_in(select(BomEndingRow.bom_id)))


class BomRepository(Repository):
    def visible_ids(self, visibility: BomVisibility) -> list[int]:
        return list(self._session.scalars(visible_bom_ids(visibility)))

    def is_visible(self, bom_id: int, visibility: BomVisibility) -> bool:
        query = select(func.count()).where(BomRow.id == bom_id, visible_condition(visibility))
        return bool(self._session.scalar(query))

    def set_visibility(self, bom_id: int, visibility: str, share_with: list[int]) -> None:
        row = self._session.get(BomRow, bom_id)
        if row is None:
            return
        row.visibility = visibility
        self._session.execute(delete(BomShareRow).where(BomShareRow.bom_id == bom_id))
        self._session.add_all(
            BomShareRow(bom_id=bom_id, organisation_id=organisation) for organisation in share_with
        )
        self._session.flush()

    def shared_with(self, bom_ids: Iterable[int]) -> dict[int, list[int]]:
        """The organisations each BOM is shared with, for many BOMs in one query."""
        found: dict[int, list[int]] = {}
        for chunk in chunks(sorted(set(bom_ids))):
            query = select(BomShareRow.bom_id, BomShareRow.organisation_id).where(
                BomShareRow.bom_id.in_(chunk)
            )
            for bom_id, organisation in self._session.execute(query):
                found.setdefault(bom_id, []).append(organisation)
        return {bom_id: sorted(organisations) for bom_id, organisations in found.items()}

    def find_by_sha256(self, sha256: str, organisation_id: int | None) -> BomRecord | None:
        """The organisation's own BOM of these bytes: the same bytes are one BOM per
        organisation, and another organisation's copy is none of the caller's business."""
        owner = (
            BomRow.organisation_id.is_(None)
            if organisation_id is None
            else BomRow.organisation_id == organisation_id
        )
        row = self._session.scalars(
            select(BomRow).where(BomRow.sha256 == sha256, owner).order_by(BomRow.id).limit(1)
        ).one_or_none()
        return None if row is None else bom_record(row)

    def get(self, bom_id: int) -> BomRecord | None:
        row = self._session.get(BomRow, bom_id)
        return None if row is None else bom_record(row)

    def of_subject(self, subject_id: int) -> list[BomRecord]:
        query = select(BomRow).where(BomRow.subject_id == subject_id)
        return [bom_record(row) for row in self._session.scalars(query)]

    def many(self, bom_ids: Iterable[int]) -> list[BomRecord]:
        ids = sorted(set(bom_ids))
        found: list[BomRecord] = []
        for chunk in chunks(ids):
            rows = self._session.scalars(select(BomRow).where(BomRow.id.in_(chunk)))
            found.extend(bom_record(row) for row in rows)
        return found

    def publishers(self, bom_ids: Iterable[int]) -> dict[int, tuple[int | None, str | None]]:
        """Each BOM's organisation and the sector it names, as plain values: a page of the
        portfolio reads them for every product, and needs nothing else of the BOM."""
        found: dict[int, tuple[int | None, str | None]] = {}
        for chunk in chunks(sorted(set(bom_ids))):
            query = select(BomRow.id, BomRow.organisation_id, BomRow.sector)
            found.update(
                (bom_id, (organisation, sector))
                for bom_id, organisation, sector in self._session.execute(
                    query.where(BomRow.id.in_(chunk))
                )
            )
        return found

    def document(self, bom_id: int) -> bytes | None:
        """The document exactly as uploaded."""
        found = self._session.execute(
            select(BomRow.document_encoding, BomRow.document).where(BomRow.id == bom_id)
        ).one_or_none()
        return None if found is None else unpack_document(*found)

    def add(self, bom: NewBom) -> int:
        """Insert a document, and its id; DocumentAlreadyStoredError when a concurrent upload
        of the same bytes committed first (the unique SHA-256 decides, not a prior read).
        The insert runs in a savepoint: a refused one is undone alone, and the caller's
        transaction is left for the caller to end."""
        row = BomRow(**fields_of(bom))
        try:
            with self._session.begin_nested():
                self._session.add(row)
                self._session.flush()
        except IntegrityError as error:
            if self.find_by_sha256(bom.sha256, bom.organisation_id) is not None:
                raise DocumentAlreadyStoredError(bom.sha256) from error
            raise
        return row.id

    def page(
        self,
        *,
        subject_id: int | None,
        after_id: int,
        limit: int | None,
        visible_to: BomVisibility | None = None,
    ) -> list[BomRecord]:
        query = select(BomRow).where(BomRow.id > after_id)
        if visible_to is not None and not visible_to.is_admin:
            query = query.where(visible_condition(visible_to))
        if subject_id is not None:
            query = query.where(BomRow.subject_id == subject_id)
        rows = self._session.scalars(query.order_by(BomRow.id).limit(limit))
        return [bom_record(row) for row in rows]

    def current_of_subject(self, subject_id: int) -> list[BomRecord]:
        """The subject's current BOMs, in id order."""
        query = (
            select(BomRow)
            .where(BomRow.subject_id == subject_id, BomRow.id.in_(current_bom_ids()))
            .order_by(BomRow.id)
        )
        return [bom_record(row) for row in self._session.scalars(query)]

    def facts(self, bom_ids: Iterable[int]) -> list[BomFacts]:
        """What each BOM says about its subject beyond its parts, in id order."""
        ids = sorted(set(bom_ids))
        rows: list[BomRow] = []
        for chunk in chunks(ids):
            rows.extend(self._session.scalars(select(BomRow).where(BomRow.id.in_(chunk))))
        return [
            copied(
                BomFacts,
                row,
                bom_id=row.id,
                version=row.bom_version,
                incomplete_aggregates=tuple(row.incomplete_aggregates),
                uploaded_on=row.uploaded_at.date(),
            )
            for row in sorted(rows, key=lambda r: r.id)
        ]

    def end(self, ending: BomEnding) -> bool:
        """Record that a BOM stopped being current (superseded or retired); never more than
        once: False, with nothing written, when it has ended already (a concurrent request
        just ended it)."""
        return inserted(
            self._session,
            BomEndingRow(**fields_of(ending)),
        )

    def ending(self, bom_id: int) -> BomEnding | None:
        row = self._one_row(BomEndingRow, BomEndingRow.bom_id == bom_id)
        return None if row is None else ending_record(row)

    def endings(self, bom_ids: Iterable[int]) -> dict[int, BomEnding]:
        found: dict[int, BomEnding] = {}
        for chunk in chunks(sorted(set(bom_ids))):
            query = select(BomEndingRow).where(BomEndingRow.bom_id.in_(chunk))
            found.update((row.bom_id, ending_record(row)) for row in self._session.scalars(query))
        return found

    def mentioned_by(
        self,
        product_id: int,
        subject_ids: Collection[int],
        component_ids: Collection[int],
        day: dt.date,
    ) -> frozenset[int] | None:
        """Of these components, those that BOMs of these subjects uploaded on or before
        `day` mention; None when no BOM of the product itself had been uploaded by then."""
        until = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        first = self._session.scalar(
            select(func.count()).where(BomRow.subject_id == product_id, BomRow.uploaded_at < until)
        )
        if not first:
            return None
        earlier = select(BomRow.id).where(
            BomRow.subject_id.in_(sorted(set(subject_ids))), BomRow.uploaded_at < until
        )
        found: set[int] = set()
        for chunk in chunks(sorted(set(component_ids))):
            query = (
                select(OccurrenceRow.component_id)
                .where(OccurrenceRow.component_id.in_(chunk), OccurrenceRow.bom_id.in_(earlier))
                .distinct()
            )
            found.update(self._session.scalars(query))
        return frozenset(found)

    def digests(self, bom_ids: Iterable[int]) -> dict[int, str]:
        ids = sorted(set(bom_ids))
        found: dict[int, str] = {}
        for chunk in chunks(ids):
            query = select(BomRow.id, BomRow.sha256).where(BomRow.id.in_(chunk))
            found.update((bom_id, sha256) for bom_id, sha256 in self._session.execute(query))
        return found

    def subject_names(self, bom_ids: Iterable[int]) -> dict[int, str]:
        ids = sorted(set(bom_ids))
        names: dict[int, str] = {}
        for chunk in chunks(ids):
            query = (
                select(BomRow.id, ComponentRow.name, ComponentRow.version)
                .join(ComponentRow, ComponentRow.id == BomRow.subject_id)
                .where(BomRow.id.in_(chunk))
            )
            for bom_id, name, version in self._session.execute(query):
                names[bom_id] = f"{name}@{version}" if version else name
        return names
