"""The general length limit of app.domain.limits on every string of a document, as one JSON
schema checked by jsonschema-rs (one pass in Rust: a 50,000-component BOM in about 25 ms),
with every string too long located."""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema_rs

from app.domain import limits
from app.domain.errors import Located

# The fields exportgate stores and answers have tighter limits, by key wherever the key
# stands: a component's or service's name, version, group, purl, CPE and bom-ref, its
# supplier's or provider's name, a SWID tagId, a description, a property's name and value,
# and references. The same key elsewhere in CycloneDX (a licence's name, a tool's version)
# means the same kind of text, so one limit per key holds everywhere. One pass in Rust costs
# about 2 ms more than the general limit alone on a 50,000-component BOM, where checking the
# fields in Python as each component was translated cost about 0.3 s.
FIELD_LIMITS: dict[str, int] = {
    "name": limits.NAME,
    "version": limits.VERSION,
    "group": limits.NAME,
    "purl": limits.PURL,
    "cpe": limits.NAME,
    "bom-ref": limits.REFERENCE,
    "ref": limits.REFERENCE,
    "tagId": limits.NAME,
    "description": limits.FREE_TEXT,
    "value": limits.FREE_TEXT,
}
_ANY_DEPTH: dict[str, Any] = {"items": {"$ref": "#"}, "additionalProperties": {"$ref": "#"}}
# Every string, at any depth: maxLength applies to strings only, and the schema recurses
# into every array item and object member. Keys are the CycloneDX schema's: it closes nearly
# every object to other keys, so no check of their own is paid for.
SCHEMA: dict[str, Any] = {
    "maxLength": limits.OTHER_TEXT,
    **_ANY_DEPTH,
    "properties": {key: {"maxLength": limit, **_ANY_DEPTH} for key, limit in FIELD_LIMITS.items()},
}


@cache
def _validator() -> Any:
    return jsonschema_rs.validator_for(SCHEMA)


def _message(error: Any) -> str:
    kind = error.kind
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.MaxLength):
        return f"longer than {kind.limit} characters"
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
