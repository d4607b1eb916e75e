"""Console sessions: a browser signed in with an API key, kept as the hash of its token."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.store.rows import Base
from app.store.rows.columns import SurrogateKey, UtcDateTime


class ConsoleSessionRow(Base):
    """The token itself lives only in the browser's cookie: a copy of this table signs no
    one in."""

    __tablename__ = "console_sessions"

    id: Mapped[SurrogateKey]
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_console_sessions_key_id", "key_id"),)
