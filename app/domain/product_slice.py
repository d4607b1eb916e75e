"""What a check is given: the question, one product's slice of the portfolio, and the
registry as of the check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.domain.ids import IdentityKey
from app.domain.portfolio import BomFacts
from app.domain.registry import Certificate, Reviewer, Ruleset

# Upstream assemblies whose insides are unknown unless they have a BOM of their own.
ASSEMBLY_TYPES = frozenset({"device", "firmware", "application", "platform", "service"})


@dataclass(frozen=True, slots=True)
class Member:
    """A component the decision looks at (the service explains how it is introduced)."""

    component_id: int
    identity_key: IdentityKey
    name: str
    type: str
    is_ai: bool
    # Whether anything is known of what it holds: its own BOM, or parts listed under it.
    contents_known: bool = False
    claimed_certificates: tuple[str, ...] = ()
    # Why it is suspected of being an AI component though no BOM says so (a ruleset hint),
    # when it is; `is_ai` already says whether the ruleset counts it as one.
    suspected: str | None = None


@dataclass(frozen=True, slots=True)
class ProductSlice:
    """What the decision needs of one product: itself, the members of its closure that
    matter (AI components, assemblies, claimants), and what its current BOM declares."""

    product: Member
    members: tuple[Member, ...]
    # The product's sector, when its BOMs name one; None when they name none or disagree,
    # so that only a certificate covering every sector passes (the stricter reading).
    sector: str | None = None
    incomplete_aggregates: tuple[str, ...] = ()
    human_oversight: bool = False
    # Every sector the product's current BOMs name, in order.
    sectors: tuple[str, ...] = ()
    # The product's current BOMs and every BOM its closure is expanded through.
    boms: tuple[BomFacts, ...] = ()
    current_boms: tuple[int, ...] = ()
    # (component id, name, BOM-Link) for each link to a BOM exportgate does not hold.
    missing_links: tuple[tuple[int, str, str], ...] = ()

    @property
    def is_ai_bearing(self) -> bool:
        return self.product.is_ai or any(member.is_ai for member in self.members)


@dataclass(frozen=True, slots=True)
class Registry:
    """The registry as of the check: certificates by subject, reviewers, the ruleset."""

    certificates: Mapping[IdentityKey, Sequence[Certificate]]
    reviewers: Mapping[str, Reviewer]
    ruleset: Ruleset

    def certificates_of(self, member: Member) -> Sequence[Certificate]:
        return self.certificates.get(member.identity_key, ())


@dataclass(frozen=True, slots=True)
class Question:
    """May it go to `destination` on `day` (for `sector`, else the product's own)?"""

    destination: str
    day: dt.date
    sector: str | None = None
