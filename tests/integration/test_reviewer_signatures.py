"""Registry import with reviewer signatures: a reviewer with a public key must have signed its
certificates and status events; anything else refuses the whole file, located, with nothing
written. Reviewers without a key are imported as before."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.domain.errors import RegistryRejectedError
from app.services.registry import get_certificate, import_registry, list_certificates
from app.services.registry import list_reviewers as roster
from app.services.reviewer_signatures import sign_registry_file
from app.services.runtime import Runtime
from tests.reviewer_signing import (
    ALICE,
    FIRST,
    MALLORY,
    PLAIN,
    PLAINS,
    SECOND,
    certificate,
    event_signature,
    private_pem,
    public_jwk,
    public_pem,
    reviewer,
    rsa_private_pem,
    signed,
)

alice_key = Ed25519PrivateKey.generate()
mallory_key = Ed25519PrivateKey.generate()


def registry(*certificates: dict[str, Any]) -> dict[str, Any]:
    """Alice's key as a JWK object, Mallory's as PEM, and a reviewer without a key."""
    return {
        "reviewers": [
            reviewer(ALICE, public_jwk(alice_key)),
            reviewer(MALLORY, public_pem(mallory_key)),
            reviewer(PLAIN, None),
        ],
        "certificates": list(certificates),
    }


def refused(runtime: Runtime, document: dict[str, Any]) -> dict[str, str]:
    """The located messages of a refused file; the registry is left as it was."""
    before = (len(roster(runtime).items), len(list_certificates(runtime, subject=None).items))
    with pytest.raises(RegistryRejectedError) as caught:
        import_registry(runtime, document, actor="tests")
    after = (len(roster(runtime).items), len(list_certificates(runtime, subject=None).items))
    assert after == before
    return {problem.location: problem.message for problem in caught.value.errors}


def test_signed_entries_are_recorded_with_their_signatures(runtime: Runtime) -> None:
    entry = signed(certificate(FIRST, ALICE), alice_key)
    document = registry(entry, certificate(PLAINS, PLAIN))
    report = import_registry(runtime, document, actor="tests")
    assert (report.certificates_added, report.events_added) == (2, 4)
    recorded = get_certificate(runtime, FIRST)
    assert recorded.signature == entry["signature"]
    assert [e.signature for e in recorded.events] == [e["signature"] for e in entry["events"]]
    assert get_certificate(runtime, PLAINS).signature is None
    again = import_registry(runtime, document, actor="tests")
    assert not again.changed_anything


def test_a_certificate_signed_by_another_reviewers_key_is_refused(runtime: Runtime) -> None:
    forged = signed(certificate(FIRST, ALICE), mallory_key)
    problems = refused(runtime, registry(forged))
    assert "not a valid signature of reviewer 'REV-ALICE'" in problems["/certificates/0/signature"]
    assert "/certificates/0/events/0/signature" in problems
    assert not roster(runtime).items


def test_an_entry_altered_after_signing_is_refused_even_resigned_by_the_wrong_key(
    runtime: Runtime,
) -> None:
    altered = signed(certificate(FIRST, ALICE), alice_key)
    altered["expires"] = "2029-06-30"
    assert "/certificates/0/signature" in refused(runtime, registry(altered))
    resigned = signed(altered, mallory_key)
    problems = refused(runtime, registry(resigned))
    assert set(problems) == {
        "/certificates/0/signature",
        "/certificates/0/events/0/signature",
        "/certificates/0/events/1/signature",
    }
    # An event's reason changed after signing is refused at that event only.
    reworded = signed(certificate(FIRST, ALICE), alice_key)
    reworded["events"][1]["reason"] = "all fine"
    assert set(refused(runtime, registry(reworded))) == {"/certificates/0/events/1/signature"}


def test_unsigned_entries_of_a_reviewer_with_a_key_are_refused(runtime: Runtime) -> None:
    entry = signed(certificate(FIRST, ALICE), alice_key)
    del entry["events"][1]["signature"]
    unsigned = certificate(SECOND, MALLORY)
    problems = refused(runtime, registry(entry, unsigned))
    assert problems["/certificates/0/events/1/signature"].startswith("unsigned: reviewer")
    assert problems["/certificates/1/signature"].startswith("unsigned: reviewer 'REV-MALLORY'")


def test_an_event_moved_to_another_certificate_is_refused(runtime: Runtime) -> None:
    first = signed(certificate(FIRST, ALICE), alice_key)
    second = signed(certificate(SECOND, ALICE, "pkg:generic/acme/speech@2.0"), alice_key)
    revocation = {"status": "revoked", "date": "2026-10-01", "reason": "consent missing"}
    first["events"].append(
        {**revocation, "signature": event_signature(FIRST, revocation, alice_key)}
    )
    second["events"].append(copy.deepcopy(first["events"][-1]))
    problems = refused(runtime, registry(first, second))
    assert set(problems) == {"/certificates/1/events/2/signature"}


def test_the_key_is_the_registrys_for_the_named_reviewer(runtime: Runtime) -> None:
    """A later file without the reviewer is checked against the key the registry holds, and
    naming another reviewer in an entry signed by Alice does not make it Mallory's."""
    import_registry(runtime, registry(), actor="tests")
    entry = signed(certificate(FIRST, ALICE), alice_key)
    claims_mallory = {**entry, "reviewer": MALLORY}
    problems = refused(runtime, {"certificates": [claims_mallory]})
    assert "REV-MALLORY" in problems["/certificates/0/signature"]
    import_registry(runtime, {"certificates": [entry]}, actor="tests")
    assert get_certificate(runtime, FIRST).signature == entry["signature"]


