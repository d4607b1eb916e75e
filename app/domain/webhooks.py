"""Webhooks as data: the events a subscription may ask for, its state, the outbox message
and its delivery log, the retry schedule and which addresses a receiver may have."""

from __future__ import annotations

import datetime as dt
import ipaddress
import random
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from app.domain.paging import ID, Keyset


class WebhookEvent(StrEnum):
    """What a subscription may be told about."""

    PRODUCT_STATUS_CHANGED = "product.status_changed"
    CERTIFICATE_STATUS_CHANGED = "certificate.status_changed"
    CERTIFICATE_EXPIRING = "certificate.expiring"
    BOM_INGESTED = "bom.ingested"
    BOM_REFUSED = "bom.refused"


class DisabledReason(StrEnum):
    """Why a subscription stopped receiving messages."""

    FAILING = "failing"  # the receiver failed every attempt for too long
    KEY_REVOKED = "key_revoked"  # the key whose eyes it sees with was revoked
    KEY_EXPIRED = "key_expired"  # … or expired


class DeliveryState(StrEnum):
    PENDING = "pending"  # waiting for its first or next attempt
    DELIVERED = "delivered"  # a 2xx answer was received
    GIVEN_UP = "given_up"  # every attempt failed


class AddressRefusal(StrEnum):
    """Why a receiver's address is refused (docs/webhooks.md, decision record 16)."""

    LOOPBACK = "loopback"
    PRIVATE = "private"
    LINK_LOCAL = "link_local"
    MULTICAST = "multicast"
    UNSPECIFIED = "unspecified"
    NOT_GLOBAL = "not_global"  # reserved, documentation, shared (CGNAT) ranges…


# The outbox's retry schedule, in the database rather than in a process (decision record
# 16): the delay before attempt n+1 is drawn uniformly below min(CAP, BASE * 2**(n-1))
# ("full jitter"), never shorter than FLOOR, so that receivers coming back after an outage
# are not hit by every sender at the same second.
RETRY_BASE: Final = dt.timedelta(seconds=30)
RETRY_CAP: Final = dt.timedelta(hours=6)
RETRY_FLOOR: Final = dt.timedelta(seconds=5)
# A message is given up after this many failed attempts (about a day and a half at most).
MAX_ATTEMPTS: Final = 12
# A subscription is disabled once its receiver has failed this many attempts in a row, the
# first of them at least FAILING_SPAN ago: a short outage never disables it.
DISABLE_AFTER_FAILURES: Final = 10
DISABLE_AFTER_SPAN: Final = dt.timedelta(hours=24)
# The days before expiry at which `certificate.expiring` is sent, when the ruleset's
# warning window is 90 days; a shorter window keeps the steps inside it.
EXPIRY_STEPS: Final = (30, 7)

WEBHOOKS: Final = Keyset("webhooks", ID)
WEBHOOK_DELIVERIES: Final = Keyset("webhook-deliveries", ID)


def retry_delay(attempts: int, draw: random.Random | None = None) -> dt.timedelta:
    """How long to wait after `attempts` failed attempts (1 or more) before the next."""
    exponent = min(max(attempts, 1) - 1, 30)
    ceiling = min(RETRY_CAP, RETRY_BASE * 2**exponent)
    # Jitter spreads retries; it decides no one's access, so a plain generator will do.
    drawn = (draw or random).uniform(0.0, ceiling.total_seconds())
    return max(RETRY_FLOOR, dt.timedelta(seconds=drawn))


def expiry_thresholds(warning_days: int) -> tuple[int, ...]:
    """The days before expiry a certificate is announced at, largest first: the ruleset's
    warning window and the steps inside it."""
    return tuple(
        sorted({warning_days, *(d for d in EXPIRY_STEPS if d < warning_days)}, reverse=True)
    )


Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Never a receiver, whatever the operator allows.
_NO_RECEIVER: Final[tuple[tuple[str, AddressRefusal], ...]] = (
    ("is_multicast", AddressRefusal.MULTICAST),
    ("is_unspecified", AddressRefusal.UNSPECIFIED),
)
# Private networks, refused unless the operator allows them; the first that applies names it.
_PRIVATE: Final[tuple[tuple[str, AddressRefusal], ...]] = (
    ("is_loopback", AddressRefusal.LOOPBACK),
    ("is_link_local", AddressRefusal.LINK_LOCAL),
    ("is_private", AddressRefusal.PRIVATE),
)
_PRIVATE_AND_NONE: Final = _NO_RECEIVER + _PRIVATE


def address_refusal(address: Address, *, allow_private: bool) -> AddressRefusal | None:
    """Why a receiver may not be at this address, or None. Private networks (loopback,
    private, link-local and other non-global ranges) are refused unless the operator allows
    them; multicast and unspecified addresses name no receiver at all."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address_refusal(address.ipv4_mapped, allow_private=allow_private)
    rules = _NO_RECEIVER if allow_private else _PRIVATE_AND_NONE
    refusal = next((why for test, why in rules if getattr(address, test)), None)
    if refusal is None and not allow_private and not address.is_global:
        return AddressRefusal.NOT_GLOBAL
    return refusal


@dataclass(frozen=True, slots=True)
class Subscription:
    """Where one organisation wants events sent; never its secret."""

    id: int
    organisation: str
    url: str
    events: tuple[WebhookEvent, ...]
    created_by_key_id: int
    created_by: str
    created_at: dt.datetime
    disabled_at: dt.datetime | None
    disabled_reason: DisabledReason | None
    disabled_detail: str | None
    consecutive_failures: int
    failing_since: dt.datetime | None

    @property
    def enabled(self) -> bool:
        return self.disabled_at is None


@dataclass(frozen=True, slots=True)
class NewSubscription:
    organisation_id: int
    url: str
    events: tuple[WebhookEvent, ...]
    secret: str
    created_by_key_id: int
    created_by: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    """One try at sending a message: the receiver's HTTP status, or what went wrong."""

    attempt: int
    at: dt.datetime
    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True, slots=True)
class Delivery:
    """One outbox message to one subscription, with its attempts so far."""

    id: int
    subscription_id: int
    webhook_id: str
    event: WebhookEvent
    payload: Mapping[str, Any]
    created_at: dt.datetime
    attempts: int
    next_attempt_at: dt.datetime | None
    delivered_at: dt.datetime | None
    given_up_at: dt.datetime | None
    log: tuple[DeliveryAttempt, ...] = ()

    @property
    def state(self) -> DeliveryState:
        if self.delivered_at is not None:
            return DeliveryState.DELIVERED
        if self.given_up_at is not None:
            return DeliveryState.GIVEN_UP
        return DeliveryState.PENDING


@dataclass(frozen=True, slots=True)
class ClaimedMessage:
    """A message leased to one sender, with what it needs to send it."""

    id: int
    subscription_id: int
    webhook_id: str
    url: str
    secret: str
    payload: Mapping[str, Any]
    attempt: int
