"""Webhook subscriptions and the outbox: who may subscribe to what, and `publish`, which
other use cases call to tell subscribers of a change in that change's own transaction.

A subscription belongs to the organisation of the key that made it and sees what that
key's viewer sees (an administrator's sees everything): every payload is asked of the
event's publisher for that viewer, so a subscriber is never told of what it may not see.
Sending is app/services/webhook_delivery.py's; decision record 16 says why it is built so.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.access import ApiKey, Principal, Role, Viewer
from app.domain.audit import SYSTEM_ACTOR
from app.domain.errors import (
    BomRejectedError,
    ConflictError,
    ExportgateError,
    InputRejectedError,
    InvalidRequestError,
    LimitExceededError,
    Located,
    NotFoundError,
    SubjectOwnedError,
    UnsupportedMediaTypeError,
)
from app.domain.paging import WHOLE_LIST, Page, PageRequest, read_limit
from app.domain.registry import StatusEvent
from app.domain.stored import NewBom
from app.domain.webhooks import (
    WEBHOOK_DELIVERIES,
    WEBHOOKS,
    Delivery,
    DisabledReason,
    NewSubscription,
    Subscription,
    WebhookEvent,
)
from app.services.visibility import may_see_bom
from app.services.webhook_urls import ReceiverRefusedError, resolve_receiver

if TYPE_CHECKING:
    from app.services.runtime import Runtime
    from app.store.unit_of_work import UnitOfWork

# The located errors a `bom.refused` payload carries at most; the count says how many more.
REFUSAL_ERRORS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class CreatedSubscription:
    subscription: Subscription
    secret: str  # shown in this answer and never again


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _new_webhook_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)


def _receiver_allowed(url: str, *, allow_private: bool, where: str) -> None:
    try:
        resolve_receiver(url, allow_private=allow_private)
    except ReceiverRefusedError as error:
        raise InvalidRequestError(
            "the webhook URL was refused", [Located(where, str(error))]
        ) from None


def _visible(subscription: Subscription | None, viewer: Viewer) -> Subscription:
    """Another organisation's subscription is answered exactly like one that does not exist."""
    if subscription is None or not (
        viewer.sees_everything or subscription.organisation == viewer.organisation
    ):
        raise NotFoundError("no such webhook subscription")
    return subscription


def subscribe(
    runtime: Runtime,
    principal: Principal,
    url: str,
    events: Collection[WebhookEvent],
    *,
    where: str = "url",
) -> CreatedSubscription:
    """Subscribe the principal's organisation to `events` at `url`, seen with the
    principal's eyes; the answer carries the signing secret, which is never shown again."""
    _receiver_allowed(
        url, allow_private=runtime.settings.webhook_allow_private_networks, where=where
    )
    secret = _new_secret()
    now = _now()
    with runtime.writing() as uow:
        organisation = uow.access.organisation(principal.organisation)
        if organisation is None:  # pragma: no cover - the key's organisation exists
            raise NotFoundError(f"no organisation {principal.organisation}")
        subscription_id = uow.webhooks.add_subscription(
            NewSubscription(
                organisation_id=organisation.id,
                url=url,
                events=tuple(sorted(set(events))),
                secret=secret,
                created_by_key_id=principal.key_id,
                created_by=principal.actor,
                created_at=now,
            )
        )
        uow.commit()
        return CreatedSubscription(
            _visible(uow.webhooks.subscription(subscription_id), Viewer.of(principal)), secret
        )


def list_subscriptions(
    runtime: Runtime,
    viewer: Viewer,
    *,
    paging: PageRequest = WHOLE_LIST,
) -> Page[Subscription]:
    """The viewer's organisation's subscriptions by id (every one for an administrator)."""
    after = WEBHOOKS.after(paging.cursor, paging.where)
    organisation = None if viewer.sees_everything else viewer.organisation
    with runtime.reading() as uow:
        found = uow.webhooks.subscriptions_page(
            organisation=organisation, after_id=after, limit=read_limit(paging.limit)
        )
    return WEBHOOKS.page(found, paging.limit, lambda subscription: subscription.id)


def get_subscription(runtime: Runtime, subscription_id: int, viewer: Viewer) -> Subscription:
    with runtime.reading() as uow:
        return _visible(uow.webhooks.subscription(subscription_id), viewer)


def remove_subscription(
    runtime: Runtime, subscription_id: int, viewer: Viewer, *, actor: str
) -> None:
    """Remove it with its outbox and delivery log; nothing more is sent to it."""
    with runtime.writing() as uow:
        _visible(uow.webhooks.subscription(subscription_id), viewer)
        uow.webhooks.remove_subscription(subscription_id)
        uow.chain.changed("webhook_subscription", subscription_id, "removed", actor)
        uow.commit()


