"""Whether a database holds the schema this code needs, asked cheaply: the revision Alembic
recorded in it against the newest revision in migrations/, read without loading Alembic."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from app.domain.errors import SchemaOutOfDateError

VERSIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"

# Every revision file assigns `revision` and `down_revision` at the top level (Alembic's
# template, kept by every file in migrations/versions). Reading the two lines costs well
# under a millisecond; importing Alembic to ask it costs a tenth of a second on every
# command. A test holds this reading to Alembic's own answer.
_REVISION = re.compile(r"^revision\b[^=\n]*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\b[^=\n]*=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")

# What a query on a table or column the database lacks raises: OperationalError on SQLite
# ("no such table"), ProgrammingError on PostgreSQL (UndefinedTable, UndefinedColumn).
SCHEMA_ERRORS = (OperationalError, ProgrammingError)


@functools.cache
def revisions() -> tuple[frozenset[str], frozenset[str]]:
    """(every revision in migrations/, the heads: those no other revision builds on)."""
    known: set[str] = set()
    built_on: set[str] = set()
    for path in VERSIONS.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision = _REVISION.search(source)
        down_revision = _DOWN_REVISION.search(source)
        if revision is not None:
            known.add(revision.group(1))
        if down_revision is not None:
            built_on.update(_QUOTED.findall(down_revision.group(1)))
    return frozenset(known), frozenset(known - built_on)


def recorded_revisions(engine: Engine) -> frozenset[str]:
    """The revisions Alembic recorded in the database; empty when it holds no schema."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return frozenset()
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        return frozenset(str(row) for row in rows)


def database_label(engine: Engine) -> str:
    """Where the database is, as a user may be told (no password)."""
    return engine.url.render_as_string(hide_password=True)


def require_current_schema(engine: Engine) -> None:
    """Raise SchemaOutOfDateError when the database has no schema or an older one.

    A revision this code does not know was written by newer code: `db upgrade` would not
    help, so it is not reported here.
    """
    recorded = recorded_revisions(engine)
    known, heads = revisions()
    if recorded == heads or not recorded <= known:
        return
    raise SchemaOutOfDateError(database_label(engine))
