"""Classification records through the service layer on a real database: who may record,
how a hidden component is named, and the bulk read the export check settles."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.access import Principal, Role, Viewer
from app.domain.classification import ClassificationScope, settle
from app.domain.errors import AmbiguousReferenceError, NotFoundError, PermissionDeniedError
from app.services.access import ensure_organisation
from app.services.classification import (
    classifications_for,
    classifications_of,
    record_classification,
)
from app.services.components import resolve_component
from app.services.ingest import ingest_bom
from app.services.runtime import Runtime
from app.store.bulk import CHUNK
from tests.builders import bom, component

TODAY = dt.datetime.now(dt.UTC).date()


def _principal(organisation: str, *roles: Role, key_id: int = 1) -> Principal:
    return Principal(key_id=key_id, organisation=organisation, roles=frozenset(roles))


@pytest.fixture
def two_tenants(runtime: Runtime) -> dict[str, int]:
    """acme and b each hold a private BOM with their own version of `sensor`; ids by name."""
    ids = {}
    for organisation, version in (("acme", "1.0"), ("b", "2.0")):
        ensure_organisation(runtime, organisation, organisation, actor="tests")
        document = bom(
            component(f"{organisation}-box", type_="device"),
            [
                component(
                    "sensor", "sensor", version=version, purl=f"pkg:generic/x/sensor@{version}"
                )
            ],
        )
        ingest_bom(runtime, document, None, organisation=organisation)
        with runtime.reading() as uow:
            ids[organisation] = resolve_component(uow, f"sensor@{version}").id
    return ids


def test_a_name_resolves_among_the_components_the_viewer_may_see(
    runtime: Runtime, two_tenants: dict[str, int]
) -> None:
    with runtime.reading() as uow:
        assert resolve_component(uow, "sensor", Viewer("acme")).id == two_tenants["acme"]
        assert resolve_component(uow, "sensor", Viewer("b")).id == two_tenants["b"]
        with pytest.raises(AmbiguousReferenceError):
            resolve_component(uow, "sensor", Viewer("ops", sees_everything=True))
        with pytest.raises(NotFoundError, match="no component with id"):
            resolve_component(uow, str(two_tenants["b"]), Viewer("acme"))
        with pytest.raises(NotFoundError, match="no component with identity"):
            resolve_component(uow, "pkg:generic/x/sensor@2.0", Viewer("acme"))


def test_only_reviewer_procurement_and_admin_keys_record(
    runtime: Runtime, two_tenants: dict[str, int]
) -> None:
    for roles in ((Role.INTEGRATOR,), (Role.AUDITOR,), (Role.INTEGRATOR, Role.AUDITOR)):
        with pytest.raises(PermissionDeniedError):
            record_classification(
                runtime, _principal("acme", *roles), "sensor", is_ai=True, reason="r", expires=None
            )
    with runtime.reading() as uow:
        assert classifications_for(uow, two_tenants.values()) == {}


def test_records_settle_per_product_owner(runtime: Runtime, two_tenants: dict[str, int]) -> None:
    acme = two_tenants["acme"]
    own = record_classification(
        runtime, _principal("acme", Role.PROCUREMENT), "sensor", is_ai=False, reason="checked",
        expires=None,
    )  # fmt: skip
    assert (own.scope, own.organisation, own.actor) == (
        ClassificationScope.ORGANISATION,
        "acme",
        "acme/key-1",
    )
    with runtime.reading() as uow:
        found = classifications_for(uow, [acme])[acme]
    assert settle(found, TODAY, "acme") is False
    assert settle(found, TODAY, "b") is None  # acme speaks for its own products only
    global_ai = record_classification(
        runtime, _principal("b", Role.ADMIN, key_id=2), str(acme), is_ai=True,
        reason="weights found", expires=TODAY,
    )  # fmt: skip
    assert global_ai.scope is ClassificationScope.GLOBAL
    with runtime.reading() as uow:
        found = classifications_for(uow, [acme])[acme]
        assert [c.id for c in found] == [own.id, global_ai.id]
        assert settle(found, TODAY, "acme") is True  # a disagreement fails closed
        assert settle(found, TODAY + dt.timedelta(days=1), "acme") is False  # expired
        # b sees the component only through its own BOM: not found, like an unknown one.
        with pytest.raises(NotFoundError):
            classifications_of(uow, acme, Viewer("b"))
        assert classifications_of(uow, acme, Viewer("acme")) == found


def test_classifications_for_reads_many_components_in_chunks(
    runtime: Runtime, two_tenants: dict[str, int]
) -> None:
    for organisation in ("acme", "b"):
        record_classification(
            runtime, _principal(organisation, Role.PROCUREMENT), "sensor", is_ai=True,
            reason=f"{organisation}'s review", expires=None,
        )  # fmt: skip
    asked = range(1, 3 * CHUNK)  # more ids than one query takes, most of them unknown
    with runtime.reading() as uow:
        found = classifications_for(uow, asked)
    assert sorted(found) == sorted(two_tenants.values())
    assert {o: [c.reason for c in found[i]] for o, i in two_tenants.items()} == {
        "acme": ["acme's review"],
        "b": ["b's review"],
    }
