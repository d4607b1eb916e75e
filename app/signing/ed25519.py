"""Ed25519 keys as exportgate publishes and accepts them: private keys as PKCS#8 PEM,
public keys as PEM or as RFC 8037 JWKs (`OKP`/`Ed25519`), key ids as RFC 7638 thumbprints,
signatures as unpadded base64url over the exact bytes given."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from app.signing.canonical import canonical_bytes

__all__ = [
    "BadKeyError",
    "Ed25519PrivateKey",
    "Ed25519PublicKey",
    "Signer",
    "b64url",
    "generate_private_pem",
    "jwk_of",
    "key_id",
    "private_key_from_pem",
    "public_key_from_text",
    "public_pem",
    "sign",
    "verify",
]


class BadKeyError(ValueError):
    """Text that is not an Ed25519 key in a form exportgate reads; the message says why."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    if any(c in text for c in "=+/ \n"):
        raise binascii.Error("not unpadded base64url")
    decoded = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    # A decoder ignores the unused bits of the last character: only the one spelling whose
    # unused bits are zero is accepted, so that no second text verifies as the same value.
    if b64url(decoded) != text:
        raise binascii.Error("not canonical base64url (unused trailing bits are set)")
    return decoded


def generate_private_pem() -> bytes:
    """A new private key, PKCS#8 PEM without a passphrase (the file's permissions guard it)."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def private_key_from_pem(pem: bytes) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as error:
        raise BadKeyError(f"not a PEM private key without a passphrase: {error}") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise BadKeyError(f"a {type(key).__name__}, not an Ed25519 private key")
    return key


def public_key_from_text(text: str) -> Ed25519PublicKey:
    """A public key written as PEM (`-----BEGIN PUBLIC KEY-----`) or as a JWK object."""
    stripped = text.strip()
    if stripped.startswith("{"):
        return _from_jwk(stripped)
    try:
        key = serialization.load_pem_public_key(stripped.encode())
    except (ValueError, TypeError) as error:
        raise BadKeyError("neither a PEM public key nor a JWK") from error
    if not isinstance(key, Ed25519PublicKey):
        raise BadKeyError(f"a {type(key).__name__}, not an Ed25519 public key")
    return key


def _from_jwk(text: str) -> Ed25519PublicKey:
    try:
        jwk = json.loads(text)
    except ValueError as error:
        raise BadKeyError(f"a JWK that is not JSON: {error}") from error
    if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise BadKeyError('a JWK must have "kty": "OKP" and "crv": "Ed25519" (RFC 8037)')
    if "d" in jwk:
        raise BadKeyError("this JWK holds a private key (`d`); give the public key only")
    try:
        return Ed25519PublicKey.from_public_bytes(_unb64url(str(jwk.get("x", ""))))
    except (binascii.Error, ValueError) as error:
        raise BadKeyError('the JWK\'s "x" is not a 32-byte unpadded base64url value') from error


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_pem(public: Ed25519PublicKey) -> str:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def key_id(public: Ed25519PublicKey) -> str:
    """The RFC 7638 thumbprint: SHA-256 over the key's required members, canonical."""
    members = {"crv": "Ed25519", "kty": "OKP", "x": b64url(_raw(public))}
    return b64url(hashlib.sha256(canonical_bytes(members)).digest())


def jwk_of(public: Ed25519PublicKey) -> dict[str, str]:
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": b64url(_raw(public)),
        "kid": key_id(public),
        "alg": "EdDSA",
        "use": "sig",
    }


def sign(private: Ed25519PrivateKey, data: bytes) -> str:
    return b64url(private.sign(data))


def verify(public: Ed25519PublicKey, data: bytes, signature: str) -> bool:
    """Whether `signature` is this key's signature over exactly `data`; a malformed
    signature is simply not one."""
    try:
        public.verify(_unb64url(signature), data)
    except (InvalidSignature, binascii.Error, ValueError, TypeError):
        return False
    return True


class Signer:
    """The service's signing key in use: signs, and names itself by its key id."""

    __slots__ = ("_private", "key_id")

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        self.key_id = key_id(private.public_key())

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self._private.public_key()

    def sign(self, data: bytes) -> str:
        return sign(self._private, data)
