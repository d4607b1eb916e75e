"""The column types every table module declares with: ids, and timestamps kept in UTC."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from sqlalchemy import BigInteger, DateTime, Integer, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import mapped_column

# Integer primary keys autoincrement as BIGINT on PostgreSQL and as ROWID aliases on SQLite.
Id = BigInteger().with_variant(Integer(), "sqlite")
# The id every table numbers its rows by.
SurrogateKey = Annotated[int, mapped_column(Id, primary_key=True, autoincrement=True)]


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Timestamps in UTC on every backend: SQLite keeps no time zone, so it is restored here."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self,
        value: dt.datetime | None,
        dialect: Dialect,  # noqa: ARG002 - the signature SQLAlchemy calls
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must carry a time zone")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self,
        value: dt.datetime | None,
        dialect: Dialect,  # noqa: ARG002 - the signature SQLAlchemy calls
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
