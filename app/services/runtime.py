"""What every entry point needs to run use cases: settings, the database, the graph cache."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from functools import cached_property

from app.bom.reader import ReadLimits
from app.config import Settings
from app.services.portfolio import PortfolioCache
from app.services.registry_cache import RegistryCache
from app.signing.canonical import canonical_sha256
from app.signing.ed25519 import Signer
from app.signing.key_file import load_or_create_signer
from app.store.engine import build_engine, session_factory
from app.store.schema import require_current_schema
from app.store.unit_of_work import UnitOfWork


@dataclass
class Runtime:
    """One per process (API app or CLI invocation); shared by all requests in it."""

    settings: Settings
    cache: PortfolioCache = field(default_factory=PortfolioCache)
    registry: RegistryCache = field(default_factory=RegistryCache)
    schema_recheck_seconds: float = 10.0

    def __post_init__(self) -> None:
        self._engine = build_engine(
            self.settings.database_url,
            sqlite_busy_timeout_ms=self.settings.sqlite_busy_timeout_ms,
        )
        self._sessions = session_factory(self._engine)
        self._schema_checked_at: float | None = None
        # Set when a change this process committed left statuses to settle; the background
        # runner waits on it (and polls, for changes other processes commit).
        self.status_work = threading.Event()
        # Set when a change this process committed left webhook messages to send.
        self.messages = threading.Event()

    @property
    def limits(self) -> ReadLimits:
        return ReadLimits(
            max_bytes=self.settings.max_upload_bytes,
            max_nesting_depth=self.settings.max_nesting_depth,
            max_components=self.settings.max_components,
        )

    @cached_property
    def signer(self) -> Signer:
        """The service's signing key, read (or created) on first use."""
        return load_or_create_signer(self.settings.signing_key_file)

    def check_schema(self) -> None:
        """Raise SchemaOutOfDateError unless the database is migrated to this code's head."""
        require_current_schema(self._engine)
        self._schema_checked_at = time.monotonic()

    def _recheck_schema(self) -> None:
        # Before a process's first unit of work, and again once the last check is older
        # than schema_recheck_seconds: an empty or old database is told plainly instead of
        # as whatever SQL first trips on it, and a long-running server notices a schema
        # taken back under it within that time at the cost of one small query. (A missing
        # table is explained at once by the unit of work that meets it.)
        checked = self._schema_checked_at
        if checked is None or time.monotonic() - checked >= self.schema_recheck_seconds:
            self.check_schema()

    def reading(self) -> UnitOfWork:
        self._recheck_schema()
        return UnitOfWork(
            self._sessions,
            canonical=canonical_sha256,
            busy_timeout_ms=self.settings.sqlite_busy_timeout_ms,
        )

    def writing(self) -> UnitOfWork:
        self._recheck_schema()
        return UnitOfWork(
            self._sessions,
            canonical=canonical_sha256,
            writes=True,
            busy_timeout_ms=self.settings.sqlite_busy_timeout_ms,
            on_status_work=self.status_work.set,
            on_messages=self.messages.set,
        )

    def close(self) -> None:
        self._engine.dispose()


def upgrade_schema(database_url: str) -> None:
    """Create or migrate the database's schema to this code's head."""
    # Imported here: Alembic costs a tenth of a second that no other use case needs.
    from app.store.migrations import upgrade_database  # noqa: PLC0415

    upgrade_database(database_url)
