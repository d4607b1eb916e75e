"""A component's certificates on a time line, drawn as an SVG picture: one row per
certificate, its span from issue to expiry, each recorded status event as a mark on it, and
today as a line across every row.

The picture is drawn only from the certificates it is given (registry data every signed-in
visitor may read), so it can show nothing else. Every mark carries a `<title>` (a tooltip
and what a screen reader says), the picture its own title and description, and the page
repeats it all as a table. Standard library only: the template embeds the string as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final
from xml.sax.saxutils import escape, quoteattr

from app.domain.registry import Certificate

_WIDTH: Final = 760
_LABEL: Final = 180
_RIGHT: Final = 24
_ROW: Final = 44
_TOP: Final = 34
_BOTTOM: Final = 30
_BAR: Final = 12
_INK: Final = "#1b1f24"
_MUTED: Final = "#4a5561"
# Marks are told apart by their shape as well as their colour.
_MARKS: Final = {
    "active": ("circle", "#0f6b2f"),
    "suspended": ("square", "#8a5a00"),
    "revoked": ("cross", "#a3141b"),
    "reinstated": ("circle", "#0f6b2f"),
}


@dataclass(frozen=True, slots=True)
class Span:
    """The days the picture covers: from before the first issue to after the last expiry,
    and today whatever it is."""

    first: dt.date
    last: dt.date

    @classmethod
    def of(cls, certificates: Sequence[Certificate], today: dt.date) -> Span:
        first = min([today, *(c.issued for c in certificates)])
        last = max([today, *(c.expires for c in certificates)])
        margin = dt.timedelta(days=max(7, (last - first).days // 20))
        return cls(first - margin, last + margin)

    def x(self, day: dt.date) -> float:
        days = max(1, (self.last - self.first).days)
        inner = _WIDTH - _LABEL - _RIGHT
        return round(_LABEL + inner * (day - self.first).days / days, 1)


def certificates_timeline_svg(
    certificates: Sequence[Certificate], today: dt.date, *, subject: str
) -> str:
    """The certificates' time line as an `<svg>` element; empty when there are none."""
    if not certificates:
        return ""
    span = Span.of(certificates, today)
    height = _TOP + _ROW * len(certificates) + _BOTTOM
    about = (
        f"{len(certificates)} certificate{'s' if len(certificates) != 1 else ''} of {subject}: "
        "each from its issue to its expiry, with its status events; today is the dashed line"
    )
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{_WIDTH}" '
            f'height="{height}" viewBox="0 0 {_WIDTH} {height}" '
            'aria-labelledby="timeline-title timeline-desc" class="timeline">'
        ),
        '<title id="timeline-title">Certificates on a time line</title>',
        f'<desc id="timeline-desc">{escape(about)}</desc>',
        *_axis(span, height),
    ]
    for row, certificate in enumerate(certificates):
        parts.extend(_row(certificate, span, _TOP + _ROW * row))
    parts.extend(_today(span, today, height))
    parts.append("</svg>")
    return "".join(parts)


def _axis(span: Span, height: int) -> list[str]:
    """A tick at the start of each year the picture covers (each quarter when it covers
    less than two years)."""
    ticks = []
    years = span.last.year - span.first.year
    months = (1,) if years >= 2 else (1, 4, 7, 10)
    for year in range(span.first.year, span.last.year + 1):
        for month in months:
            day = dt.date(year, month, 1)
            if span.first <= day <= span.last:
                x = span.x(day)
                label = str(year) if month == 1 else day.strftime("%Y-%m")
                ticks.append(
                    f'<line x1="{x}" y1="{_TOP - 8}" x2="{x}" y2="{height - _BOTTOM}" '
                    'stroke="#d0d7de"/>'
                    f'<text x="{x}" y="{_TOP - 14}" font-size="11" fill="{_MUTED}" '
                    f'text-anchor="middle">{label}</text>'
                )
    return ticks


def _row(certificate: Certificate, span: Span, top: int) -> list[str]:
    middle = top + _ROW // 2
    start, end = span.x(certificate.issued), span.x(certificate.expires)
    number = escape(certificate.number)
    title = (
        f"{certificate.number}: issued {certificate.issued.isoformat()}, "
        f"expires {certificate.expires.isoformat()}"
    )
    parts = [
        f'<text x="8" y="{middle + 4}" font-size="12" fill="{_INK}">{number}</text>',
        (
            f'<g><title>{escape(title)}</title><rect x="{start}" y="{middle - _BAR // 2}" '
            f'width="{max(2.0, round(end - start, 1))}" height="{_BAR}" rx="3" '
            'fill="#dbe7f3" stroke="#0b57a4"/></g>'
        ),
        _mark("issued", certificate.issued, start, middle, colour="#0b57a4"),
        _mark("expires", certificate.expires, end, middle, colour=_MUTED),
    ]
    for event in sorted(certificate.events, key=lambda e: e.date):
        shape, colour = _MARKS.get(event.status.value, ("circle", _INK))
        said = f"{event.status.value}" + (f" ({event.reason})" if event.reason else "")
        parts.append(
            _mark(said, event.date, span.x(event.date), middle, colour=colour, shape=shape)
        )
    return parts


def _mark(
    what: str,
    day: dt.date,
    x: float,
    y: int,
    *,
    colour: str,
    shape: str = "tick",
) -> str:
    title = f"<title>{escape(f'{day.isoformat()}: {what}')}</title>"
    fill = quoteattr(colour)
    if shape == "circle":
        drawn = f'<circle cx="{x}" cy="{y}" r="6" fill={fill} stroke="#fff"/>'
    elif shape == "square":
        drawn = f'<rect x="{x - 6}" y="{y - 6}" width="12" height="12" fill={fill}/>'
    elif shape == "cross":
        drawn = (
            f'<path d="M{x - 6} {y - 6}L{x + 6} {y + 6}M{x + 6} {y - 6}L{x - 6} {y + 6}" '
            f'stroke={fill} stroke-width="3"/>'
        )
    else:
        drawn = (
            f'<line x1="{x}" y1="{y - 11}" x2="{x}" y2="{y + 11}" stroke={fill} stroke-width="2"/>'
        )
    return f"<g>{title}{drawn}</g>"


def _today(span: Span, today: dt.date, height: int) -> list[str]:
    x = span.x(today)
    return [
        (
            f"<g><title>today, {today.isoformat()}</title>"
            f'<line x1="{x}" y1="{_TOP - 6}" x2="{x}" y2="{height - _BOTTOM + 6}" '
            f'stroke="{_INK}" stroke-width="2" stroke-dasharray="5 3"/>'
            f'<text x="{x}" y="{height - 8}" font-size="11" fill="{_INK}" '
            f'text-anchor="middle">today {today.isoformat()}</text></g>'
        )
    ]
