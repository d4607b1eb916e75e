"""Liveness with a real database round trip, and a database migrated to this code's schema
(503 with the remedy when it is not)."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.dependencies import RuntimeDep
from app.api.schemas.common import Health
from app.services.health import database_health

router = APIRouter(tags=["operations"])


@router.get(
    "/healthz",
    response_model=Health,
    summary="Is the server up, with its database reachable and migrated?",
)
def check_health(runtime: RuntimeDep) -> Health:
    return Health(status="ok", database=database_health(runtime))
