"""The service's signing keys: the current one registers itself on first use, a rotation
retires it, and every key, current or retired, is published as a JWK set."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from app.domain.signed_records import SigningKeyRecord
from app.signing.ed25519 import Signer, jwk_of
from app.signing.key_rotation import ReplacementKey
from app.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from app.services.runtime import Runtime


def register_signer(uow: UnitOfWork, signer: Signer, at: dt.datetime) -> None:
    """Keep the signer's public key, in the caller's transaction, unless kept already. A key
    new to the database is the current one from now on: any other is retired."""
    if uow.signing_keys.get(signer.key_id) is None:
        uow.signing_keys.register(signer.key_id, jwk_of(signer.public_key), at)
        uow.signing_keys.retire_all_but(signer.key_id, at)


def _published(key: SigningKeyRecord) -> dict[str, Any]:
    retired = key.retired_at is not None
    return {
        **key.jwk,
        "status": "retired" if retired else "current",
        "created": key.created_at.isoformat(),
        "retired": key.retired_at.isoformat() if key.retired_at else None,
    }


def signing_keys(runtime: Runtime) -> dict[str, Any]:
    """Every key the service signs or signed with, as an RFC 7517 JWK set, the newest first;
    each JWK says whether it is current or retired, and since when."""
    signer = runtime.signer
    with runtime.reading() as uow:
        known = uow.signing_keys.get(signer.key_id) is not None
    if not known:
        with runtime.writing() as uow:
            register_signer(uow, signer, dt.datetime.now(dt.UTC))
            uow.commit()
    with runtime.reading() as uow:
        return {"keys": [_published(key) for key in uow.signing_keys.all()]}


def current_signing_key(runtime: Runtime) -> dict[str, Any]:
    """The key this process signs with, as its published JWK."""
    signer = runtime.signer
    found = next(
        (key for key in signing_keys(runtime)["keys"] if key["kid"] == signer.key_id), None
    )
    return found or jwk_of(signer.public_key)


def rotate_signing_key(runtime: Runtime) -> tuple[str, str]:
    """A new key in the configured file, and the one it replaces retired (it still verifies
    what it signed): (old key id, new key id). The new key is recorded before the file is
    replaced, so the database never lacks the key a record is signed with. A server that
    read the old key keeps signing with it until restarted; its records still verify."""
    old = runtime.signer
    replacement = ReplacementKey(runtime.settings.signing_key_file)
    try:
        now = dt.datetime.now(dt.UTC)
        with runtime.writing() as uow:
            register_signer(uow, old, now)
            register_signer(uow, replacement.signer, now)
            uow.commit()
        replacement.install()
    finally:
        replacement.discard()
    return old.key_id, replacement.signer.key_id