def enable_subscription(
    runtime: Runtime, subscription_id: int, viewer: Viewer, *, actor: str, where: str = "url"
) -> Subscription:
    """Enable a disabled subscription again: its failures are forgotten, its pending
    messages are due at once. Refused while the key that made it cannot be used, whose
    eyes it sees with (make a new subscription with a usable key instead)."""
    now = _now()
    with runtime.writing() as uow:
        subscription = _visible(uow.webhooks.subscription(subscription_id), viewer)
        refusal = _key_refusal(uow.access.key(subscription.created_by_key_id), subscription, now)
        if refusal is not None:
            raise ConflictError(f"{refusal[1]}; subscribe again with a usable key")
        _receiver_allowed(
            subscription.url,
            allow_private=runtime.settings.webhook_allow_private_networks,
            where=where,
        )
        uow.webhooks.enable(subscription_id, now)
        uow.chain.changed("webhook_subscription", subscription_id, "enabled", actor)
        uow.commit()
        return _visible(uow.webhooks.subscription(subscription_id), viewer)


def list_deliveries(
    runtime: Runtime,
    subscription_id: int,
    viewer: Viewer,
    *,
    paging: PageRequest = WHOLE_LIST,
) -> Page[Delivery]:
    """A subscription's messages, oldest first, each with its attempts."""
    after = WEBHOOK_DELIVERIES.after(paging.cursor, paging.where)
    with runtime.reading() as uow:
        _visible(uow.webhooks.subscription(subscription_id), viewer)
        found = uow.webhooks.deliveries_page(
            subscription_id, after_id=after, limit=read_limit(paging.limit)
        )
    return WEBHOOK_DELIVERIES.page(found, paging.limit, lambda delivery: delivery.id)


# -- the outbox ------------------------------------------------------------------------------


def _key_refusal(
    key: ApiKey | None, subscription: Subscription, now: dt.datetime
) -> tuple[DisabledReason, str] | None:
    """Why the key whose eyes the subscription sees with can no longer be used, in words
    that name it, or None while it can."""
    made_by = f"the key that created it (key {subscription.created_by_key_id})"
    if key is None or key.revoked_at is not None:
        return DisabledReason.KEY_REVOKED, f"{made_by} was revoked"
    if not key.usable_at(now):
        return DisabledReason.KEY_EXPIRED, f"{made_by} expired"
    return None


def viewer_of(uow: UnitOfWork, subscription: Subscription, now: dt.datetime) -> Viewer | None:
    """Whose eyes the subscription sees with: its key's, while that key can be used. A
    subscription whose key was revoked or expired is disabled, saying so, and sees nothing
    (within the caller's unit of work)."""
    key = uow.access.key(subscription.created_by_key_id)
    refusal = _key_refusal(key, subscription, now)
    if refusal is not None:
        uow.webhooks.disable(subscription.id, *refusal, now)
        if subscription.enabled:  # the first disabling is the one kept
            uow.chain.changed(
                "webhook_subscription", subscription.id, "disabled", SYSTEM_ACTOR,
                {"reason": refusal[0].value, "detail": refusal[1]},
            )  # fmt: skip
        return None
    return Viewer(subscription.organisation, key is not None and Role.ADMIN in key.roles)


def publish(
    uow: UnitOfWork,
    event_type: WebhookEvent,
    payload_for: Callable[[Viewer], Mapping[str, object] | None],
    *,
    now: dt.datetime,
) -> int:
    """Write one outbox message per enabled subscription to event_type whose viewer
    payload_for gives a payload (None: that subscriber may not see it); in the caller's
    unit of work, so the message commits or rolls back with the change. Returns count."""

    def payloads_for(viewer: Viewer) -> Iterable[Mapping[str, object]]:
        data = payload_for(viewer)
        return () if data is None else (data,)

    return publish_each(uow, event_type, payloads_for, now=now)


def publish_each(
    uow: UnitOfWork,
    event_type: WebhookEvent,
    payloads_for: Callable[[Viewer], Iterable[Mapping[str, object]]],
    *,
    now: dt.datetime,
) -> int:
    """As `publish`, for many events of one type at once (the status changes of a settling
    pass): one message per payload `payloads_for` gives each subscriber's viewer, so what a
    subscriber may see is worked out once for all of them."""
    written = 0
    for subscription in uow.webhooks.enabled_subscriptions():
        if event_type not in subscription.events:
            continue
        viewer = viewer_of(uow, subscription, now)
        if viewer is None:
            continue
        for data in payloads_for(viewer):
            body = {"type": event_type.value, "timestamp": now.isoformat(), "data": dict(data)}
            uow.webhooks.add_message(subscription.id, _new_webhook_id(), event_type, body, now)
            written += 1
    return written


