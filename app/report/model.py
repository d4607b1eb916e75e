"""What a decision's printed report holds: a view model the service fills in for one caller
(already redacted for it) and the templates only read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class EventView:
    """One entry of a certificate's status history."""

    date: dt.date
    status: str
    reason: str
    actor: str


@dataclass(frozen=True, slots=True)
class CertificateView:
    """A certificate the decision relied on, as the registry holds it."""

    number: str
    subject: str
    reviewer_id: str
    # The reviewer's name on the roster; None when the roster no longer names it.
    reviewer_name: str | None
    dimensions: tuple[str, ...]
    issued: dt.date
    expires: dt.date
    destinations: tuple[str, ...]
    sectors: tuple[str, ...]
    # The status on the decision's date, as a person reads it (`expired` past expiry).
    status: str
    evidence_url: str | None
    evidence_sha256: str | None
    events: tuple[EventView, ...]


@dataclass(frozen=True, slots=True)
class BomView:
    """A BOM the decision used, with the SHA-256 of its stored bytes."""

    id: int
    serial_number: str | None
    version: int | None
    sha256: str


@dataclass(frozen=True, slots=True)
class DecisionReport:
    """One decision record as one caller may read it."""

    decision_id: int
    # The record's answer (PRODUCT.md section 8 field names), redacted for the caller.
    answer: Mapping[str, Any]
    decided_at: dt.datetime
    certificates: tuple[CertificateView, ...]
    # Whether only the product's own certificates are listed (a caller who may not see every
    # BOM): how many others there are is not said, as the decision record does not say it.
    only_product_certificates: bool
    boms: tuple[BomView, ...]
    # BOMs the decision used that the caller may not see.
    hidden_boms: int
    # The record's Ed25519 signature and the id of the key that made it; None while the
    # record is not signed.
    signature: str | None = None
    signing_key_id: str | None = None

    @property
    def decision(self) -> str:
        return str(self.answer["decision"])

    @property
    def product_name(self) -> str:
        return str(self.answer["product"]["name"])

    @property
    def product_identity(self) -> str:
        return str(self.answer["product"]["identity"])

    @property
    def evidence_sha256(self) -> str:
        return str(self.answer["evidence_sha256"])
