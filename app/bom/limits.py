"""The length limits of app.domain.limits as one JSON schema, checked over a whole document
by jsonschema-rs (one pass in Rust: a 50,000-component BOM in tens of milliseconds), with
every string too long located. Keys are bounded wherever they appear: a component's `name`
and a supplier's alike."""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema_rs

from app.domain import limits
from app.domain.errors import Located

_ANY = {"$ref": "#/$defs/any"}


def _bounded(limit: int) -> dict[str, Any]:
    # The key's own bound, and below it (should it hold objects or lists) the general one.
    return {"maxLength": limit, **_ANY}


def _references() -> dict[str, Any]:
    # A list of bom-refs (`dependsOn`, `provides`, `assemblies`), or of dependency objects.
    return {"items": _bounded(limits.REFERENCE), **_ANY}


FIELD_LIMITS: dict[str, int] = {
    "name": limits.NAME,
    "group": limits.NAME,
    "cpe": limits.NAME,
    "tagId": limits.NAME,
    "version": limits.VERSION,
    "purl": limits.PURL,
    "bom-ref": limits.REFERENCE,
    "ref": limits.REFERENCE,
    "description": limits.FREE_TEXT,
    "value": limits.FREE_TEXT,
    "url": limits.FREE_TEXT,
    "comment": limits.FREE_TEXT,
}
_REFERENCE_LISTS = ("dependsOn", "provides", "assemblies", "dependencies")

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$ref": "#/$defs/any",
    "$defs": {
        "any": {
            "maxLength": limits.OTHER_TEXT,
            "items": _ANY,
            "propertyNames": {"maxLength": limits.KEY},
            "properties": {
                **{key: _bounded(limit) for key, limit in FIELD_LIMITS.items()},
                **{key: _references() for key in _REFERENCE_LISTS},
            },
            "additionalProperties": _ANY,
        }
    },
}


@cache
def _validator() -> Any:
    return jsonschema_rs.validator_for(SCHEMA)


def _message(error: Any) -> str:
    kind = error.kind
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.MaxLength):
        return f"longer than {kind.limit} characters"
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.PropertyNames):
        return f"an object key longer than {limits.KEY} characters"
    return str(error.message)[:200]


def texts_too_long(document: Any) -> list[tuple[list[str | int], str]]:
    """Where `document` holds a string longer than its limit, and what the limit is; empty
    when none does (the common case costs one pass and no allocation)."""
    validator = _validator()
    if validator.is_valid(document):
        return []
    return [
        (list(error.instance_path), _message(error)) for error in validator.iter_errors(document)
    ]


def located_in_json(path: list[str | int]) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def located_in_xml(document: Any, path: list[str | int]) -> str:
    """An XML location: the XPath of the deepest shaped element on the path (the shaper
    keeps it in `__location__`), then the rest of the path."""
    where, rest, node = "/bom", list(path), document
    for index, part in enumerate(path):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and "__location__" in node:
            where, rest = str(node["__location__"]), list(path[index + 1 :])
    return where + "".join(f"/{part}" for part in rest)


def refusals(document: Any, *, xml: bool) -> list[Located]:
    return [
        Located(located_in_xml(document, path) if xml else located_in_json(path), message)
        for path, message in texts_too_long(document)
    ]
