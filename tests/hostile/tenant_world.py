"""Two organisations and an operator on one exportgate, for tests where tenants probe each
other: shared by the hostile tests of actors, not-found answers and ETags."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.domain.access import Role
from tests.builders import MODULE_PURL
from tests.conftest import bearer, issue_key

JSON_TYPE = "application/vnd.cyclonedx+json"
MISSING = 987654  # an id nothing has
REVIEWER = {"id": "R", "name": "Review body", "accreditations": [{"from": "2026-01-01"}]}


def certificate(number: str, subject: str = MODULE_PURL) -> dict[str, Any]:
    return {
        "number": number,
        "subject": subject,
        "reviewer": "R",
        "dimensions": ["algorithmic_bias", "data_privacy", "system_controllability"],
        "issued": "2026-06-01",
        "expires": "2027-06-01",
        "events": [{"status": "active", "date": "2026-06-01"}],
    }


@dataclass
class Tenants:
    api: TestClient
    admin: dict[str, str]
    acme: dict[str, str]
    rival: dict[str, str]

    def upload(self, who: dict[str, str], document: bytes) -> dict[str, Any]:
        stored = self.api.post(
            "/api/v1/boms", content=document, headers={**who, "content-type": JSON_TYPE}
        )
        assert stored.status_code == 201, stored.text
        return dict(stored.json())

    def component_id(self, name: str) -> int:
        found = self.api.get("/api/v1/components", params={"name": name}, headers=self.admin)
        (item,) = [c for c in found.json()["items"] if c["name"] == name]
        return int(item["id"])

    def actor_of(self, secret_headers: dict[str, str]) -> str:
        """The actor a key is recorded as: its organisation and its id, from the key list."""
        secret = secret_headers["Authorization"].removeprefix("Bearer ")
        keys = self.api.get("/api/v1/keys", params={"limit": 500}, headers=self.admin).json()
        (key,) = [k for k in keys["items"] if secret.startswith(k["prefix"])]
        return f"{key['organisation']}/key-{key['id']}"


@contextmanager
def tenants_of(settings: Settings) -> Iterator[Tenants]:
    """An operator (admin), and acme and rival with integrator, procurement, auditor keys."""
    roles = (Role.INTEGRATOR, Role.PROCUREMENT, Role.AUDITOR)
    admin = bearer(issue_key(settings, Role.ADMIN, organisation="operator"))
    acme = bearer(issue_key(settings, *roles, organisation="acme"))
    rival = bearer(issue_key(settings, *roles, organisation="rival"))
    with TestClient(create_app(settings)) as api:
        yield Tenants(api, admin, acme, rival)
