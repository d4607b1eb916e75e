"""Signed decision records: the service's signing keys and a record's signature."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SigningKeyRecord:
    """A public key the service signs (or signed) decision records with; a retired one
    still verifies what it signed."""

    key_id: str
    jwk: dict[str, str]
    created_at: dt.datetime
    retired_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class RecordSignature:
    """The service's Ed25519 signature over a decision record's core, and its key's id."""

    key_id: str
    value: str
