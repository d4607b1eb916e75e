"""Mounting the console on the application: its pages at `/`, its stylesheet at /static."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.console.routes import (
    admin,
    certificates,
    components,
    diff,
    portfolio,
    products,
    records,
    sign_in,
    upload,
)

STATIC = Path(__file__).parent / "static"


def mount_console(app: FastAPI) -> None:
    for router in (
        sign_in.router,
        portfolio.router,
        products.router,
        components.router,
        certificates.router,
        records.router,
        upload.router,
        diff.router,
        admin.router,
    ):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="console-static")
