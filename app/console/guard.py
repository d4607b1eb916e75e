"""What stands in front of every console page: a session (else to the sign-in page, with
where the visitor was going), the session's anti-forgery token on every form that changes
something, and errors told as pages rather than problem documents."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from app.console.cookies import SESSION_COOKIE, forget_cookie
from app.console.pages import render
from app.domain.access import READERS, Role
from app.domain.errors import (
    AuthenticationError,
    DatabaseBusyError,
    ExportgateError,
    InputRejectedError,
    Located,
    NotFoundError,
    PermissionDeniedError,
    SchemaOutOfDateError,
)
from app.services.console_sessions import SignedIn, signed_in
from app.services.runtime import Runtime

CSRF_FIELD = "csrf_token"
HOME = "/portfolio"
MAX_TARGET = 2048


class NotSignedInError(ExportgateError):
    """A page asked for without a live session: answered by the sign-in page."""

    title = "sign in"


class ForgedFormError(ExportgateError):
    """A form that does not carry the anti-forgery token of the visitor's session."""

    title = "form refused"


# What each error is answered with; the first that matches wins, anything else is a 400.
_STATUSES: tuple[tuple[type[ExportgateError], int], ...] = (
    (ForgedFormError, 403),
    (PermissionDeniedError, 403),
    (NotFoundError, 404),
    (InputRejectedError, 400),
    (SchemaOutOfDateError, 503),
    (DatabaseBusyError, 503),
)


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def local_path(target: str | None) -> str:
    """Where to go after signing in: a path on this server, else the portfolio. Anything
    naming another host (`//evil`, `https:`, `/\\evil`) or carrying control characters is
    refused, so the sign-in page never sends a visitor elsewhere."""
    if (
        not target
        or len(target) > MAX_TARGET
        or not target.startswith("/")
        or target.startswith("//")
    ):
        return HOME
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return HOME
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return HOME
    return target


def sign_in_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/login?" + urlencode({"next": target})


def visitor(request: Request) -> SignedIn:
    try:
        return signed_in(runtime_of(request), request.cookies.get(SESSION_COOKIE))
    except AuthenticationError as error:
        raise NotSignedInError(str(error)) from None


Visitor = Annotated[SignedIn, Depends(visitor)]


def reads_products(signed: Visitor) -> SignedIn:
    """The roles that read the products list through the API read the portfolio here."""
    if not signed.principal.may(READERS):
        names = ", ".join(sorted({"admin", *READERS}))
        raise PermissionDeniedError(f"this page needs one of the roles: {names}")
    return signed


Reader = Annotated[SignedIn, Depends(reads_products)]


def _needs(*roles: Role) -> Callable[[SignedIn], SignedIn]:
    """A page the API serves to `roles` only (administrators always), served alike here."""
    admitted = frozenset(roles)

    def check(signed: Visitor) -> SignedIn:
        if not signed.principal.may(admitted):
            names = ", ".join(sorted({"admin", *admitted}))
            raise PermissionDeniedError(f"this page needs one of the roles: {names}")
        return signed

    return check


# Decision records: as `GET /api/v1/decisions`; the audit trail: as `GET /api/v1/audit-trail`.
DecisionReader = Annotated[SignedIn, Depends(_needs(Role.AUDITOR, Role.INTEGRATOR))]
Auditor = Annotated[SignedIn, Depends(_needs(Role.AUDITOR))]
# Uploading BOMs: as `POST /api/v1/boms`.
UPLOADERS = frozenset({Role.INTEGRATOR})
Uploader = Annotated[SignedIn, Depends(_needs(*UPLOADERS))]


async def checked_upload(request: Request, signed: Uploader) -> SignedIn:
    """An uploader whose form carries its session's anti-forgery token."""
    return await checked_form(request, signed)


UploadSender = Annotated[SignedIn, Depends(checked_upload)]


async def checked_form(request: Request, signed: Visitor) -> SignedIn:
    """The visitor, when the form posted carries its session's anti-forgery token."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not secrets.compare_digest(sent, signed.csrf_token):
        raise ForgedFormError("this form did not come from your console session")
    return signed


FormSender = Annotated[SignedIn, Depends(checked_form)]


class ConsolePage(APIRoute):
    """A console route: a visitor without a session is sent to sign in (and its stale
    cookie forgotten), and every error is a page that says what went wrong."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answered(request: Request) -> Response:
            try:
                return await handler(request)
            except NotSignedInError:
                response: Response = RedirectResponse(sign_in_url(request), status_code=303)
                if SESSION_COOKIE in request.cookies:
                    forget_cookie(request, response, SESSION_COOKIE)
                return response
            except RequestValidationError as invalid:
                return error_page(request, _visitor_or_none(request), _unreadable(invalid))
            except ExportgateError as error:
                return error_page(request, _visitor_or_none(request), error)

        return answered


def _unreadable(invalid: RequestValidationError) -> ExportgateError:
    """A path that names nothing is a page that does not exist; anything else sent that
    cannot be read is refused, located."""
    errors = invalid.errors()
    if any(error.get("loc", ("",))[0] == "path" for error in errors):
        return NotFoundError("there is no such page")
    located = [
        Located("/".join(str(part) for part in error.get("loc", ())), str(error.get("msg", "")))
        for error in errors
    ]
    return InputRejectedError("the request could not be read", located)


def _visitor_or_none(request: Request) -> SignedIn | None:
    try:
        return visitor(request)
    except ExportgateError:
        return None


def error_page(request: Request, signed: SignedIn | None, error: ExportgateError) -> Response:
    status = next((code for kind, code in _STATUSES if isinstance(error, kind)), 400)
    return render(
        request,
        "error.html",
        visitor=signed,
        status_code=status,
        title=error.title,
        detail=error.diagnostics(),
    )
