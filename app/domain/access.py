"""Who may do what: organisations, roles and the principal an API key stands for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """Each key carries one or more; an endpoint names the roles it admits."""

    ADMIN = "admin"  # organisations, keys, reviewers, ruleset; admitted everywhere
    INTEGRATOR = "integrator"  # uploads its organisation's BOMs and checks its products
    PROCUREMENT = "procurement"  # reads components, certificates, where-used
    REVIEWER = "reviewer"  # records certificates and events for its own reviewer body
    AUDITOR = "auditor"  # reads decision records


# Who reads products, their BOMs and components, and what became of them (admins always).
READERS = frozenset({Role.INTEGRATOR, Role.PROCUREMENT, Role.AUDITOR})


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller behind a valid key."""

    key_id: int
    organisation: str
    roles: frozenset[Role]
    reviewer_id: str | None = None

    def may(self, admitted: frozenset[Role]) -> bool:
        return Role.ADMIN in self.roles or bool(self.roles & admitted)

    @property
    def actor(self) -> str:
        """Who acted, as every record and the audit trail name it: the key and its
        organisation, from the credentials alone. Nothing a caller writes stands in for it."""
        return f"{self.organisation}/key-{self.key_id}"


@dataclass(frozen=True, slots=True)
class Organisation:
    """A tenant: its code names it in keys, BOMs and records."""

    id: int
    code: str
    name: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A key as it is kept: the digest of its secret, never the secret."""

    id: int
    secret_sha256: str
    prefix: str
    organisation_id: int
    roles: tuple[Role, ...]
    reviewer_id: str | None
    label: str
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None

    def usable_at(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class Visibility(StrEnum):
    """Who sees inside a BOM besides the organisation that uploaded it."""

    PRIVATE = "private"  # the owner, and organisations it is shared with
    PUBLIC = "public"  # every caller


@dataclass(frozen=True, slots=True)
class Viewer:
    """Whose eyes a read is for: an organisation, or an administrator who sees everything."""

    organisation: str
    sees_everything: bool = False

    @classmethod
    def of(cls, principal: Principal) -> Viewer:
        return cls(principal.organisation, Role.ADMIN in principal.roles)
