"""Read a JSON upload: parsed strictly (no NUL, no key named twice), then validated
against the JSON schema of the CycloneDX version it declares."""

from __future__ import annotations

import json
from typing import Any

import orjson

from app.bom.refusals import check_version, pointer, refuse, refuse_long_texts, short
from app.bom.schemas import json_validator
from app.domain.errors import BomRejectedError, Located


def read_json(data: bytes) -> dict[str, Any]:
    if b"\\u0000" in data:
        # Valid JSON, but no database stores a NUL in text, and no BOM needs one.
        raise BomRejectedError(
            "the document contains a NUL character (\\u0000)",
            [Located("/", "strings may not contain \\u0000")],
        )
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise BomRejectedError(
            "the document is not valid JSON", [Located("/", str(error))]
        ) from None
    _refuse_duplicate_keys(data, document)
    if not isinstance(document, dict):
        raise BomRejectedError(
            "the document is not a CycloneDX BOM", [Located("/", "expected a JSON object")]
        )
    if document.get("bomFormat") != "CycloneDX":
        raise BomRejectedError(
            "the document is not a CycloneDX BOM",
            [Located("/bomFormat", f"expected 'CycloneDX', found {document.get('bomFormat')!r}")],
        )
    version = check_version(document.get("specVersion"), "/specVersion")
    try:
        errors = [
            Located(pointer(list(error.instance_path)), short(error.message))
            for error in json_validator(version).iter_errors(document)
        ]
    except ValueError as error:
        # jsonschema-rs stops at its own recursion limit (arrays or objects nested a few
        # hundred deep); no CycloneDX document is shaped like that.
        raise BomRejectedError(
            "the document is nested too deeply to validate",
            [Located("/", f"nesting exceeds the validator's limit ({error})")],
        ) from None
    if errors:
        raise refuse(
            f"the document does not conform to the CycloneDX {version} JSON schema", errors
        )
    refuse_long_texts(document, xml=False)
    return document


class _Duplicated(dict[str, Any]):
    """An object read by the exact parser that named a key twice: the key, kept for the
    walk that locates it."""

    duplicate: str


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) == len(pairs):
        return found
    marked = _Duplicated(found)
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            marked.duplicate = key
            break
        seen.add(key)
    return marked


def _duplicate_pointer(document: Any) -> str | None:
    """The JSON pointer of the first key named twice, in document order, or None."""
    stack: list[tuple[Any, list[str | int]]] = [(document, [])]
    while stack:
        node, path = stack.pop()
        if isinstance(node, _Duplicated):
            return pointer([*path, node.duplicate])
        if isinstance(node, dict):
            stack.extend((value, [*path, key]) for key, value in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((value, [*path, i]) for i, value in reversed(list(enumerate(node))))
    return None


def _refuse_duplicate_keys(data: bytes, document: object) -> None:
    """Refuse an object that names a key twice: parsers disagree on which value counts
    (orjson keeps the last, others the first), so the document means two things.

    orjson cannot say, and Python's exact parser with a hook per object costs a second
    parse. Counting is exact and cheap instead. Outside strings a JSON text has one colon per
    object member, and orjson writes back one colon per member it kept plus the colons of the
    strings it kept, unescaped; the input's strings hold at least those, since the strings
    kept are some of the input's. So the input has more colons than orjson's rewrite exactly
    when a member was dropped, unless a colon in the input is escaped (\\u003a), which no
    writer needs: then the exact parser decides, and it also locates the duplicate.
    """
    # One scan: `\\u003` is rare (`<` is `\\u003c` to some writers); only then look closer.
    escaped_colon = b"\\u003" in data and (b"\\u003a" in data or b"\\u003A" in data)
    try:
        # orjson writes at most 254 levels of nesting (it reads 1,024); deeper, the exact
        # parser decides, and the schema refuses such a document anyway.
        if not escaped_colon and data.count(b":") == orjson.dumps(document).count(b":"):
            return
    except TypeError:
        pass
    try:
        exact = json.loads(data, object_pairs_hook=_pairs)
    except RecursionError:
        raise BomRejectedError(
            "the document is nested too deeply to read",
            [Located("/", "nesting exceeds what the exact parser reads")],
        ) from None
    pointer = _duplicate_pointer(exact)
    if pointer is not None:
        raise BomRejectedError(
            "the document names a key twice in one object",
            [Located(pointer, "this key appears more than once in its object")],
        )
