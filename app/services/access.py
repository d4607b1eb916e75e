"""Organisations and API keys: keys are random, shown once, stored only as a digest, and
may expire or be revoked."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from app.domain.access import Principal, Role
from app.domain.errors import AuthenticationError, ConflictError, NotFoundError
from app.store.rows import ApiKeyRow
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


def _digest(secret: str) -> str:
    # Keys carry 256 random bits, so a plain SHA-256 is enough: nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class OrganisationView:
    code: str
    name: str
    created_at: dt.datetime


def list_organisations(uow: UnitOfWork) -> list[OrganisationView]:
    return [OrganisationView(o.code, o.name, o.created_at) for o in uow.access.organisations()]


def create_organisation(
    uow: UnitOfWork, code: str, name: str, *, actor: str
) -> tuple[OrganisationView, bool]:
    """Create the organisation; (it, whether it was created now). Asking again for the same
    one (code and name) is answered with it, as often as it is asked, however many at once;
    another name for a taken code is a conflict."""
    row, created = uow.access.organisation_or_new(code, name, _now(), actor)
    if not created and row.name != name:
        raise ConflictError(f"organisation {code!r} exists already, named {row.name!r}")
    uow.commit()
    return OrganisationView(row.code, row.name, row.created_at), created


def ensure_organisation(uow: UnitOfWork, code: str, name: str, *, actor: str) -> None:
    _, created = uow.access.organisation_or_new(code, name, _now(), actor)
    if created:
        uow.commit()


def ensure_publisher(uow: UnitOfWork, code: str, *, create: bool, actor: str) -> None:
    """Make sure BOMs can be published as `code`: it exists, or is created because the caller
    asked for it (or it is the built-in local organisation). A mistyped name is refused
    rather than becoming an organisation that silently owns whatever it uploads."""
    if uow.access.organisation(code) is not None:
        return
    if not create and code != LOCAL_ORGANISATION:
        raise NotFoundError(f"no organisation {code!r}")
    name = LOCAL_ORGANISATION_NAME if code == LOCAL_ORGANISATION else code
    uow.access.organisation_or_new(code, name, _now(), actor)
    uow.commit()


def create_key(
    uow: UnitOfWork,
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
    owner = uow.access.organisation(organisation)
    if owner is None:
        raise NotFoundError(f"no organisation {organisation!r}")
    if Role.REVIEWER in roles and reviewer_id is None:
        raise ConflictError("a reviewer key names the reviewer body it records for")
    if reviewer_id is not None and uow.registry.reviewer_row(reviewer_id) is None:
        raise NotFoundError(f"no reviewer body {reviewer_id!r}; add it to the roster first")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    now = _now()
    expires = now + dt.timedelta(days=expires_in_days) if expires_in_days is not None else None
    row = uow.access.add_key(
        ApiKeyRow(
            secret_sha256=_digest(secret),
            prefix=secret[:12],
            organisation_id=owner.id,
            roles=sorted(set(roles)),
            reviewer_code=reviewer_id,
            label=label,
            created_at=now,
            expires_at=expires,
            revoked_at=None,
            issued_by=actor,
        )
    )
    uow.commit()
    return IssuedKey(row.id, secret, organisation, tuple(sorted(set(roles))), expires)


def _usable(row: ApiKeyRow, now: dt.datetime) -> bool:
    return row.revoked_at is None and (row.expires_at is None or row.expires_at > now)


def revoke_key(uow: UnitOfWork, key_id: int, *, actor: str) -> None:
    """Refuse the key from now on. The last usable administrator key is not revoked: that
    would lock every administrator out, with no way back but the database."""
    row = uow.access.key(key_id)
    if row is None:
        raise NotFoundError(f"no key {key_id}")
    if row.revoked_at is not None:
        return
    now = _now()
    if Role.ADMIN in row.roles and not any(
        other.id != row.id and Role.ADMIN in other.roles and _usable(other, now)
        for other in uow.access.all_keys()
    ):
        raise ConflictError(
            f"key {key_id} is the last usable administrator key; issue another first"
        )
    row.revoked_at = now
    row.revoked_by = actor
    uow.commit()


def list_keys(uow: UnitOfWork, organisation: str | None = None) -> list[KeyView]:
    """Every key (never its secret), in the order they were issued."""
    organisations = {o.id: o.code for o in uow.access.organisations()}
    return [
        KeyView(k.id, k.prefix, organisations[k.organisation_id], tuple(k.roles), k.label,
                k.expires_at, k.revoked_at)
        for k in uow.access.all_keys()
        if organisation is None or organisations[k.organisation_id] == organisation
    ]  # fmt: skip


def authenticate(uow: UnitOfWork, secret: str | None) -> Principal:
    """The principal behind a bearer secret, or AuthenticationError saying why not."""
    if not secret:
        raise AuthenticationError("send an API key as 'Authorization: Bearer <key>'")
    row = uow.access.key_by_secret(_digest(secret))
    if row is None:
        raise AuthenticationError("the API key is not known")
    if row.revoked_at is not None:
        raise AuthenticationError("the API key has been revoked")
    if row.expires_at is not None and row.expires_at <= _now():
        raise AuthenticationError("the API key has expired")
    organisation = uow.access.organisation_by_id(row.organisation_id)
    return Principal(
        key_id=row.id,
        organisation=organisation.code if organisation else "",
        roles=frozenset(Role(role) for role in row.roles),
        reviewer_id=row.reviewer_code,
    )