def to_everyone(data: Mapping[str, object]) -> Callable[[Viewer], Mapping[str, object]]:
    """A `payload_for` that gives every subscriber the same data: for what every
    authenticated caller may read (the registry)."""
    return lambda _viewer: data


# -- events this module publishes for other use cases ---------------------------------------


def announce_ingested(
    uow: UnitOfWork,
    bom_id: int,
    bom: NewBom,
    *,
    subject: str,
    organisation: str | None,
    superseded: tuple[int, ...],
    now: dt.datetime,
) -> int:
    """`bom.ingested` to every subscriber who may see the new BOM, naming only the ended
    BOMs it may see too (within the ingest's unit of work)."""
    data = {
        "bom_id": bom_id,
        "organisation": organisation,
        "subject": subject,
        "serial_number": bom.serial_number,
        "version": bom.bom_version,
        "sha256": bom.sha256,
        "format": bom.format,
        "spec_version": bom.spec_version,
        "component_count": bom.component_count,
        "ai_component_count": bom.ai_component_count,
        "uploaded_by": bom.uploaded_by,
    }

    def payload_for(viewer: Viewer) -> Mapping[str, object] | None:
        if not may_see_bom(uow, bom_id, viewer):
            return None
        return {**data, "superseded": [b for b in superseded if may_see_bom(uow, b, viewer)]}

    return publish(uow, WebhookEvent.BOM_INGESTED, payload_for, now=now)


# What refuses an upload (as opposed to the server failing to take it).
_REFUSALS: tuple[tuple[type[ExportgateError], str], ...] = (
    (BomRejectedError, "bom_rejected"),
    (SubjectOwnedError, "subject_owned"),
    (LimitExceededError, "limit_exceeded"),
    (UnsupportedMediaTypeError, "unsupported_media_type"),
)


@contextmanager
def refusals_announced(
    runtime: Runtime, data: bytes, *, organisation: str | None, uploaded_by: str | None
) -> Iterator[None]:
    """Around an upload: when it is refused, `bom.refused` goes to the uploading
    organisation's own subscriptions, in a small transaction of its own (the refused upload
    stored nothing), and the refusal goes on to the caller unchanged."""
    try:
        yield
    except ExportgateError as error:
        code = next((code for kind, code in _REFUSALS if isinstance(error, kind)), None)
        if code is not None and organisation is not None:
            sha256 = hashlib.sha256(data).hexdigest()
            _announce_refusal(
                runtime,
                error,
                code=code,
                organisation=organisation,
                uploaded_by=uploaded_by,
                sha256=sha256,
            )
        raise


def _announce_refusal(
    runtime: Runtime,
    error: ExportgateError,
    *,
    code: str,
    organisation: str,
    uploaded_by: str | None,
    sha256: str,
) -> None:
    located = error.errors if isinstance(error, InputRejectedError) else []
    data = {
        "organisation": organisation,
        "uploaded_by": uploaded_by,
        "sha256": sha256,
        "refusal": code,
        "detail": error.detail,
        "errors": [
            {"location": e.location, "message": e.message} for e in located[:REFUSAL_ERRORS_SHOWN]
        ],
        "error_count": len(located),
    }
    now = _now()
    try:
        with runtime.writing() as uow:
            publish(
                uow,
                WebhookEvent.BOM_REFUSED,
                lambda viewer: data if viewer.organisation == organisation else None,
                now=now,
            )
            uow.commit()
    except ExportgateError:
        # The uploader is answered with the refusal itself; a database too busy to take the
        # announcement must not turn it into another error.
        return


def record_status_event(
    uow: UnitOfWork, certificate_id: int, number: str, event: StatusEvent, now: dt.datetime
) -> bool:
    """Append a certificate's status event and, when it is new, tell every subscriber of
    `certificate.status_changed` (the registry is readable by every caller); within the
    caller's unit of work. False when the event was recorded already."""
    added = uow.registry.add_event(certificate_id, event, now)
    if added:
        certificate = uow.registry.certificate(number)
        data = {
            "certificate": number,
            "subject": None if certificate is None else certificate.subject,
            "reviewer": None if certificate is None else certificate.reviewer_id,
            "status": event.status.value,
            "date": event.date.isoformat(),
            "reason": event.reason,
        }
        publish(uow, WebhookEvent.CERTIFICATE_STATUS_CHANGED, to_everyone(data), now=now)
    return added
