"""What every repository shares: the unit of work's session, and reading a row by a key."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.store.rows import Base

RowT = TypeVar("RowT", bound=Base)


class Repository:
    """A repository reads and writes through the session of the unit of work that made it,
    and never commits: the use case does."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def _one_row(self, row: type[RowT], key: ColumnElement[bool]) -> RowT | None:
        """The row that `key` (a condition on a unique column) names, if there is one."""
        return self._session.scalars(select(row).where(key)).one_or_none()
