"""Sending the outbox: claim a due message under a lease, send it signed (Standard Webhooks)
outside any transaction, record the attempt and schedule the next (decision record 16)."""

from __future__ import annotations

import datetime as dt
import functools
import http.client
import json
import socket
import ssl
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Final

from standardwebhooks import Webhook

from app.domain.audit import SYSTEM_ACTOR
from app.domain.webhooks import (
    DISABLE_AFTER_FAILURES,
    DISABLE_AFTER_SPAN,
    MAX_ATTEMPTS,
    ClaimedMessage,
    DeliveryAttempt,
    DisabledReason,
    retry_delay,
)
from app.services.webhook_urls import Receiver, ReceiverRefusedError, resolve_receiver
from app.services.webhooks import viewer_of

if TYPE_CHECKING:
    from app.config import Settings
    from app.services.runtime import Runtime
    from app.store.unit_of_work import UnitOfWork

# How long past the request timeout a sender's lease lasts: after it, a sender that died
# holding a message loses it to the next, which sends it again (at least once). Recording an
# answer takes milliseconds; the margin covers a stalled machine, and a message whose first
# sender outlives it is sent twice at most, which at-least-once delivery allows.
LEASE_MARGIN: Final = dt.timedelta(seconds=10)
# Messages claimed at once, and sent side by side by this many threads: a revocation that
# moves hundreds of products is told in seconds, not one round trip after another.
BATCH: Final = 100
SENDERS: Final = 8
# A receiver's answer body is not read beyond this: only its status counts.
_ANSWER_READ: Final = 4096
_ERROR_LENGTH: Final = 500
USER_AGENT: Final = "exportgate-webhooks/1"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def lease_of(settings: Settings) -> dt.timedelta:
    return dt.timedelta(seconds=settings.webhook_timeout_seconds) + LEASE_MARGIN


def deliver_due(runtime: Runtime, *, now: dt.datetime | None = None, limit: int = 100) -> int:
    """Claim due messages (PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED with a lease;
    SQLite: the single writer), send each signed, record the attempt, schedule the retry
    (exponential back-off with full jitter, capped) or mark delivered; disable a
    subscription after sustained failure (failing every attempt DISABLE_AFTER_FAILURES
    times in a row over at least DISABLE_AFTER_SPAN) with the reason. Returns how many
    were attempted. Each message is attempted at most once per call."""
    with runtime.reading() as uow:
        # Most turns find nothing due; they ask without taking the write lock.
        if not uow.webhooks.due(now or _now(), skip=()):
            return 0
    attempted: list[int] = []
    with ThreadPoolExecutor(SENDERS, thread_name_prefix="webhook-send") as senders:
        while len(attempted) < limit:
            at = now or _now()
            claimed = _claim(runtime, at, attempted, min(BATCH, limit - len(attempted)))
            if not claimed:
                break
            attempted.extend(message.id for message in claimed)
            # Sent side by side (each waits on its receiver), recorded in one transaction.
            attempts = list(
                senders.map(functools.partial(send, settings=runtime.settings, at=at), claimed)
            )
            with runtime.writing() as uow:
                _record(uow, list(zip(claimed, attempts, strict=True)), at)
                uow.commit()
    return len(attempted)


def _claim(
    runtime: Runtime, at: dt.datetime, attempted: list[int], size: int
) -> list[ClaimedMessage]:
    """One short transaction: the next due messages (at most `size`), leased to this sender.
    A message whose subscription's key can no longer be used is not sent: the subscription
    is disabled."""
    usable: dict[int, bool] = {}
    due: list[int] = []
    with runtime.writing() as uow:
        for message_id, subscription in uow.webhooks.due(at, skip=attempted, limit=size):
            if subscription.id not in usable:
                usable[subscription.id] = viewer_of(uow, subscription, at) is not None
            if usable[subscription.id]:
                due.append(message_id)
        claimed = uow.webhooks.claim(due, at + lease_of(runtime.settings))
        uow.commit()  # the leases, and any subscription disabled on the way
    return claimed


