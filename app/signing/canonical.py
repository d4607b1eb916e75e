"""RFC 8785 (JSON Canonicalization Scheme): one byte string for one JSON value, whatever
the order its members were written in, so a digest or a signature can be recomputed
offline from the value alone."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import rfc8785


class NotCanonicalisableError(ValueError):
    """The value holds something RFC 8785 has no form for (a float out of range, a key
    that is not a string, an unpaired surrogate)."""


# Integers RFC 8785 writes exactly as Python does: those an IEEE 754 double holds exactly.
_SAFE_INTEGER = 2**53 - 1

# The standard library's encoder, once: building it per call costs more than small values.
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def _in_fast_domain(value: object) -> bool:
    """Whether the standard library's sorted, compact encoding of `value` is its RFC 8785
    form: strings, booleans, null, integers a double holds exactly, and objects whose keys
    are ASCII (so that sorting by code point is sorting by UTF-16 code unit) — no floats,
    whose shortest form RFC 8785 defines differently."""
    # Exact types first: this walk runs over every value a check digests.
    stack = [value]
    pop, extend = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is dict:
            for key in item:  # type: ignore[attr-defined] # a dict, by its exact type
                if type(key) is not str or not key.isascii():
                    return False
            extend(item.values())  # type: ignore[attr-defined] # a dict, by its exact type
        elif kind is list or kind is tuple:
            extend(item)  # type: ignore[arg-type] # a list or tuple, by its exact type
        elif kind is int:
            if not -_SAFE_INTEGER <= item <= _SAFE_INTEGER:  # type: ignore[operator] # an int
                return False
        elif not isinstance(item, str):  # a StrEnum is written as its value
            return False
    return True


def canonical_bytes(value: object) -> bytes:
    """The value's RFC 8785 bytes. Values exportgate builds itself (no floats, ASCII keys)
    take the standard library's C encoder, several times faster than the pure-Python
    `rfc8785` on a product of ten thousand members (`python -m bench.evidence`), and equal
    to it on that domain (a property test says so); anything else is written by `rfc8785`."""
    if _in_fast_domain(value):
        try:
            return _ENCODER.encode(value).encode("utf-8")
        except UnicodeEncodeError as error:  # an unpaired surrogate
            raise NotCanonicalisableError(str(error)) from error
    try:
        return rfc8785.dumps(value)  # type: ignore[arg-type] # checked by the library
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as error:
        raise NotCanonicalisableError(str(error)) from error


def canonical_items(values: Sequence[object]) -> list[bytes]:
    """`canonical_bytes` of each value, with the fast path's domain checked once for all."""
    if _in_fast_domain(values):
        encode = _ENCODER.encode
        try:
            return [encode(value).encode("utf-8") for value in values]
        except UnicodeEncodeError as error:  # an unpaired surrogate
            raise NotCanonicalisableError(str(error)) from error
    return [canonical_bytes(value) for value in values]


def canonical_sha256(value: object) -> str:
    """The lowercase hex SHA-256 of the value's canonical bytes."""
    return hashlib.sha256(canonical_bytes(value)).hexdigest()
