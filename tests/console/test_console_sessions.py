"""Signing in to the console and what a session may do: no page without one, a refused key
told nothing, every form checked against forgery, cookies a script cannot read or another
site send, and a session that ends with its key, its idle time or its lifetime."""

from __future__ import annotations

import time
from http.cookies import SimpleCookie

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.domain.access import Role
from app.services.access import create_key, ensure_organisation, revoke_key
from app.services.runtime import Runtime
from tests.conftest import issue_key
from tests.console.pages import csrf_token, sign_in

PAGES = ("/", "/portfolio", "/portfolio?name=camera", "/products/1", "/products/abc")


def _cookie(response_cookies: list[str], name: str) -> SimpleCookie:
    (line,) = [line for line in response_cookies if line.startswith(f"{name}=")]
    parsed: SimpleCookie = SimpleCookie()
    parsed.load(line)
    return parsed


@pytest.mark.parametrize("page", PAGES)
def test_no_page_answers_without_a_session_when_asked_for(settings: Settings, page: str) -> None:
    with TestClient(create_app(settings)) as browser:
        answer = browser.get(page, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login")
        assert "Portfolio" not in answer.text


def test_the_sign_in_page_and_the_stylesheet_need_no_session(settings: Settings) -> None:
    with TestClient(create_app(settings)) as browser:
        form = browser.get("/login?next=/products/4")
        assert form.status_code == 200
        assert 'name="api_key"' in form.text
        assert 'name="next" value="/products/4"' in form.text
        style = browser.get("/static/console.css")
        assert style.status_code == 200
        assert style.headers["content-type"].startswith("text/css")


def test_a_page_asked_for_before_signing_in_is_shown_after_it(settings: Settings) -> None:
    key = issue_key(settings, Role.AUDITOR)
    with TestClient(create_app(settings)) as browser:
        sent = browser.get("/portfolio?name=camera", follow_redirects=False)
        assert sent.headers["location"] == "/login?next=%2Fportfolio%3Fname%3Dcamera"
        form = browser.get(sent.headers["location"])
        signed = browser.post(
            "/login",
            data={
                "api_key": key,
                "csrf_token": csrf_token(form.text),
                "next": "/portfolio?name=camera",
            },
            follow_redirects=False,
        )
        assert signed.headers["location"] == "/portfolio?name=camera"
        assert browser.get("/").url.path == "/portfolio"


@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "portfolio", "/\x00x"]
)
def test_signing_in_never_sends_the_visitor_to_another_site(
    settings: Settings, target: str
) -> None:
    key = issue_key(settings, Role.AUDITOR)
    with TestClient(create_app(settings)) as browser:
        form = browser.get("/login")
        signed = browser.post(
            "/login",
            data={"api_key": key, "csrf_token": csrf_token(form.text), "next": target},
            follow_redirects=False,
        )
        assert signed.headers["location"] == "/portfolio"


def test_a_refused_key_shows_the_form_again_saying_nothing_of_why(
    settings: Settings, runtime: Runtime
) -> None:
    ensure_organisation(runtime, "acme", "acme", actor="tests")
    revoked = create_key(runtime, "acme", [Role.INTEGRATOR], actor="tests")
    revoke_key(runtime, revoked.key_id, actor="tests")
    with TestClient(create_app(settings)) as browser:
        answers = []
        for attempt in ("egk_not-a-key", revoked.secret, "", "x" * 5000):
            form = browser.get("/login")
            refused = browser.post(
                "/login",
                data={"api_key": attempt, "csrf_token": csrf_token(form.text)},
                follow_redirects=False,
            )
            assert refused.status_code == 401
            assert "exportgate_session" not in refused.headers.get("set-cookie", "")
            assert 'name="api_key"' in refused.text
            answers.append(refused.text.split('role="alert">')[1].split("<")[0])
        # Unknown, revoked, empty and absurd keys are told apart by nothing on the page.
        assert len(set(answers)) == 1
        assert "not accepted" in answers[0]
        assert browser.get("/portfolio", follow_redirects=False).status_code == 303


def test_the_sign_in_form_is_refused_without_its_anti_forgery_token(settings: Settings) -> None:
    key = issue_key(settings, Role.AUDITOR)
    with TestClient(create_app(settings)) as browser:
        # No token at all, as a form posted from another site would be.
        forged = browser.post("/login", data={"api_key": key}, follow_redirects=False)
        assert forged.status_code == 403
        browser.get("/login")
        wrong = browser.post(
            "/login", data={"api_key": key, "csrf_token": "x" * 43}, follow_redirects=False
        )
        assert wrong.status_code == 403
        assert "exportgate_session" not in wrong.headers.get("set-cookie", "")
        assert browser.get("/portfolio", follow_redirects=False).status_code == 303


