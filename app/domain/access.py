"""Who may do what: organisations, roles and the principal an API key stands for."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """Each key carries one or more; an endpoint names the roles it admits."""

    ADMIN = "admin"  # organisations, keys, reviewers, ruleset; admitted everywhere
    INTEGRATOR = "integrator"  # uploads its organisation's BOMs and checks its products
    PROCUREMENT = "procurement"  # reads components, certificates, where-used
    REVIEWER = "reviewer"  # records certificates and events for its own reviewer body
    AUDITOR = "auditor"  # reads decision records


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
