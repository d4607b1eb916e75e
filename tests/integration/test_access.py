"""API keys: random, shown once, stored as a digest; expired and revoked keys are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from app.domain.access import Role
from app.domain.errors import AuthenticationError, ConflictError, NotFoundError
from app.services.access import authenticate, create_key, create_organisation, revoke_key
from app.services.runtime import Runtime
from app.store.rows import ApiKeyRow


@pytest.fixture
def acme(runtime: Runtime) -> Runtime:
    create_organisation(runtime, "acme", "Acme Vision", actor="tests")
    return runtime


def test_a_key_authenticates_as_its_organisation_and_roles(acme: Runtime) -> None:
    issued = create_key(acme, "acme", [Role.INTEGRATOR, Role.PROCUREMENT], actor="tests")
    principal = authenticate(acme, issued.secret)
    assert principal.organisation == "acme"
    assert principal.roles == {Role.INTEGRATOR, Role.PROCUREMENT}


def test_the_stored_digest_is_not_a_key(acme: Runtime) -> None:
    issued = create_key(acme, "acme", [Role.ADMIN], actor="tests")
    with acme.reading() as uow:
        stored = uow.access.key(issued.key_id)
    assert stored is not None
    assert issued.secret not in (stored.secret_sha256, stored.prefix)
    with pytest.raises(AuthenticationError, match="not known"):
        authenticate(acme, stored.secret_sha256)


def test_a_revoked_key_is_refused(acme: Runtime) -> None:
    issued = create_key(acme, "acme", [Role.AUDITOR], actor="tests")
    revoke_key(acme, issued.key_id, actor="tests")
    with pytest.raises(AuthenticationError, match="revoked"):
        authenticate(acme, issued.secret)


def test_an_expired_key_is_refused(acme: Runtime) -> None:
    issued = create_key(acme, "acme", [Role.AUDITOR], expires_in_days=30, actor="tests")
    with acme.writing() as uow:
        past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        uow.session.execute(
            update(ApiKeyRow).where(ApiKeyRow.id == issued.key_id).values(expires_at=past)
        )
        uow.commit()
    with pytest.raises(AuthenticationError, match="expired"):
        authenticate(acme, issued.secret)


@pytest.mark.parametrize("secret", [None, "", "egk_guessed"])
def test_no_key_or_an_unknown_key_is_refused(acme: Runtime, secret: str | None) -> None:
    with pytest.raises(AuthenticationError):
        authenticate(acme, secret)


def test_keys_are_unique_and_belong_to_a_known_organisation(acme: Runtime) -> None:
    first = create_key(acme, "acme", [Role.INTEGRATOR], actor="tests")
    second = create_key(acme, "acme", [Role.INTEGRATOR], actor="tests")
    assert first.secret != second.secret
    assert first.secret.startswith("egk_")
    assert len(first.secret) > 40
    with pytest.raises(NotFoundError):
        create_key(acme, "nobody", [Role.INTEGRATOR], actor="tests")
    with pytest.raises(ConflictError):
        create_key(acme, "acme", [Role.REVIEWER], actor="tests")  # which reviewer body?
