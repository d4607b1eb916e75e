"""What was decided and done: decision records (listed, and one as a printable page) and
the audit trail, each as the API serves them to the visitor's organisation and roles."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from app.console.guard import Auditor, ConsolePage, DecisionReader, runtime_of
from app.console.pages import pager, render
from app.domain.access import Viewer
from app.domain.audit import TRAIL_KINDS, AuditRecord
from app.domain.decision import Decision
from app.domain.errors import InvalidRequestError, Located
from app.domain.limits import MAX_ID
from app.domain.paging import AUDIT_TRAIL, MAX_CURSOR_LENGTH, Page, PageRequest
from app.services.audit import audit_trail
from app.services.decisions import get_decision, list_decisions

router = APIRouter(route_class=ConsolePage, include_in_schema=False)

PAGE_SIZE = 25
Limit = Annotated[int, Query(ge=1, le=200)]
Cursor = Annotated[str, Query(max_length=MAX_CURSOR_LENGTH)]
_KIND = re.compile(r"[a-z][a-z_]{0,31}")
# How many records one request reads at most looking for those of one kind; past it the
# page says how far it read and offers the next.
SCAN_BUDGET = 2000
_SCAN_CHUNK = 200


def _decision(asked: str) -> str | None:
    if not asked:
        return None
    try:
        return Decision(asked).value
    except ValueError:
        choices = ", ".join(d.value for d in Decision)
        raise InvalidRequestError(
            "unknown decision", [Located("query/decision", f"{asked!r} is not one of: {choices}")]
        ) from None


@router.get("/decisions")
def decisions_page(
    request: Request,
    signed: DecisionReader,
    *,
    product: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    decision: Annotated[str, Query(max_length=16)] = "",
    cursor: Cursor = "",
    limit: Limit = PAGE_SIZE,
) -> Response:
    decision = decision.strip()
    page = list_decisions(
        runtime_of(request),
        Viewer.of(signed.principal),
        product_id=product,
        decision=_decision(decision),
        paging=PageRequest(cursor or None, limit, "query/cursor"),
    )
    filters: dict[str, str | int] = {"product": product or "", "decision": decision}
    kept = {**filters, **({"limit": limit} if limit != PAGE_SIZE else {})}
    return render(
        request,
        "decisions.html",
        visitor=signed,
        page=page,
        decisions=[d.value for d in Decision],
        filters=filters,
        filtered=bool(product or decision),
        pages=pager("/decisions", kept, cursor, page.next_cursor),
    )


@router.get("/decisions/{decision_id}")
def decision_page(
    request: Request,
    signed: DecisionReader,
    decision_id: Annotated[int, Path(ge=1, le=MAX_ID)],
) -> Response:
    answer: dict[str, Any] = get_decision(
        runtime_of(request), decision_id, Viewer.of(signed.principal)
    )
    return render(
        request,
        "decision.html",
        visitor=signed,
        decision_id=decision_id,
        answer=answer,
        verdict=Decision(answer["decision"]),
        decided_at=dt.datetime.fromisoformat(answer["decided_at"]),
    )


def _of_kind(
    request: Request, viewer: Viewer, kind: str, cursor: str | None, limit: int
) -> tuple[Page[AuditRecord], int | None]:
    """A page of `limit` records of one kind after `cursor`, read a chunk of the trail at a
    time; and how many records were read when the budget ran out first (else None)."""
    found: list[AuditRecord] = []
    read, place = 0, cursor
    while True:
        chunk = audit_trail(
            runtime_of(request),
            viewer,
            paging=PageRequest(place, _SCAN_CHUNK, "query/cursor"),
        )
        read += len(chunk.items)
        found.extend(record for record in chunk.items if record.kind == kind)
        place = chunk.next_cursor
        if len(found) > limit:
            last = found[limit - 1]
            following = AUDIT_TRAIL.cursor((last.at, last.kind, last.record_id))
            return Page(tuple(found[:limit]), following), None
        if place is None:
            return Page(tuple(found)), None
        if read >= SCAN_BUDGET:
            return Page(tuple(found), place), read


@router.get("/audit")
def audit_page(
    request: Request,
    signed: Auditor,
    *,
    kind: Annotated[str, Query(max_length=32)] = "",
    cursor: Cursor = "",
    limit: Limit = PAGE_SIZE,
) -> Response:
    kind = kind.strip()
    if kind and not _KIND.fullmatch(kind):
        raise InvalidRequestError(
            "unknown kind of record", [Located("query/kind", f"{kind!r} is not a kind of record")]
        )
    viewer = Viewer.of(signed.principal)
    scanned = None
    if kind:
        page, scanned = _of_kind(request, viewer, kind, cursor or None, limit)
    else:
        page = audit_trail(
            runtime_of(request), viewer, paging=PageRequest(cursor or None, limit, "query/cursor")
        )
    kept: dict[str, str | int] = {"kind": kind, **({"limit": limit} if limit != PAGE_SIZE else {})}
    return render(
        request,
        "audit.html",
        visitor=signed,
        page=page,
        kinds=TRAIL_KINDS,
        kind=kind,
        scanned=scanned,
        pages=pager("/audit", kept, cursor, page.next_cursor),
    )