def test_a_reviewer_without_a_key_has_nothing_to_verify_a_signature_with(
    runtime: Runtime,
) -> None:
    claimed = signed(certificate(PLAINS, PLAIN), alice_key)
    problems = refused(runtime, registry(claimed))
    assert "has no public key" in problems["/certificates/0/signature"]


@pytest.mark.parametrize(
    ("public_key", "says"),
    [
        ("not a key", "neither a PEM public key nor a JWK"),
        ({"kty": "RSA", "n": "AQAB", "e": "AQAB"}, '"kty": "OKP"'),
        ({**public_jwk(alice_key), "d": "c2VjcmV0"}, "private key"),
        ({"kty": "OKP", "crv": "Ed25519", "x": "short"}, '"x"'),
    ],
)
def test_a_public_key_that_is_not_ed25519_is_refused_naming_the_reviewer(
    runtime: Runtime, public_key: object, says: str
) -> None:
    document = registry()
    document["reviewers"][2]["public_key"] = public_key
    problems = refused(runtime, document)
    assert set(problems) == {"/reviewers/2/public_key"}
    assert says in problems["/reviewers/2/public_key"]


def test_signing_a_file_signs_one_reviewers_entries_and_it_imports(runtime: Runtime) -> None:
    document = registry(certificate(FIRST, ALICE), certificate(PLAINS, PLAIN))
    signed_file, count = sign_registry_file(document, private_pem(alice_key), ALICE)
    assert count == 3
    assert "signature" not in signed_file["certificates"][1]
    assert "signature" not in document["certificates"][0]  # the input is left as it was
    assert signed_file["certificates"][0] == signed(certificate(FIRST, ALICE), alice_key)
    report = import_registry(runtime, signed_file, actor="tests")
    assert report.certificates_added == 2


@pytest.mark.parametrize(
    ("pem", "reviewer_id", "location"),
    [
        (rsa_private_pem(), ALICE, "key"),
        (b"-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n", ALICE, "key"),
        (private_pem(mallory_key), ALICE, "/reviewers/0/public_key"),
        (private_pem(alice_key), "REV-NOBODY", "/certificates"),
    ],
)
def test_signing_refuses_a_wrong_key_or_nothing_to_sign(
    pem: bytes, reviewer_id: str, location: str
) -> None:
    with pytest.raises(RegistryRejectedError) as caught:
        sign_registry_file(registry(certificate(FIRST, ALICE)), pem, reviewer_id)
    assert [problem.location for problem in caught.value.errors] == [location]


def test_signing_refuses_a_file_with_errors() -> None:
    broken = registry(certificate(FIRST, ALICE))
    broken["certificates"][0]["expires"] = "2020-01-01"
    with pytest.raises(RegistryRejectedError) as caught:
        sign_registry_file(broken, private_pem(alice_key), ALICE)
    assert [problem.location for problem in caught.value.errors] == ["/certificates/0/expires"]


def test_a_jwk_given_as_json_text_is_the_same_key(runtime: Runtime) -> None:
    document = registry(signed(certificate(FIRST, ALICE), alice_key))
    document["reviewers"][0]["public_key"] = json.dumps(public_jwk(alice_key))
    assert import_registry(runtime, document, actor="tests").certificates_added == 1
