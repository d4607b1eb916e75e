"""Signed decision records and their evidence bundles: what a record's signature covers,
and the bundle an auditor verifies offline (docs/evidence.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from app.domain.access import Viewer
from app.domain.errors import ConflictError, NotFoundError
from app.domain.signed_records import RecordSignature
from app.services.signing_keys import register_signer
from app.services.visibility import identities_seen_inside, shows_any_bom, visible_boms
from app.signing.bundle_verify import RECORD_FORMAT
from app.signing.canonical import canonical_bytes
from app.signing.ed25519 import Signer
from app.signing.evidence_leaves import Entry, Shown, bundled_evidence
from app.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from app.services.runtime import Runtime

SIGNATURE_ALGORITHM = "EdDSA"


class _Decided(Protocol):
    """What a record's core is made of: a new decision, or a kept one."""

    @property
    def destination(self) -> str: ...
    @property
    def on_date(self) -> dt.date: ...
    @property
    def sector(self) -> str | None: ...
    @property
    def ruleset_version(self) -> str: ...
    @property
    def decision(self) -> str: ...
    @property
    def evidence_sha256(self) -> str: ...
    @property
    def decided_at(self) -> dt.datetime: ...


def record_core(
    decision_id: int, decided: _Decided, answer: Mapping[str, Any], key_id: str
) -> dict[str, Any]:
    """The part of a decision record its signature covers (docs/evidence.md)."""
    return {
        "format": RECORD_FORMAT,
        "id": decision_id,
        "product": {
            "identity": answer["product"]["identity"],
            "name": answer["product"]["name"],
        },
        "destination": decided.destination,
        "date": decided.on_date.isoformat(),
        "sector": decided.sector,
        "ruleset": decided.ruleset_version,
        "decision": decided.decision,
        "ineligible_countries": list(answer["ineligible_countries"]),
        "evidence_sha256": decided.evidence_sha256,
        "decided_at": decided.decided_at.astimezone(dt.UTC).isoformat(),
        "kid": key_id,
    }


def sign_record(
    uow: UnitOfWork,
    signer: Signer,
    decision_id: int,
    decided: _Decided,
    answer: Mapping[str, Any],
) -> None:
    """Sign a record being kept, in the caller's transaction, with the service's key (kept
    among the published keys on its first use)."""
    register_signer(uow, signer, decided.decided_at)
    core = record_core(decision_id, decided, answer, signer.key_id)
    uow.decisions.sign(
        decision_id, RecordSignature(signer.key_id, signer.sign(canonical_bytes(core)))
    )


def evidence_bundle(runtime: Runtime, decision_id: int, viewer: Viewer | None = None) -> bytes:
    """A decision's evidence bundle as RFC 8785 bytes: the signed core, its signature, and
    its evidence, with what the viewer may not see given as leaves alone. Not found, in the
    words of a record that does not exist, unless the viewer may see the product."""
    with runtime.reading() as uow:
        record = uow.decisions.get(decision_id)
        visible = visible_boms(uow, viewer)
        if record is None or not shows_any_bom(
            visible, (b.id for b in uow.boms.of_subject(record.product_id))
        ):
            raise NotFoundError(f"no decision record {decision_id}")
        signature = uow.decisions.signature_of(decision_id)
        evidence = uow.evidence.get(record.evidence_sha256)
        if signature is None or evidence is None:
            raise ConflictError(
                f"decision record {decision_id} predates kept evidence: it was made before "
                "exportgate kept the evidence of each decision and signed it, so its digest "
                "cannot be derived again and there is no bundle to give"
            )
        secret = uow.evidence.secret()
        shown: Shown = _everything
        if visible is not None:
            graph = runtime.cache.current(uow)
            identities = identities_seen_inside(graph, record.product_id, visible)
            shown = _Shown(
                identities | {record.answer["product"]["identity"]},
                frozenset(uow.boms.digests(visible).values()),
            )
    bundle = {
        "record": record_core(decision_id, record, record.answer, signature.key_id),
        "signature": {
            "alg": SIGNATURE_ALGORITHM,
            "kid": signature.key_id,
            "value": signature.value,
        },
        "evidence": bundled_evidence(evidence, secret, shown),
    }
    return canonical_bytes(bundle)


def _everything(_list: str, _entry: Entry) -> bool:
    return True


class _Shown:
    """Which evidence entries a restricted viewer may see: members, certificates and
    missing links of components it reaches, and BOMs it may see (by their digest)."""

    def __init__(self, identities: frozenset[str], digests: frozenset[str]) -> None:
        self._identities = identities
        self._digests = digests

    def __call__(self, list_name: str, entry: Entry) -> bool:
        if list_name == "boms":
            return entry["sha256"] in self._digests
        key = {"members": "identity", "certificates": "subject", "missing_links": "component"}
        return entry[key[list_name]] in self._identities
