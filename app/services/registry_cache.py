"""The registry as every check reads it, kept per process and reloaded only when it changed.

A check reads the certificates of hundreds of components; building them from rows each time
costs more than the rest of the decision. The registry only grows (certificates and events
are appended, reviewers updated, rulesets published), so one cheap query on its counts and
newest ids tells a process whether its copy is still the committed truth.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from app.domain.classification import Classification
from app.domain.ids import IdentityKey
from app.domain.product_slice import Registry
from app.domain.registry import DEFAULT_RULESET, Certificate, Reviewer, Ruleset, ruleset_in_force
from app.services.registry import published_rulesets
from app.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class RegistrySnapshot:
    certificates: Mapping[IdentityKey, Sequence[Certificate]]
    reviewers: Mapping[str, Reviewer]
    # Every published ruleset version, oldest published first: a check dated last month
    # reads last month's rules.
    rulesets: tuple[Ruleset, ...]
    # Classification records by component: what a person decided about AI status.
    classifications: Mapping[int, Sequence[Classification]] = field(default_factory=dict)

    def ruleset_on(self, day: dt.date) -> Ruleset:
        """The version in force on the day; the built-in defaults while none is."""
        return ruleset_in_force(self.rulesets, day) or DEFAULT_RULESET

    def for_keys(self, keys: Iterable[str], day: dt.date) -> Registry:
        """The part of the registry a decision about these components on `day` reads."""
        wanted = {
            IdentityKey(key): self.certificates[IdentityKey(key)]
            for key in keys
            if IdentityKey(key) in self.certificates
        }
        return Registry(certificates=wanted, reviewers=self.reviewers, ruleset=self.ruleset_on(day))


class RegistryCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation: tuple[object, ...] | None = None
        self._snapshot: RegistrySnapshot | None = None

    def current(self, uow: UnitOfWork) -> RegistrySnapshot:
        """The committed registry, read within the caller's unit of work: reloaded only when
        its generation moved since the last read."""
        generation = (uow.registry.generation(), uow.classifications.generation())
        with self._lock:
            if self._snapshot is None or generation != self._generation:
                self._snapshot = RegistrySnapshot(
                    certificates=uow.registry.all_certificates(),
                    reviewers=uow.registry.reviewers(),
                    rulesets=published_rulesets(uow),
                    classifications=uow.classifications.every(),
                )
                self._generation = generation
            return self._snapshot
