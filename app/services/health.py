"""Whether the database answers, for a load balancer."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.runtime import Runtime


def database_health(runtime: Runtime) -> str:
    """The database's dialect, after a real query (the generation counter)."""
    # Asked on every call, not once per process: a load balancer should see a schema that
    # vanished or fell behind under a running server.
    runtime.check_schema()
    with runtime.reading() as uow:
        uow.graph.generation()
        return uow.dialect
