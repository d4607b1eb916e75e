"""Rendering a console page: the templates (autoescaped), dates as ISO with a relative
hint, and the headers every page carries."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined

from app.domain.access import READERS, Role
from app.domain.decision import Decision
from app.services.console_sessions import SignedIn

# Pages are for one person: never stored by a shared cache, never framed by another site,
# and nothing loaded from anywhere but this server.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
        "form-action 'self'; base-uri 'none'"
    ),
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}

# Status chips say their status in words, never by colour alone.
STATUS_WORDS = {
    Decision.ELIGIBLE: "eligible",
    Decision.INELIGIBLE: "ineligible",
    Decision.NOT_IN_SCOPE: "not in scope",
}

# The pages that exist, in the order the navigation shows them, each with the roles that
# may read it (administrators always; None: every signed-in visitor). A visitor is shown
# only the pages its roles open, as the API admits them.
NAVIGATION: tuple[tuple[str, str, frozenset[Role] | None], ...] = (
    ("/portfolio", "Portfolio", READERS),
    ("/certificates", "Certificates", None),
    ("/decisions", "Decisions", frozenset({Role.AUDITOR, Role.INTEGRATOR})),
    ("/audit", "Audit", frozenset({Role.AUDITOR})),
    ("/upload", "Upload", frozenset({Role.INTEGRATOR})),
    # No role but administration's own: `may` admits administrators to every page.
    ("/admin", "Administration", frozenset()),
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso_moment(moment: dt.datetime) -> str:
    """A time as people read ISO 8601: to the minute, in UTC."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def relative_hint(moment: dt.datetime, now: dt.datetime | None = None) -> str:
    """How long ago (or how soon) a moment is, roughly: '5 minutes ago', 'in 3 days'."""
    seconds = ((now or _now()) - moment).total_seconds()
    ahead, seconds = seconds < 0, abs(seconds)
    if seconds < 60:
        return "just now"
    for size, unit in ((86400 * 365, "year"), (86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            count = int(seconds // size)
            words = f"{count} {unit}{'' if count == 1 else 's'}"
            return f"in {words}" if ahead else f"{words} ago"
    return "just now"  # pragma: no cover - every moment a minute away is matched above


def day_hint(day: dt.date, today: dt.date | None = None) -> str:
    """How far a day is from today: 'today', '3 days ago', 'in 2 months'."""
    days = (day - (today or _now().date())).days
    if days == 0:
        return "today"
    size, unit = next(
        (size, unit)
        for size, unit in ((365, "year"), (30, "month"), (1, "day"))
        if abs(days) >= size
    )
    count = abs(days) // size
    words = f"{count} {unit}{'' if count == 1 else 's'}"
    return f"in {words}" if days > 0 else f"{words} ago"


def pager(
    path: str, kept: dict[str, str | int], cursor: str | None, next_cursor: str | None
) -> dict[str, str | None]:
    """The links of a paged list: back to its first page (once past it) and to the next
    one (when there is one), each keeping the filters asked."""
    query = {key: value for key, value in kept.items() if value not in ("", None)}
    return {
        "first": path + ("?" + urlencode(query) if query else "") if cursor else None,
        "next": path + "?" + urlencode({**query, "cursor": next_cursor}) if next_cursor else None,
    }


_templates = Environment(
    loader=PackageLoader("app.console", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_templates.filters["iso"] = iso_moment
_templates.filters["relative"] = relative_hint
_templates.filters["day_hint"] = day_hint
_templates.globals["status_words"] = STATUS_WORDS


def render(
    request: Request,
    template: str,
    *,
    visitor: SignedIn | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """The page, with the visitor's organisation and roles in its header (none on the
    sign-in page), and the navigation."""
    html = _templates.get_template(template).render(
        request_path=request.url.path,
        visitor=visitor,
        navigation=[
            (href, label)
            for href, label, roles in NAVIGATION
            if visitor is not None and (roles is None or visitor.principal.may(roles))
        ],
        **context,
    )
    return HTMLResponse(html, status_code=status_code, headers=PAGE_HEADERS)
