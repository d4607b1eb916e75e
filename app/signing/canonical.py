"""RFC 8785 (JSON Canonicalization Scheme): one byte string for one JSON value, whatever
the order its members were written in, so a digest or a signature can be recomputed
offline from the value alone."""

from __future__ import annotations

import hashlib
import json

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
    stack = [value]
    while stack:
        item = stack.pop()
        if item is None or isinstance(item, (str, bool)):
            continue
        if isinstance(item, int):
            if -_SAFE_INTEGER <= item <= _SAFE_INTEGER:
                continue
            return False
        if isinstance(item, dict):
            for key, member in item.items():
                if not (isinstance(key, str) and key.isascii()):
                    return False
                stack.append(member)
            continue
        if isinstance(item, (list, tuple)):
            stack.extend(item)
            continue
        return False
    return True


def canonical_bytes(value: object) -> bytes:
    """The value's RFC 8785 bytes. Values exportgate builds itself (no floats, ASCII keys)
    take the standard library's C encoder, a hundred times faster than the pure-Python
    `rfc8785` on a product of ten thousand members, and equal to it on that domain (a
    property test says so); anything else is written by `rfc8785`."""
    if _in_fast_domain(value):
        try:
            return _ENCODER.encode(value).encode("utf-8")
        except UnicodeEncodeError as error:  # an unpaired surrogate
            raise NotCanonicalisableError(str(error)) from error
    try:
        return rfc8785.dumps(value)  # type: ignore[arg-type] # checked by the library
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as error:
        raise NotCanonicalisableError(str(error)) from error


def canonical_sha256(value: object) -> str:
    """The lowercase hex SHA-256 of the value's canonical bytes."""
    return hashlib.sha256(canonical_bytes(value)).hexdigest()