def test_signing_out_needs_the_session_token_and_ends_the_session(settings: Settings) -> None:
    key = issue_key(settings, Role.AUDITOR)
    with TestClient(create_app(settings)) as browser:
        sign_in(browser, key)
        page = browser.get("/portfolio")
        token = csrf_token(page.text)
        for forged in ({}, {"csrf_token": ""}, {"csrf_token": "0" * 64}):
            refused = browser.post("/logout", data=forged, follow_redirects=False)
            assert refused.status_code == 403
            assert "did not come from your console session" in refused.text
        assert browser.get("/portfolio").status_code == 200
        stolen = browser.cookies.get("exportgate_session")
        assert stolen is not None
        out = browser.post("/logout", data={"csrf_token": token}, follow_redirects=False)
        assert (out.status_code, out.headers["location"]) == (303, "/login")
        assert browser.get("/portfolio", follow_redirects=False).status_code == 303
    # The cookie of an ended session opens nothing, even replayed.
    with TestClient(create_app(settings), cookies={"exportgate_session": stolen}) as replay:
        assert replay.get("/portfolio", follow_redirects=False).status_code == 303


def test_another_sessions_token_does_not_sign_a_form(settings: Settings) -> None:
    first, second = issue_key(settings, Role.AUDITOR), issue_key(settings, Role.AUDITOR)
    with TestClient(create_app(settings)) as one, TestClient(create_app(settings)) as two:
        sign_in(one, first)
        sign_in(two, second)
        theirs = csrf_token(two.get("/portfolio").text)
        assert one.post("/logout", data={"csrf_token": theirs}).status_code == 403


def test_the_session_cookie_is_http_only_strict_and_secure_only_over_https(
    settings: Settings,
) -> None:
    key = issue_key(settings, Role.AUDITOR)
    for base, secure in (("http://testserver", False), ("https://testserver", True)):
        with TestClient(create_app(settings), base_url=base) as browser:
            form = browser.get("/login")
            pre = _cookie(form.headers.get_list("set-cookie"), "exportgate_sign_in_csrf")
            signed = browser.post(
                "/login",
                data={"api_key": key, "csrf_token": csrf_token(form.text)},
                follow_redirects=False,
            )
            session = _cookie(signed.headers.get_list("set-cookie"), "exportgate_session")
            for cookie in (pre["exportgate_sign_in_csrf"], session["exportgate_session"]):
                assert cookie["httponly"] is True
                assert cookie["samesite"].lower() == "strict"
                assert cookie["path"] == "/"
                assert bool(cookie["secure"]) is secure
                # Kept by the browser until it closes; the server ends it sooner.
                assert cookie["max-age"] == ""


def test_a_revoked_keys_session_is_refused_on_its_next_request(
    settings: Settings, runtime: Runtime
) -> None:
    ensure_organisation(runtime, "acme", "acme", actor="tests")
    issued = create_key(runtime, "acme", [Role.INTEGRATOR], actor="tests")
    with TestClient(create_app(settings)) as browser:
        sign_in(browser, issued.secret)
        assert browser.get("/portfolio").status_code == 200
        revoke_key(runtime, issued.key_id, actor="tests")
        refused = browser.get("/portfolio", follow_redirects=False)
        assert refused.status_code == 303
        assert refused.headers["location"].startswith("/login")


def test_an_expired_keys_session_ends_with_it(settings: Settings, runtime: Runtime) -> None:
    ensure_organisation(runtime, "acme", "acme", actor="tests")
    issued = create_key(runtime, "acme", [Role.AUDITOR], expires_in_days=0, actor="tests")
    with TestClient(create_app(settings)) as browser:
        form = browser.get("/login")
        refused = browser.post(
            "/login",
            data={"api_key": issued.secret, "csrf_token": csrf_token(form.text)},
            follow_redirects=False,
        )
        assert refused.status_code == 401


@pytest.mark.parametrize(
    ("idle_minutes", "absolute_hours", "lifetime_seconds", "requests_between"),
    [
        # Idle: no request for longer than the idle time.
        (0.02, 12, 1.2, 0),
        # Absolute: busy all along, but older than its lifetime.
        (30, 0.0005, 1.8, 4),
    ],
    ids=["idle", "absolute"],
)
def test_a_session_ends_when_idle_or_too_old(
    database_url: str,
    idle_minutes: float,
    absolute_hours: float,
    lifetime_seconds: float,
    requests_between: int,
) -> None:
    settings = Settings(
        database_url=database_url,
        console_idle_minutes=idle_minutes,
        console_absolute_hours=absolute_hours,
    )
    key = issue_key(settings, Role.AUDITOR)
    with TestClient(create_app(settings)) as browser:
        sign_in(browser, key)
        assert browser.get("/portfolio").status_code == 200
        waited = lifetime_seconds
        for _ in range(requests_between):
            time.sleep(waited / (requests_between + 1))
            assert browser.get("/portfolio").status_code == 200
        time.sleep(waited / (requests_between + 1) + 0.3)
        ended = browser.get("/portfolio", follow_redirects=False)
        assert ended.status_code == 303
        assert ended.headers["location"].startswith("/login")


def test_a_reviewer_is_told_the_portfolio_needs_another_role(settings: Settings) -> None:
    key = issue_key(settings, Role.REVIEWER, reviewer="CAICT-ER")
    with TestClient(create_app(settings)) as browser:
        sign_in(browser, key)
        refused = browser.get("/portfolio")
        assert refused.status_code == 403
        assert "needs one of the roles" in refused.text
        # Still signed in, and still able to sign out.
        assert "Sign out" in refused.text
