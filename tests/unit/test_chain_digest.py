"""The audit chain's digests are the ones docs/audit.md describes, recomputable by anyone
with SHA-256 and a JSON writer: changing their form would make every kept chain fail."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from app.signing.canonical import canonical_sha256
from app.store.chain_kinds import BY_KIND, GENESIS, entry_hash, record_digest

AT = dt.datetime(2026, 12, 2, 10, 0, 0, 123456, tzinfo=dt.UTC)
ORGANISATION = {"id": 1, "code": "acme", "name": "Acme Vision", "created_at": AT,
                "created_by": "cli (alice)"}  # fmt: skip


def _plain_sha256(value: object) -> str:
    """RFC 8785 for ASCII strings and small integers: sorted keys, no spaces."""
    text = json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def test_a_record_digest_is_the_sha256_of_its_kind_and_covered_columns() -> None:
    expected = _plain_sha256(
        {"kind": "organisation",
         "columns": {"code": "acme", "name": "Acme Vision",
                     "created_at": "2026-12-02T10:00:00.123456Z", "created_by": "cli (alice)"}}
    )  # fmt: skip
    assert record_digest(canonical_sha256, BY_KIND["organisation"], ORGANISATION) == expected


def test_a_time_in_another_zone_is_the_same_instant_and_the_same_digest() -> None:
    elsewhere = AT.astimezone(dt.timezone(dt.timedelta(hours=9)))
    moved = {**ORGANISATION, "created_at": elsewhere}
    kind = BY_KIND["organisation"]
    assert record_digest(canonical_sha256, kind, moved) == record_digest(
        canonical_sha256, kind, ORGANISATION
    )
    renamed = {**ORGANISATION, "name": "Acme Vision GmbH"}
    assert record_digest(canonical_sha256, kind, renamed) != record_digest(
        canonical_sha256, kind, ORGANISATION
    )


def test_an_integer_beyond_a_double_is_kept_as_text() -> None:
    """A BOM's version may exceed 2^53, which a JSON reader's double would round."""
    bom = dict.fromkeys(BY_KIND["bom"].columns) | {"bom_version": 2**60}
    one_more = {**bom, "bom_version": 2**60 + 1}
    kind = BY_KIND["bom"]
    assert record_digest(canonical_sha256, kind, bom) != record_digest(
        canonical_sha256, kind, one_more
    )


def test_an_entry_hash_links_its_fields_and_the_previous_hash() -> None:
    digest = record_digest(canonical_sha256, BY_KIND["organisation"], ORGANISATION)
    expected = _plain_sha256(
        {"seq": 1, "kind": "organisation", "record_id": 1, "record_digest": digest,
         "at": "2026-12-02T10:00:00.123456Z", "actor": "cli (alice)", "prev": "0" * 64}
    )  # fmt: skip
    found = entry_hash(
        canonical_sha256, seq=1, kind="organisation", record_id=1, digest=digest, at=AT,
        actor="cli (alice)", prev=GENESIS,
    )  # fmt: skip
    assert found == expected
