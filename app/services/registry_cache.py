"""The registry as every check reads it, kept per process and reloaded only when it changed.

A check reads the certificates of hundreds of components; building them from rows each time
costs more than the rest of the decision. The registry only grows (certificates and events
are appended, reviewers updated, rulesets published), so one cheap query on its counts and
newest ids tells a process whether its copy is still the committed truth.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from app.domain.classification import Classification
from app.domain.ids import IdentityKey
from app.domain.product_slice import Registry
from app.domain.registry import DEFAULT_RULESET, Certificate, Reviewer, Ruleset, ruleset_in_force
from app.domain.stored import RegistryGeneration
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
    # Moves whenever a classification record is added: what a product's AI judgement read
    # is known to be the same while it stays.
    classifications_generation: Hashable = None

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
        self._generation: tuple[RegistryGeneration, Hashable] | None = None
        self._snapshot: RegistrySnapshot | None = None

    def current(self, uow: UnitOfWork) -> RegistrySnapshot:
        """The committed registry, read within the caller's unit of work: reloaded only when
        its generation moved since the last read, and then only what moved."""
        generation = (uow.registry.generation(), uow.classifications.generation())
        with self._lock:
            held, snapshot = self._generation, self._snapshot
            if snapshot is None or held is None or generation != held:
                certificates = None
                if snapshot is not None and held is not None:
                    certificates = _caught_up(uow, snapshot.certificates, held[0], generation[0])
                classifications = (
                    snapshot.classifications
                    if snapshot is not None and held is not None and held[1] == generation[1]
                    else uow.classifications.every()
                )
                snapshot = self._snapshot = RegistrySnapshot(
                    certificates=certificates or uow.registry.all_certificates(),
                    reviewers=uow.registry.reviewers(),
                    rulesets=published_rulesets(uow),
                    classifications=classifications,
                    classifications_generation=generation[1],
                )
                self._generation = generation
            return snapshot


def _caught_up(
    uow: UnitOfWork,
    certificates: Mapping[IdentityKey, Sequence[Certificate]],
    held: RegistryGeneration,
    now: RegistryGeneration,
) -> Mapping[IdentityKey, Sequence[Certificate]] | None:
    """The certificates held, with those recorded or given an event since `held` read again
    (certificates and events are only ever appended: a revocation reads one certificate,
    not twelve thousand); None when what results does not add up to the counts `now`
    reports (an entry committed late under an older id, on PostgreSQL): read them all."""
    if (now.certificates, now.events) == (held.certificates, held.events) and (
        now.newest_certificate,
        now.newest_event,
    ) == (held.newest_certificate, held.newest_event):
        return certificates
    changed = uow.registry.certificates_since(held.newest_certificate, held.newest_event)
    merged = dict(certificates)
    for subject in {certificate.subject for certificate in changed}:
        numbers = {c.number for c in changed if c.subject == subject}
        kept = [c for c in merged.get(subject, ()) if c.number not in numbers]
        merged[subject] = sorted(
            [*kept, *(c for c in changed if c.subject == subject)], key=lambda c: c.number
        )
    held_certificates = sum(len(found) for found in merged.values())
    held_events = sum(len(c.events) for found in merged.values() for c in found)
    if (held_certificates, held_events) != (now.certificates, now.events):
        return None
    return merged
