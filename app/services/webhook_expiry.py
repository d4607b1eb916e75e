"""`certificate.expiring`: announced once per certificate per threshold (the ruleset's
warning window, then 30 and 7 days before expiry), remembered so a re-run sends nothing new."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from app.domain.registry import DEFAULT_RULESET, ruleset_in_force
from app.domain.webhooks import WebhookEvent, expiry_thresholds
from app.services.registry import published_rulesets, status_on
from app.services.webhooks import publish, to_everyone

if TYPE_CHECKING:
    from app.services.runtime import Runtime
    from app.store.unit_of_work import UnitOfWork


def announce_expiring(uow: UnitOfWork, day: dt.date, *, now: dt.datetime) -> int:
    """Publish `certificate.expiring` for each active certificate that on `day` has come
    within a threshold it was not yet announced at; within the caller's unit of work.
    A certificate first seen inside several thresholds is announced once, at the nearest,
    and the others are remembered as passed. Returns how many certificates were announced."""
    ruleset = ruleset_in_force(published_rulesets(uow), day) or DEFAULT_RULESET
    thresholds = expiry_thresholds(ruleset.expiry_warning_days)
    if not thresholds:
        return 0
    last = day + dt.timedelta(days=thresholds[0])
    certificates = uow.registry.certificates(
        subject=None, after_number=None, limit=None, expiring_between=(day, last)
    )
    announced = 0
    for certificate in certificates:
        if status_on(certificate, day) != "active":
            continue
        days_left = (certificate.expires - day).days
        reached = [days for days in thresholds if days_left <= days]
        noticed = uow.webhooks.expiry_noticed(certificate.number)
        fresh = [days for days in reached if days not in noticed]
        if not fresh:
            continue
        if not all(uow.webhooks.notice_expiry(certificate.number, d, now) for d in fresh):
            continue  # a concurrent run announced it
        data = {
            "certificate": certificate.number,
            "subject": certificate.subject,
            "reviewer": certificate.reviewer_id,
            "expires": certificate.expires.isoformat(),
            "days_left": days_left,
            "threshold_days": min(fresh),
        }
        publish(uow, WebhookEvent.CERTIFICATE_EXPIRING, to_everyone(data), now=now)
        announced += 1
    return announced


def announce_expiring_certificates(
    runtime: Runtime, day: dt.date | None = None, *, now: dt.datetime | None = None
) -> int:
    """`announce_expiring` for `day` (today by default) in a unit of work of its own."""
    at = now or dt.datetime.now(dt.UTC)
    with runtime.writing() as uow:
        announced = announce_expiring(uow, day or at.date(), now=at)
        uow.commit()
    return announced
