"""The transaction boundary: a use case opens one, does its work, and commits; anything
else, an exception included, rolls back, so nothing is half-written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.domain.errors import SchemaOutOfDateError
from app.store.access import AccessRepository
from app.store.audit import AuditRepository
from app.store.boms import BomRepository
from app.store.chain import ChainRepository
from app.store.chain_kinds import Canonical
from app.store.classifications import ClassificationRepository
from app.store.components import ComponentRepository
from app.store.conflicts import domain_error
from app.store.console_sessions import ConsoleSessionRepository
from app.store.decisions import DecisionRepository
from app.store.engine import WRITE_OPTION
from app.store.evidence import EvidenceRepository, SigningKeyRepository
from app.store.graph import GraphRepository
from app.store.ownership import OwnershipRepository
from app.store.registry import RegistryRepository
from app.store.schema import SCHEMA_ERRORS, require_current_schema
from app.store.statuses import StatusRepository
from app.store.webhooks import WebhookRepository


class UnitOfWork:
    """One transaction and the repositories that work inside it."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        canonical: Canonical,
        writes: bool = False,
        busy_timeout_ms: int = 30_000,
        on_status_work: Callable[[], None] | None = None,
        on_messages: Callable[[], None] | None = None,
    ) -> None:
        self._sessions = sessions
        self._canonical = canonical
        self._writes = writes
        self._busy_timeout_ms = busy_timeout_ms
        self._on_status_work = on_status_work
        self._on_messages = on_messages
        # Run as the unit of work ends, however it ends: what it borrowed is given back.
        self._on_exit: list[Callable[[], None]] = []
        # What a cache lent this unit of work, by cache, so that it lends the same again.
        self.borrowed: dict[object, object] = {}

    def on_exit(self, callback: Callable[[], None]) -> None:
        self._on_exit.append(callback)

    @property
    def writes(self) -> bool:
        return self._writes

    def renew_snapshot(self) -> None:
        """Begin reading anew, for a unit of work that only reads: what it reads next is at
        least as new as anything committed before this call (SQLite keeps a reading
        transaction's first snapshot to its end)."""
        if not self._writes:
            self.session.rollback()

    def __enter__(self) -> Self:
        self.session = self._sessions()
        if self._writes:
            # On SQLite this waits for the write lock (up to the busy timeout).
            try:
                self.session.connection(execution_options={WRITE_OPTION: True})
            except Exception as error:
                self.session.close()
                self._raise_in_domain_words(error)
                raise
        self.boms = BomRepository(self.session)
        self.components = ComponentRepository(self.session)
        self.graph = GraphRepository(self.session)
        self.decisions = DecisionRepository(self.session)
        self.registry = RegistryRepository(self.session)
        self.access = AccessRepository(self.session)
        self.audit = AuditRepository(self.session)
        self.chain = ChainRepository(self.session, self._canonical)
        self.ownership = OwnershipRepository(self.session)
        self.classifications = ClassificationRepository(self.session)
        self.statuses = StatusRepository(self.session)
        self.webhooks = WebhookRepository(self.session)
        self.console_sessions = ConsoleSessionRepository(self.session)
        self.evidence = EvidenceRepository(self.session)
        self.signing_keys = SigningKeyRepository(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # close() rolls back whatever was not committed and, unlike rollback(), leaves the
        # loaded rows readable after the unit of work ends.
        try:
            self.session.close()
        finally:
            callbacks, self._on_exit = self._on_exit, []
            for callback in reversed(callbacks):
                callback()
            self.borrowed.clear()
        if exc is not None:
            self._raise_in_domain_words(exc)
        if isinstance(exc, SCHEMA_ERRORS):
            self._explain_schema_error(exc)

    def _raise_in_domain_words(self, error: BaseException) -> None:
        """What concurrent writers do to each other reaches the use case's caller as a
        domain error (a conflict, a busy database), never as the driver's (conflicts.py)."""
        translated = domain_error(error, busy_timeout_ms=self._busy_timeout_ms)
        if translated is not None:
            raise translated from error

    def _explain_schema_error(self, error: Exception) -> None:
        """A missing table or column usually means the schema vanished or fell behind under
        a running process: say so, with the remedy, instead of the driver's message. Asked
        only on this error path, on a connection of its own; if the question fails too, the
        original error stands."""
        bind = self.session.get_bind()
        if not isinstance(bind, Engine):
            return
        try:
            require_current_schema(bind)
        except SchemaOutOfDateError as explained:
            raise explained from error
        except SCHEMA_ERRORS:
            return

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def commit(self) -> None:
        # Every audited record written enters the audit chain in this same transaction.
        self.chain.seal(dt.datetime.now(dt.UTC))
        self.session.commit()
        # Whoever settles statuses, or sends webhooks, in this process is told at once that
        # work is waiting.
        if self.statuses.added_work and self._on_status_work is not None:
            self._on_status_work()
        if self.webhooks.added_messages and self._on_messages is not None:
            self._on_messages()
