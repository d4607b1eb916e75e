"""What a change owes the stored statuses: a work item written in the change's own
transaction, naming its cause and the components whose holders it may move. The settling
pass (app/services/statuses.py) weighs them again; writers need nothing more than this."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from app.domain.statuses import Cause
from app.store.unit_of_work import UnitOfWork


def note_change(
    uow: UnitOfWork, cause: Cause, seeds: Iterable[int] | None, *, at: dt.datetime | None = None
) -> None:
    """In the caller's transaction: the products holding any of `seeds` (every product when
    None) are to be weighed again because of `cause`."""
    uow.statuses.add_work(cause, seeds, at or dt.datetime.now(dt.UTC))


def bom_seeds(uow: UnitOfWork, subject_id: int, serial_number: str | None) -> list[int]:
    """The components whose holders an upload, supersession or retirement of a BOM touches:
    its subject, and the components whose BOM-Links name its serial number."""
    if serial_number is None:
        return [subject_id]
    return [subject_id, *uow.statuses.link_sources(serial_number)]
