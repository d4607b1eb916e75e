"""Liveness with a real database round trip."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.dependencies import RuntimeDep
from app.api.schemas import Health
from app.services.catalogue import database_health

router = APIRouter(tags=["Operations"])


@router.get("/healthz", response_model=Health)
def healthz(runtime: RuntimeDep) -> Health:
    with runtime.reading() as uow:
        database = database_health(uow)
    return Health(status="ok", database=database)
