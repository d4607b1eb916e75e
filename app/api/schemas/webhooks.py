"""Webhook subscriptions and their delivery log, as subscribers create and read them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, Field

from app.domain.webhooks import (
    DeliveryState,
    DisabledReason,
    WebhookEvent,
)
from app.services.webhook_urls import MAX_URL_LENGTH


class WebhookCreate(BaseModel):
    url: Annotated[
        str,
        Field(
            min_length=1,
            max_length=MAX_URL_LENGTH,
            description="Where to POST events: http or https, no credentials, on a public "
            "address unless the operator allows private networks",
            examples=["https://hooks.example.com/exportgate"],
        ),
    ]
    events: Annotated[
        list[WebhookEvent],
        Field(min_length=1, max_length=len(WebhookEvent), examples=[["bom.ingested"]]),
    ]


class WebhookRead(BaseModel):
    id: int
    organisation: str
    url: str
    events: list[WebhookEvent]
    created_at: dt.datetime
    created_by: str = Field(description="The key whose eyes the subscription sees with")
    enabled: bool
    disabled_at: dt.datetime | None
    disabled_reason: DisabledReason | None = Field(
        description=f"Why it was disabled: {', '.join(DisabledReason)}; null while enabled"
    )
    disabled_detail: str | None = Field(description="The same reason, with its evidence")
    consecutive_failures: int


class CreatedWebhookRead(WebhookRead):
    secret: str = Field(
        description="The signing secret (whsec_…): shown in this answer and never again"
    )


class WebhookPage(BaseModel):
    items: list[WebhookRead]
    next_cursor: str | None


class DeliveryAttemptRead(BaseModel):
    attempt: int
    at: dt.datetime
    status_code: int | None = Field(description="The receiver's HTTP status; null if none")
    error: str | None = Field(description="What went wrong when there was no answer")
    duration_ms: int


class DeliveryRead(BaseModel):
    id: int
    webhook_id: str = Field(description="Sent as webhook-id, the same on every attempt")
    event: WebhookEvent
    state: DeliveryState
    created_at: dt.datetime
    attempts: int
    next_attempt_at: dt.datetime | None
    delivered_at: dt.datetime | None
    given_up_at: dt.datetime | None
    payload: dict[str, Any]
    log: list[DeliveryAttemptRead]


class DeliveryPage(BaseModel):
    items: list[DeliveryRead]
    next_cursor: str | None
