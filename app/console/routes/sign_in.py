"""Signing in with an API key, and out: the only pages that work without a session."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from app.console.cookies import SESSION_COOKIE, SIGN_IN_CSRF_COOKIE, forget_cookie, set_cookie
from app.console.guard import (
    CSRF_FIELD,
    HOME,
    ConsolePage,
    ForgedFormError,
    FormSender,
    local_path,
    runtime_of,
    visitor,
)
from app.console.pages import render
from app.domain.errors import AuthenticationError, ExportgateError
from app.services.console_sessions import sign_in, sign_out

router = APIRouter(route_class=ConsolePage, include_in_schema=False)

# Said of every refused key, whatever the reason: unknown, revoked and expired keys are not
# told apart to whoever holds one.
REFUSED = "That API key was not accepted. Check it, or ask your administrator for a new one."
# The most an API key is (its prefix and 43 characters); anything longer is no key.
MAX_KEY_LENGTH = 256


def _sign_in_token(request: Request) -> str:
    """The sign-in form's anti-forgery token: the browser's, if it holds a well-formed one,
    else a new one (sent back in a cookie and in the form: the two must match)."""
    held = request.cookies.get(SIGN_IN_CSRF_COOKIE, "")
    return held if len(held) == 43 and held.isascii() else secrets.token_urlsafe(32)


def _sign_in_page(
    request: Request, target: str, *, status_code: int = 200, message: str | None = None
) -> Response:
    token = _sign_in_token(request)
    page = render(
        request,
        "login.html",
        visitor=None,
        status_code=status_code,
        next=target,
        csrf_token=token,
        message=message,
    )
    set_cookie(request, page, SIGN_IN_CSRF_COOKIE, token)
    return page


@router.get("/")
def home(request: Request) -> Response:
    try:
        visitor(request)
    except ExportgateError:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(HOME, status_code=303)


@router.get("/login")
def sign_in_form(request: Request, next: Annotated[str | None, Query()] = None) -> Response:
    return _sign_in_page(request, local_path(next))


@router.post("/login")
def sign_in_route(
    request: Request,
    api_key: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    next: Annotated[str, Form()] = HOME,
) -> Response:
    held = request.cookies.get(SIGN_IN_CSRF_COOKIE, "")
    if not held or not secrets.compare_digest(held.encode(), csrf_token.encode()):
        raise ForgedFormError("the sign-in form has expired; load it again and sign in")
    target = local_path(next)
    try:
        if len(api_key) > MAX_KEY_LENGTH:
            raise AuthenticationError("longer than any API key")
        session = sign_in(runtime_of(request), api_key.strip())
    except AuthenticationError:
        return _sign_in_page(request, target, status_code=401, message=REFUSED)
    signed = RedirectResponse(target, status_code=303)
    set_cookie(request, signed, SESSION_COOKIE, session.token)
    forget_cookie(request, signed, SIGN_IN_CSRF_COOKIE)
    return signed


@router.post("/logout")
def sign_out_route(request: Request, _signed: FormSender) -> Response:
    sign_out(runtime_of(request), request.cookies.get(SESSION_COOKIE))
    signed_out = RedirectResponse("/login", status_code=303)
    forget_cookie(request, signed_out, SESSION_COOKIE)
    return signed_out
