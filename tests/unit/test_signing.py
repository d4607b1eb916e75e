"""Canonical bytes and Ed25519 keys: what every digest and signature in exportgate rests on."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.signing.canonical import NotCanonicalisableError, canonical_bytes, canonical_sha256
from app.signing.ed25519 import (
    BadKeyError,
    generate_private_pem,
    jwk_of,
    key_id,
    private_key_from_pem,
    public_key_from_text,
    public_pem,
    sign,
    verify,
)
from app.signing.key_file import load_or_create_signer

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def test_canonical_bytes_sort_members_and_drop_whitespace() -> None:
    assert canonical_bytes({"b": [1, "é"], "a": None}) == '{"a":null,"b":[1,"é"]}'.encode()


@given(json_values)
def test_canonical_bytes_do_not_depend_on_how_the_value_was_written(value: object) -> None:
    rewritten = json.loads(json.dumps(value, indent=2, sort_keys=False))
    assert canonical_bytes(rewritten) == canonical_bytes(value)
    assert json.loads(canonical_bytes(value)) == value


def test_a_value_without_a_canonical_form_is_refused() -> None:
    with pytest.raises(NotCanonicalisableError):
        canonical_bytes({1: "a key that is not a string"})
    with pytest.raises(NotCanonicalisableError):
        canonical_sha256(float("nan"))


def test_a_signature_verifies_over_exactly_the_bytes_signed() -> None:
    private = private_key_from_pem(generate_private_pem())
    signature = sign(private, b"eligible")
    assert verify(private.public_key(), b"eligible", signature)
    assert not verify(private.public_key(), b"eligiblf", signature)
    flipped = signature[:10] + ("B" if signature[10] == "A" else "A") + signature[11:]
    assert not verify(private.public_key(), b"eligible", flipped)
    assert not verify(private.public_key(), b"eligible", "not base64url!")
    other = private_key_from_pem(generate_private_pem())
    assert not verify(other.public_key(), b"eligible", signature)


def test_a_public_key_reads_the_same_from_pem_and_from_its_jwk() -> None:
    public = private_key_from_pem(generate_private_pem()).public_key()
    from_pem = public_key_from_text(public_pem(public))
    from_jwk = public_key_from_text(json.dumps(jwk_of(public)))
    assert key_id(from_pem) == key_id(from_jwk) == jwk_of(public)["kid"]
    assert jwk_of(public)["kty"] == "OKP"
    assert jwk_of(public)["crv"] == "Ed25519"


def test_rfc_8037_example_key_has_the_rfc_7638_thumbprint() -> None:
    # RFC 8037 appendix A.1 and A.3: the example public key and its thumbprint.
    jwk = '{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}'
    assert key_id(public_key_from_text(jwk)) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("not a key", "neither a PEM public key nor a JWK"),
        ('{"kty": "RSA", "n": "x"}', '"kty": "OKP"'),
        ('{"kty": "OKP", "crv": "Ed25519", "x": "short"}', "32-byte"),
        ('{"kty": "OKP", "crv": "Ed25519", "x": "AA", "d": "AA"}', "private key"),
        ("{not json", "not JSON"),
    ],
)
def test_a_key_that_is_not_an_ed25519_public_key_is_refused_with_why(text: str, says: str) -> None:
    with pytest.raises(BadKeyError, match=says):
        public_key_from_text(text)


def test_a_private_key_file_that_is_not_ed25519_is_refused() -> None:
    with pytest.raises(BadKeyError):
        private_key_from_pem(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")


def test_the_service_key_is_created_once_private_to_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "signing-key.pem"
    first = load_or_create_signer(path)
    assert path.stat().st_mode & 0o077 == 0
    assert load_or_create_signer(path).key_id == first.key_id
    assert verify(first.public_key, b"record", first.sign(b"record"))
    assert [p.name for p in path.parent.iterdir()] == ["signing-key.pem"]


def test_workers_starting_together_all_use_the_one_key_that_won(tmp_path: Path) -> None:
    path = tmp_path / "signing-key.pem"
    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = set(pool.map(lambda _: load_or_create_signer(path).key_id, range(16)))
    assert len(ids) == 1
