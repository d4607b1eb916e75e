"""Bulk inserts and chunked lookups: one BOM brings hundreds of thousands of rows, written
set-based, never per row.

SQLAlchemy's compiled-statement path builds a parameter dictionary per row through several
layers, and a driver's executemany steps the database once per row (taking the GIL back
after each); for the edges of a large BOM either costs more than the database work itself.
Here a statement carries as many rows as the database lets it bind, and column types still
convert values exactly as they would through SQLAlchemy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain, islice
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.orm import Session

# PostgreSQL's wire protocol counts a statement's parameters in 16 bits.
POSTGRESQL_PARAMETER_LIMIT = 65_535
# Values per lookup stay well under SQLite's and PostgreSQL's bind limits.
CHUNK = 900
# Where a session keeps whoever must hear of rows inserted here (the audit chain): an object
# with `watched_key(table_name) -> str | None` and `inserted(table_name, keys)`.
INSERT_WATCHER = "exportgate.insert_watcher"


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    """The items in slices small enough for one `IN (...)` lookup each."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _parameter_budget(connection: Connection) -> int:
    """How many values one statement may bind on this database."""
    driver = connection.connection.driver_connection
    if isinstance(driver, sqlite3.Connection):
        return driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return POSTGRESQL_PARAMETER_LIMIT


def insert_many(
    session: Session,
    table: Table,
    keys: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    shared: Mapping[str, Any] | None = None,
    ignore_conflicts_on: str | None = None,
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Insert `rows` (values in `keys` order; a generator is consumed a statement at a time,
    so the rows never all exist at once as parameters). `shared` holds the values every row
    has (its BOM, its time), converted once. The `returning` columns of every row inserted
    come back, in no particular order."""
    connection = session.connection()
    dialect = connection.dialect
    watcher = session.info.get(INSERT_WATCHER)
    watched = watcher.watched_key(table.name) if watcher is not None else None
    asked = len(returning)
    if watched is not None:
        returning = (*returning, watched)

    def processor(key: str) -> Callable[[Any], Any] | None:
        return table.c[key].type.dialect_impl(dialect).bind_processor(dialect)

    shared = shared or {}
    common = tuple(
        process(value) if (process := processor(key)) else value for key, value in shared.items()
    )
    converters = [(i, p) for i, key in enumerate(keys) if (p := processor(key)) is not None]
    quote = dialect.identifier_preparer.quote
    placeholder = "?" if dialect.paramstyle == "qmark" else "%s"
    width = len(keys) + len(common)
    # Identifiers come from the table definition, quoted by the dialect; values are bound.
    names = ", ".join(quote(table.c[key].name) for key in (*keys, *shared))
    row_slots = "(" + ", ".join([placeholder] * width) + ")"
    suffix = ""
    if ignore_conflicts_on is not None:
        suffix += f" ON CONFLICT ({quote(ignore_conflicts_on)}) DO NOTHING"
    if returning:
        suffix += " RETURNING " + ", ".join(quote(table.c[key].name) for key in returning)

    def statement(batch: list[Sequence[Any]]) -> tuple[str, tuple[Any, ...]]:
        values: list[Any] = []
        if converters:
            for row in batch:
                converted = list(row)
                for index, convert in converters:
                    converted[index] = convert(converted[index])
                values += converted
                values += common
        elif common:
            for row in batch:
                values += row
                values += common
        else:
            values = list(chain.from_iterable(batch))
        slots = ", ".join([row_slots] * len(batch))
        sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES {slots}{suffix}"  # noqa: S608
        return sql, tuple(values)

    per_statement = max(1, _parameter_budget(connection) // width)
    returned: list[tuple[Any, ...]] = []
    for batch in _batches(rows, per_statement):
        result = connection.exec_driver_sql(*statement(batch))
        if returning:
            returned.extend(tuple(found) for found in result)
    if watcher is not None and watched is not None:
        watcher.inserted(table.name, [found[-1] for found in returned])
        return [found[:asked] for found in returned]
    return returned


def _batches(rows: Iterable[Sequence[Any]], size: int) -> Iterator[list[Sequence[Any]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch
