"""Classification records over HTTP (PRODUCT.md section 3): who may record them, whose
products each speaks for, who sees which, and that the actor is always the key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.domain.access import Role
from tests.builders import MODULE_PURL, camera_bom
from tests.conftest import bearer, issue_key

JSON_TYPE = "application/vnd.cyclonedx+json"
TODAY = dt.datetime.now(dt.UTC).date()


@dataclass(frozen=True)
class World:
    """Acme's private camera BOM, and keys of acme and of a second organisation, b."""

    api: TestClient
    bom_id: int
    module_id: int
    acme: dict[str, str]  # integrator and procurement
    b: dict[str, str]  # procurement
    admin: dict[str, str]

    def classify(
        self,
        headers: dict[str, str],
        *,
        component_id: int | None = None,
        fields: dict[str, object] | None = None,
        **body: object,
    ) -> httpx.Response:
        sent = {"is_ai": False, "reason": "no model inside; checked the firmware"}
        sent.update(fields or {})
        sent.update(body)
        return self.api.post(
            f"/api/v1/components/{component_id or self.module_id}/classifications",
            json=sent,
            headers=headers,
        )

    def listed(self, headers: dict[str, str], **params: str) -> list[dict[str, object]]:
        answer = self.api.get(
            f"/api/v1/components/{self.module_id}/classifications", headers=headers, params=params
        )
        assert answer.status_code == 200, answer.text
        items: list[dict[str, object]] = answer.json()["items"]
        return items

    def publish(self) -> None:
        shown = self.api.put(
            f"/api/v1/boms/{self.bom_id}/visibility",
            json={"visibility": "public"},
            headers=self.acme,
        )
        assert shown.status_code == 200, shown.text


@pytest.fixture
def world(settings: Settings, admin_key: str) -> Iterator[World]:
    acme = bearer(issue_key(settings, Role.INTEGRATOR, Role.PROCUREMENT, organisation="acme"))
    b = bearer(issue_key(settings, Role.PROCUREMENT, organisation="b"))
    with TestClient(create_app(settings)) as api:
        stored = api.post(
            "/api/v1/boms", content=camera_bom(), headers={**acme, "content-type": JSON_TYPE}
        )
        assert stored.status_code == 201, stored.text
        found = api.get("/api/v1/components", params={"purl": MODULE_PURL}, headers=acme)
        yield World(
            api, stored.json()["id"], found.json()["items"][0]["id"], acme, b, bearer(admin_key)
        )


def _key_id(world: World, headers: dict[str, str]) -> int:
    """The id of the key behind `headers`, as the administrator lists keys."""
    secret = headers["Authorization"].removeprefix("Bearer ")
    keys = world.api.get("/api/v1/keys", headers=world.admin).json()["items"]
    return int(next(k["id"] for k in keys if secret.startswith(k["prefix"])))


class TestRecording:
    def test_procurement_records_for_its_own_organisation_with_its_key_as_actor(
        self, world: World
    ) -> None:
        answer = world.classify(world.acme, expires=str(TODAY + dt.timedelta(days=30)))
        assert answer.status_code == 201, answer.text
        recorded = answer.json()
        assert recorded["component_id"] == world.module_id
        assert (recorded["is_ai"], recorded["scope"], recorded["organisation"]) == (
            False,
            "organisation",
            "acme",
        )
        assert recorded["actor"] == f"acme/key-{_key_id(world, world.acme)}"
        assert recorded["in_force"] is True
        assert recorded["expires"] == str(TODAY + dt.timedelta(days=30))
        assert world.listed(world.acme) == [recorded]

    @pytest.mark.parametrize("role", [Role.ADMIN, Role.REVIEWER])
    def test_an_administrator_or_reviewer_records_for_every_product(
        self, world: World, settings: Settings, role: Role
    ) -> None:
        world.publish()  # the reviewer's organisation sees the component only once it is public
        key = bearer(issue_key(settings, role, organisation="reviewers", reviewer="CAICT-ER"))
        answer = world.classify(key, is_ai=True, reason="weights found in the firmware image")
        assert answer.status_code == 201, answer.text
        assert (answer.json()["scope"], answer.json()["organisation"]) == ("global", "reviewers")

    def test_an_actor_in_the_body_is_refused_and_nothing_is_recorded(self, world: World) -> None:
        answer = world.classify(world.acme, actor="the CEO")
        assert answer.status_code == 422
        assert answer.headers["content-type"] == "application/problem+json"
        assert [e["location"] for e in answer.json()["errors"]] == ["body/actor"]
        assert world.listed(world.acme) == []

    @pytest.mark.parametrize(
        ("body", "locations"),
        [
            ({"reason": ""}, ["/reason"]),
            ({"reason": "  "}, ["/reason"]),
            ({"reason": "x" * 2001}, ["/reason"]),
            ({"reason": "nul \u0000 inside"}, ["/reason"]),  # PostgreSQL refuses it in text
            ({"expires": str(TODAY - dt.timedelta(days=1))}, ["/expires"]),
            ({"reason": "", "expires": "2020-01-01"}, ["/reason", "/expires"]),
        ],
    )
    def test_a_refused_classification_is_located_and_leaves_nothing(
        self, world: World, body: dict[str, object], locations: list[str]
    ) -> None:
        answer = world.classify(world.acme, fields=body)
        assert answer.status_code == 422, answer.text
        problem = answer.json()
        assert problem["type"] == "urn:exportgate:problem:classification-rejected"
        assert [e["location"] for e in problem["errors"]] == locations
        assert world.listed(world.acme) == []

    def test_an_expiry_today_is_accepted(self, world: World) -> None:
        assert world.classify(world.acme, expires=str(TODAY)).status_code == 201

    @pytest.mark.parametrize("role", [Role.INTEGRATOR, Role.AUDITOR])
    def test_integrators_and_auditors_may_not_record(
        self, world: World, settings: Settings, role: Role
    ) -> None:
        key = bearer(issue_key(settings, role, organisation="acme"))
        answer = world.classify(key)
        assert answer.status_code == 403
        assert answer.json()["type"] == "urn:exportgate:problem:permission-denied"
        assert world.listed(world.acme) == []

    def test_an_unknown_component_is_not_found(self, world: World) -> None:
        assert world.classify(world.acme, component_id=999_999).status_code == 404


class TestSecondTenant:
    def test_a_private_component_is_not_found_for_another_organisation(self, world: World) -> None:
        unknown = world.classify(world.b, component_id=999_999).json()
        hidden = world.classify(world.b)
        assert hidden.status_code == 404
        assert hidden.json()["detail"] == unknown["detail"].replace("999999", str(world.module_id))
        listed = world.api.get(
            f"/api/v1/components/{world.module_id}/classifications", headers=world.b
        )
        assert listed.status_code == 404

    def test_each_organisation_sees_global_records_and_its_own_only(self, world: World) -> None:
        world.publish()
        acme = world.classify(world.acme, reason="acme's review").json()
        b = world.classify(world.b, is_ai=True, reason="b's review").json()
        admin = world.classify(world.admin, reason="operator's review").json()
        assert (b["scope"], b["organisation"]) == ("organisation", "b")
        assert [c["id"] for c in world.listed(world.acme)] == [acme["id"], admin["id"]]
        assert [c["id"] for c in world.listed(world.b)] == [b["id"], admin["id"]]
        assert [c["id"] for c in world.listed(world.admin)] == [acme["id"], b["id"], admin["id"]]
        shown = world.api.get(f"/api/v1/components/{world.module_id}", headers=world.b).json()
        assert [c["id"] for c in shown["classifications"]] == [b["id"], admin["id"]]


class TestShownWhereAiStatusIs:
    def test_the_component_answer_lists_the_records_in_force_on_the_day_asked(
        self, world: World
    ) -> None:
        expires = TODAY + dt.timedelta(days=10)
        recorded = world.classify(world.acme, expires=str(expires)).json()
        path = f"/api/v1/components/{world.module_id}"
        today = world.api.get(path, headers=world.acme).json()
        assert today["classifications"] == [recorded]
        later = str(expires + dt.timedelta(days=1))
        assert (
            world.api.get(path, headers=world.acme, params={"on": later}).json()["classifications"]
            == []
        )
        # The list keeps every record, saying which are in force.
        assert [c["in_force"] for c in world.listed(world.acme, on=later)] == [False]

    def test_a_new_record_changes_the_component_answers_etag(self, world: World) -> None:
        path = f"/api/v1/components/{world.module_id}"
        etag = world.api.get(path, headers=world.acme).headers["ETag"]
        assert world.api.get(path, headers={**world.acme, "If-None-Match": etag}).status_code == 304
        world.classify(world.acme)
        again = world.api.get(path, headers={**world.acme, "If-None-Match": etag})
        assert again.status_code == 200
        assert len(again.json()["classifications"]) == 1


class TestAudited:
    def test_the_audit_trail_names_the_key_and_hides_other_organisations_records(
        self, world: World, settings: Settings
    ) -> None:
        world.publish()
        acme = world.classify(world.acme, reason="acme's review").json()
        world.classify(world.b, is_ai=True, reason="b's review")
        admin = world.classify(world.admin, reason="operator's review").json()

        def classified(headers: dict[str, str]) -> list[tuple[int, str, str]]:
            trail = world.api.get("/api/v1/audit-trail", headers=headers).json()["items"]
            return [
                (e["record_id"], e["actor"], e["detail"])
                for e in trail
                if e["kind"] == "component_classified"
            ]

        auditor = bearer(issue_key(settings, Role.AUDITOR, organisation="acme"))
        seen = classified(auditor)
        assert [(record_id, actor) for record_id, actor, _ in seen] == [
            (acme["id"], acme["actor"]),
            (admin["id"], admin["actor"]),
        ]
        assert seen[0][2] == "not an AI component for acme's products: acme's review"
        assert len(classified(world.admin)) == 3
