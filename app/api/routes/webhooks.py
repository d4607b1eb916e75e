"""Webhook subscriptions: subscribe an organisation to events, read and remove them, read
their delivery log, enable one that was disabled (docs/webhooks.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from app.api.dependencies import RuntimeDep
from app.api.paging import page_read
from app.api.params import Paging, PathId
from app.api.problems import responses
from app.api.schemas.webhooks import (
    CreatedWebhookRead,
    DeliveryPage,
    DeliveryRead,
    WebhookCreate,
    WebhookPage,
    WebhookRead,
)
from app.api.security import admit, admits
from app.domain.access import Principal, Role, Viewer
from app.domain.copying import fields_of
from app.domain.webhooks import Delivery, Subscription
from app.services.webhooks import (
    enable_subscription,
    get_subscription,
    list_deliveries,
    list_subscriptions,
    remove_subscription,
    subscribe,
)

# Integrators hear of their BOMs, procurement of certificates; both subscribe for their
# own organisation, and a subscription sees what its key sees. Administrators see all.
SUBSCRIBERS = (Role.INTEGRATOR, Role.PROCUREMENT)

router = APIRouter(tags=["webhooks"], dependencies=[admit(*SUBSCRIBERS)])

Subscriber = Annotated[Principal, Depends(admits(*SUBSCRIBERS))]


def _read(subscription: Subscription) -> WebhookRead:
    return WebhookRead.model_validate({**fields_of(subscription), "enabled": subscription.enabled})


def _delivery(delivery: Delivery) -> DeliveryRead:
    return DeliveryRead.model_validate(
        {
            **fields_of(delivery),
            "state": delivery.state,
            "payload": dict(delivery.payload),
            "log": [fields_of(attempt) for attempt in delivery.log],
        }
    )


@router.post(
    "/api/v1/webhooks",
    response_model=CreatedWebhookRead,
    status_code=201,
    summary="Subscribe your organisation to events; the signing secret is in this answer only",
    responses=responses(422),
)
def create_webhook(
    runtime: RuntimeDep, body: WebhookCreate, principal: Subscriber
) -> CreatedWebhookRead:
    created = subscribe(runtime, principal, body.url, body.events, where="body/url")
    read = _read(created.subscription)
    return CreatedWebhookRead(**read.model_dump(), secret=created.secret)


@router.get(
    "/api/v1/webhooks",
    response_model=WebhookPage,
    summary="Your organisation's subscriptions (every one, for administrators), by id",
)
def list_webhooks(runtime: RuntimeDep, principal: Subscriber, paging: Paging) -> WebhookPage:
    page = list_subscriptions(runtime, Viewer.of(principal), paging=paging)
    return page_read(WebhookPage, page, _read)


@router.get(
    "/api/v1/webhooks/{webhook_id}",
    response_model=WebhookRead,
    summary="One subscription: whether it is enabled, and if not, why",
    responses=responses(404),
)
def get_webhook(webhook_id: PathId, runtime: RuntimeDep, principal: Subscriber) -> WebhookRead:
    return _read(get_subscription(runtime, webhook_id, Viewer.of(principal)))


@router.delete(
    "/api/v1/webhooks/{webhook_id}",
    status_code=204,
    summary="Remove a subscription with its pending messages and delivery log",
    responses=responses(404),
)
def delete_webhook(webhook_id: PathId, runtime: RuntimeDep, principal: Subscriber) -> Response:
    remove_subscription(runtime, webhook_id, Viewer.of(principal), actor=principal.actor)
    return Response(status_code=204)


@router.post(
    "/api/v1/webhooks/{webhook_id}/enable",
    response_model=WebhookRead,
    summary="Enable a disabled subscription; its pending messages are sent again",
    description="Refused (409) when the key that created it is revoked or expired.",
    responses=responses(404, 409, 422),
)
def enable_webhook(webhook_id: PathId, runtime: RuntimeDep, principal: Subscriber) -> WebhookRead:
    return _read(
        enable_subscription(
            runtime, webhook_id, Viewer.of(principal), actor=principal.actor, where="url"
        )
    )


@router.get(
    "/api/v1/webhooks/{webhook_id}/deliveries",
    response_model=DeliveryPage,
    summary="A subscription's messages, oldest first, with every attempt at sending each",
    responses=responses(404),
)
def list_webhook_deliveries(
    webhook_id: PathId,
    runtime: RuntimeDep,
    principal: Subscriber,
    paging: Paging,
) -> DeliveryPage:
    page = list_deliveries(runtime, webhook_id, Viewer.of(principal), paging=paging)
    return page_read(DeliveryPage, page, _delivery)
