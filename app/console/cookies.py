"""The console's cookies: the session's, and the sign-in form's anti-forgery token. Both
HttpOnly and SameSite=Strict, and Secure whenever the request came over HTTPS."""

from __future__ import annotations

from fastapi import Request, Response

SESSION_COOKIE = "exportgate_session"
SIGN_IN_CSRF_COOKIE = "exportgate_sign_in_csrf"


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    # No max-age: the browser forgets it when it closes; the server ends it sooner.
    response.set_cookie(
        name,
        value,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def forget_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(
        name, path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )
