"""Request-scoped access to the process's runtime (settings, database, graph cache)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.services.runtime import Runtime


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
