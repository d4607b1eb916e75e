"""The report as HTML (Jinja2, autoescaped) and as PDF (WeasyPrint, from the same page and its
print stylesheet). Nothing is fetched while rendering: the page carries its own styles."""

from __future__ import annotations

import datetime as dt
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from app.report.model import DecisionReport

# Where a reader fetches the public keys and which command checks a record offline; the
# report names both so that a printed copy says how to check it.
SIGNING_KEYS_PATH = "/api/v1/signing-keys"
VERIFY_COMMAND = "exportgate decisions verify"


def iso_moment(moment: dt.datetime) -> str:
    """A moment as ISO 8601 in UTC, to the second."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@cache
def _environment() -> Environment:
    # Autoescaped: every name on the page comes from an uploaded BOM or a registry entry.
    loader = PackageLoader("app.report", "templates")
    environment = Environment(loader=loader, autoescape=True, undefined=StrictUndefined)
    environment.filters["moment"] = iso_moment
    return environment


def render_html(report: DecisionReport) -> str:
    template = _environment().get_template("decision.html")
    return template.render(
        report=report,
        answer=report.answer,
        signing_keys_path=SIGNING_KEYS_PATH,
        verify_command=VERIFY_COMMAND,
    )


def render_pdf(report: DecisionReport) -> bytes:
    """The HTML page, printed on A4 by its print stylesheet."""
    # No protocol is allowed: a report loads nothing, least of all a URL that a registry
    # entry or a BOM supplied.
    fetcher = URLFetcher(allowed_protocols=frozenset())
    document = HTML(string=render_html(report), url_fetcher=fetcher)
    pdf: bytes = document.write_pdf()
    return pdf
