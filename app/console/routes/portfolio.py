"""The portfolio: products x destination groups as a matrix of status chips, filtered and
paged, and the latest status changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Response

from app.console.guard import ConsolePage, Reader, runtime_of
from app.console.pages import render
from app.domain import limits
from app.domain.access import Viewer
from app.domain.decision import Decision
from app.domain.errors import InvalidRequestError, Located
from app.domain.paging import MAX_CURSOR_LENGTH
from app.services.portfolio_matrix import PortfolioFilter, portfolio_matrix, recent_status_changes

router = APIRouter(route_class=ConsolePage, include_in_schema=False)

PAGE_SIZE = 25


def _status(asked: str) -> Decision | None:
    if not asked:
        return None
    try:
        return Decision(asked)
    except ValueError:
        choices = ", ".join(decision.value for decision in Decision)
        raise InvalidRequestError(
            "unknown status", [Located("query/status", f"{asked!r} is not one of: {choices}")]
        ) from None


@dataclass(frozen=True, slots=True)
class PortfolioQuery:
    """The filters and the page asked for; an empty field filters nothing."""

    group: Annotated[str, Query(max_length=64)] = ""
    status: Annotated[str, Query(max_length=16)] = ""
    sector: Annotated[str, Query(max_length=limits.SECTOR)] = ""
    organisation: Annotated[str, Query(max_length=limits.ORGANISATION_CODE)] = ""
    name: Annotated[str, Query(max_length=limits.NAME)] = ""
    cursor: Annotated[str, Query(max_length=MAX_CURSOR_LENGTH)] = ""
    limit: Annotated[int, Query(ge=1, le=200)] = PAGE_SIZE

    @property
    def wanted(self) -> PortfolioFilter:
        return PortfolioFilter(
            group=self.group.strip().upper() or None,
            status=_status(self.status),
            sector=self.sector.strip() or None,
            organisation=self.organisation.strip() or None,
            name=self.name.strip() or None,
        )


@router.get("/portfolio")
def portfolio_page(
    request: Request, signed: Reader, asked: Annotated[PortfolioQuery, Depends()]
) -> Response:
    runtime = runtime_of(request)
    viewer = Viewer.of(signed.principal)
    wanted = asked.wanted
    cursor = asked.cursor
    matrix = portfolio_matrix(
        runtime,
        viewer,
        wanted,
        day=dt.datetime.now(dt.UTC).date(),
        cursor=cursor or None,
        limit=asked.limit,
        where="query/cursor",
    )
    filters = {
        "group": wanted.group or "",
        "status": asked.status.strip(),
        "sector": asked.sector.strip(),
        "organisation": asked.organisation.strip(),
        "name": asked.name.strip(),
    }
    kept: dict[str, str | int] = {key: value for key, value in filters.items() if value}
    if asked.limit != PAGE_SIZE:
        kept["limit"] = asked.limit
    next_page = None
    if matrix.page.next_cursor is not None:
        next_page = "/portfolio?" + urlencode({**kept, "cursor": matrix.page.next_cursor})
    return render(
        request,
        "portfolio.html",
        visitor=signed,
        matrix=matrix,
        shown_groups=(wanted.group,) if wanted.group else matrix.groups,
        filters=filters,
        filtered=any(filters.values()),
        first_page="/portfolio?" + urlencode(kept) if cursor else None,
        next_page=next_page,
        changes=recent_status_changes(runtime, viewer),
    )
