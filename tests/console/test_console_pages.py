"""What every console page shares: an unmigrated database told as such rather than a
crash, and times written in ISO 8601 with a hint of how long ago."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.console.pages import iso_moment, relative_hint


def test_an_unmigrated_database_is_told_on_every_page_never_a_crash(unmigrated_url: str) -> None:
    with TestClient(create_app(Settings(database_url=unmigrated_url))) as browser:
        assert browser.get("/login").status_code == 200
        home = browser.get("/", follow_redirects=False)
        assert (home.status_code, home.headers["location"]) == (303, "/login")
        browser.cookies.set("exportgate_session", "x")
        page = browser.get("/portfolio")
        assert page.status_code == 503
        assert "exportgate db upgrade" in page.text


NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("moment", "hint"),
    [
        (NOW - dt.timedelta(seconds=20), "just now"),
        (NOW - dt.timedelta(minutes=1), "1 minute ago"),
        (NOW - dt.timedelta(minutes=59), "59 minutes ago"),
        (NOW - dt.timedelta(hours=3, minutes=10), "3 hours ago"),
        (NOW - dt.timedelta(days=2), "2 days ago"),
        (NOW - dt.timedelta(days=800), "2 years ago"),
        (NOW + dt.timedelta(days=4, hours=1), "in 4 days"),
    ],
)
def test_a_time_carries_a_hint_of_how_long_ago_it_was(moment: dt.datetime, hint: str) -> None:
    assert relative_hint(moment, NOW) == hint


def test_a_time_is_written_in_iso_8601_in_utc() -> None:
    in_tokyo = dt.datetime(2026, 12, 2, 21, 5, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    assert iso_moment(in_tokyo) == "2026-12-02 12:05 UTC"
