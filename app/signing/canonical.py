"""RFC 8785 (JSON Canonicalization Scheme): one byte string for one JSON value, whatever
the order its members were written in, so a digest or a signature can be recomputed
offline from the value alone."""

from __future__ import annotations

import hashlib

import rfc8785


class NotCanonicalisableError(ValueError):
    """The value holds something RFC 8785 has no form for (a float out of range, a key
    that is not a string, an unpaired surrogate)."""


def canonical_bytes(value: object) -> bytes:
    try:
        return rfc8785.dumps(value)  # type: ignore[arg-type] # checked by the library
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as error:
        raise NotCanonicalisableError(str(error)) from error


def canonical_sha256(value: object) -> str:
    """The lowercase hex SHA-256 of the value's canonical bytes."""
    return hashlib.sha256(canonical_bytes(value)).hexdigest()
