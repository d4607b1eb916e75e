"""Benchmark the evidence digest of one large product: canonical bytes of an evidence
document with N members (10,000 by default, 1,000 certificates), by the pure-Python
`rfc8785` and by exportgate's fast path, and the salted-leaf digest every check computes.

Run: `.venv/bin/python -m bench.evidence [--members N]`. Each figure is the median of seven
runs in this process; the fast path's bytes are checked equal to `rfc8785`'s first.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

import rfc8785

from app.signing.canonical import canonical_bytes
from app.signing.evidence_leaves import EVIDENCE_FORMAT, LEAF_LISTS, evidence_digest

SECRET = bytes(32)
RUNS = 7


def evidence(members: int) -> dict[str, Any]:
    """An evidence document of the shape checks keep (app.services.evidence)."""
    return {
        "format": EVIDENCE_FORMAT,
        "question": {"destination": "DE", "date": "2026-12-01", "sector": None},
        "ruleset": {"version": "2026.1", "required_dimensions": ["bias", "privacy"]},
        "product": "pkg:generic/bench/product@1.0",
        "facts": {"sector": None, "incomplete_aggregates": [], "human_oversight": False},
        "members": [
            {
                "identity": f"pkg:pypi/vendor-{i % 97}/component-{i}@1.{i % 7}.0",
                "type": "machine-learning-model" if i % 20 == 0 else "library",
                "is_ai": i % 20 == 0,
                "contents_known": i % 3 == 0,
                "claimed_certificates": [f"AIEC-2026-{i:06d}"] if i % 20 == 0 else [],
                "suspected": None,
            }
            for i in range(members)
        ],
        "boms": [{"sha256": hashlib.sha256(str(i).encode()).hexdigest()} for i in range(50)],
        "missing_links": [],
        "certificates": [
            {
                "number": f"AIEC-2026-{i:06d}",
                "subject": f"pkg:pypi/vendor-{i % 97}/component-{i}@1.{i % 7}.0",
                "reviewer": "rev-1",
                "dimensions": ["bias", "controllability", "privacy"],
                "issued": "2026-07-01",
                "expires": "2027-07-01",
                "destinations": ["DE", "FR"],
                "sectors": [],
                "events": [{"date": "2026-07-01", "status": "valid", "reason": None}],
            }
            for i in range(0, members, members // 1000 or 1)
        ],
        "reviewers": [{"id": "rev-1", "accreditations": [{"start": "2026-01-01", "end": None}]}],
    }


def rfc8785_digest(document: dict[str, Any]) -> str:
    """`evidence_digest` with every canonical form written by `rfc8785` (no fast path)."""
    framed = dict(document)
    for name in LEAF_LISTS:
        leaves = []
        for entry in document[name]:
            salt = hmac.digest(SECRET, rfc8785.dumps(entry), "sha256").hex()
            leaves.append(hashlib.sha256(rfc8785.dumps({"salt": salt, "value": entry})).hexdigest())
        framed[name] = sorted(leaves)
    return hashlib.sha256(rfc8785.dumps(framed)).hexdigest()


def median_ms(work: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    members = parser.parse_args().members
    document = evidence(members)
    assert canonical_bytes(document) == rfc8785.dumps(document)  # noqa: S101 - a benchmark's check
    assert rfc8785_digest(document) == evidence_digest(document, SECRET)  # noqa: S101
    rows = [
        ("json.dumps of the document (about the old digest)", lambda: json.dumps(document)),
        ("canonical bytes, rfc8785", lambda: rfc8785.dumps(document)),
        ("canonical bytes, fast path", lambda: canonical_bytes(document)),
        ("salted-leaf digest, rfc8785", lambda: rfc8785_digest(document)),
        ("salted-leaf digest, fast path", lambda: evidence_digest(document, SECRET)),
    ]
    print(f"evidence of {members} members, {len(document['certificates'])} certificates")
    for name, work in rows:
        print(f"  {name:<50} {median_ms(work):8.1f} ms")


if __name__ == "__main__":
    main()
