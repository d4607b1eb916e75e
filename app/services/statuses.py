"""Every product's status per destination group, kept current and stored (PRODUCT.md section 5).

A change that can move a status (an upload, a supersession or retirement, a certificate or
its event, a classification, a reviewer's accreditation, a ruleset, the date) writes a work
item in its own transaction (`note_change`). A settling pass (`settle`) then weighs again
the products that hold what changed, stores their statuses, and records each change of one
with the work item's cause, in one transaction. Until the pass has run, readers weigh the
products afresh (`standings.kept_statuses`), so a stored status is never answered stale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.bom.identity import identity_from_reference
from app.domain.registry import Certificate
from app.domain.statuses import Cause, CauseKind, StatusChange, StatusWork, StoredStatus
from app.graph.walks import above
from app.services.standings import destination_groups, weigh
from app.services.status_feed import announce_status_changes
from app.services.status_work import note_change

if TYPE_CHECKING:
    from app.graph.portfolio import PortfolioGraph
    from app.services.runtime import Runtime
    from app.store.unit_of_work import UnitOfWork

# Work items settled in one pass (more wait for the next): a registry import or a first pass
# leaves thousands, settled together with one weighing of each product.
SETTLE_BATCH = 100_000


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """The day stored statuses are kept for: today in UTC, as every other default date."""
    return _now().date()


@dataclass(frozen=True, slots=True)
class Settled:
    """What one settling pass did."""

    work: int
    weighed: int
    changes: tuple[StatusChange, ...]


NOTHING_SETTLED = Settled(0, 0, ())


def settle(runtime: Runtime, *, day: dt.date | None = None) -> Settled:
    """Weigh again the products the waiting work touches, store their statuses for `day`
    (today when None), and record every change.

    The weighing happens in a read transaction, so a long pass never holds the write lock;
    the writing is one short transaction, under the settling lock, that goes ahead only if
    all of its work is still waiting (another runner may have settled it meanwhile). A
    change committed during the pass waits for the next one."""
    day = day or today()
    with runtime.reading() as uow:
        # The work is read before the graph and the registry: whatever it names is committed,
        # so both already hold it.
        work = uow.statuses.pending_work(SETTLE_BATCH)
        if not work:
            return NOTHING_SETTLED
        graph = runtime.cache.current(uow)
        products = {product.component_id for product in graph.products()}
        causes = _causes(graph, work, products)
        ruleset = runtime.registry.current(uow).ruleset_on(day)
        live = sorted(set(causes) & products)
        weighed = weigh(runtime, uow, live, destination_groups(ruleset, None), day)
    at = _now()
    with runtime.writing() as uow:
        ids = [item.id for item in work]
        if not uow.statuses.lock_settling() or not uow.statuses.still_waiting(ids):
            return NOTHING_SETTLED
        # A product that stopped being one loses its statuses, for the cause that ended it.
        for product in uow.statuses.products_with_status() - products:
            causes.setdefault(product, _ending_cause(work, product))
        stored = uow.statuses.stored(causes)
        changes: list[StatusChange] = []
        replaced: dict[int, Sequence[StoredStatus]] = {}
        for product in sorted(causes):
            before = {g: s.status.decision for g, s in stored.get(product, {}).items()}
            now: Sequence[StoredStatus] = ()
            if product in weighed:
                found = weighed[product]
                now = [
                    StoredStatus(product, status, found.sector, day, ruleset.version)
                    for status in found.statuses
                ]
            after = {s.status.group: s.status.decision for s in now}
            changes.extend(
                StatusChange(0, product, g, before.get(g), after.get(g), causes[product], day, at)
                for g in sorted(before.keys() | after.keys())
                if before.get(g) != after.get(g)
            )
            replaced[product] = now
        uow.statuses.replace(replaced, at)
        recorded = uow.statuses.add_changes(changes)
        announce_status_changes(uow, recorded, now=at)
        uow.statuses.remove_work(ids)
        uow.commit()
    return Settled(len(work), len(live), tuple(recorded))


def _causes(
    graph: PortfolioGraph, work: Sequence[StatusWork], products: set[int]
) -> dict[int, Cause]:
    """Each product the work touches, with the cause a change of its status is told with:
    the latest work item naming something it holds (or every product, such as a ruleset),
    else the latest one that only marks time (the date passing, a first pass).

    Read from the latest item back, so each product is told once and the walk up from an
    item's seeds stops at what a later item has told already: a pass over thousands of
    items (a registry import, a first pass) walks the graph about once."""
    told: dict[int, Cause] = {}
    general: Cause | None = None
    seen: set[int] = set()
    for item in reversed(work):
        if len(told) == len(products):
            break
        if item.seeds is not None:
            for product in _holding_products(graph, item.seeds, seen):
                told.setdefault(product, item.cause)
        elif item.cause.is_specific:
            for product in products:
                told.setdefault(product, item.cause)
        elif general is None:
            general = item.cause
    if general is not None:
        for product in products:
            told.setdefault(product, general)
    return told


def _ending_cause(work: Sequence[StatusWork], product: int) -> Cause:
    """The cause told for a product that is no product any more: the latest work item that
    names it, else the latest of all."""
    for item in reversed(work):
        if item.seeds is not None and product in item.seeds:
            return item.cause
    return work[-1].cause


def _holding_products(graph: PortfolioGraph, seeds: Iterable[int], seen: set[int]) -> set[int]:
    """The products whose closure may hold any of the seeds: everything above them in the
    portfolio graph (a superset of the products whose own BOMs reach them, which is the
    safe side: a product weighed again for nothing changes nothing), themselves included;
    what `seen` holds was walked from already."""
    return {component for component in above(graph, seeds, seen) if graph.is_product(component)}


def start_day(runtime: Runtime, day: dt.date, *, claim: bool = True) -> Settled:
    """Re-evaluate every product for `day`: once per day across runners when `claim` (the
    start of each UTC day), always when not (`exportgate status refresh`). What the days
    since the last evaluation changed is told by the certificate, classification or ruleset
    that changed with them, and by the date otherwise."""
    with runtime.writing() as uow:
        if not claim or uow.statuses.claim_day(day, _now()):
            since = uow.statuses.last_evaluated_day()
            if since is not None:
                note_dated_changes(uow, runtime, since, day)
            note_change(uow, Cause(CauseKind.DATE_PASSED, day.isoformat()), None)
            uow.commit()
    return settle_all(runtime, day=day)


def settle_all(runtime: Runtime, *, day: dt.date | None = None) -> Settled:
    """Settle passes until no work waits (or another process holds the settling lock)."""
    work, weighed = 0, 0
    changes: list[StatusChange] = []
    while True:
        settled = settle(runtime, day=day)
        if not settled.work:
            return Settled(work, weighed, tuple(changes))
        work, weighed = work + settled.work, weighed + settled.weighed
        changes.extend(settled.changes)


def note_dated_changes(uow: UnitOfWork, runtime: Runtime, since: dt.date, day: dt.date) -> None:
    """Work for what takes effect after `since` and by `day`: certificates that expired or
    whose dated events took effect, classifications that lapsed, the ruleset in force; each
    names the thing, so the status change it brings says which."""
    if since >= day:
        return
    snapshot = runtime.registry.current(uow)
    for held in snapshot.certificates.values():
        for certificate in held:
            kind = _dated_kind(certificate, since, day)
            if kind is None:
                continue
            component = uow.components.find_by_identity(
                identity_from_reference(certificate.subject)
            )
            if component is not None:
                note_change(uow, Cause(kind, certificate.number), [component.id])
    lapsed = [
        component
        for component, records in snapshot.classifications.items()
        if any(r.expires is not None and since <= r.expires < day for r in records)
    ]
    if lapsed:
        note_change(uow, Cause(CauseKind.CLASSIFICATION), lapsed)
    before, after = snapshot.ruleset_on(since), snapshot.ruleset_on(day)
    if before != after:
        note_change(uow, Cause(CauseKind.RULESET_IN_FORCE, after.version), None)


def _dated_kind(certificate: Certificate, since: dt.date, day: dt.date) -> CauseKind | None:
    """How the days after `since` up to `day` change the certificate, if they do."""
    if since <= certificate.expires < day:
        return CauseKind.CERTIFICATE_EXPIRED
    dates = [certificate.issued, *(event.date for event in certificate.events)]
    if any(since < date <= day for date in dates):
        return CauseKind.CERTIFICATE_TAKES_EFFECT
    return None
