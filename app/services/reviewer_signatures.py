"""Reviewer signatures on certificates and status events: the exact object a reviewer body
signs, the check of an entry against the public key the registry holds for the reviewer it
names, and the signing of a registry file's entries with a reviewer's private key.

The signed bytes are the RFC 8785 canonical form of the entry as exportgate records it
(docs/registry.md, "Reviewer signatures"): every member present, defaults filled in, sets
sorted, the subject as its identity key. Two files that mean the same certificate therefore
sign the same bytes, and anyone can rebuild them from what the API shows."""

from __future__ import annotations

import copy
from typing import Any

from app.domain.errors import Located, RegistryRejectedError
from app.domain.registry import Certificate, Reviewer, StatusEvent
from app.services.registry_file import CertificateEntry, parse_registry_file
from app.signing.canonical import canonical_bytes
from app.signing.ed25519 import (
    BadKeyError,
    Ed25519PrivateKey,
    key_id,
    private_key_from_pem,
    public_key_from_text,
    sign,
    verify,
)


def certificate_signed_object(certificate: Certificate) -> dict[str, Any]:
    """What a certificate's signature covers: the certificate without its events and
    without its signature."""
    evidence = certificate.evidence
    return {
        "number": certificate.number,
        "subject": certificate.subject,
        "reviewer": certificate.reviewer_id,
        "dimensions": sorted(certificate.dimensions),
        "issued": certificate.issued.isoformat(),
        "expires": certificate.expires.isoformat(),
        "destinations": sorted(certificate.destinations),
        "sectors": sorted(certificate.sectors),
        "evidence": None if evidence is None else {"url": evidence.url, "sha256": evidence.sha256},
    }


def event_signed_object(number: str, event: StatusEvent) -> dict[str, Any]:
    """What a status event's signature covers: the event without its signature, and the
    number of the certificate it belongs to, so it cannot be moved to another."""
    return {
        "certificate": number,
        "status": event.status.value,
        "date": event.date.isoformat(),
        "reason": event.reason,
    }


def _problem(
    signed: dict[str, Any], signature: str | None, reviewer: Reviewer, location: str
) -> Located | None:
    """Why this signature is not the reviewer's over `signed`; None when it is, or when the
    reviewer has no key and nothing claims to be signed. The key is the reviewer's as the
    registry holds it: a signature never chooses the key that checks it."""
    if reviewer.public_key is None:
        if signature is None:
            return None
        return Located(
            location,
            f"reviewer {reviewer.id!r} has no public key, so this signature cannot be "
            "verified; remove it, or record the reviewer's public key first",
        )
    try:
        public = public_key_from_text(reviewer.public_key)
    except BadKeyError as error:
        return Located(
            location,
            f"reviewer {reviewer.id!r}'s recorded public key cannot be read ({error}); nothing "
            "it signs can be verified until the key is corrected",
        )
    if signature is None:
        return Located(
            location,
            f"unsigned: reviewer {reviewer.id!r} has a public key, so its certificates and "
            "status events must carry its signature",
        )
    if not verify(public, canonical_bytes(signed), signature):
        return Located(
            location,
            f"not a valid signature of reviewer {reviewer.id!r} (key {key_id(public)}) over "
            "this entry: it was altered after signing, signed with another key, or signed "
            "over other bytes than docs/registry.md describes",
        )
    return None


def certificate_signature_problems(
    entry: CertificateEntry, certificate: Certificate, reviewer: Reviewer, location: str
) -> list[Located]:
    """The certificate's and each of its events' signature problems, located in the entry
    as written (`location` is the entry's own JSON pointer, "" for a whole document)."""
    found = [_problem(certificate_signed_object(certificate), entry.signature, reviewer,
                      f"{location}/signature")]  # fmt: skip
    found.extend(
        _problem(
            event_signed_object(certificate.number, event.to_domain("")),
            event.signature,
            reviewer,
            f"{location}/events/{index}/signature",
        )
        for index, event in enumerate(entry.events)
    )
    return [problem for problem in found if problem is not None]


def event_signature_problems(
    number: str, event: StatusEvent, reviewer: Reviewer, location: str = "/signature"
) -> list[Located]:
    problem = _problem(event_signed_object(number, event), event.signature, reviewer, location)
    return [] if problem is None else [problem]


def _signing_key(private_pem: bytes, source: str) -> Ed25519PrivateKey:
    try:
        return private_key_from_pem(private_pem)
    except BadKeyError as error:
        raise RegistryRejectedError(
            "the signing key was refused", [Located(source, str(error))]
        ) from None


def sign_registry_file(
    document: Any, private_pem: bytes, reviewer_id: str, *, key_source: str = "key"
) -> tuple[dict[str, Any], int]:
    """The registry file with every certificate and status event of `reviewer_id` signed by
    the private key (other entries untouched), and how many entries were signed. A file
    with errors, a key that is not an Ed25519 private key, or one that is not the key the
    file itself records for the reviewer, is refused."""
    private = _signing_key(private_pem, key_source)
    parsed = parse_registry_file(document)
    signer_id = key_id(private.public_key())
    for index, reviewer in enumerate(parsed.reviewers):
        if reviewer.id == reviewer_id and reviewer.public_key is not None:
            recorded = key_id(public_key_from_text(reviewer.public_key))
            if recorded != signer_id:
                raise RegistryRejectedError(
                    "the signing key is not the reviewer's",
                    [Located(f"/reviewers/{index}/public_key",
                             f"reviewer {reviewer_id!r} is given key {recorded} here; the "
                             f"private key given signs as {signer_id}")],
                )  # fmt: skip
    signed = copy.deepcopy(document)
    count = 0
    for index, entry in enumerate(parsed.certificates):
        if entry.reviewer != reviewer_id:
            continue
        certificate = entry.to_domain("")
        written = signed["certificates"][index]
        written["signature"] = sign(
            private, canonical_bytes(certificate_signed_object(certificate))
        )
        for event_index, event in enumerate(entry.events):
            signed_event = event_signed_object(certificate.number, event.to_domain(""))
            written["events"][event_index]["signature"] = sign(
                private, canonical_bytes(signed_event)
            )
        count += 1 + len(entry.events)
    if not count:
        raise RegistryRejectedError(
            "nothing to sign",
            [Located("/certificates", f"no certificate names reviewer {reviewer_id!r}")],
        )
    return signed, count
