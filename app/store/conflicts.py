"""What concurrent writers do to each other, said in domain words: a unique key another
transaction took first, and a database too busy to wait for.

Two requests that write the same thing at once both pass every "is it there yet?" read, and
the database's unique keys pick one. The loser's insert fails; on PostgreSQL that happens
after the winner committed (the insert waits for it), on SQLite it cannot happen at all,
since writers take the write lock when they begin (engine.py) and so see each other's
commits. Repositories insert rows that may race in a savepoint (`inserted`): a lost race
rolls back only that insert, and the repository reads back what the winner recorded, so
the use case answers exactly as it would have one request later: the same content is the
idempotent answer, other content a conflict. A unique key taken where no repository
expected a race still ends as a conflict (409), never as an internal error; a database
that stayed busy past the wait ends as DatabaseBusyError (503 with Retry-After). The unit
of work applies `domain_error` to whatever escapes a use case.
"""

from __future__ import annotations

import math

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session

from app.domain.errors import DatabaseBusyError, ExportgateError, WriteConflictError
from app.store.rows import Base

# SQLite result codes (the low byte of an extended code) and extended constraint codes.
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6
_SQLITE_UNIQUE = frozenset({2067, 1555})  # SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY
# PostgreSQL SQLSTATEs: unique_violation; and the transient ones a retry cures:
# serialization_failure, deadlock_detected, lock_not_available.
_PG_UNIQUE = "23505"
_PG_TRANSIENT = frozenset({"40001", "40P01", "55P03"})
# How long to suggest waiting when PostgreSQL broke a deadlock or no connection was free.
_TRANSIENT_RETRY_SECONDS = 1


def is_unique_violation(error: DBAPIError) -> bool:
    if not isinstance(error, IntegrityError):
        return False
    driver_error = error.orig
    if getattr(driver_error, "sqlstate", None) == _PG_UNIQUE:
        return True
    code = getattr(driver_error, "sqlite_errorcode", None)
    return code in _SQLITE_UNIQUE or (
        code is None and "UNIQUE constraint failed" in str(driver_error)
    )


def _is_sqlite_busy(error: DBAPIError) -> bool:
    if not isinstance(error, OperationalError):
        return False
    code = getattr(error.orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in {_SQLITE_BUSY, _SQLITE_LOCKED}
    return "database is locked" in str(error.orig)


def _is_transient(error: DBAPIError) -> bool:
    return getattr(error.orig, "sqlstate", None) in _PG_TRANSIENT


def retry_after_seconds(busy_timeout_ms: int) -> int:
    """What to tell a writer that waited the whole busy timeout: a writer has held the
    database at least that long, so try again after about as long (at least a second)."""
    return max(1, math.ceil(busy_timeout_ms / 1000))


def domain_error(error: BaseException, *, busy_timeout_ms: int) -> ExportgateError | None:
    """The domain error a database error means under concurrency, or None for one that
    concurrency does not explain (left to surface as the defect it is)."""
    if isinstance(error, PoolTimeoutError):
        return DatabaseBusyError(
            "every database connection stayed busy; nothing was written, try again",
            retry_after_seconds=_TRANSIENT_RETRY_SECONDS,
        )
    if not isinstance(error, DBAPIError):
        return None
    if _is_sqlite_busy(error):
        return DatabaseBusyError(
            f"another write held the database for more than {busy_timeout_ms} ms; nothing "
            "was written, try again",
            retry_after_seconds=retry_after_seconds(busy_timeout_ms),
        )
    if _is_transient(error):
        return DatabaseBusyError(
            "a concurrent write got in the way; nothing was written, try again",
            retry_after_seconds=_TRANSIENT_RETRY_SECONDS,
        )
    if is_unique_violation(error):
        return WriteConflictError(
            "a concurrent request recorded the same thing first, differently; nothing of "
            "this one was kept: read what is recorded, then decide"
        )
    return None


def inserted(session: Session, row: Base) -> bool:
    """Insert the row in a savepoint; False, with the rest of the transaction intact and
    the row discarded, when a unique key says another transaction recorded it first."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        return False
    return True
