"""The evidence digest: SHA-256 over an evidence document whose listed entries enter as
salted leaves, so that a bundle may withhold an entry (giving its leaf) and still be
verified, and a withheld entry cannot be confirmed by guessing it (docs/evidence.md)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from typing import Any

from app.signing.canonical import canonical_bytes, canonical_items

EVIDENCE_FORMAT = "exportgate-evidence/1"
# The evidence's lists whose entries enter the digest as leaves, one leaf each.
LEAF_LISTS = ("members", "boms", "certificates", "missing_links")

Entry = Any
# Given an entry of one leaf list, whether the bundle's reader may see it.
Shown = Callable[[str, Entry], bool]


class MalformedEvidenceError(ValueError):
    """Evidence that is not in the form `EVIDENCE_FORMAT` defines; the message says where."""


def entry_salt(secret: bytes, entry: Entry) -> str:
    """HMAC-SHA256 of the entry's canonical bytes under the service's secret, hex: the same
    entry always gets the same salt (the same evidence, the same digest), and no one without
    the secret can compute it."""
    return _salt(secret, canonical_bytes(entry))


def leaf(salt: str, entry: Entry) -> str:
    """SHA-256 of the canonical bytes of {"salt": salt, "value": entry}, hex."""
    return _leaf(canonical_bytes(salt), canonical_bytes(entry))


def _salt(secret: bytes, entry: bytes) -> str:
    return hmac.digest(secret, entry, "sha256").hex()


def _leaf(salt: bytes, entry: bytes) -> str:
    # The canonical form of {"salt": …, "value": …} is exactly these bytes ("salt" sorts
    # before "value"): each entry is encoded once, not again inside the object.
    return hashlib.sha256(b'{"salt":' + salt + b',"value":' + entry + b"}").hexdigest()


def _salted_leaves(secret: bytes, entries: list[Entry]) -> list[tuple[str, str]]:
    """(salt, leaf) of each entry, as the service derives them."""
    found = []
    for encoded in canonical_items(entries):
        salt = _salt(secret, encoded)
        # A hex salt's canonical form is itself in quotes.
        found.append((salt, _leaf(b'"' + salt.encode("ascii") + b'"', encoded)))
    return found


def _digest_over(evidence: Mapping[str, Any], leaves: Mapping[str, list[str]]) -> str:
    """SHA-256 of the evidence with each leaf list replaced by its leaves in sorted order
    (sorted, so that where a withheld entry stood says nothing about what it was)."""
    framed = {**evidence, **{name: sorted(found) for name, found in leaves.items()}}
    return hashlib.sha256(canonical_bytes(framed)).hexdigest()


def evidence_digest(evidence: Mapping[str, Any], secret: bytes) -> str:
    """The digest of evidence as exportgate keeps it (each leaf list holding plain entries)."""
    return _digest_over(
        evidence,
        {
            name: [found for _, found in _salted_leaves(secret, evidence[name])]
            for name in LEAF_LISTS
        },
    )


def bundled_evidence(evidence: Mapping[str, Any], secret: bytes, shown: Shown) -> dict[str, Any]:
    """The evidence as a bundle carries it: each entry the reader may see as its salt and
    value, each other one as its leaf alone (after the shown ones, leaves sorted)."""
    bundled: dict[str, Any] = dict(evidence)
    for name in LEAF_LISTS:
        given: list[dict[str, Any]] = []
        withheld: list[str] = []
        entries = evidence[name]
        for entry, (salt, found) in zip(entries, _salted_leaves(secret, entries), strict=True):
            if shown(name, entry):
                given.append({"salt": salt, "value": entry})
            else:
                withheld.append(found)
        bundled[name] = given + [{"leaf": found} for found in sorted(withheld)]
    return bundled


def bundled_digest(bundled: Mapping[str, Any]) -> str:
    """The digest of evidence as a bundle carries it: leaves computed from salts and values
    where given, taken as given elsewhere. Raises MalformedEvidenceError naming what is not
    in the bundle's form."""
    if bundled.get("format") != EVIDENCE_FORMAT:
        raise MalformedEvidenceError(
            f"evidence format {bundled.get('format')!r} is not {EVIDENCE_FORMAT!r}"
        )
    leaves: dict[str, list[str]] = {}
    for name in LEAF_LISTS:
        entries = bundled.get(name)
        if not isinstance(entries, list):
            raise MalformedEvidenceError(f"evidence/{name} is not a list")
        leaves[name] = [_leaf_of(name, index, entry) for index, entry in enumerate(entries)]
    return _digest_over(bundled, leaves)


def _leaf_of(name: str, index: int, entry: object) -> str:
    where = f"evidence/{name}/{index}"
    if isinstance(entry, dict) and entry.keys() == {"salt", "value"}:
        salt = entry["salt"]
        if not isinstance(salt, str):
            raise MalformedEvidenceError(f"{where}/salt is not a string")
        return leaf(salt, entry["value"])
    if isinstance(entry, dict) and entry.keys() == {"leaf"} and isinstance(entry["leaf"], str):
        return str(entry["leaf"])
    raise MalformedEvidenceError(
        f'{where} is neither {{"salt", "value"}} nor {{"leaf"}} with a string leaf'
    )
