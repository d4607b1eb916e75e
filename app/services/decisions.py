"""Decision records as auditors read them: one as it was answered, or a list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.domain.access import Viewer
from app.domain.copying import copied
from app.domain.errors import NotFoundError
from app.domain.paging import DECISIONS, WHOLE_LIST, Page, PageRequest, read_limit
from app.domain.stored import DecisionRecord
from app.services.visibility import bom_visibility, redacted_answer, shows_any_bom, visible_boms

if TYPE_CHECKING:
    from app.services.runtime import Runtime


def get_decision(
    runtime: Runtime, decision_id: int, viewer: Viewer | None = None
) -> dict[str, Any]:
    """A stored decision as it was answered; for a caller who may not see every BOM, the
    same redaction as the live answer, and not found unless it may see the product."""
    with runtime.reading() as uow:
        row = uow.decisions.get(decision_id)
        visible = visible_boms(uow, viewer)
        seen = row is not None and shows_any_bom(
            visible, (b.id for b in uow.boms.of_subject(row.product_id))
        )
    if row is None or not seen:
        raise NotFoundError(f"no decision record {decision_id}")
    answer = dict(row.answer) if visible is None else redacted_answer(row.answer, visible)
    return {**answer, "decided_at": row.decided_at.isoformat(), "chain_head": row.chain_head}


@dataclass(frozen=True, slots=True)
class DecisionSummary:
    """One decision record as an auditor lists them: what was asked, answered, and when."""

    id: int
    product_id: int
    destination: str
    date: dt.date
    sector: str | None
    ruleset: str
    decision: str
    evidence_sha256: str
    decided_at: dt.datetime
    chain_head: str | None


def list_decisions(
    runtime: Runtime,
    viewer: Viewer | None,
    *,
    product_id: int | None = None,
    decision: str | None = None,
    paging: PageRequest = WHOLE_LIST,
) -> Page[DecisionSummary]:
    """Decision records in the order they were made, about products the viewer may see: a
    page of `limit` after `cursor`."""
    after = DECISIONS.after(paging.cursor, paging.where)
    with runtime.reading() as uow:
        found = uow.decisions.page(
            product_id=product_id,
            decision=decision,
            after_id=after or 0,
            limit=read_limit(paging.limit),
            visible_to=bom_visibility(uow, viewer),
        )
    return DECISIONS.page(found, paging.limit, lambda row: row.id).map(_summary)


def _summary(record: DecisionRecord) -> DecisionSummary:
    return copied(DecisionSummary, record, date=record.on_date, ruleset=record.ruleset_version)
