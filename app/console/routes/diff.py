"""Two BOMs of one product compared: the components and AI components one has and the other
not, and the blockers that appear or disappear for a destination and date, each BOM taken as
the current one. As `GET /api/v1/boms/{old}/diff/{new}` answers it, with the same redaction;
a BOM the visitor's organisation may not see does not exist here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.console.guard import ConsolePage, Reader, runtime_of
from app.console.pages import render
from app.domain.access import Viewer
from app.domain.limits import MAX_ID
from app.domain.product_slice import Question
from app.services.diff import ChangedBlocker, ChangedComponent, diff_boms

router = APIRouter(route_class=ConsolePage, include_in_schema=False)

BomNumber = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/boms/{bom_id}/diff")
def diff_page(
    request: Request,
    signed: Reader,
    bom_id: BomNumber,
    *,
    against: Annotated[int, Query(ge=1, le=MAX_ID, description="The older BOM")],
    to: Annotated[str, Query(pattern="^[A-Za-z]{2}$")] = "DE",
    on: dt.date | None = None,
) -> Response:
    day = on or dt.datetime.now(dt.UTC).date()
    diff = diff_boms(
        runtime_of(request), against, bom_id, Question(to.upper(), day), Viewer.of(signed.principal)
    )
    return render(
        request,
        "diff.html",
        visitor=signed,
        diff=diff,
        asked={"to": to.upper(), "on": day.isoformat()},
        added=_components(diff.added),
        removed=_components(diff.removed),
        ai_added=[c for c in diff.added if c.is_ai],
        ai_removed=[c for c in diff.removed if c.is_ai],
        blockers_added=_blockers(diff.blockers_added),
        blockers_removed=_blockers(diff.blockers_removed),
    )


@dataclass(frozen=True, slots=True)
class Change:
    """One line of the comparison: what it names, its identity when the visitor may see it,
    and a word about it (AI, or the blocker's reason)."""

    name: str
    identity: str | None
    tag: str


def _components(found: tuple[ChangedComponent, ...]) -> list[Change]:
    return [Change(c.name, c.identity, "AI" if c.is_ai else "") for c in found]


def _blockers(found: tuple[ChangedBlocker, ...]) -> list[Change]:
    return [Change(b.component, b.identity, b.reason) for b in found]
