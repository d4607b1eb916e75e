"""What the console tests share: the samples published by one organisation, and signing in
through the real sign-in form."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi.testclient import TestClient

from app.services.access import ensure_organisation
from app.services.ingest import ingest_bom
from app.services.registry import import_registry
from app.services.runtime import Runtime
from tests.conftest import SAMPLE_BOMS, SAMPLE_REGISTRY

# The organisation that publishes the samples, privately, and one that must see none of it.
OWNER = "acme"
RIVAL = "rival"
# Names only the samples' private BOMs carry: each a product or a component inside one.
PRIVATE_NAMES = (
    "HV-S3 Smart Inspection Camera",
    "DI-VM3 Vision Module",
    "defect-detector",
    "MJ-Guard Content Moderation Gateway",
    "KW-X7 Inline X-ray Battery Cell Inspector",
    "LF-PSC3000",
)

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def publish_samples(runtime: Runtime, organisation: str = OWNER) -> None:
    """The sample supply chain, private to `organisation`, and the sample registry."""
    ensure_organisation(runtime, organisation, organisation, actor="tests")
    for path in SAMPLE_BOMS:
        ingest_bom(runtime, path.read_bytes(), None, organisation=organisation)
    import_registry(runtime, json.loads(SAMPLE_REGISTRY.read_bytes()), actor="tests")


def csrf_token(html: str) -> str:
    found = _CSRF.search(html)
    assert found is not None, "the page carries no form with an anti-forgery token"
    return found.group(1)


def sign_in(client: TestClient, api_key: str, target: str = "/portfolio") -> None:
    """Sign in through the form, as a browser does; the client then holds the session."""
    form = client.get("/login")
    signed = client.post(
        "/login",
        data={"api_key": api_key, "csrf_token": csrf_token(form.text), "next": target},
        follow_redirects=False,
    )
    assert signed.status_code == 303, signed.text
    assert signed.headers["location"] == target


_DETAIL = re.compile(r'class="detail">([^<]*)<')


def assert_told_as_missing(hidden_page: str, missing_page: str, hidden: str, missing: str) -> None:
    """A page about something the visitor may not see says exactly what the page about
    something that does not exist says, its name or number aside."""
    told = _DETAIL.findall(hidden_page)
    assert told
    assert told == [detail.replace(missing, hidden) for detail in _DETAIL.findall(missing_page)]
    for name in PRIVATE_NAMES:
        assert name not in hidden_page


# The registry is read by every signed-in caller (PRODUCT.md section 7): its certificates'
# subjects are public text, even where one names a component only a private BOM holds.
REGISTRY_SUBJECTS = tuple(
    certificate["subject"]
    for certificate in json.loads(SAMPLE_REGISTRY.read_bytes())["certificates"]
)


def private_names_shown(html: str) -> list[str]:
    """The private names a page shows, once the registry's public subjects are set aside."""
    for subject in REGISTRY_SUBJECTS:
        html = html.replace(subject, "")
    return [name for name in PRIVATE_NAMES if name in html]


_NEXT = re.compile(r'<a href="([^"]+)" rel="next">')


def every_page(browser: TestClient, address: str, rows: re.Pattern[str]) -> list[Any]:
    """What `rows` finds on each page of a list, following its "Next page" links."""
    found: list[Any] = []
    following: str | None = address
    while following is not None:
        page = browser.get(following)
        assert page.status_code == 200, page.text
        found.extend(rows.findall(page.text))
        more = _NEXT.search(page.text)
        following = None if more is None else more.group(1).replace("&amp;", "&")
    return found
