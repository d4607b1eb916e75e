"""Settings from the environment (prefix EXPORTGATE_), built on demand, never at import."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_PATH = Path("var") / "exportgate.db"


class Settings(BaseSettings):
    """Everything an operator may tune; each limit is answered with a clear error when hit."""

    model_config = SettingsConfigDict(env_prefix="EXPORTGATE_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DATABASE_PATH}",
        description="SQLAlchemy URL; PostgreSQL as postgresql+psycopg://user@host/db",
    )
    max_upload_bytes: int = Field(default=100 * 1024 * 1024, gt=0)
    max_nesting_depth: int = Field(default=64, gt=0, le=400)
    max_components: int = Field(default=250_000, gt=0)
    sqlite_busy_timeout_ms: int = Field(default=30_000, ge=0)


def load_settings() -> Settings:
    return Settings()
