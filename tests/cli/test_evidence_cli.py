"""`exportgate decisions export|verify` and `exportgate signing-key`, end to end: a bundle
exported on the command line verifies offline with the published key, a changed byte or a
wrong key is named (exit 1), and an unreadable file is exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli.main import app
from app.services.runtime import Runtime
from app.signing.ed25519 import generate_private_pem, private_key_from_pem, public_pem
from tests.export_cases import CAMERA

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "keys" / "signing-key.pem"
    monkeypatch.setenv("EXPORTGATE_SIGNING_KEY_FILE", str(path))
    return path


def _decide() -> int:
    code, out, err = run("check", CAMERA, "--to", "DE", "--on", "2026-08-01", "--json")
    assert code in {0, 1}, err
    return int(json.loads(out)["decision_id"])


def _exported(path: Path) -> Path:
    """A new decision's bundle, exported to `path`."""
    code, _, err = run("decisions", "export", str(_decide()), "-o", str(path))
    assert code == 0, err
    return path


def _published(tmp_path: Path, name: str = "keys.json") -> Path:
    code, out, err = run("signing-key", "show")
    assert code == 0, err
    path = tmp_path / name
    path.write_text(json.dumps({"keys": [json.loads(out)]}))
    return path


def test_an_exported_bundle_verifies_and_each_changed_byte_is_named(
    cli_env: str, samples: Runtime, key_file: Path, tmp_path: Path
) -> None:
    decision = _decide()
    bundle = tmp_path / "bundle.json"
    code, _, err = run("decisions", "export", str(decision), "-o", str(bundle))
    assert code == 0, err
    keys = _published(tmp_path)
    code, out, err = run("decisions", "verify", str(bundle), "--keys", str(keys))
    assert code == 0, err
    assert f"decision {decision}" in out
    # Standard output carries the same bytes.
    code, out, _ = run("decisions", "export", str(decision))
    assert out.encode() == bundle.read_bytes()
    data = bundle.read_bytes()
    tampered = tmp_path / "tampered.json"
    for position in range(0, len(data), max(1, len(data) // 60)):
        changed = bytearray(data)
        changed[position] ^= 0x02
        tampered.write_bytes(bytes(changed))
        code, _, err = run("decisions", "verify", str(tampered), "--keys", str(keys))
        assert code == 1, (position, err)
        assert "does not verify" in err, err
    # What differs is named: a non-canonical byte, a digest, a signature.
    spaced = data.replace(b'{"evidence":', b'{ "evidence":', 1)
    tampered.write_bytes(spaced)
    _, _, err = run("decisions", "verify", str(tampered), "--keys", str(keys))
    assert "not canonical (RFC 8785) at byte 1" in err
    document = json.loads(data)
    document["evidence"]["question"]["destination"] = "US"
    tampered.write_bytes(json.dumps(document, sort_keys=True, separators=(",", ":")).encode())
    _, _, err = run("decisions", "verify", str(tampered), "--keys", str(keys))
    assert "evidence digest differs: computed" in err
    document = json.loads(data)
    document["record"]["decision"] = (
        "eligible" if document["record"]["decision"] != "eligible" else "ineligible"
    )
    tampered.write_bytes(json.dumps(document, sort_keys=True, separators=(",", ":")).encode())
    _, _, err = run("decisions", "verify", str(tampered), "--keys", str(keys))
    assert f"signature does not verify with key {document['record']['kid']}" in err


def test_verify_names_a_missing_key_and_refuses_unreadable_files(
    cli_env: str, samples: Runtime, key_file: Path, tmp_path: Path
) -> None:
    bundle = _exported(tmp_path / "bundle.json")
    kid = json.loads(bundle.read_bytes())["record"]["kid"]
    # Another service's key: the bundle's key is not among those given.
    other = tmp_path / "other.pem"
    other.write_text(public_pem(private_key_from_pem(generate_private_pem()).public_key()))
    code, _, err = run("decisions", "verify", str(bundle), "--keys", str(other))
    assert code == 1
    assert f"key {kid} is not among the given keys" in err
    # Files that cannot be read, or keys that are not keys: exit 2.
    code, _, err = run("decisions", "verify", str(tmp_path / "absent.json"), "--keys", str(other))
    assert code == 2, err
    not_keys = tmp_path / "not-keys.txt"
    not_keys.write_text("hello")
    code, _, err = run("decisions", "verify", str(bundle), "--keys", str(not_keys))
    assert code == 2
    assert "neither a PEM public key nor a JWK" in err
    # A decision that does not exist: exit 2, named.
    code, _, err = run("decisions", "export", "999999")
    assert code == 2
    assert "no decision record 999999" in err


def test_rotation_retires_the_old_key_and_old_bundles_still_verify(
    cli_env: str, samples: Runtime, key_file: Path, tmp_path: Path
) -> None:
    old_bundle = _exported(tmp_path / "old.json")
    code, out, _ = run("signing-key", "show")
    old = json.loads(out)
    assert old["status"] == "current"
    old_pem = key_file.read_bytes()
    code, rotated, err = run("signing-key", "rotate")
    assert code == 0, err
    assert key_file.read_bytes() != old_pem
    assert not [p for p in key_file.parent.iterdir() if p.name.startswith(".signing-key-")]
    code, out, _ = run("signing-key", "show")
    new = json.loads(out)
    assert new["kid"] != old["kid"]
    assert f"{old['kid']} retired, {new['kid']} current" in rotated
    # The key set as the API publishes it, both keys in it, verifies old and new bundles.
    with samples.reading() as uow:
        keys = uow.signing_keys.all()
    assert {k.key_id for k in keys} >= {old["kid"], new["kid"]}
    published = tmp_path / "jwks.json"
    published.write_text(json.dumps({"keys": [k.jwk for k in keys]}))
    code, out, err = run("decisions", "verify", str(old_bundle), "--keys", str(published))
    assert code == 0, err
    assert old["kid"] in out
    new_bundle = _exported(tmp_path / "new.json")
    assert json.loads(new_bundle.read_bytes())["record"]["kid"] != old["kid"]
    code, _, err = run("decisions", "verify", str(new_bundle), "--keys", str(published))
    assert code == 0, err
