"""A console session: a browser signed in with an API key, and when it stops being one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SessionLifetime:
    """How long a session lives: `idle` after its last request, and never beyond
    `absolute` after sign-in, however busy it is."""

    idle: dt.timedelta
    absolute: dt.timedelta


@dataclass(frozen=True, slots=True)
class ConsoleSession:
    id: int
    key_id: int
    created_at: dt.datetime
    last_seen_at: dt.datetime
    ended_at: dt.datetime | None

    def alive_at(self, now: dt.datetime, lifetime: SessionLifetime) -> bool:
        """Not signed out, not idle too long, not older than its absolute lifetime. A
        clock that reads earlier than the last request (a session from the future) is
        suspicious, and ends it too."""
        return (
            self.ended_at is None
            and self.last_seen_at <= now
            and now - self.last_seen_at < lifetime.idle
            and now - self.created_at < lifetime.absolute
        )
