"""`exportgate registry sign` and signed registry files at the command line: a reviewer body
signs its entries, the signed file imports, an unsigned or forged one is refused whole, and
`certificates show` prints the signatures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from app.cli.main import app
from tests.reviewer_signing import (
    ALICE,
    FIRST,
    PLAIN,
    PLAINS,
    certificate,
    event_signature,
    private_pem,
    public_jwk,
    reviewer,
    rsa_private_pem,
)

runner = CliRunner()
alice_key = Ed25519PrivateKey.generate()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "300"})
    return result.exit_code, result.stdout, result.stderr


def write(path: Path, content: bytes | dict[str, Any]) -> str:
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
    return str(path)


def registry_file() -> dict[str, Any]:
    return {
        "reviewers": [reviewer(ALICE, public_jwk(alice_key)), reviewer(PLAIN, None)],
        "certificates": [certificate(FIRST, ALICE), certificate(PLAINS, PLAIN)],
    }


def test_a_signed_file_imports_and_shows_its_signatures(cli_env: str, tmp_path: Path) -> None:
    unsigned = write(tmp_path / "registry.json", registry_file())
    key = write(tmp_path / "alice.pem", private_pem(alice_key))
    code, _, err = run("registry", "import", unsigned)
    assert code == 2
    assert "/certificates/0/signature: unsigned: reviewer 'REV-ALICE'" in err
    assert run("certificates", "list", "--json")[1].strip() == "[]"

    out_path = tmp_path / "signed.json"
    code, _, err = run("registry", "sign", unsigned, "--key", key, "--reviewer", ALICE,
                       "-o", str(out_path))  # fmt: skip
    assert code == 0, err
    assert "3 entries of reviewer REV-ALICE signed" in err
    signed = json.loads(out_path.read_text())
    assert "signature" not in signed["certificates"][1]
    code, out, err = run("registry", "import", str(out_path), "--json")
    assert code == 0, err
    assert json.loads(out)["certificates_added"] == 2

    code, out, _ = run("certificates", "show", FIRST)
    assert f"signature    {signed['certificates'][0]['signature']}" in out
    assert signed["certificates"][0]["events"][1]["signature"] in out
    code, out, _ = run("certificates", "show", PLAINS)
    assert "signature    unsigned" in out
    shown = json.loads(run("certificates", "show", FIRST, "--json")[1])
    assert shown["signature"] == signed["certificates"][0]["signature"]
    assert [e["signature"] for e in shown["events"]] == [
        e["signature"] for e in signed["certificates"][0]["events"]
    ]


def test_sign_writes_to_stdout_without_an_output(cli_env: str, tmp_path: Path) -> None:
    source = write(tmp_path / "registry.json", registry_file())
    key = write(tmp_path / "alice.pem", private_pem(alice_key))
    code, out, err = run("registry", "sign", source, "--key", key, "--reviewer", ALICE)
    assert code == 0, err
    assert json.loads(out)["certificates"][0]["signature"]


def test_sign_refuses_a_key_that_is_not_ed25519_or_a_broken_file(
    cli_env: str, tmp_path: Path
) -> None:
    source = write(tmp_path / "registry.json", registry_file())
    rsa = write(tmp_path / "rsa.pem", rsa_private_pem())
    code, out, err = run("registry", "sign", source, "--key", rsa, "--reviewer", ALICE)
    assert (code, out) == (2, "")
    assert "not an Ed25519 private key" in err
    broken = registry_file()
    broken["certificates"][0]["dimensions"] = ["kindness"]
    key = write(tmp_path / "alice.pem", private_pem(alice_key))
    code, out, err = run("registry", "sign", write(tmp_path / "broken.json", broken),
                         "--key", key, "--reviewer", ALICE)  # fmt: skip
    assert (code, out) == (2, "")
    assert "/certificates/0/dimensions/0" in err
    code, _, err = run("registry", "sign", source, "--key", key, "--reviewer", ALICE,
                       "-o", str(tmp_path / "missing" / "signed.json"))  # fmt: skip
    assert code == 2
    assert "cannot be written" in err


def test_an_event_at_the_command_line_needs_the_reviewers_signature(
    cli_env: str, tmp_path: Path
) -> None:
    key = write(tmp_path / "alice.pem", private_pem(alice_key))
    source = write(tmp_path / "registry.json", registry_file())
    signed = tmp_path / "signed.json"
    assert run("registry", "sign", source, "--key", key, "--reviewer", ALICE,
               "-o", str(signed))[0] == 0  # fmt: skip
    assert run("registry", "import", str(signed))[0] == 0
    event = {"status": "revoked", "date": "2026-10-01", "reason": "consent missing"}
    args = ("certificates", "event", FIRST, "--status", "revoked", "--on", event["date"],
            "--reason", event["reason"])  # fmt: skip
    code, _, err = run(*args)
    assert code == 2
    assert "/signature: unsigned" in err
    code, out, err = run(*args, "--signature", event_signature(FIRST, event, alice_key))
    assert code == 0, err
    assert f"{FIRST}: revoked from 2026-10-01" in out
