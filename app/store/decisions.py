"""Decision records in SQL: each check kept as answered, never edited, listed in order."""

from __future__ import annotations

from sqlalchemy import select

from app.domain.copying import copied, fields_of
from app.domain.signed_records import RecordSignature
from app.domain.stored import DecisionRecord, NewDecision
from app.domain.visibility import BomVisibility
from app.store.boms import visible_condition
from app.store.repository import Repository
from app.store.rows import BomRow, DecisionRow


def _record(row: DecisionRow) -> DecisionRecord:
    return copied(DecisionRecord, row)


class DecisionRepository(Repository):
    def reserve(self, decision: NewDecision) -> int:
        """Insert the record with an empty answer, and its id: the answer names its own
        record, so it is written once the id is known (`keep_answer`)."""
        row = DecisionRow(**fields_of(decision), answer={})
        self._session.add(row)
        self._session.flush()
        return row.id

    def keep_answer(self, decision_id: int, answer: dict[str, object]) -> None:
        row = self._session.get(DecisionRow, decision_id)
        if row is None:  # pragma: no cover - reserved in this transaction
            raise LookupError(decision_id)
        row.answer = answer
        self._session.flush()

    def sign(self, decision_id: int, signature: RecordSignature) -> None:
        row = self._session.get(DecisionRow, decision_id)
        if row is None:  # pragma: no cover - reserved in this transaction
            raise LookupError(decision_id)
        row.signature, row.signing_key_id = signature.value, signature.key_id
        self._session.flush()

    def signature_of(self, decision_id: int) -> RecordSignature | None:
        """The record's signature; None for a record made before records were signed."""
        row = self._session.get(DecisionRow, decision_id)
        if row is None or row.signature is None or row.signing_key_id is None:
            return None
        return RecordSignature(row.signing_key_id, row.signature)

    def get(self, decision_id: int) -> DecisionRecord | None:
        row = self._session.get(DecisionRow, decision_id)
        return None if row is None else _record(row)

    def page(
        self,
        *,
        product_id: int | None,
        decision: str | None,
        after_id: int,
        limit: int | None,
        visible_to: BomVisibility | None,
    ) -> list[DecisionRecord]:
        """Decision records in the order they were made; with `visible_to`, those about
        products the reader may see a BOM of."""
        query = select(DecisionRow).where(DecisionRow.id > after_id)
        if product_id is not None:
            query = query.where(DecisionRow.product_id == product_id)
        if decision is not None:
            query = query.where(DecisionRow.decision == decision)
        if visible_to is not None and not visible_to.is_admin:
            seen = select(BomRow.subject_id).where(visible_condition(visible_to))
            query = query.where(DecisionRow.product_id.in_(seen))
        rows = self._session.scalars(query.order_by(DecisionRow.id).limit(limit))
        return [_record(row) for row in rows]
