"""Every error as RFC 9457 application/problem+json: one table, one set of handlers."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.domain.errors import (
    AmbiguousReferenceError,
    AuthenticationError,
    BomRejectedError,
    ClassificationRejectedError,
    ConflictError,
    DatabaseBusyError,
    ExportgateError,
    InputRejectedError,
    InvalidRequestError,
    LimitExceededError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    QuestionRejectedError,
    RegistryRejectedError,
    RequestTimeoutError,
    SchemaOutOfDateError,
    SubjectOwnedError,
    UnsupportedMediaTypeError,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "urn:exportgate:problem:"
logger = logging.getLogger("exportgate.api")

# Most specific first: PayloadTooLargeError is a LimitExceededError, and each refusal of
# input is an InputRejectedError.
_TABLE: tuple[tuple[type[ExportgateError], int, str], ...] = (
    (PayloadTooLargeError, 413, "payload-too-large"),
    (LimitExceededError, 422, "limit-exceeded"),
    (BomRejectedError, 422, "bom-rejected"),
    (RegistryRejectedError, 422, "registry-entry-rejected"),
    (QuestionRejectedError, 422, "question-rejected"),
    (ClassificationRejectedError, 422, "classification-rejected"),
    (InvalidRequestError, 422, "invalid-request"),
    (InputRejectedError, 422, "input-rejected"),
    (SubjectOwnedError, 409, "subject-owned"),
    (ConflictError, 409, "conflict"),
    (RequestTimeoutError, 408, "request-timeout"),
    (UnsupportedMediaTypeError, 415, "unsupported-media-type"),
    (AuthenticationError, 401, "authentication-required"),
    (PermissionDeniedError, 403, "permission-denied"),
    (NotFoundError, 404, "not-found"),
    (AmbiguousReferenceError, 409, "ambiguous-reference"),
    # The server is up but cannot answer until an operator migrates its database.
    (SchemaOutOfDateError, 503, "database-not-migrated"),
    # Another writer held the database past the wait; the same request may come again.
    (DatabaseBusyError, 503, "database-busy"),
)


class LocatedError(BaseModel):
    location: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details, with exportgate's typed extensions."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[LocatedError] | None = None
    candidates: list[str] | None = None
    limit: int | None = None


def _status_and_slug(error: ExportgateError) -> tuple[int, str]:
    for error_type, status, slug in _TABLE:
        if isinstance(error, error_type):
            return status, slug
    return 400, "bad-request"


def problem_response(
    status: int, slug: str, title: str, detail: str, request: Request, **extensions: Any
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    body.update({key: value for key, value in extensions.items() if value is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE)


def responses(
    *statuses: int, also: dict[int | str, dict[str, Any]] | None = None
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI declarations of the problems a route may answer with (and `also` others)."""
    return dict(also or {}) | {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }


async def _exportgate_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ExportgateError)  # noqa: S101 - registered for this type only
    status, slug = _status_and_slug(error)
    errors = error.errors if isinstance(error, InputRejectedError) else None
    response = problem_response(
        status,
        slug,
        error.title,
        error.detail,
        request,
        errors=[{"location": e.location, "message": e.message} for e in errors] if errors else None,
        candidates=getattr(error, "candidates", None),
        limit=getattr(error, "limit", None),
    )
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="exportgate"'
    if isinstance(error, DatabaseBusyError):
        response.headers["Retry-After"] = str(error.retry_after_seconds)
    return response


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)  # noqa: S101 - registered for this type only
    located = [
        {"location": "/".join(str(part) for part in entry["loc"]), "message": entry["msg"]}
        for entry in error.errors()
    ]
    return problem_response(
        422,
        "invalid-request",
        "invalid request",
        "the request's parameters are not valid",
        request,
        errors=located,
    )


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)  # noqa: S101 - registered for this type only
    phrase = HTTPStatus(error.status_code).phrase
    slug = phrase.lower().replace(" ", "-")
    return problem_response(error.status_code, slug, phrase.lower(), str(error.detail), request)


async def _unexpected_error(request: Request, error: Exception) -> JSONResponse:
    # The traceback goes to the log, never to the caller.
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return problem_response(
        500,
        "internal-error",
        "internal error",
        "the server failed to answer; the error has been logged",
        request,
    )


def register_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ExportgateError, _exportgate_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
