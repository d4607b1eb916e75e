"""JSON Signature Format (JSF 0.82) enveloped signatures with Ed25519, as CycloneDX carries
them in a document's `signature`: the signed bytes are the RFC 8785 canonical form of the
whole object with the signature's `value` left out, so anyone holding the document and the
public key can check it."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from app.signing.canonical import NotCanonicalisableError, canonical_bytes
from app.signing.ed25519 import Ed25519PublicKey, Signer, jwk_of, verify

ALGORITHM = "Ed25519"
SIGNATURE = "signature"


def public_jwk(public: Ed25519PublicKey) -> dict[str, str]:
    """The key as JSF's `publicKey` holds an OKP key: exactly `kty`, `crv` and `x` (the
    schema allows no other member, so the key id travels as the signature's `keyId`)."""
    jwk = jwk_of(public)
    return {member: jwk[member] for member in ("kty", "crv", "x")}


def jsf_signed(document: Mapping[str, Any], signer: Signer) -> dict[str, Any]:
    """A copy of the document with a JSF `signature` by this key (replacing any there)."""
    signed = copy.deepcopy(dict(document))
    signed[SIGNATURE] = {
        "algorithm": ALGORITHM,
        "keyId": signer.key_id,
        "publicKey": public_jwk(signer.public_key),
    }
    signed[SIGNATURE]["value"] = signer.sign(canonical_bytes(signed))
    return signed


def jsf_verifies(document: Mapping[str, Any], public: Ed25519PublicKey) -> bool:
    """Whether the document's JSF signature is an Ed25519 signature by `public` over the
    document as it stands (its signature's `value` left out)."""
    signature = document.get(SIGNATURE)
    if not isinstance(signature, Mapping) or signature.get("algorithm") != ALGORITHM:
        return False
    value = signature.get("value")
    if not isinstance(value, str):
        return False
    unsigned = {**document, SIGNATURE: {k: v for k, v in signature.items() if k != "value"}}
    try:
        signed = canonical_bytes(unsigned)
    except NotCanonicalisableError:
        return False
    return verify(public, signed, value)
