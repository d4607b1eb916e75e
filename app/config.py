"""Settings from the environment (prefix EXPORTGATE_), built on demand, never at import."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, PositiveFloat, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.domain.errors import ConfigurationError

DEFAULT_DATABASE_PATH = Path("var") / "exportgate.db"
DEFAULT_SIGNING_KEY_PATH = Path("var") / "signing-key.pem"


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
    # Serving: `exportgate serve` reads these; its options override them.
    workers: int = Field(default=1, ge=1, le=64, description="API worker processes")
    body_timeout_seconds: PositiveFloat = Field(
        default=60.0, description="Time to receive an upload's body before 408"
    )
    keep_alive_seconds: int = Field(default=5, ge=1, description="Idle connection lifetime")
    max_concurrent_requests: int | None = Field(
        default=None, ge=1, description="Beyond this many at once, answer 503"
    )
    shutdown_timeout_seconds: int = Field(
        default=10, ge=0, description="Time for requests in flight when stopping"
    )
    # Connections (decision record 11): bounds an idle or slow client cannot stretch.
    max_connections: int = Field(
        default=4096,
        ge=1,
        description="Open connections per worker; beyond, the longest idle one is closed",
    )
    first_byte_timeout_seconds: PositiveFloat = Field(
        default=5.0, description="Time from opening a connection to its first byte"
    )
    header_timeout_seconds: PositiveFloat = Field(
        default=10.0, description="Time from a request's first byte to its last header"
    )
    background_jobs: bool = Field(
        default=True,
        description="Run the background work (settling statuses, the daily re-evaluation, "
        "webhook deliveries) inside each API process; off when `exportgate worker` runs it",
    )
    log_lines_per_second: PositiveFloat = Field(
        default=10.0,
        description="Log lines per second (after a burst of 100) not tied to an API key",
    )
    # Webhooks (docs/webhooks.md): receivers on loopback, private or link-local addresses
    # are refused unless the operator runs them there (tests, on-premise receivers).
    webhook_allow_private_networks: bool = Field(
        default=False, description="Let webhook receivers be on private networks"
    )
    webhook_timeout_seconds: PositiveFloat = Field(
        default=10.0, le=60.0, description="Time for a webhook receiver to answer one attempt"
    )
    # The web console (docs/console.md): a signed-in browser's session ends after this long
    # without a request, and after the absolute lifetime however busy it is.
    console_idle_minutes: PositiveFloat = Field(
        default=30.0, le=24 * 60, description="Console session lifetime without a request"
    )
    console_absolute_hours: PositiveFloat = Field(
        default=12.0, le=7 * 24, description="Console session lifetime from sign-in"
    )
    # Decision records are signed with this Ed25519 key (PKCS#8 PEM); created on first use
    # where the file does not exist. Every worker and host of one service shares the file.
    signing_key_file: Path = Field(
        default=DEFAULT_SIGNING_KEY_PATH, description="The service's Ed25519 signing key"
    )


def load_settings() -> Settings:
    """The settings, or a ConfigurationError naming each variable that is wrong."""
    try:
        return Settings()
    except ValidationError as error:
        problems = [
            f"EXPORTGATE_{'_'.join(str(part) for part in entry['loc']).upper()}: {entry['msg']}"
            for entry in error.errors()
        ]
        raise ConfigurationError("; ".join(problems)) from None
