"""What every entry point needs to run use cases: settings, the database, the graph cache."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.bom.reader import ReadLimits
from app.config import Settings
from app.services.portfolio import PortfolioCache
from app.services.registry_cache import RegistryCache
from app.store.engine import build_engine, session_factory
from app.store.unit_of_work import UnitOfWork


@dataclass
class Runtime:
    """One per process (API app or CLI invocation); shared by all requests in it."""

    settings: Settings
    cache: PortfolioCache = field(default_factory=PortfolioCache)
    registry: RegistryCache = field(default_factory=RegistryCache)

    def __post_init__(self) -> None:
        self._engine = build_engine(
            self.settings.database_url,
            sqlite_busy_timeout_ms=self.settings.sqlite_busy_timeout_ms,
        )
        self._sessions = session_factory(self._engine)

    @property
    def limits(self) -> ReadLimits:
        return ReadLimits(
            max_bytes=self.settings.max_upload_bytes,
            max_nesting_depth=self.settings.max_nesting_depth,
            max_components=self.settings.max_components,
        )

    def reading(self) -> UnitOfWork:
        return UnitOfWork(self._sessions)

    def writing(self) -> UnitOfWork:
        return UnitOfWork(self._sessions, writes=True)

    def close(self) -> None:
        self._engine.dispose()
