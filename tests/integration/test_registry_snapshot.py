"""The registry copy each process keeps (app/services/registry_cache.py) catches up by reading
only the certificates recorded or given an event since it was read; it must never miss one
(a missed revocation would answer `eligible` on a revoked certificate)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.registry import CertificateStatus, StatusEvent
from app.services.registry import add_status_event, record_certificate
from app.services.registry_cache import RegistryCache, RegistrySnapshot
from app.services.registry_file import CertificateEntry, EventEntry
from app.services.runtime import Runtime
from tests.conftest import BACKEND

MODEL_CERTIFICATE = "AIEC-2026-000123"
MODULE_CERTIFICATE = "AIEC-2026-000124"
DAY = dt.date(2026, 11, 20)


def read_afresh(runtime: Runtime) -> RegistrySnapshot:
    """The registry as a process that never read it before reads it: all of it."""
    with runtime.reading() as uow:
        return RegistryCache().current(uow)


def kept(runtime: Runtime) -> RegistrySnapshot:
    with runtime.reading() as uow:
        return runtime.registry.current(uow)


def status_of(snapshot: RegistrySnapshot, number: str) -> CertificateStatus | None:
    for held in snapshot.certificates.values():
        for certificate in held:
            if certificate.number == number:
                return certificate.recorded_status_on(DAY)
    return None


def test_the_kept_copy_equals_a_fresh_read_after_each_new_certificate_and_event(
    samples: Runtime,
) -> None:
    kept(samples)
    add_status_event(
        samples,
        MODEL_CERTIFICATE,
        EventEntry(status=CertificateStatus.SUSPENDED, date=DAY, reason="under inquiry"),
        actor="test",
    )
    assert status_of(kept(samples), MODEL_CERTIFICATE) is CertificateStatus.SUSPENDED
    assert kept(samples) == read_afresh(samples)
    record_certificate(
        samples,
        CertificateEntry(
            number="AIEC-2026-009999",
            subject="pkg:huggingface/deepinspect/defect-detector@2.1.0",
            reviewer="CAICT-ER",
            dimensions=["algorithmic_bias", "data_privacy", "system_controllability"],
            issued=DAY,
            expires=DAY + dt.timedelta(days=365),
            events=[EventEntry(status=CertificateStatus.ACTIVE, date=DAY)],
        ),
        actor="test",
    )
    snapshot = kept(samples)
    assert status_of(snapshot, "AIEC-2026-009999") is CertificateStatus.ACTIVE
    # Two certificates of one subject stay in number order, as a full read gives them.
    assert snapshot == read_afresh(samples)


@pytest.mark.skipif(
    BACKEND != "postgresql", reason="only PostgreSQL lets two writers commit out of id order"
)
def test_an_event_committed_after_a_later_numbered_one_is_not_missed(samples: Runtime) -> None:
    kept(samples)
    now = dt.datetime.now(dt.UTC)
    with samples.writing() as early:
        model_id = early.registry.certificate_id(MODEL_CERTIFICATE)
        assert model_id is not None
        # This event takes its id first, and commits last.
        assert early.registry.add_event(
            model_id, StatusEvent(DAY, CertificateStatus.REVOKED, "fraud", "test"), now
        )
        add_status_event(
            samples,
            MODULE_CERTIFICATE,
            EventEntry(status=CertificateStatus.SUSPENDED, date=DAY, reason="inquiry"),
            actor="test",
        )
        between = kept(samples)
        assert status_of(between, MODULE_CERTIFICATE) is CertificateStatus.SUSPENDED
        assert status_of(between, MODEL_CERTIFICATE) is CertificateStatus.ACTIVE
        early.commit()
    after = kept(samples)
    assert status_of(after, MODEL_CERTIFICATE) is CertificateStatus.REVOKED
    assert after == read_afresh(samples)
