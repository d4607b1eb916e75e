"""Classification records in SQL, handed out as domain Classifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import exists, func, or_, select

from app.domain.classification import Classification, ClassificationScope
from app.domain.copying import copied
from app.domain.visibility import BomVisibility
from app.store.boms import visible_condition
from app.store.bulk import CHUNK
from app.store.repository import Repository
from app.store.rows import (
    BomRow,
    ClassificationRow,
    OccurrenceRow,
    OrganisationRow,
    SubjectOwnerRow,
)


def _classification(row: Any) -> Classification:
    return copied(Classification, row, organisation=row.code, scope=ClassificationScope(row.scope))


_COLUMNS = (
    ClassificationRow.id,
    ClassificationRow.component_id,
    ClassificationRow.is_ai,
    ClassificationRow.reason,
    ClassificationRow.expires,
    ClassificationRow.decided_at,
    ClassificationRow.actor,
    ClassificationRow.scope,
    OrganisationRow.code,
)


class ClassificationRepository(Repository):
    def add(
        self,
        *,
        component_id: int,
        is_ai: bool,
        reason: str,
        expires: dt.date | None,
        decided_at: dt.datetime,
        actor: str,
        organisation_id: int,
        scope: ClassificationScope,
    ) -> Classification:
        row = ClassificationRow(
            component_id=component_id,
            is_ai=is_ai,
            reason=reason,
            expires=expires,
            decided_at=decided_at,
            actor=actor,
            organisation_id=organisation_id,
            scope=scope.value,
        )
        self._session.add(row)
        self._session.flush()
        return self._one(row.id)

    def _one(self, classification_id: int) -> Classification:
        query = (
            select(*_COLUMNS)
            .join(OrganisationRow, OrganisationRow.id == ClassificationRow.organisation_id)
            .where(ClassificationRow.id == classification_id)
        )
        return _classification(self._session.execute(query).one())

    def every(self) -> dict[int, list[Classification]]:
        """Every record, by component, oldest first (a small table: what a person decided)."""
        query = (
            select(*_COLUMNS)
            .join(OrganisationRow, OrganisationRow.id == ClassificationRow.organisation_id)
            .order_by(ClassificationRow.decided_at, ClassificationRow.id)
        )
        found: dict[int, list[Classification]] = {}
        for row in self._session.execute(query):
            found.setdefault(row.component_id, []).append(_classification(row))
        return found

    def for_components(self, component_ids: Iterable[int]) -> dict[int, list[Classification]]:
        """Every record of these components, oldest first; one query per chunk of ids, so
        an export check reads a whole product's records at once."""
        ids = sorted(set(component_ids))
        found: dict[int, list[Classification]] = {}
        for start in range(0, len(ids), CHUNK):
            query = (
                select(*_COLUMNS)
                .join(OrganisationRow, OrganisationRow.id == ClassificationRow.organisation_id)
                .where(ClassificationRow.component_id.in_(ids[start : start + CHUNK]))
                .order_by(ClassificationRow.decided_at, ClassificationRow.id)
            )
            for row in self._session.execute(query):
                found.setdefault(row.component_id, []).append(_classification(row))
        return found

    def generation(self) -> tuple[int, int]:
        """Changes whenever a record is added (records are never edited or deleted)."""
        count, newest = self._session.execute(
            select(func.count(), func.max(ClassificationRow.id))
        ).one()
        return int(count), int(newest or 0)

    def generation_for(
        self, visibility: BomVisibility, reached: Collection[int]
    ) -> tuple[int, int]:
        """As `generation`, counting only the records one caller's answers can depend on:
        about a component that a BOM it may see, or one of `reached` (the hidden BOMs its
        products are made of), mentions; global, or speaking for its own organisation or
        for the owner of a product it may see."""
        boms_visible = visible_condition(visibility)
        organisation_id = visibility.organisation_id
        mentioned = exists(
            select(OccurrenceRow.id)
            .join(BomRow, BomRow.id == OccurrenceRow.bom_id)
            .where(
                OccurrenceRow.component_id == ClassificationRow.component_id,
                or_(boms_visible, BomRow.id.in_(sorted(reached))),
            )
        )
        owners = select(SubjectOwnerRow.organisation_id).where(
            SubjectOwnerRow.subject_id.in_(select(BomRow.subject_id).where(boms_visible))
        )
        speaks = or_(
            ClassificationRow.scope == ClassificationScope.GLOBAL.value,
            ClassificationRow.organisation_id == organisation_id,
            ClassificationRow.organisation_id.in_(owners),
        )
        count, newest = self._session.execute(
            select(func.count(), func.max(ClassificationRow.id)).where(speaks, mentioned)
        ).one()
        return int(count), int(newest or 0)
