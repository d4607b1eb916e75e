"""Reviewer key pairs made in the test, registry entries, and signatures computed from the
bytes docs/registry.md documents, independently of the code under test."""

from __future__ import annotations

import base64
import copy
from typing import Any

import rfc8785
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key

ALICE, MALLORY, PLAIN = "REV-ALICE", "REV-MALLORY", "REV-PLAIN"
FIRST, SECOND, PLAINS = "AIEC-2026-900001", "AIEC-2026-900002", "AIEC-2026-900003"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_jwk(private: Ed25519PrivateKey) -> dict[str, str]:
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}


def public_pem(private: Ed25519PrivateKey) -> str:
    return (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def private_pem(private: Ed25519PrivateKey) -> bytes:
    return private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def rsa_private_pem() -> bytes:
    return generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def reviewer(code: str, public_key: object) -> dict[str, Any]:
    return {
        "id": code,
        "name": f"{code} review body",
        "public_key": public_key,
        "accreditations": [{"from": "2026-01-01", "to": None}],
    }


def certificate(
    number: str, by: str, subject: str = "pkg:generic/acme/vision@1.0"
) -> dict[str, Any]:
    return {
        "number": number,
        "subject": subject,
        "reviewer": by,
        "dimensions": ["system_controllability", "algorithmic_bias", "data_privacy"],
        "issued": "2026-07-01",
        "expires": "2027-06-30",
        "destinations": ["de", "FR"],
        "evidence": {"url": "https://reports.example/report.pdf", "sha256": "ab" * 32},
        "events": [
            {"status": "active", "date": "2026-07-01"},
            {"status": "suspended", "date": "2026-09-01", "reason": "re-review pending"},
        ],
    }


def signed_certificate_bytes(entry: dict[str, Any]) -> bytes:
    """The documented object: every member, defaults filled in, sets sorted, destinations
    in capitals, the subject as its identity key (a purl written in its normal form here)."""
    evidence = entry.get("evidence")
    return rfc8785.dumps(
        {
            "number": entry["number"],
            "subject": entry["subject"],
            "reviewer": entry["reviewer"],
            "dimensions": sorted(entry["dimensions"]),
            "issued": entry["issued"],
            "expires": entry["expires"],
            "destinations": sorted(code.upper() for code in entry.get("destinations", ["*"])),
            "sectors": sorted(entry.get("sectors", ["*"])),
            "evidence": None
            if evidence is None
            else {"url": evidence["url"], "sha256": evidence.get("sha256")},
        }
    )


def signed_event_bytes(number: str, event: dict[str, Any]) -> bytes:
    return rfc8785.dumps(
        {
            "certificate": number,
            "status": event["status"],
            "date": event["date"],
            "reason": event.get("reason", ""),
        }
    )


def signed(entry: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """The certificate entry with it and each of its events signed by `key`."""
    result = copy.deepcopy(entry)
    result["signature"] = b64url(key.sign(signed_certificate_bytes(result)))
    for event in result["events"]:
        event["signature"] = b64url(key.sign(signed_event_bytes(result["number"], event)))
    return result


def event_signature(number: str, event: dict[str, Any], key: Ed25519PrivateKey) -> str:
    return b64url(key.sign(signed_event_bytes(number, event)))
