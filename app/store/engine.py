"""Engines for the two supported databases, configured the way each needs to be."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

WRITE_OPTION = "exportgate_writes"


def _dumps(value: object) -> str:
    return orjson.dumps(value).decode()


def _prepare_sqlite_file(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def build_engine(url: str, *, sqlite_busy_timeout_ms: int = 30_000) -> Engine:
    """An engine for `url`. On SQLite: WAL (readers never block the writer), a busy timeout
    (writers wait for each other instead of failing), and foreign keys enforced."""
    # orjson writes JSON columns several times faster than the standard library.
    json_options: dict[str, Any] = {
        "json_serializer": _dumps,
        "json_deserializer": orjson.loads,
    }
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **json_options)
    _prepare_sqlite_file(url)
    engine = create_engine(
        url, connect_args={"timeout": sqlite_busy_timeout_ms / 1000}, **json_options
    )

    @event.listens_for(engine, "connect")
    def _configure(connection: Any, _record: object) -> None:
        # pysqlite's own transaction handling issues BEGIN lazily and breaks SAVEPOINT; take
        # it over so SQLAlchemy's BEGIN is the one that runs.
        connection.isolation_level = None
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(sqlite_busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # 64 MiB of page cache: a large BOM rewrites index pages far more than the default
        # 2 MiB holds.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # A writing unit of work takes the write lock up front (IMMEDIATE), so two writers
        # queue on the busy timeout rather than one failing when it upgrades a read lock.
        # Readers begin deferred and never wait for a writer (WAL).
        immediate = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
