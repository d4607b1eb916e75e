"""Webhook subscriptions, their outbox and its delivery log, and the expiry notices sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.store.rows import Base
from app.store.rows.columns import SurrogateKey, UtcDateTime


class WebhookSubscriptionRow(Base):
    """Where an organisation wants events sent, seen with the eyes of the key that asked."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[SurrogateKey]
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    url: Mapped[str] = mapped_column(Text)
    events: Mapped[list[str]] = mapped_column(JSON)
    # Kept as given: every delivery is signed with it (it is shown to the subscriber once).
    secret: Mapped[str] = mapped_column(Text)
    created_by_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    disabled_reason: Mapped[str | None] = mapped_column(String(32))
    disabled_detail: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, server_default="0")
    failing_since: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_webhook_subscriptions_organisation_id", "organisation_id"),)


class WebhookMessageRow(Base):
    """One event for one subscription, written in the transaction of the change it tells
    of; delivered at least once, retried on a schedule kept here."""

    __tablename__ = "webhook_messages"

    id: Mapped[SurrogateKey]
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    # `msg_…`, sent as webhook-id: the same on every attempt, so receivers can deduplicate.
    webhook_id: Mapped[str] = mapped_column(String(64), unique=True)
    event: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    given_up_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    # A sender's lease: until then no other sender takes the message; a sender that died
    # holding it loses it when the time passes.
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (
        Index("ix_webhook_messages_next_attempt_at", "next_attempt_at"),
        Index("ix_webhook_messages_subscription_id", "subscription_id", "id"),
    )


class WebhookAttemptRow(Base):
    """One try at sending a message; appended, never edited."""

    __tablename__ = "webhook_attempts"

    id: Mapped[SurrogateKey]
    message_id: Mapped[int] = mapped_column(ForeignKey("webhook_messages.id", ondelete="CASCADE"))
    attempt: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_webhook_attempts_message_id", "message_id"),)


class CertificateExpiryNoticeRow(Base):
    """That `certificate.expiring` was announced for a certificate at a threshold, so that
    it is announced once."""

    __tablename__ = "certificate_expiry_notices"

    id: Mapped[SurrogateKey]
    certificate_number: Mapped[str] = mapped_column(String(128))
    days_before: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        UniqueConstraint(
            "certificate_number",
            "days_before",
            name="uq_certificate_expiry_notices_certificate_number",
        ),
    )
