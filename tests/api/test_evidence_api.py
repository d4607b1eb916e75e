"""Evidence bundles and signing keys over HTTP: a bundle verifies offline with the published
keys, any changed byte is caught, a restricted caller's bundle still verifies and names
nothing it may not see, and a rotated key keeps verifying what it signed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from app.api.main import create_app
from app.config import Settings
from app.domain.access import Role
from app.services.runtime import Runtime
from app.services.signing_keys import rotate_signing_key
from app.signing.bundle_verify import BundleRefusedError, public_keys, verify_bundle
from app.signing.ed25519 import Ed25519PublicKey
from app.store.engine import build_engine
from app.store.rows import DecisionRow
from tests.api.test_export_api import product_id
from tests.builders import camera_bom, supplier_module_bom
from tests.conftest import bearer, issue_key, load_samples
from tests.export_cases import CAMERA
from tests.hostile.tenant_world import MISSING, tenants_of
from tests.hostile.test_tenant_oracles import _normalised

JSON_TYPE = "application/vnd.cyclonedx+json"


def _keys(api: TestClient, headers: dict[str, str] | None = None) -> dict[str, Ed25519PublicKey]:
    published = api.get("/api/v1/signing-keys", headers=headers or {})
    assert published.status_code == 200, published.text
    return public_keys(published.text)


def _decide(api: TestClient, product: str | int, to: str = "DE", **headers: str) -> int:
    if isinstance(product, str):
        product = product_id(api, product)
    answer = api.get(
        f"/api/v1/products/{product}/export-check",
        params={"to": to, "on": "2026-08-01"},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    return int(answer.json()["decision_id"])


def _flips(size: int, at_most: int = 200) -> list[int]:
    """Offsets spread over the whole bundle (every one of a small bundle)."""
    step = max(1, size // at_most)
    return sorted({*range(0, size, step), size - 1})


def test_a_bundle_verifies_with_the_published_keys_and_any_changed_byte_is_caught(
    settings: Settings, runtime: Runtime, client: TestClient
) -> None:
    load_samples(runtime)
    decision = _decide(client, CAMERA)
    bundle = client.get(f"/api/v1/decisions/{decision}/evidence")
    assert bundle.status_code == 200, bundle.text
    assert bundle.headers["content-type"] == "application/json"
    data = bundle.content
    keys = _keys(client)
    verified = verify_bundle(data, keys)
    document = json.loads(data)
    record = client.get(f"/api/v1/decisions/{decision}").json()
    assert verified.record["evidence_sha256"] == record["evidence_sha256"]
    assert (document["record"]["id"], document["record"]["decision"]) == (
        decision,
        record["decision"],
    )
    # The administrator's bundle withholds nothing: every entry has its salt and value.
    for name in ("members", "boms", "certificates"):
        assert document["evidence"][name], name
        assert all(entry.keys() == {"salt", "value"} for entry in document["evidence"][name])
    signature_at = data.index(document["signature"]["value"].encode())
    positions = _flips(len(data)) + list(range(signature_at, signature_at + 86, 7))
    for position in positions:
        for replacement in {data[position] ^ 0x01, ord("0") if data[position] != ord("0") else 49}:
            tampered = data[:position] + bytes([replacement]) + data[position + 1 :]
            with pytest.raises(BundleRefusedError) as refused:
                verify_bundle(tampered, keys)
            assert str(refused.value), position


def test_the_same_evidence_is_kept_once_and_gives_the_same_digest(
    runtime: Runtime, client: TestClient
) -> None:
    load_samples(runtime)
    first, second = _decide(client, CAMERA), _decide(client, CAMERA)
    one, two = (client.get(f"/api/v1/decisions/{d}/evidence").json() for d in (first, second))
    assert one["record"]["evidence_sha256"] == two["record"]["evidence_sha256"]
    assert one["evidence"] == two["evidence"]
    assert one["signature"]["value"] != two["signature"]["value"]


def test_a_restricted_callers_bundle_verifies_and_names_none_of_the_hidden_bom(
    settings: Settings,
) -> None:
    maker = bearer(issue_key(settings, Role.INTEGRATOR, Role.AUDITOR, organisation="maker"))
    supplier = bearer(issue_key(settings, Role.INTEGRATOR, Role.AUDITOR, organisation="supplier"))
    admin = bearer(issue_key(settings, Role.ADMIN))
    with TestClient(create_app(settings)) as api:
        api.post("/api/v1/boms", content=camera_bom(), headers={**maker, "content-type": JSON_TYPE})
        module = api.post(
            "/api/v1/boms",
            content=supplier_module_bom(),
            headers={**supplier, "content-type": JSON_TYPE},
        ).json()
        camera = api.get("/api/v1/products", headers=maker).json()["items"][0]["id"]
        decision = _decide(api, int(camera), **maker)
        redacted = api.get(f"/api/v1/decisions/{decision}/evidence", headers=maker)
        assert redacted.status_code == 200, redacted.text
        full = api.get(f"/api/v1/decisions/{decision}/evidence", headers=admin).content
        keys = _keys(api, maker)
        # Both verify, against the same signed record.
        assert verify_bundle(redacted.content, keys).record == verify_bundle(full, keys).record
        text = redacted.text
        # The full bundle names the supplier's model and BOM; the maker's names neither.
        for secret in ("defect-detector", module["sha256"]):
            assert secret in full.decode(), secret
        for secret in ("defect-detector", "onnxruntime", "defect-images", module["sha256"]):
            assert secret not in text, secret
        evidence = redacted.json()["evidence"]
        assert any("leaf" in entry for entry in evidence["members"])
        assert any("leaf" in entry for entry in evidence["boms"])
        # The product itself, and the maker's own BOM, are given in full.
        shown = [entry["value"]["identity"] for entry in evidence["members"] if "value" in entry]
        assert shown == [evidence["product"]]
        assert sum("value" in entry for entry in evidence["boms"]) == 1
        # The supplier may not see the maker's product: not found, as for no record at all.
        hidden = api.get(f"/api/v1/decisions/{decision}/evidence", headers=supplier)
        missing = api.get("/api/v1/decisions/999999/evidence", headers=supplier)
        assert (hidden.status_code, missing.status_code) == (404, 404)
        assert hidden.json()["detail"] == missing.json()["detail"].replace("999999", str(decision))


def test_a_record_made_before_evidence_was_kept_is_refused_with_a_conflict(
    settings: Settings, runtime: Runtime, client: TestClient
) -> None:
    load_samples(runtime)
    decision = _decide(client, CAMERA)
    engine = build_engine(settings.database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(DecisionRow)
                .where(DecisionRow.id == decision)
                .values(signature=None, signing_key_id=None)
            )
    finally:
        engine.dispose()
    refused = client.get(f"/api/v1/decisions/{decision}/evidence")
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert "predates kept evidence" in refused.json()["detail"]


def test_after_rotation_the_key_set_lists_both_keys_and_old_records_still_verify(
    database_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=database_url, signing_key_file=tmp_path / "key.pem")
    admin = bearer(issue_key(settings, Role.ADMIN))
    auditor = bearer(issue_key(settings, Role.PROCUREMENT, organisation="other"))
    runtime = Runtime(settings)
    try:
        load_samples(runtime)
        with TestClient(create_app(settings), headers=admin) as api:
            old_decision = _decide(api, CAMERA)
            old_bundle = api.get(f"/api/v1/decisions/{old_decision}/evidence").content
            before = api.get("/api/v1/signing-keys", headers=auditor).json()["keys"]
            assert [k["status"] for k in before] == ["current"]
        old, new = rotate_signing_key(runtime)
        assert old == before[0]["kid"]
        assert new != old
        # A server started after the rotation signs with the new key.
        with TestClient(create_app(settings), headers=admin) as api:
            keys = api.get("/api/v1/signing-keys", headers=auditor).json()["keys"]
            assert {(k["kid"], k["status"]) for k in keys} == {
                (old, "retired"),
                (new, "current"),
            }
            retired = next(k for k in keys if k["kid"] == old)
            assert retired["retired"] is not None
            assert retired["kty"] == "OKP"
            assert retired["crv"] == "Ed25519"
            published = public_keys(json.dumps({"keys": keys}))
            assert verify_bundle(old_bundle, published).key_id == old
            new_decision = _decide(api, CAMERA)
            new_bundle = api.get(f"/api/v1/decisions/{new_decision}/evidence").content
            assert verify_bundle(new_bundle, published).key_id == new
            # The old bundle, fetched again, is still signed by the retired key.
            again = api.get(f"/api/v1/decisions/{old_decision}/evidence").content
            assert again == old_bundle
            only_new = public_keys(json.dumps(next(k for k in keys if k["kid"] == new)))
            with pytest.raises(BundleRefusedError, match=f"key {old} is not among"):
                verify_bundle(old_bundle, only_new)
    finally:
        runtime.close()


def test_signing_keys_need_a_key(settings: Settings) -> None:
    with TestClient(create_app(settings)) as api:
        assert api.get("/api/v1/signing-keys").status_code == 401


def test_another_organisations_bundle_is_answered_like_one_nothing_holds(
    settings: Settings,
) -> None:
    with tenants_of(settings) as tenants:
        api = tenants.api
        module = tenants.upload(tenants.rival, supplier_module_bom())
        decision = _decide(api, int(module["product_id"]), **tenants.rival)
        # Its owner sees every BOM the decision used: its bundle withholds nothing.
        own = api.get(f"/api/v1/decisions/{decision}/evidence", headers=tenants.rival).json()
        for name in ("members", "boms", "certificates", "missing_links"):
            assert all("leaf" not in entry for entry in own["evidence"][name]), name
        assert own["evidence"]["members"]
        seen = api.get(f"/api/v1/decisions/{decision}/evidence", headers=tenants.acme)
        missing = api.get(f"/api/v1/decisions/{MISSING}/evidence", headers=tenants.acme)
        assert seen.status_code == 404
        assert _normalised(seen, decision) == _normalised(missing, MISSING)
        for secret in ("defect-detector", "vision-module", module["sha256"]):
            assert secret not in seen.text
