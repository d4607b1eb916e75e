"""Administration, for administrators only: organisations, API keys (a new key's secret
shown once, on the page that issued it), and every organisation's webhook subscriptions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request, Response
from fastapi.responses import RedirectResponse

from app.console.guard import ConsolePage, FormSender, Visitor, runtime_of
from app.console.pages import render
from app.domain import limits
from app.domain.access import Role, Viewer
from app.domain.errors import InvalidRequestError, Located, PermissionDeniedError
from app.domain.limits import MAX_ID
from app.domain.paging import MAX_CURSOR_LENGTH, PageRequest
from app.services.access import (
    create_key,
    create_organisation,
    list_keys,
    list_organisations,
    revoke_key,
)
from app.services.console_sessions import SignedIn
from app.services.webhooks import enable_subscription, list_subscriptions

router = APIRouter(route_class=ConsolePage, include_in_schema=False)

PAGE_SIZE = 50
Cursor = Annotated[str, Query(max_length=MAX_CURSOR_LENGTH)]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def _administrator(signed: SignedIn) -> SignedIn:
    if Role.ADMIN not in signed.principal.roles:
        raise PermissionDeniedError("administration is for administrator keys")
    return signed


def administers(signed: Visitor) -> SignedIn:
    return _administrator(signed)


def administers_by_form(signed: FormSender) -> SignedIn:
    """An administrator's form, carrying its session's anti-forgery token."""
    return _administrator(signed)


Administrator = Annotated[SignedIn, Depends(administers)]
AdministratorForm = Annotated[SignedIn, Depends(administers_by_form)]


def _admin_page(
    request: Request,
    signed: SignedIn,
    *,
    organisations_after: str = "",
    keys_after: str = "",
    hooks_after: str = "",
    issued: object = None,
    status_code: int = 200,
) -> Response:
    runtime = runtime_of(request)
    organisations = list_organisations(
        runtime, PageRequest(organisations_after or None, PAGE_SIZE, "query/organisations")
    )
    keys = list_keys(runtime, paging=PageRequest(keys_after or None, PAGE_SIZE, "query/keys"))
    hooks = list_subscriptions(
        runtime,
        Viewer.of(signed.principal),
        paging=PageRequest(hooks_after or None, PAGE_SIZE, "query/webhooks"),
    )
    return render(
        request,
        "admin.html",
        visitor=signed,
        status_code=status_code,
        organisations=organisations,
        keys=keys,
        hooks=hooks,
        roles=[role.value for role in Role],
        issued=issued,
    )


@router.get("/admin")
def admin_page(
    request: Request,
    signed: Administrator,
    organisations: Cursor = "",
    keys: Cursor = "",
    webhooks: Cursor = "",
) -> Response:
    return _admin_page(
        request, signed, organisations_after=organisations, keys_after=keys, hooks_after=webhooks
    )


@router.post("/admin/organisations")
def add_organisation(
    request: Request,
    signed: AdministratorForm,
    *,
    code: Annotated[str, Form(max_length=limits.ORGANISATION_CODE)] = "",
    name: Annotated[str, Form(max_length=limits.ORGANISATION_NAME)] = "",
) -> Response:
    if not code.strip() or not name.strip():
        raise InvalidRequestError(
            "an organisation needs a code and a name",
            [
                Located(f"form/{field}", "empty")
                for field, v in (("code", code), ("name", name))
                if not v.strip()
            ],
        )
    create_organisation(
        runtime_of(request), code.strip(), name.strip(), actor=signed.principal.actor
    )
    return RedirectResponse("/admin", status_code=303)


@router.post("/admin/keys")
def issue_key(
    request: Request,
    signed: AdministratorForm,
    *,
    organisation: Annotated[str, Form(max_length=limits.ORGANISATION_CODE)] = "",
    roles: Annotated[list[str] | None, Form()] = None,
    label: Annotated[str, Form(max_length=limits.LABEL)] = "",
    expires_in_days: Annotated[str, Form(max_length=6)] = "",
    reviewer: Annotated[str, Form(max_length=limits.REVIEWER_ID)] = "",
) -> Response:
    chosen = _roles(roles or [])
    days = _days(expires_in_days)
    issued = create_key(
        runtime_of(request),
        organisation.strip(),
        chosen,
        label=label.strip(),
        expires_in_days=days,
        reviewer_id=reviewer.strip() or None,
        actor=signed.principal.actor,
    )
    # The secret is on this answer only: the page is never cached (PAGE_HEADERS), and
    # reloading it does not issue another key (the browser asks before posting again).
    return _admin_page(request, signed, issued=issued, status_code=201)


@router.post("/admin/keys/{key_id}/revoke")
def revoke(request: Request, signed: AdministratorForm, key_id: Id) -> Response:
    revoke_key(runtime_of(request), key_id, actor=signed.principal.actor)
    return RedirectResponse("/admin", status_code=303)


@router.post("/admin/webhooks/{subscription_id}/enable")
def enable(request: Request, signed: AdministratorForm, subscription_id: Id) -> Response:
    enable_subscription(
        runtime_of(request),
        subscription_id,
        Viewer.of(signed.principal),
        where="path",
        actor=signed.principal.actor,
    )
    return RedirectResponse("/admin", status_code=303)


def _roles(asked: list[str]) -> list[Role]:
    known = {role.value: role for role in Role}
    wrong = [value for value in asked if value not in known]
    if wrong or not asked:
        detail = f"not roles: {', '.join(wrong)}" if wrong else "choose at least one"
        raise InvalidRequestError("a key needs roles", [Located("form/roles", detail)])
    return [known[value] for value in dict.fromkeys(asked)]


def _days(asked: str) -> int | None:
    if not asked.strip():
        return None
    if not asked.strip().isdigit() or not 1 <= int(asked) <= 3650:
        raise InvalidRequestError(
            "a key's lifetime is a number of days",
            [Located("form/expires_in_days", f"{asked!r} is not a whole number from 1 to 3650")],
        )
    return int(asked)
