"""The unit of work says in domain words what concurrent writers do to each other: a unique
key taken first is a conflict, a database busy past the wait is DatabaseBusyError; and a
repository's insert that loses a race leaves the rest of its transaction intact."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from sqlalchemy.engine import make_url

from app.config import Settings
from app.domain.errors import DatabaseBusyError, WriteConflictError
from app.services.runtime import Runtime
from app.store.conflicts import inserted
from app.store.rows import OrganisationRow
from tests.conftest import BACKEND

NOW = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)


def test_a_unique_key_taken_where_no_race_was_expected_is_a_conflict(
    runtime: Runtime,
) -> None:
    with runtime.writing() as uow:
        uow.access.organisation_or_new("acme", "Acme", NOW, "tests")
        uow.commit()

    def duplicate() -> None:
        with runtime.writing() as uow:
            uow.session.add(OrganisationRow(code="acme", name="Other", created_at=NOW))
            uow.session.flush()

    with pytest.raises(WriteConflictError):
        duplicate()
    with runtime.reading() as uow:
        assert [o.name for o in uow.access.organisations()] == ["Acme"]


def test_an_insert_that_loses_its_key_keeps_the_rest_of_the_transaction(
    runtime: Runtime,
) -> None:
    with runtime.writing() as uow:
        uow.access.organisation_or_new("acme", "Acme", NOW, "tests")
        uow.commit()
    with runtime.writing() as uow:
        uow.access.organisation_or_new("kept", "Kept", NOW, "tests")
        lost = OrganisationRow(code="acme", name="Other", created_at=NOW)
        assert inserted(uow.session, lost) is False
        assert uow.access.organisation_or_new("acme", "Third", NOW, "tests")[0].name == "Acme"
        uow.commit()
    with runtime.reading() as uow:
        assert [o.code for o in uow.access.organisations()] == ["acme", "kept"]


@pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's single writer lock")
def test_a_writer_that_waits_out_the_busy_timeout_is_told_the_database_is_busy(
    database_url: str,
) -> None:
    runtime = Runtime(Settings(database_url=database_url, sqlite_busy_timeout_ms=50))
    holder = sqlite3.connect(str(make_url(database_url).database), isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(DatabaseBusyError) as raised, runtime.writing():
            pytest.fail("the write lock was held by another connection")
        assert raised.value.retry_after_seconds == 1
        # Readers never wait for the writer (WAL).
        with runtime.reading() as uow:
            assert uow.access.organisations() == []
        holder.execute("ROLLBACK")
        with runtime.writing() as uow:
            uow.access.organisation_or_new("after", "After", NOW, "tests")
            uow.commit()
    finally:
        holder.close()
        runtime.close()
