"""Bearer API keys and the roles each operation admits; declared on every route, so the
OpenAPI document says who may call what."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.api.access_log import CALLER_STATE
from app.api.dependencies import RuntimeDep
from app.api.problems import responses
from app.domain.access import READERS, Principal, Role
from app.domain.errors import PermissionDeniedError
from app.services.access import authenticate

# auto_error off: a missing key is answered by our problem+json 401, not FastAPI's 403.
_bearer = HTTPBearer(auto_error=False, description="An exportgate API key")

EVERYONE = frozenset(Role)


def caller(
    request: Request,
    runtime: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    secret = credentials.credentials if credentials else None
    principal = authenticate(runtime, secret)
    # The access log names the key, and always writes a line that names one.
    setattr(request.state, CALLER_STATE, f"key-{principal.key_id}@{principal.organisation}")
    return principal


Caller = Annotated[Principal, Depends(caller)]


def admits(*roles: Role) -> Callable[..., Principal]:
    """A dependency that lets through keys holding one of `roles` (admins always)."""
    admitted = frozenset(roles)

    def check(request: Request, principal: Caller) -> Principal:
        if not principal.may(admitted):
            names = ", ".join(sorted(admitted | {Role.ADMIN}))
            raise PermissionDeniedError(
                f"{request.method} {request.url.path} needs one of the roles: {names}"
            )
        return principal

    check.__name__ = f"admits_{'_'.join(sorted(admitted))}"
    setattr(check, ADMITTED, admitted)  # read back to document the route (and by tests)
    return check


ADMITTED = "exportgate_admitted_roles"

Reader = Annotated[Principal, Depends(admits(*READERS))]


def admit(*roles: Role) -> Any:
    """For a route's `dependencies=[...]`."""
    return Depends(admits(*roles))


def route_roles(route: APIRoute) -> frozenset[Role] | None:
    """The roles a route admits, or None for a route anyone may call."""
    for dependency in route.dependant.dependencies:
        admitted = getattr(dependency.call, ADMITTED, None)
        if admitted is not None:
            return frozenset(admitted)
    return None


def document_routes(routers: Iterable[APIRouter]) -> None:
    """Say on every operation who may call it (and that the rest need no key), and that
    invalid requests and an unmigrated database are answered as problems, before the
    routers are included."""
    for route in (route for router in routers for route in router.routes):
        if not isinstance(route, APIRoute):
            continue
        route.responses = {**responses(422, 503), **route.responses}
        roles = route_roles(route)
        extra = dict(route.openapi_extra or {})
        if roles is None:
            extra["x-exportgate-roles"] = []
            route.openapi_extra = extra
            continue
        names = sorted(roles | {Role.ADMIN})
        extra["x-exportgate-roles"] = names
        route.openapi_extra = extra
        route.responses = {**responses(401, 403), **route.responses}
        route.description = (route.description or "") + f"\n\nRoles: {', '.join(names)}."
