"""`exportgate serve`, and what it hands uvicorn: the guarded protocol, the log with its
budget, and as many open files as the system allows (decision record 11)."""

from __future__ import annotations

import copy
import resource
from pathlib import Path
from typing import Annotated, Any

import typer

from app.cli.common import opened_runtime, out, reports_errors
from app.cli.db import db_upgrade
from app.cli.export import demo
from app.config import Settings, load_settings
from app.domain.access import Role
from app.services.access import (
    LOCAL_ORGANISATION,
    LOCAL_ORGANISATION_NAME,
    create_key,
    ensure_organisation,
)

# Named, not imported: the command line does not import the HTTP layer (import-linter);
# uvicorn loads both by name, as it loads the application factory.
PROTOCOL = "app.api.serving:GuardedH11Protocol"
LOG_BUDGET = "app.api.access_log.LogBudget"
# Used when the hard limit is unlimited: a number the kernel accepts everywhere.
UNLIMITED_FILES = 1 << 20
MAX_BACKLOG = 4096


def raise_open_files_limit() -> int:
    """Raise this process's soft limit on open files to its hard limit (the workers inherit
    it); the limit now in force. Each connection is an open file, and the soft limit is
    often a tenth of what the system allows."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = UNLIMITED_FILES if hard == resource.RLIM_INFINITY else hard
    if target > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):  # a container may refuse it; the cap adapts
            return soft
        return target
    return soft


def backlog_for(files: int) -> int:
    """Connections the kernel queues for accepting; asyncio accepts up to this many in one
    turn, before the ones closed to make room give back their files, so they must fit."""
    return max(16, min(MAX_BACKLOG, files // 8))


def log_config(settings: Settings) -> dict[str, Any]:
    """uvicorn's logging, with exportgate's access lines, and every line that names no API
    key held to EXPORTGATE_LOG_LINES_PER_SECOND."""
    # Imported here: every other command (an ingest in a CI job, say) starts without uvicorn.
    from uvicorn.config import LOGGING_CONFIG  # noqa: PLC0415

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"budget": {"()": LOG_BUDGET, "per_second": settings.log_lines_per_second}}
    config["formatters"]["plain"] = {
        "()": "uvicorn.logging.DefaultFormatter",
        "fmt": "%(levelprefix)s %(message)s",
        "use_colors": False,
    }
    config["handlers"]["default"]["filters"] = ["budget"]
    config["handlers"]["exportgate_access"] = {
        "formatter": "plain",
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stdout",
        "filters": ["budget"],
    }
    config["loggers"]["exportgate"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    config["loggers"]["exportgate.access"] = {
        "handlers": ["exportgate_access"],
        "level": "INFO",
        "propagate": False,
    }
    # asyncio logs a traceback for each failure it cannot hand to anyone: budgeted too.
    config["loggers"]["asyncio"] = {"handlers": ["default"], "level": "WARNING", "propagate": False}
    return config


def uvicorn_options(settings: Settings, workers: int | None) -> dict[str, Any]:
    files = raise_open_files_limit()
    return {
        "factory": True,
        "http": PROTOCOL,
        "workers": workers or settings.workers,
        "backlog": backlog_for(files),
        "timeout_keep_alive": settings.keep_alive_seconds,
        "timeout_graceful_shutdown": settings.shutdown_timeout_seconds,
        # exportgate's own access log names the API key and has a budget; uvicorn's has neither.
        "access_log": False,
        "log_config": log_config(settings),
    }


@reports_errors
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Worker processes, one database. [env EXPORTGATE_WORKERS]"),
    ] = None,
    upgrade: Annotated[bool, typer.Option(help="Migrate the database first.")] = False,
    demo_folder: Annotated[
        Path | None,
        typer.Option("--demo", help="Load this folder's sample BOMs and registry first."),
    ] = None,
) -> None:
    """Serve the REST API (OpenAPI at /docs). Refuses a database without the latest schema
    unless --upgrade migrates it first."""
    import uvicorn  # noqa: PLC0415 - only this command needs the server

    settings = load_settings()
    if upgrade:
        db_upgrade()
    if demo_folder is not None:
        demo(samples=demo_folder, on=None)
        with opened_runtime() as runtime:
            ensure_organisation(runtime, LOCAL_ORGANISATION, LOCAL_ORGANISATION_NAME, actor="demo")
            issued = create_key(runtime, "local", [Role.ADMIN], label="local demo", actor="demo")
        out.print(f"admin key for this demo (shown once): {issued.secret}")
        out.print(f"  curl -H 'Authorization: Bearer {issued.secret}' "
                  f"http://{host}:{port}/api/v1/products")  # fmt: skip
    with opened_runtime() as runtime:
        # Refuse to start on an empty or old database rather than answer every request 503.
        runtime.check_schema()
    out.print(f"exportgate API on http://{host}:{port}  (docs: http://{host}:{port}/docs)")
    options = uvicorn_options(settings, workers)
    uvicorn.run("app.api.main:create_app", host=host, port=port, **options)
