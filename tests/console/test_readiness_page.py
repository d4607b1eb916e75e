"""The review readiness page: what a model's card offers a reviewer, per dimension, as the
API answers it for the same organisation; another organisation's private model is answered
as one that does not exist."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.domain.access import Role
from app.services.runtime import Runtime
from tests.builders import MODEL_PURL
from tests.conftest import bearer, issue_key
from tests.console.pages import OWNER, RIVAL, assert_told_as_missing, publish_samples, sign_in


def test_the_page_shows_each_dimension_as_the_api_answers_it(
    settings: Settings, runtime: Runtime
) -> None:
    publish_samples(runtime)
    key = issue_key(settings, Role.PROCUREMENT, organisation=OWNER)
    with TestClient(create_app(settings)) as browser:
        found = browser.get("/api/v1/components", params={"purl": MODEL_PURL}, headers=bearer(key))
        model = found.json()["items"][0]["id"]
        answer = browser.get(f"/api/v1/components/{model}/readiness", headers=bearer(key)).json()
        sign_in(browser, key)
        page = browser.get(f"/components/{model}/readiness")
    assert page.status_code == 200
    assert "Advice only: it never changes a verdict." in page.text
    for dimension in answer["dimensions"]:
        title = dimension["dimension"].replace("_", " ").capitalize()
        assert (
            f"{title}: {dimension['present']} of {dimension['expected']} "
            f"({dimension['percent']} %)" in page.text
        )
    for item in answer["items"]:
        assert item["item"].replace("_", " ") in page.text


@pytest.mark.parametrize("page", ["/components/{id}", "/components/{id}/readiness"])
def test_another_organisations_private_model_is_answered_as_one_that_does_not_exist(
    settings: Settings, runtime: Runtime, page: str
) -> None:
    publish_samples(runtime)
    owner = issue_key(settings, Role.PROCUREMENT, organisation=OWNER)
    rival = issue_key(settings, Role.PROCUREMENT, organisation=RIVAL)
    with TestClient(create_app(settings)) as browser:
        found = browser.get(
            "/api/v1/components", params={"purl": MODEL_PURL}, headers=bearer(owner)
        )
        model = found.json()["items"][0]["id"]
        seen = browser.get(page.format(id=model), follow_redirects=False)
        sign_in(browser, rival)
        hidden = browser.get(page.format(id=model))
        missing = browser.get(page.format(id=999999))
        nonsense = browser.get(page.format(id="not-a-number"))
    assert seen.status_code == 303  # not signed in yet: to the sign-in page
    assert hidden.status_code == missing.status_code == nonsense.status_code == 404
    assert_told_as_missing(hidden.text, missing.text, str(model), "999999")
