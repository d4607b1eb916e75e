"""The fast canonical encoder and the salted evidence leaves: the fast path writes exactly
what RFC 8785 does on its domain, and withholding entries never changes the digest."""

from __future__ import annotations

import hashlib
import json
import string
from typing import Any

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from app.signing.canonical import NotCanonicalisableError, canonical_bytes
from app.signing.ed25519 import generate_private_pem, private_key_from_pem, sign, verify
from app.signing.evidence_leaves import (
    EVIDENCE_FORMAT,
    MalformedEvidenceError,
    bundled_digest,
    bundled_evidence,
    entry_salt,
    evidence_digest,
    leaf,
)

SECRET = b"s" * 32

# The fast path's domain: no floats, integers a double holds exactly, ASCII keys; any text.
fast_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(st.characters(max_codepoint=127)), inner, max_size=4)
    ),
    max_leaves=25,
)


@given(fast_values)
def test_the_fast_path_writes_what_rfc8785_writes(value: object) -> None:
    assert canonical_bytes(value) == rfc8785.dumps(value)  # type: ignore[arg-type] # JSON


@pytest.mark.parametrize(
    "value",
    [
        {"ratio": 0.1},
        [1.0, 1e21, -0.0],
        {"é": 1, "z": 2, "\U0001f600": 3, "\uff61": 4},
    ],
)
def test_values_outside_the_fast_domain_are_written_by_rfc8785(value: object) -> None:
    assert canonical_bytes(value) == rfc8785.dumps(value)  # type: ignore[arg-type] # JSON


def test_an_integer_a_double_cannot_hold_is_refused() -> None:
    with pytest.raises(NotCanonicalisableError):
        canonical_bytes({"n": 2**60})


def _evidence(members: int = 3) -> dict[str, Any]:
    return {
        "format": EVIDENCE_FORMAT,
        "product": "pkg:generic/p@1",
        "members": [
            {"identity": f"pkg:generic/m{i}@1", "is_ai": i % 2 == 0} for i in range(members)
        ],
        "boms": [{"sha256": "a" * 64}, {"sha256": "b" * 64}],
        "certificates": [{"number": "C-1", "subject": "pkg:generic/m0@1"}],
        "missing_links": [],
        "reviewers": [{"id": "r"}],
    }


def test_a_leaf_is_the_sha256_of_the_canonical_salted_entry() -> None:
    entry = {"b": 1, "a": "x"}
    salt = entry_salt(SECRET, entry)
    framed: dict[str, Any] = {"salt": salt, "value": entry}
    expected = hashlib.sha256(rfc8785.dumps(framed)).hexdigest()
    assert leaf(salt, entry) == expected
    # The salt depends on the secret: without it, a leaf cannot be confirmed by a guess.
    assert entry_salt(b"t" * 32, entry) != salt


@given(st.lists(st.booleans(), min_size=6, max_size=6))
def test_withholding_any_entries_gives_the_same_digest(hidden: list[bool]) -> None:
    evidence = _evidence()
    order = iter(hidden)
    flags = {
        (name, json.dumps(entry, sort_keys=True)): next(order)
        for name in ("members", "boms", "certificates")
        for entry in evidence[name]
    }
    bundled = bundled_evidence(
        evidence, SECRET, lambda name, entry: not flags[(name, json.dumps(entry, sort_keys=True))]
    )
    assert bundled_digest(bundled) == evidence_digest(evidence, SECRET)
    withheld = sum(hidden)
    assert sum("leaf" in e for n in ("members", "boms", "certificates") for e in bundled[n]) == (
        withheld
    )


def test_the_digest_does_not_depend_on_where_a_withheld_entry_stood() -> None:
    evidence = _evidence()
    reordered = {**evidence, "members": list(reversed(evidence["members"]))}
    assert evidence_digest(reordered, SECRET) == evidence_digest(evidence, SECRET)
    # ... and any change to an entry or to the rest changes it.
    changed = {**evidence, "members": [*evidence["members"][:2], {"identity": "x", "is_ai": True}]}
    assert evidence_digest(changed, SECRET) != evidence_digest(evidence, SECRET)
    assert evidence_digest({**evidence, "product": "q"}, SECRET) != evidence_digest(
        evidence, SECRET
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.update(format="other/1"), "evidence format 'other/1'"),
        (lambda e: e.update(members={}), "evidence/members is not a list"),
        (lambda e: e["boms"].append({"leaf": 1}), "evidence/boms/2 is neither"),
        (lambda e: e["boms"].append({"salt": 1, "value": {}}), "evidence/boms/2/salt"),
    ],
)
def test_malformed_bundled_evidence_is_named(change: Any, message: str) -> None:
    bundled = bundled_evidence(_evidence(), SECRET, lambda _name, _entry: True)
    change(bundled)
    with pytest.raises(MalformedEvidenceError, match=message):
        bundled_digest(bundled)


def test_a_signature_has_one_spelling() -> None:
    private = private_key_from_pem(generate_private_pem())
    signature = sign(private, b"eligible")
    alphabet = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"
    # The last character's two unused bits: a decoder ignores them, verification must not.
    respelled = signature[:-1] + alphabet[alphabet.index(signature[-1]) ^ 1]
    assert verify(private.public_key(), b"eligible", signature)
    assert not verify(private.public_key(), b"eligible", respelled)
