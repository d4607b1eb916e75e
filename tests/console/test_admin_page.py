"""Administration in the console: organisations, keys (the secret shown once, revoking
ends the key's sessions) and webhook subscriptions, for administrators only, every change
a checked form."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.domain.access import Role
from tests.conftest import bearer, issue_key
from tests.console.pages import csrf_token, sign_in

SECRET = re.compile(r'id="secret"[^>]* value="(egk_[^"]+)"')


@pytest.fixture
def admin(settings: Settings) -> Iterator[TestClient]:
    key = issue_key(settings, Role.ADMIN, organisation="operators")
    with TestClient(create_app(settings)) as browser:
        sign_in(browser, key, "/admin")
        yield browser


def test_an_administrator_creates_an_organisation_and_issues_it_a_key_shown_once(
    settings: Settings, admin: TestClient
) -> None:
    page = admin.get("/admin")
    assert page.status_code == 200
    assert "operators" in page.text
    token = csrf_token(page.text)
    created = admin.post(
        "/admin/organisations",
        data={"csrf_token": token, "code": "camera-works", "name": "Camera Works Ltd"},
        follow_redirects=False,
    )
    assert created.status_code == 303
    assert "Camera Works Ltd" in admin.get("/admin").text

    issued = admin.post(
        "/admin/keys",
        data={
            "csrf_token": token,
            "organisation": "camera-works",
            "roles": ["integrator", "auditor"],
            "label": "CI pipeline",
            "expires_in_days": "30",
        },
    )
    assert issued.status_code == 201
    assert issued.headers["cache-control"] == "no-store"
    secret = SECRET.search(issued.text)
    assert secret is not None
    # The new key works, with its organisation and roles, and the secret is never shown again.
    with TestClient(create_app(settings)) as api:
        products = api.get("/api/v1/products", headers=bearer(secret.group(1)))
        assert products.status_code == 200
    listed = admin.get("/admin").text
    assert "CI pipeline" in listed
    assert secret.group(1) not in listed


def test_revoking_a_key_from_the_console_refuses_it_and_ends_its_sessions(
    settings: Settings, admin: TestClient
) -> None:
    victim = issue_key(settings, Role.AUDITOR, organisation="camera-works")
    with TestClient(create_app(settings)) as other:
        sign_in(other, victim)
        assert other.get("/portfolio", follow_redirects=False).status_code == 200
        page = admin.get("/admin")
        key_ids = re.findall(r'action="/admin/keys/(\d+)/revoke"', page.text)
        newest = max(int(key_id) for key_id in key_ids)
        revoked = admin.post(
            f"/admin/keys/{newest}/revoke",
            data={"csrf_token": csrf_token(page.text)},
            follow_redirects=False,
        )
        assert revoked.status_code == 303
        assert f'action="/admin/keys/{newest}/revoke"' not in admin.get("/admin").text
        assert other.get("/portfolio", follow_redirects=False).status_code == 303
        api = other.get("/api/v1/products", headers=bearer(victim))
        assert api.status_code == 401


def test_a_form_without_the_session_token_changes_nothing(admin: TestClient) -> None:
    refused = admin.post(
        "/admin/organisations", data={"csrf_token": "forged", "code": "x", "name": "X"}
    )
    assert refused.status_code == 403
    assert 'value="x"' not in admin.get("/admin").text
    assert '<th scope="row">x</th>' not in admin.get("/admin").text


def test_bad_fields_are_refused_naming_the_field(admin: TestClient) -> None:
    token = csrf_token(admin.get("/admin").text)
    no_roles = admin.post("/admin/keys", data={"csrf_token": token, "organisation": "operators"})
    assert no_roles.status_code == 400
    assert "form/roles" in no_roles.text
    bad_days = admin.post(
        "/admin/keys",
        data={
            "csrf_token": token,
            "organisation": "operators",
            "roles": ["auditor"],
            "expires_in_days": "soon",
        },
    )
    assert bad_days.status_code == 400
    assert "form/expires_in_days" in bad_days.text
    unknown = admin.post(
        "/admin/keys", data={"csrf_token": token, "organisation": "nobody", "roles": ["auditor"]}
    )
    assert unknown.status_code == 404


@pytest.mark.parametrize("role", [Role.INTEGRATOR, Role.AUDITOR, Role.PROCUREMENT])
def test_no_other_role_sees_or_uses_administration(settings: Settings, role: Role) -> None:
    key = issue_key(settings, role, organisation="camera-works")
    with TestClient(create_app(settings)) as browser:
        sign_in(browser, key)
        assert 'href="/admin"' not in browser.get("/portfolio").text
        page = browser.get("/admin")
        assert page.status_code == 403
        assert "egk_" not in page.text
        token = csrf_token(browser.get("/portfolio").text)
        refused = browser.post(
            "/admin/organisations", data={"csrf_token": token, "code": "mine", "name": "Mine"}
        )
        assert refused.status_code == 403
        issued = browser.post(
            "/admin/keys",
            data={"csrf_token": token, "organisation": "camera-works", "roles": ["admin"]},
        )
        assert issued.status_code == 403
        assert "egk_" not in issued.text
