"""The administrators', the registry's and the audit trail's lists over HTTP, paged by the
one keyset pager: walked in pages of any size each yields every item once, in order, and
a cursor the list did not answer is refused at `query/cursor`."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.domain.access import Role
from app.domain.paging import (
    AUDIT_TRAIL,
    BOMS,
    CERTIFICATES,
    KEYS,
    MAX_CURSOR_LENGTH,
    ORGANISATIONS,
    REVIEWERS,
    RULESETS,
    Keyset,
)
from app.services.runtime import Runtime
from tests.api.test_rulesets_api import sample_ruleset
from tests.conftest import SAMPLES, bearer, issue_key

# Each list, the field its order is read from, and its keyset.
LISTS: list[tuple[str, str, Keyset[Any]]] = [
    ("/api/v1/organisations", "code", ORGANISATIONS),
    ("/api/v1/keys", "id", KEYS),
    ("/api/v1/reviewers", "id", REVIEWERS),
    ("/api/v1/ruleset/versions", "version", RULESETS),
    ("/api/v1/certificates", "number", CERTIFICATES),
    ("/api/v1/audit-trail", "record_id", AUDIT_TRAIL),
]
IDS = [path for path, _, _ in LISTS]


def _v1(payload: Any) -> str:
    text = json.dumps(payload, separators=(",", ":"))
    return "v1." + base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _walk(client: TestClient, path: str, size: int, **headers: str) -> list[Any]:
    walked: list[Any] = []
    params: dict[str, str | int] = {"limit": size}
    while True:
        answer = client.get(path, params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        assert 1 <= len(page["items"]) <= size or (not walked and not page["items"])
        walked += page["items"]
        if page["next_cursor"] is None:
            return walked
        params["cursor"] = page["next_cursor"]


def _refused(client: TestClient, path: str, cursor: str, **headers: str) -> None:
    answer = client.get(path, params={"cursor": cursor}, headers=headers)
    assert answer.status_code == 422, (cursor, answer.text)
    assert [e["location"] for e in answer.json()["errors"]] == ["query/cursor"], answer.text


@pytest.fixture
def rosters(client: TestClient, settings: Settings, samples: Runtime) -> None:
    """Besides the samples (loaded first): more organisations and keys, two more reviewers
    and two more ruleset versions."""
    for code in ("org01", "org02", "org03"):
        issue_key(settings, Role.AUDITOR, organisation=code)
    for reviewer in ("rev-a", "rev-b"):
        answer = client.put(f"/api/v1/reviewers/{reviewer}", json={"name": reviewer})
        assert answer.status_code in {200, 201}, answer.text
    for version in ("2027-01-01.1", "2027-02-01.1"):
        answer = client.post("/api/v1/ruleset", json=sample_ruleset(version=version))
        assert answer.status_code == 201, answer.text


@pytest.mark.usefixtures("rosters")
@pytest.mark.parametrize(("path", "field", "keyset"), LISTS, ids=IDS)
def test_a_list_walked_in_pages_of_any_size_yields_every_item_once_in_order(
    client: TestClient, path: str, field: str, keyset: Keyset[Any]
) -> None:
    everything = client.get(path, params={"limit": 500}).json()
    assert everything["next_cursor"] is None
    items = everything["items"]
    places = [(item.get("kind"), item[field]) for item in items]
    assert len(places) == len(set(places)) >= 3
    sizes = sorted({1, 2, 3, 5, len(items) - 1, len(items), len(items) + 1})
    for size in sizes:
        assert _walk(client, path, size) == items, size
    first = client.get(path, params={"limit": 1}).json()
    assert first["next_cursor"] is not None
    assert keyset.after(first["next_cursor"]) is not None


@pytest.mark.usefixtures("rosters")
@pytest.mark.parametrize(("path", "field", "keyset"), LISTS, ids=IDS)
def test_a_list_refuses_at_the_cursor_when_the_list_did_not_answer_it(
    client: TestClient, path: str, field: str, keyset: Keyset[Any]
) -> None:
    first = client.get(path, params={"limit": 1}).json()
    held = first["next_cursor"]
    foreign = [
        client.get(other, params={"limit": 1}).json()["next_cursor"]
        for other, _, another in LISTS
        if another is not keyset
    ]
    for cursor in (
        "garbage",
        str(first["items"][0][field]),  # what this list answered as a cursor before
        BOMS.cursor(1),
        *foreign,
        held + "A",
        held.upper(),
        "v1." + "A" * MAX_CURSOR_LENGTH,
        held + "x" * MAX_CURSOR_LENGTH,
        _v1([keyset.name]),
        _v1([keyset.name, None]),
        _v1([keyset.name, [1]]),
        _v1([keyset.name, 0.5]),
    ):
        _refused(client, path, cursor)


@pytest.mark.parametrize(
    ("keyset", "key"),
    [
        (ORGANISATIONS, ""),
        (ORGANISATIONS, "o" * 65),
        (ORGANISATIONS, 1),
        (KEYS, 0),
        (KEYS, "1"),
        (KEYS, True),
        (KEYS, 2**63),
        (REVIEWERS, "r" * 129),
        (REVIEWERS, 7),
        (RULESETS, -1),
        (RULESETS, "2027-01-01.1"),
        (CERTIFICATES, "c" * 129),
        (CERTIFICATES, None),
    ],
)
def test_a_cursor_is_refused_when_its_key_is_not_one_the_list_could_write(
    client: TestClient, keyset: Keyset[Any], key: Any
) -> None:
    path = next(path for path, _, k in LISTS if k is keyset)
    _refused(client, path, _v1([keyset.name, key]))


@pytest.mark.parametrize(
    "key",
    [
        ["2026-01-01T00:00:00+00:00", "bom_uploaded"],
        ["2026-01-01T00:00:00+00:00", "bom_uploaded", 1, 2],
        ["2026-01-01T00:00:00", "bom_uploaded", 1],
        ["2026-01-01T01:00:00+01:00", "bom_uploaded", 1],
        ["2026-01-01 00:00:00+00:00", "bom_uploaded", 1],
        ["0001-01-01T00:00:00+14:00", "bom_uploaded", 1],
        ["not a time", "bom_uploaded", 1],
        ["2026-01-01T00:00:00+00:00", "", 1],
        ["2026-01-01T00:00:00+00:00", "k" * 33, 1],
        ["2026-01-01T00:00:00+00:00", "bom_uploaded", 0],
        ["2026-01-01T00:00:00+00:00", "bom_uploaded", 2**63],
        ["2026-01-01T00:00:00+00:00", 1, 1],
        [1767225600, "bom_uploaded", 1],
    ],
)
def test_the_audit_trail_refuses_a_cursor_whose_place_it_could_not_have_written(
    client: TestClient, key: list[Any]
) -> None:
    _refused(client, "/api/v1/audit-trail", _v1([AUDIT_TRAIL.name, *key]))


@pytest.mark.usefixtures("rosters")
@pytest.mark.parametrize(
    ("path", "keyset", "between", "field"),
    [
        ("/api/v1/organisations", ORGANISATIONS, "org015", "code"),
        ("/api/v1/reviewers", REVIEWERS, "rev-a0", "id"),
    ],
)
def test_a_cursor_naming_no_item_pages_on_from_its_place_in_the_order(
    client: TestClient, path: str, keyset: Keyset[str], between: str, field: str
) -> None:
    # The key is the order itself: a place between two items names where the page begins,
    # and tells nothing the list does not already show.
    everything = [item[field] for item in client.get(path, params={"limit": 500}).json()["items"]]
    after = client.get(path, params={"cursor": keyset.cursor(between), "limit": 500}).json()
    start = everything.index(between[:-1]) + 1
    assert [item[field] for item in after["items"]] == everything[start:]


@pytest.mark.usefixtures("samples")
def test_a_restricted_auditor_pages_through_its_own_trail_and_no_one_elses(
    client: TestClient, settings: Settings
) -> None:
    mine = bearer(issue_key(settings, Role.AUDITOR, organisation="mine"))
    for _ in range(2):
        issue_key(settings, Role.AUDITOR, organisation="mine")
        issue_key(settings, Role.AUDITOR, organisation="theirs")
    theirs = bearer(issue_key(settings, Role.INTEGRATOR, organisation="theirs"))
    module = json.loads((SAMPLES / "deepinspect-vision-module.cdx.json").read_text())
    module["version"] = 77
    answer = client.post(
        "/api/v1/boms",
        content=json.dumps(module).encode(),
        headers={**theirs, "content-type": "application/vnd.cyclonedx+json"},
    )
    assert answer.status_code == 201, answer.text
    seen = client.get("/api/v1/audit-trail", params={"limit": 500}, headers=mine).json()
    assert "theirs" not in json.dumps(seen)
    assert len(seen["items"]) >= 6
    for size in (1, 2, 3, 7):
        assert _walk(client, "/api/v1/audit-trail", size, **mine) == seen["items"], size
    # A place in the trail taken from everyone's: read as this auditor, what follows it is
    # only what this auditor may see.
    everything = client.get("/api/v1/audit-trail", params={"limit": 500}).json()["items"]
    hidden = [entry for entry in everything if "theirs" in json.dumps(entry)]
    assert {entry["kind"] for entry in hidden} >= {"organisation_created", "bom_uploaded"}
    for entry in hidden:
        cursor = AUDIT_TRAIL.cursor(_place(entry))
        answer = client.get(
            "/api/v1/audit-trail", params={"cursor": cursor, "limit": 500}, headers=mine
        )
        assert answer.status_code == 200, answer.text
        assert "theirs" not in answer.text
        after = [later for later in seen["items"] if _place(later) > _place(entry)]
        assert answer.json()["items"] == after


def _place(entry: dict[str, Any]) -> tuple[dt.datetime, str, int]:
    """An entry's place in the trail's order, as its cursor carries it."""
    at = dt.datetime.fromisoformat(entry["at"].replace("Z", "+00:00"))
    return at, entry["kind"], entry["record_id"]
