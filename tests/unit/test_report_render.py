"""The decision report's rendering on its own: what it shows of a signed record, and that
every name from a BOM or a registry entry is text, never markup."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.report.model import DecisionReport
from app.report.render import render_html

HOSTILE = '<script>alert("x")</script>'


def answer(**fields: Any) -> dict[str, Any]:
    return {
        "decision": "eligible",
        "product": {"id": 1, "name": "camera@1.0", "identity": "pkg:generic/acme/camera@1.0"},
        "destination": "DE",
        "countries": [{"destination": "DE", "decision": "eligible", "not_in_scope_reason": None}],
        "ineligible_countries": [],
        "date": "2026-12-01",
        "sector": None,
        "ruleset": "2026-07-01.1",
        "not_in_scope_code": None,
        "not_in_scope_reason": None,
        "blocking": [],
        "warnings": [],
        "verified": [],
        "boms": [],
        "evidence_sha256": "ab" * 32,
        "decision_id": 7,
    } | fields


def report(**fields: Any) -> DecisionReport:
    values: dict[str, Any] = {
        "decision_id": 7,
        "answer": answer(),
        "decided_at": dt.datetime(2026, 12, 1, 9, 30, 5, 123456, tzinfo=dt.UTC),
        "certificates": (),
        "only_product_certificates": False,
        "boms": (),
        "hidden_boms": 0,
    }
    return DecisionReport(**(values | fields))


def test_a_signed_record_shows_its_signature_and_key_id() -> None:
    page = render_html(report(signature="c2lnbmF0dXJl", signing_key_id="kid-123"))
    assert "c2lnbmF0dXJl" in page
    assert "kid-123" in page
    assert "not signed" not in page
    assert "2026-12-01T09:30:05Z" in page


def test_an_unsigned_record_says_so() -> None:
    page = render_html(report())
    assert page.count("not signed") == 2


def test_names_from_documents_are_escaped() -> None:
    blocker = {
        "component": {"id": 2, "name": HOSTILE, "identity": HOSTILE},
        "reason": "no_certificate",
        "detail": HOSTILE,
        "certificate": None,
        "certificates": [{"number": HOSTILE, "failures": []}],
        "countries": ["DE"],
        "path": [],
        "paths": [[{"parent": HOSTILE, "child": HOSTILE, "kind": "dependency", "bom_ids": [3]}]],
        "more_paths": 0,
    }
    hostile = answer(
        decision="ineligible",
        product={"id": 1, "name": HOSTILE, "identity": HOSTILE},
        blocking=[blocker],
        warnings=[{"code": "x", "message": HOSTILE}],
    )
    page = render_html(report(answer=hostile))
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
