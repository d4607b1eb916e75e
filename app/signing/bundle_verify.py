"""Offline verification of an evidence bundle: its bytes are canonical, its evidence gives
the digest its record names, and the record's signature verifies with a given key. Pure:
it reads nothing but what it is given (docs/evidence.md)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from app.signing.canonical import NotCanonicalisableError, canonical_bytes
from app.signing.ed25519 import (
    BadKeyError,
    Ed25519PublicKey,
    key_id,
    public_key_from_text,
    verify,
)
from app.signing.evidence_leaves import MalformedEvidenceError, bundled_digest

BUNDLE_MEMBERS = frozenset({"record", "signature", "evidence"})
SIGNATURE_MEMBERS = frozenset({"alg", "kid", "value"})
RECORD_MEMBERS = frozenset(
    {
        "format",
        "id",
        "product",
        "destination",
        "date",
        "sector",
        "ruleset",
        "decision",
        "ineligible_countries",
        "evidence_sha256",
        "decided_at",
        "kid",
    }
)
RECORD_FORMAT = "exportgate-decision/1"


@dataclass(frozen=True, slots=True)
class Verified:
    """A bundle that holds: the record it signs, and the key that signed it."""

    record: Mapping[str, object]
    key_id: str


class BundleRefusedError(ValueError):
    """A bundle that does not verify; the message says what differs."""


def public_keys(text: str) -> dict[str, Ed25519PublicKey]:
    """Keys by id from a JWK set (as `GET /api/v1/signing-keys` publishes it), one JWK, or a
    PEM public key. Raises BadKeyError naming what is wrong."""
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            document = json.loads(stripped)
        except ValueError as error:
            raise BadKeyError(f"keys that are not JSON: {error}") from error
        if isinstance(document, dict) and "keys" in document:
            found = document["keys"]
            if not isinstance(found, list) or not found:
                raise BadKeyError('a JWK set whose "keys" is not a list of keys')
            keys = [public_key_from_text(json.dumps(_public_members(jwk))) for jwk in found]
        else:
            keys = [public_key_from_text(json.dumps(_public_members(document)))]
    else:
        keys = [public_key_from_text(stripped)]
    return {key_id(key): key for key in keys}


def _public_members(jwk: object) -> object:
    """A published JWK without what exportgate adds beside the key (status, dates)."""
    if not isinstance(jwk, dict):
        raise BadKeyError("a JWK set entry that is not an object")
    return {name: jwk[name] for name in ("kty", "crv", "x", "d") if name in jwk}


def verify_bundle(data: bytes, keys: Mapping[str, Ed25519PublicKey]) -> Verified:
    """The bundle's record and signing key when everything holds; raises BundleRefusedError
    naming the first thing that does not: the bytes, the evidence digest, the signature."""
    bundle = _canonical_json(data)
    if not isinstance(bundle, dict) or bundle.keys() != BUNDLE_MEMBERS:
        raise BundleRefusedError(f"a bundle has exactly the members {sorted(BUNDLE_MEMBERS)}")
    record = _members("record", bundle["record"], RECORD_MEMBERS)
    signature = _members("signature", bundle["signature"], SIGNATURE_MEMBERS)
    evidence = bundle["evidence"]
    if record["format"] != RECORD_FORMAT:
        raise BundleRefusedError(f"unknown record format {record['format']!r}")
    if signature["alg"] != "EdDSA":
        raise BundleRefusedError(f"unknown signature alg {signature['alg']!r} (not EdDSA)")
    if not isinstance(evidence, dict):
        raise BundleRefusedError("the evidence is not an object")
    try:
        computed = bundled_digest(evidence)
    except (MalformedEvidenceError, NotCanonicalisableError) as error:
        raise BundleRefusedError(str(error)) from error
    if computed != record["evidence_sha256"]:
        raise BundleRefusedError(
            f"evidence digest differs: computed {computed}, record says {record['evidence_sha256']}"
        )
    kid = signature["kid"]
    if kid != record["kid"]:
        raise BundleRefusedError(f"signature kid {kid!r} is not the record's kid {record['kid']!r}")
    key = keys.get(str(kid))
    if key is None:
        raise BundleRefusedError(f"key {kid} is not among the given keys")
    value = signature["value"]
    if not isinstance(value, str) or not verify(key, canonical_bytes(record), value):
        raise BundleRefusedError(f"signature does not verify with key {kid}")
    return Verified(record, str(kid))


def _canonical_json(data: bytes) -> object:
    try:
        value = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise BundleRefusedError(f"not UTF-8 at byte {error.start}") from error
    except json.JSONDecodeError as error:
        offset = len(data.decode("utf-8")[: error.pos].encode("utf-8"))
        raise BundleRefusedError(f"not JSON at byte {offset}: {error.msg}") from error
    try:
        canonical = canonical_bytes(value)
    except NotCanonicalisableError as error:
        raise BundleRefusedError(f"no canonical form: {error}") from error
    if canonical != data:
        offset = next(
            (i for i, (a, b) in enumerate(zip(canonical, data, strict=False)) if a != b),
            min(len(canonical), len(data)),
        )
        raise BundleRefusedError(f"not canonical (RFC 8785) at byte {offset}")
    return value


def _members(name: str, value: object, members: frozenset[str]) -> dict[str, object]:
    """The object, when it has exactly these members."""
    if not isinstance(value, dict):
        raise BundleRefusedError(f"the {name} is not an object")
    unknown = sorted(set(value) - members)
    if unknown:
        raise BundleRefusedError(f"unknown member {unknown[0]!r} in the {name}")
    missing = sorted(members - set(value))
    if missing:
        raise BundleRefusedError(f"member {missing[0]!r} missing from the {name}")
    return value
