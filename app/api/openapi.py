"""What client generators and people read about the API: tags that make good module names,
an operationId per operation, and /docs and /redoc served from assets packaged with the app
(no CDN: they work on a network without internet)."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from importlib.metadata import version

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse, Response
from starlette.types import Scope

# Each name becomes a module of a generated client (`exportgate_client.api.boms`), so each
# is a noun in snake_case; the description says who it is for.
TAGS = [
    {"name": "boms", "description": "Integrators: upload, list, read, diff and share BOMs."},
    {
        "name": "owners",
        "description": "Integrators: who owns a subject, who may publish for it, transfers.",
    },
    {"name": "products", "description": "Vendors: where each product may go, and its graph."},
    {"name": "export_checks", "description": "Vendors: may it go there on that date; why not."},
    {
        "name": "status_changes",
        "description": "Vendors: each change of a product's status, and its cause.",
    },
    {"name": "components", "description": "Procurement: before buying, certified, used where."},
    {
        "name": "certificates",
        "description": "Reviewers and procurement: certificates, their events and impact.",
    },
    {
        "name": "registry",
        "description": "Operators: the registry file, reviewer bodies, the ruleset.",
    },
    {"name": "decisions", "description": "Auditors: what was decided, when, on what evidence."},
    {"name": "access", "description": "Administrators: organisations and API keys."},
    {"name": "webhooks", "description": "Subscribers: events signed and sent to your receivers."},
    {"name": "operations", "description": "Liveness for load balancers."},
]

# A route function whose operation shares its name with the use case it calls is named
# `<operation>_route`, so it does not shadow that use case; the suffix is not part of the id.
ROUTE_SUFFIX = "_route"


def operation_id(route: APIRoute) -> str:
    """The operationId of a route: its function's name, a verb phrase (`list_products`),
    which a generated client uses as its function name."""
    return route.name.removesuffix(ROUTE_SUFFIX)


# The assets' URL names the bundle's version, so a browser may keep them for good: an
# upgrade moves them to a new URL.
DOCS_ASSETS = f"/docs/assets/{version('fastapi-offline')}"
IMMUTABLE = "public, max-age=31536000, immutable"


class _PinnedAssets(StaticFiles):
    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = IMMUTABLE
        return response


def _swagger_ui(openapi_url: str, title: str, assets: str) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=openapi_url,
        title=f"{title} - Swagger UI",
        swagger_js_url=f"{assets}/swagger-ui-bundle.js",
        swagger_css_url=f"{assets}/swagger-ui.css",
        swagger_favicon_url=f"{assets}/favicon.png",
        # Swagger UI would otherwise ask an outside validator for a badge.
        swagger_ui_parameters={"validatorUrl": None},
    )


def _redoc(openapi_url: str, title: str, assets: str) -> HTMLResponse:
    return get_redoc_html(
        openapi_url=openapi_url,
        title=f"{title} - ReDoc",
        redoc_js_url=f"{assets}/redoc.standalone.js",
        redoc_favicon_url=f"{assets}/favicon.png",
        with_google_fonts=False,
    )


DOCS_PAGES: dict[str, Callable[[str, str, str], HTMLResponse]] = {
    "/docs": _swagger_ui,
    "/redoc": _redoc,
}


def _docs_page(
    render: Callable[[str, str, str], HTMLResponse], openapi_url: str, title: str
) -> Callable[[Request], Awaitable[HTMLResponse]]:
    async def page(request: Request) -> HTMLResponse:
        # Behind a proxy that mounts the API under a prefix, every URL the page names
        # carries it.
        root = str(request.scope.get("root_path", "")).rstrip("/")
        html = render(f"{root}{openapi_url}", title, f"{root}{DOCS_ASSETS}")
        html.headers["Cache-Control"] = "no-cache"
        return html

    return page


def serve_docs(app: FastAPI) -> None:
    """/docs (Swagger UI) and /redoc on assets the app serves itself. The pages hold no data
    and need no key; they are never cached, so after an upgrade they name the new assets."""
    # Fails at start-up, not with a blank page, if the bundle is missing.
    app.mount(DOCS_ASSETS, _PinnedAssets(packages=[("fastapi_offline", "static")]))
    openapi_url = app.openapi_url or "/openapi.json"
    for path, render in DOCS_PAGES.items():
        app.add_api_route(path, _docs_page(render, openapi_url, app.title), include_in_schema=False)
