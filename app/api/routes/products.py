"""Products: every component that is the subject of a BOM."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.convert import product_read
from app.api.dependencies import RuntimeDep
from app.api.schemas import ProductRead
from app.api.security import admit
from app.domain.access import Role
from app.services.catalogue import list_products

router = APIRouter(prefix="/api/v1/products", tags=["Products (vendors)"])


@router.get(
    "",
    response_model=list[ProductRead],
    summary="Every product, in identity order",
    dependencies=[admit(Role.INTEGRATOR, Role.PROCUREMENT, Role.AUDITOR)],
)
def list_products_route(runtime: RuntimeDep) -> list[ProductRead]:
    with runtime.reading() as uow:
        return [product_read(summary) for summary in list_products(uow, runtime.cache)]
