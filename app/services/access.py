"""Organisations and API keys: keys are random, shown once, stored only as a digest, and
may expire or be revoked."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.access import ApiKey, Organisation, Principal, Role
from app.domain.errors import AuthenticationError, ConflictError, NotFoundError
from app.domain.paging import KEYS, ORGANISATIONS, WHOLE_LIST, Page, PageRequest, read_limit

if TYPE_CHECKING:
    from app.services.runtime import Runtime
    from app.store.unit_of_work import UnitOfWork

KEY_PREFIX = "egk_"
# The command line's own organisation: what `ingest` publishes as without --org and what the
# demo loads the samples as. It is created on first use; any other must exist beforehand.
LOCAL_ORGANISATION = "local"
LOCAL_ORGANISATION_NAME = "Local demo"


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A new key; `secret` exists only here, once."""

    key_id: int
    secret: str
    organisation: str
    roles: tuple[Role, ...]
    expires_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class KeyView:
    id: int
    prefix: str
    organisation: str
    roles: tuple[str, ...]
    label: str
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def secret_digest(secret: str) -> str:
    # Keys carry 256 random bits, so a plain SHA-256 is enough: nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class OrganisationView:
    code: str
    name: str
    created_at: dt.datetime


def list_organisations(
    runtime: Runtime, paging: PageRequest = WHOLE_LIST
) -> Page[OrganisationView]:
    """Organisations by code: a page of `limit` (all without one) after `cursor`."""
    after = ORGANISATIONS.after(paging.cursor, paging.where)
    with runtime.reading() as uow:
        found = uow.access.organisations_page(after_code=after, limit=read_limit(paging.limit))
    views = [OrganisationView(o.code, o.name, o.created_at) for o in found]
    return ORGANISATIONS.page(views, paging.limit, lambda organisation: organisation.code)


def create_organisation(
    runtime: Runtime, code: str, name: str, *, actor: str
) -> tuple[OrganisationView, bool]:
    """Create the organisation; (it, whether it was created now). Asking again for the same
    one (code and name) is answered with it, as often as it is asked, however many at once;
    another name for a taken code is a conflict."""
    with runtime.writing() as uow:
        found, created = uow.access.organisation_or_new(code, name, _now(), actor)
        if not created and found.name != name:
            raise ConflictError(f"organisation {code!r} exists already, named {found.name!r}")
        uow.commit()
    return OrganisationView(found.code, found.name, found.created_at), created


def ensure_organisation(runtime: Runtime, code: str, name: str, *, actor: str) -> None:
    with runtime.writing() as uow:
        _, created = uow.access.organisation_or_new(code, name, _now(), actor)
        if created:
            uow.commit()


def ensure_publisher(runtime: Runtime, code: str, *, create: bool, actor: str) -> None:
    """Make sure BOMs can be published as `code`: it exists, or is created because the caller
    asked for it (or it is the built-in local organisation). A mistyped name is refused
    rather than becoming an organisation that silently owns whatever it uploads."""
    with runtime.writing() as uow:
        if uow.access.organisation(code) is not None:
            return
        if not create and code != LOCAL_ORGANISATION:
            raise NotFoundError(f"no organisation {code!r}")
        name = LOCAL_ORGANISATION_NAME if code == LOCAL_ORGANISATION else code
        uow.access.organisation_or_new(code, name, _now(), actor)
        uow.commit()


def create_key(
    runtime: Runtime,
    organisation: str,
    roles: list[Role],
    *,
    label: str = "",
    expires_in_days: int | None = None,
    reviewer_id: str | None = None,
    actor: str,
) -> IssuedKey:
    """Issue a key, `actor` issuing it. A reviewer key speaks for one reviewer body, which
    must be on the roster: a key for a body that does not exist would record certificates
    nobody can check, in the name of nobody."""
    with runtime.writing() as uow:
        owner: Organisation | None = uow.access.organisation(organisation)
        if owner is None:
            raise NotFoundError(f"no organisation {organisation!r}")
        if Role.REVIEWER in roles and reviewer_id is None:
            raise ConflictError("a reviewer key names the reviewer body it records for")
        if reviewer_id is not None and uow.registry.reviewer(reviewer_id) is None:
            raise NotFoundError(f"no reviewer body {reviewer_id!r}; add it to the roster first")
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        now = _now()
        expires = now + dt.timedelta(days=expires_in_days) if expires_in_days is not None else None
        key = uow.access.add_key(
            secret_sha256=secret_digest(secret),
            prefix=secret[:12],
            organisation_id=owner.id,
            roles=roles,
            reviewer_id=reviewer_id,
            label=label,
            now=now,
            expires_at=expires,
            actor=actor,
        )
        uow.commit()
    return IssuedKey(key.id, secret, organisation, key.roles, expires)


def revoke_key(runtime: Runtime, key_id: int, *, actor: str) -> None:
    """Refuse the key from now on. The last usable administrator key is not revoked: that
    would lock every administrator out, with no way back but the database."""
    with runtime.writing() as uow:
        key = uow.access.key(key_id)
        if key is None:
            raise NotFoundError(f"no key {key_id}")
        if key.revoked_at is not None:
            return
        now = _now()
        if Role.ADMIN in key.roles and not any(
            other.id != key.id and Role.ADMIN in other.roles and other.usable_at(now)
            for other in uow.access.all_keys()
        ):
            raise ConflictError(
                f"key {key_id} is the last usable administrator key; issue another first"
            )
        uow.access.revoke_key(key_id, now, actor)
        uow.chain.changed("api_key", key_id, "revoked", actor)
        # A console signed in with the key stops with it, not at its next idle timeout.
        uow.console_sessions.end_for_key(key_id, now)
        uow.commit()


def list_keys(
    runtime: Runtime,
    organisation: str | None = None,
    *,
    paging: PageRequest = WHOLE_LIST,
) -> Page[KeyView]:
    """Keys (never their secrets) in the order they were issued, of every organisation or
    of one: a page of `limit` (all without one) after `cursor`."""
    after = KEYS.after(paging.cursor, paging.where)
    with runtime.reading() as uow:
        found = uow.access.keys_page(
            organisation=organisation, after_id=after, limit=read_limit(paging.limit)
        )
    views = [
        KeyView(k.id, k.prefix, code, tuple(k.roles), k.label, k.expires_at, k.revoked_at)
        for k, code in found
    ]
    return KEYS.page(views, paging.limit, lambda key: key.id)


def authenticate(runtime: Runtime, secret: str | None) -> Principal:
    """The principal behind a bearer secret, or AuthenticationError saying why not."""
    # Opened before the secret is looked at: an unmigrated database is told as such to
    # every caller, with a key or without.
    with runtime.reading() as uow:
        if not secret:
            raise AuthenticationError("send an API key as 'Authorization: Bearer <key>'")
        key = uow.access.key_by_secret(secret_digest(secret))
        if key is None:
            raise AuthenticationError("the API key is not known")
        return principal_of_key(uow, key)


def principal_of_key(uow: UnitOfWork, key: ApiKey) -> Principal:
    """The principal a stored key stands for, or AuthenticationError if it may no longer
    act (revoked, expired)."""
    if key.revoked_at is not None:
        raise AuthenticationError("the API key has been revoked")
    if key.expires_at is not None and key.expires_at <= _now():
        raise AuthenticationError("the API key has expired")
    organisation = uow.access.organisation_by_id(key.organisation_id)
    return Principal(
        key_id=key.id,
        organisation=organisation.code if organisation else "",
        roles=frozenset(key.roles),
        reviewer_id=key.reviewer_id,
    )
