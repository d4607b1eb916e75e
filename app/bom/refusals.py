"""How a reading refuses a document: every error located, each message short, and at most
MAX_REPORTED_ERRORS of them."""

from __future__ import annotations

from typing import Any

from app.bom.limits import refusals
from app.bom.schemas import SUPPORTED_VERSIONS
from app.domain.errors import BomRejectedError, Located

MAX_REPORTED_ERRORS = 200

MAX_MESSAGE_LENGTH = 400


def short(message: str) -> str:
    message = " ".join(message.split())
    if len(message) <= MAX_MESSAGE_LENGTH:
        return message
    return message[: MAX_MESSAGE_LENGTH - 1] + "…"


def pointer(path: list[str | int]) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def refuse(detail: str, errors: list[Located]) -> BomRejectedError:
    if len(errors) > MAX_REPORTED_ERRORS:
        hidden = len(errors) - MAX_REPORTED_ERRORS
        errors = [*errors[:MAX_REPORTED_ERRORS], Located("", f"… and {hidden} more errors")]
    return BomRejectedError(detail, errors)


def check_version(version: object, location: str) -> str:
    if version in SUPPORTED_VERSIONS:
        return str(version)
    raise BomRejectedError(
        f"CycloneDX spec version {version!r} is not supported",
        [Located(location, f"supported versions are {', '.join(SUPPORTED_VERSIONS)}")],
    )


def refuse_long_texts(document: dict[str, Any], *, xml: bool) -> None:
    errors = refusals(document, xml=xml)
    if errors:
        raise refuse("the document holds text longer than exportgate stores", errors)
