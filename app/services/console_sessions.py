"""Console sign-in: an API key exchanged for a server-side session that acts as the key,
ends when it idles, ages or is signed out, and ends with the key."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.access import Principal
from app.domain.console_sessions import SessionLifetime
from app.domain.errors import AuthenticationError
from app.services.access import authenticate, principal_of_key, secret_digest

if TYPE_CHECKING:
    from app.config import Settings
    from app.services.runtime import Runtime

# A request records that the session was used at most once a minute: a write for every page
# would take SQLite's write lock for each view. The idle clock may so start up to a minute
# early, which ends a session sooner, never later.
SEEN_EVERY = dt.timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Who a session acts as, and the token its forms carry against cross-site requests."""

    principal: Principal
    csrf_token: str


@dataclass(frozen=True, slots=True)
class NewSession:
    """A session just begun; `token` exists only here and in the browser's cookie."""

    signed_in: SignedIn
    token: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def session_lifetime(settings: Settings) -> SessionLifetime:
    return SessionLifetime(
        idle=dt.timedelta(minutes=settings.console_idle_minutes),
        absolute=dt.timedelta(hours=settings.console_absolute_hours),
    )


def csrf_token(token: str) -> str:
    """The anti-forgery token of a session: derived from its secret token, so nothing more
    is stored, and unknowable without it (a stored hash of the token does not give it)."""
    return hashlib.sha256(b"exportgate-console-csrf\0" + token.encode()).hexdigest()


def sign_in(runtime: Runtime, api_key: str) -> NewSession:
    """A new session acting as the key, or AuthenticationError (the key is unknown,
    revoked or expired)."""
    principal = authenticate(runtime, api_key)
    token = secrets.token_urlsafe(32)
    with runtime.writing() as uow:
        uow.console_sessions.add(
            token_sha256=secret_digest(token), key_id=principal.key_id, now=_now()
        )
        uow.commit()
    return NewSession(SignedIn(principal, csrf_token(token)), token)


def signed_in(runtime: Runtime, token: str | None) -> SignedIn:
    """Who the session of this token acts as, or AuthenticationError: no session, one that
    was signed out, idled or aged past its lifetime, or whose key may no longer act (then
    every session of that key is ended)."""
    if not token:
        raise AuthenticationError("sign in to use the console")
    now = _now()
    with runtime.reading() as uow:
        session = uow.console_sessions.by_token(secret_digest(token))
        if session is None or not session.alive_at(now, session_lifetime(runtime.settings)):
            raise AuthenticationError("the session has ended; sign in again")
        key = uow.access.key(session.key_id)
        if key is None:  # pragma: no cover - keys are revoked, never deleted
            raise AuthenticationError("the session has ended; sign in again")
        try:
            principal = principal_of_key(uow, key)
        except AuthenticationError:
            refused = True
        else:
            refused = False
    if refused:
        _end_sessions_of_key(runtime, key.id, now)
        raise AuthenticationError("the session's API key may no longer be used; sign in again")
    if now - session.last_seen_at >= SEEN_EVERY:
        with runtime.writing() as uow:
            uow.console_sessions.seen(session.id, now)
            uow.commit()
    return SignedIn(principal, csrf_token(token))


def sign_out(runtime: Runtime, token: str | None) -> None:
    """End the session of this token, if it is one; signing out twice changes nothing."""
    if not token:
        return
    with runtime.writing() as uow:
        session = uow.console_sessions.by_token(secret_digest(token))
        if session is not None:
            uow.console_sessions.end(session.id, _now())
            uow.commit()


def _end_sessions_of_key(runtime: Runtime, key_id: int, now: dt.datetime) -> None:
    with runtime.writing() as uow:
        uow.console_sessions.end_for_key(key_id, now)
        uow.commit()