def _record(
    uow: UnitOfWork, outcomes: list[tuple[ClaimedMessage, DeliveryAttempt]], at: dt.datetime
) -> None:
    """The attempts' outcomes, and what follows from them, in the caller's transaction and
    in the order they were claimed: each run of deliveries is written at once, and before
    a failure that follows it, so each subscription's failure count ends as if written one
    by one. A message whose subscription was removed while it was being sent is gone."""
    logged = uow.webhooks.record_attempts([(m.id, attempt) for m, attempt in outcomes])
    delivered: list[ClaimedMessage] = []

    def write_deliveries() -> None:
        if delivered:
            uow.webhooks.delivered([message.id for message in delivered], at)
            for subscription in sorted({message.subscription_id for message in delivered}):
                uow.webhooks.succeeded(subscription)
            delivered.clear()

    for message, attempt in outcomes:
        if message.id not in logged:
            continue
        if attempt.succeeded:
            delivered.append(message)
            continue
        write_deliveries()
        _failed(uow, message, attempt, at)
    write_deliveries()


def _failed(
    uow: UnitOfWork, message: ClaimedMessage, attempt: DeliveryAttempt, at: dt.datetime
) -> None:
    """A failed attempt: retry later, or give up; disable after sustained failure."""
    if message.attempt >= MAX_ATTEMPTS:
        uow.webhooks.give_up(message.id, at)
    else:
        uow.webhooks.retry_at(message.id, at + retry_delay(message.attempt))
    subscription = uow.webhooks.failed(message.subscription_id, at)
    if (
        subscription is not None
        and subscription.enabled
        and subscription.failing_since is not None
        and subscription.consecutive_failures >= DISABLE_AFTER_FAILURES
        and at - subscription.failing_since >= DISABLE_AFTER_SPAN
    ):
        uow.webhooks.disable(
            subscription.id,
            DisabledReason.FAILING,
            f"{subscription.consecutive_failures} attempts in a row failed since "
            f"{subscription.failing_since.isoformat()}; the last: {describe(attempt)}",
            at,
        )
        detail = {"reason": DisabledReason.FAILING.value}
        uow.chain.changed("webhook_subscription", subscription.id, "disabled", SYSTEM_ACTOR, detail)


def describe(attempt: DeliveryAttempt) -> str:
    if attempt.status_code is not None:
        return f"HTTP {attempt.status_code}"
    return attempt.error or "no answer"


def signed_headers(message: ClaimedMessage, body: str, sent_at: dt.datetime) -> dict[str, str]:
    """The Standard Webhooks headers for this body, signed with the subscription's secret."""
    signature = Webhook(message.secret).sign(message.webhook_id, sent_at, body)
    return {
        "webhook-id": message.webhook_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": signature,
    }


def body_of(payload: Mapping[str, object]) -> str:
    """The JSON sent, the same on every attempt of a message."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def send(message: ClaimedMessage, settings: Settings, *, at: dt.datetime) -> DeliveryAttempt:
    """One attempt at sending the message; never raises for what the receiver or the
    network does. The signature's timestamp is the clock's, as receivers check it."""
    started = time.monotonic()
    body = body_of(message.payload)
    headers = {
        **signed_headers(message, body, _now()),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }
    status: int | None = None
    error: str | None = None
    try:
        receiver = resolve_receiver(
            message.url, allow_private=settings.webhook_allow_private_networks
        )
        status = _post(receiver, headers, body.encode(), settings.webhook_timeout_seconds)
    except ReceiverRefusedError as refused:
        error = f"receiver refused: {refused}"
    except (OSError, http.client.HTTPException, ValueError) as failed:
        error = f"{type(failed).__name__}: {failed}" if str(failed) else type(failed).__name__
    duration_ms = int((time.monotonic() - started) * 1000)
    return DeliveryAttempt(
        attempt=message.attempt,
        at=at,
        status_code=status,
        error=None if error is None else error[:_ERROR_LENGTH],
        duration_ms=duration_ms,
    )


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, not to whatever the host resolves to
    a moment later (DNS rebinding); the Host header still names the host."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As _PinnedHTTPConnection, with TLS verified against the host's name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined] # http.client keeps the context it was given here


def _post(receiver: Receiver, headers: dict[str, str], body: bytes, timeout: float) -> int:
    """POST to the first of the receiver's addresses that accepts a connection; the answer's
    status. Redirects are answers like any other: never followed."""
    kind = _PinnedHTTPSConnection if receiver.scheme == "https" else _PinnedHTTPConnection
    last: OSError | None = None
    for address in receiver.addresses:
        connection = kind(receiver.host, receiver.port, address, timeout)
        try:
            try:
                connection.connect()
            except OSError as error:
                last = error
                continue
            connection.request("POST", receiver.target, body=body, headers=headers)
            answer = connection.getresponse()
            answer.read(_ANSWER_READ)
            return answer.status
        finally:
            connection.close()
    raise last or OSError("no address to connect to")
