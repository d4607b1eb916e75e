"""Webhook subscriptions, the outbox and its delivery log in SQL, read back as domain values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from app.domain.copying import copied, fields_of
from app.domain.webhooks import (
    ClaimedMessage,
    Delivery,
    DeliveryAttempt,
    DisabledReason,
    NewSubscription,
    Subscription,
    WebhookEvent,
)
from app.store.conflicts import inserted
from app.store.repository import Repository
from app.store.rows import OrganisationRow
from app.store.rows.webhooks import (
    CertificateExpiryNoticeRow,
    WebhookAttemptRow,
    WebhookMessageRow,
    WebhookSubscriptionRow,
)

_Subscriptions = WebhookSubscriptionRow
_Messages = WebhookMessageRow


def _subscription(row: WebhookSubscriptionRow, organisation: str) -> Subscription:
    return copied(
        Subscription,
        row,
        organisation=organisation,
        # An event a newer version wrote and this one does not know is left out, not guessed.
        events=tuple(WebhookEvent(e) for e in row.events if e in WebhookEvent.__members__.values()),
        disabled_reason=None
        if row.disabled_reason is None
        else DisabledReason(row.disabled_reason),
    )


def _delivery(row: WebhookMessageRow, log: Sequence[WebhookAttemptRow] = ()) -> Delivery:
    return copied(
        Delivery,
        row,
        event=WebhookEvent(row.event),
        log=tuple(copied(DeliveryAttempt, attempt) for attempt in log),
    )


class WebhookRepository(Repository):
    def __init__(self, session: Session) -> None:
        super().__init__(session)
        # Whether this transaction wrote a message, so that its commit wakes the sender.
        self.added_messages = False

    # -- subscriptions -------------------------------------------------------------------

    def _with_organisation(self) -> Any:
        return select(_Subscriptions, OrganisationRow.code).join(
            OrganisationRow, OrganisationRow.id == _Subscriptions.organisation_id
        )

    def add_subscription(self, new: NewSubscription) -> int:
        stored = {**fields_of(new), "events": [event.value for event in new.events]}
        row = _Subscriptions(**stored, consecutive_failures=0)
        self._session.add(row)
        self._session.flush()
        return row.id

    def subscription(self, subscription_id: int) -> Subscription | None:
        found = self._session.execute(
            self._with_organisation().where(_Subscriptions.id == subscription_id)
        ).one_or_none()
        return None if found is None else _subscription(found[0], found[1])

    def subscriptions_page(
        self, *, organisation: str | None, after_id: int | None, limit: int | None
    ) -> list[Subscription]:
        """Subscriptions by id (only `organisation`'s when given)."""
        query = self._with_organisation().order_by(_Subscriptions.id).limit(limit)
        if organisation is not None:
            query = query.where(OrganisationRow.code == organisation)
        if after_id is not None:
            query = query.where(_Subscriptions.id > after_id)
        return [_subscription(row, code) for row, code in self._session.execute(query)]

    def enabled_subscriptions(self) -> list[Subscription]:
        query = (
            self._with_organisation()
            .where(_Subscriptions.disabled_at.is_(None))
            .order_by(_Subscriptions.id)
        )
        return [_subscription(row, code) for row, code in self._session.execute(query)]

    def remove_subscription(self, subscription_id: int) -> None:
        messages = select(_Messages.id).where(_Messages.subscription_id == subscription_id)
        self._session.execute(
            delete(WebhookAttemptRow).where(WebhookAttemptRow.message_id.in_(messages))
        )
        self._session.execute(delete(_Messages).where(_Messages.subscription_id == subscription_id))
        self._session.execute(delete(_Subscriptions).where(_Subscriptions.id == subscription_id))

    def disable(
        self, subscription_id: int, reason: DisabledReason, detail: str, now: dt.datetime
    ) -> None:
        """Disable it unless it is disabled already (the first reason stands)."""
        self._session.execute(
            update(_Subscriptions)
            .where(_Subscriptions.id == subscription_id, _Subscriptions.disabled_at.is_(None))
            .values(disabled_at=now, disabled_reason=reason.value, disabled_detail=detail)
        )

    def enable(self, subscription_id: int, now: dt.datetime) -> None:
        """Enable it with a clean record; its pending messages are due at once."""
        self._session.execute(
            update(_Subscriptions)
            .where(_Subscriptions.id == subscription_id)
            .values(
                disabled_at=None,
                disabled_reason=None,
                disabled_detail=None,
                consecutive_failures=0,
                failing_since=None,
            )
        )
        self._session.execute(
            update(_Messages)
            .where(
                _Messages.subscription_id == subscription_id,
                _Messages.delivered_at.is_(None),
                _Messages.given_up_at.is_(None),
            )
            .values(next_attempt_at=now)
        )

    def failed(self, subscription_id: int, now: dt.datetime) -> Subscription | None:
        """Count one more failed attempt in a row; the subscription as it now stands."""
        self._session.execute(
            update(_Subscriptions)
            .where(_Subscriptions.id == subscription_id)
            .values(consecutive_failures=_Subscriptions.consecutive_failures + 1)
        )
        self._session.execute(
            update(_Subscriptions)
            .where(_Subscriptions.id == subscription_id, _Subscriptions.failing_since.is_(None))
            .values(failing_since=now)
        )
        return self.subscription(subscription_id)

    def succeeded(self, subscription_id: int) -> None:
        self._session.execute(
            update(_Subscriptions)
            .where(_Subscriptions.id == subscription_id)
            .values(consecutive_failures=0, failing_since=None)
        )

    # -- the outbox ----------------------------------------------------------------------

    def add_message(
        self,
        subscription_id: int,
        webhook_id: str,
        event: WebhookEvent,
        payload: Mapping[str, Any],
        now: dt.datetime,
    ) -> None:
        self._session.add(
            _Messages(
                subscription_id=subscription_id,
                webhook_id=webhook_id,
                event=event.value,
                payload=dict(payload),
                created_at=now,
                attempts=0,
                next_attempt_at=now,
            )
        )
        # Flushed with the rest of the transaction: a settling pass may write thousands.
        self.added_messages = True

    def due(
        self, now: dt.datetime, *, skip: Sequence[int], limit: int = 1
    ) -> list[tuple[int, Subscription]]:
        """The messages due first (at most `limit`) that no live lease holds, among enabled
        subscriptions; each with its subscription. On PostgreSQL the rows are locked,
        skipping rows another sender holds locked; on SQLite the caller holds the
        database's only write lock."""
        query = (
            select(_Messages.id, _Messages.subscription_id)
            .join(_Subscriptions, _Subscriptions.id == _Messages.subscription_id)
            .where(
                _Messages.delivered_at.is_(None),
                _Messages.given_up_at.is_(None),
                _Messages.next_attempt_at <= now,
                or_(_Messages.claimed_until.is_(None), _Messages.claimed_until <= now),
                _Subscriptions.disabled_at.is_(None),
            )
            .order_by(_Messages.next_attempt_at, _Messages.id)
            .limit(limit)
        )
        if skip:
            query = query.where(_Messages.id.not_in(skip))
        if self._session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True, of=_Messages)
        found = self._session.execute(query).all()
        subscriptions = {s: self.subscription(s) for s in {row[1] for row in found}}
        return [
            (message_id, subscription)
            for message_id, subscription_id in found
            if (subscription := subscriptions[subscription_id]) is not None
        ]

    def claim(self, message_ids: Sequence[int], until: dt.datetime) -> list[ClaimedMessage]:
        """Lease the messages to this sender and count the attempt it is about to make on
        each (in id order); one statement for the lease, one to read them back."""
        if not message_ids:
            return []
        self._session.execute(
            update(_Messages)
            .where(_Messages.id.in_(message_ids))
            .values(claimed_until=until, attempts=_Messages.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        query = (
            select(
                _Messages.id,
                _Messages.subscription_id,
                _Messages.webhook_id,
                _Messages.payload,
                _Messages.attempts,
                _Subscriptions.url,
                _Subscriptions.secret,
            )
            .join(_Subscriptions, _Subscriptions.id == _Messages.subscription_id)
            .where(_Messages.id.in_(message_ids))
            .order_by(_Messages.id)
        )
        return [
            ClaimedMessage(message, subscription, webhook_id, url, secret, payload, attempts)
            for message, subscription, webhook_id, payload, attempts, url, secret in (
                self._session.execute(query)
            )
        ]

    def record_attempts(self, attempts: Sequence[tuple[int, DeliveryAttempt]]) -> set[int]:
        """Log each message's attempt; the messages logged (a message whose subscription was
        removed while it was being sent is gone, and is left out)."""
        ids = [message for message, _ in attempts]
        present = set(self._session.scalars(select(_Messages.id).where(_Messages.id.in_(ids))))
        self._session.add_all(
            WebhookAttemptRow(message_id=message, **fields_of(attempt))
            for message, attempt in attempts
            if message in present
        )
        self._session.flush()
        return present

    def delivered(self, message_ids: Sequence[int], now: dt.datetime) -> None:
        self._session.execute(
            update(_Messages)
            .where(_Messages.id.in_(message_ids))
            .values(delivered_at=now, claimed_until=None, next_attempt_at=None)
            .execution_options(synchronize_session=False)
        )

    def retry_at(self, message_id: int, when: dt.datetime) -> None:
        self._session.execute(
            update(_Messages)
            .where(_Messages.id == message_id)
            .values(next_attempt_at=when, claimed_until=None)
        )

    def give_up(self, message_id: int, now: dt.datetime) -> None:
        self._session.execute(
            update(_Messages)
            .where(_Messages.id == message_id)
            .values(given_up_at=now, claimed_until=None, next_attempt_at=None)
        )

    def deliveries_page(
        self, subscription_id: int, *, after_id: int | None, limit: int | None
    ) -> list[Delivery]:
        """A subscription's messages by id, each with its attempts in order."""
        query = (
            select(_Messages)
            .where(_Messages.subscription_id == subscription_id)
            .order_by(_Messages.id)
            .limit(limit)
        )
        if after_id is not None:
            query = query.where(_Messages.id > after_id)
        rows = list(self._session.scalars(query))
        log: dict[int, list[WebhookAttemptRow]] = {}
        if rows:
            attempts = (
                select(WebhookAttemptRow)
                .where(WebhookAttemptRow.message_id.in_([row.id for row in rows]))
                .order_by(WebhookAttemptRow.message_id, WebhookAttemptRow.id)
            )
            for attempt in self._session.scalars(attempts):
                log.setdefault(attempt.message_id, []).append(attempt)
        return [_delivery(row, log.get(row.id, [])) for row in rows]

    # -- certificate expiry notices ------------------------------------------------------

    def expiry_noticed(self, certificate_number: str) -> frozenset[int]:
        """The thresholds (days before expiry) already announced for the certificate."""
        query = select(CertificateExpiryNoticeRow.days_before).where(
            CertificateExpiryNoticeRow.certificate_number == certificate_number
        )
        return frozenset(self._session.scalars(query))

    def notice_expiry(self, certificate_number: str, days_before: int, now: dt.datetime) -> bool:
        """Remember the announcement; False when a concurrent run made it first."""
        return inserted(
            self._session,
            CertificateExpiryNoticeRow(
                certificate_number=certificate_number, days_before=days_before, at=now
            ),
        )
