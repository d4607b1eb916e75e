"""JSF enveloped signatures over RFC 8785 canonical bytes: what verifies and what does not."""

from __future__ import annotations

from typing import Any

import pytest

from app.signing.ed25519 import Signer, generate_private_pem, private_key_from_pem
from app.signing.jsf import jsf_signed, jsf_verifies

DOCUMENT = {"bomFormat": "CycloneDX", "specVersion": "1.6", "nested": {"b": [1, 2], "a": "x"}}


def flipped(text: str) -> str:
    """The text with its first character changed."""
    return ("B" if text[0] != "B" else "C") + text[1:]


def signer() -> Signer:
    return Signer(private_key_from_pem(generate_private_pem()))


def test_a_signed_document_verifies_whatever_order_its_members_are_in() -> None:
    key = signer()
    signed = jsf_signed(DOCUMENT, key)
    assert signed["signature"]["keyId"] == key.key_id
    assert "signature" not in DOCUMENT  # the original is left as it was
    reordered = dict(reversed(list(signed.items())))
    assert jsf_verifies(reordered, key.public_key)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["nested"].update(a="y"),
        lambda d: d["nested"]["b"].append(3),
        lambda d: d.update(extra=True),
        lambda d: d["signature"].update(keyId="someone else"),
        lambda d: d["signature"].update(algorithm="Ed448"),
        lambda d: d["signature"].update(value=flipped(d["signature"]["value"])),
        lambda d: d["signature"].pop("value"),
        lambda d: d.pop("signature"),
        lambda d: d.update(signature="not an object"),
        lambda d: d.update(bad=float("nan")),
    ],
)
def test_any_change_fails_it(change: Any) -> None:
    key = signer()
    signed = jsf_signed(DOCUMENT, key)
    change(signed)
    assert not jsf_verifies(signed, key.public_key)


def test_another_key_does_not_verify_it() -> None:
    signed = jsf_signed(DOCUMENT, signer())
    assert not jsf_verifies(signed, signer().public_key)
