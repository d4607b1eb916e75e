"""The API application factory: the engine is built in the lifespan, never at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api.access_log import AccessLog
from app.api.conditional import register_not_modified
from app.api.examples import with_examples
from app.api.guards import LimitRequestsInFlight, RefuseNulCharacters
from app.api.openapi import TAGS, operation_id, serve_docs
from app.api.problems import register_problem_handlers
from app.api.routes import (
    access,
    boms,
    components,
    decision_documents,
    evidence,
    exports,
    health,
    owners,
    products,
    registry,
    status_changes,
    webhooks,
)
from app.api.security import document_routes
from app.config import Settings, load_settings
from app.console.mount import mount_console
from app.services.background import background_runner
from app.services.runtime import Runtime

DESCRIPTION = """
exportgate answers one question with an explanation a compliance officer can act on:
**may this AI-bearing product be exported to this destination on this date?**

Integrators upload CycloneDX BOMs (JSON or XML, 1.2-1.7, ML-BOM, hardware, SaaSBOM);
exportgate joins them into one graph of products, modules, models and services across
suppliers. Errors are RFC 9457 `application/problem+json`.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    resolved = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = Runtime(resolved)
        app.state.runtime = runtime
        runner = background_runner(runtime) if resolved.background_jobs else None
        if runner is not None:
            runner.start()
        try:
            yield
        finally:
            if runner is not None:
                runner.stop()
            runtime.close()

    app = FastAPI(
        title="exportgate",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_tags=TAGS,
        generate_unique_id_function=operation_id,
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    serve_docs(app)
    register_problem_handlers(app)
    register_not_modified(app)
    app.add_middleware(RefuseNulCharacters)
    if resolved.max_concurrent_requests is not None:
        app.add_middleware(LimitRequestsInFlight, limit=resolved.max_concurrent_requests)
    app.add_middleware(AccessLog)  # added last: outermost, so it sees every answer
    routers = (
        boms.router, products.router, exports.router, components.router,
        registry.certificates_router, registry.router, access.router, owners.router,
        status_changes.router, webhooks.router, health.router,
        decision_documents.router, evidence.router,
    )  # fmt: skip
    document_routes(routers)
    for router in routers:
        app.include_router(router)
    mount_console(app)
    app.openapi = with_examples(app)  # type: ignore[method-assign] # FastAPI's documented way to extend the document
    return app
