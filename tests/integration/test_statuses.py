"""Stored statuses (PRODUCT.md section 5): after any sequence of changes, each product's stored
status per group is exactly what a fresh check says; each change is recorded once with the
cause that made it; the date passing is told by the certificate that expired; and until a
change is settled, nobody is answered a stale stored status."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.domain.decision import Decision, GroupStatus
from app.domain.registry import CertificateStatus
from app.domain.statuses import CauseKind, StatusChange
from app.services.background import StatusKeeper
from app.services.classification import record_classification_as_operator
from app.services.ingest import ingest_bom
from app.services.ownership import retire_bom
from app.services.registry import add_status_event, publish_ruleset
from app.services.registry_file import EventEntry
from app.services.runtime import Runtime
from app.services.standings import (
    StandingQuestion,
    destination_groups,
    product_standings,
    weigh,
)
from app.services.statuses import settle_all, start_day
from tests.builders import bom, component, model
from tests.conftest import SAMPLES

DAY = dt.date(2026, 11, 20)
# The vision module's certificate (sample registry) expires on this day.
MODULE_CERTIFICATE = "AIEC-2026-000124"
MODULE_EXPIRES = dt.date(2027, 1, 31)
MODEL_CERTIFICATE = "AIEC-2026-000123"


def stored_and_fresh(
    runtime: Runtime, day: dt.date
) -> tuple[dict[int, dict[str, GroupStatus]], dict[int, dict[str, GroupStatus]]]:
    """Every product's stored statuses, and the same checked afresh on `day` by a process that
    never read the portfolio or the registry before (nothing it kept between changes)."""
    with runtime.reading() as uow:
        assert not uow.statuses.has_work(), "every change is settled"
        graph = runtime.cache.current(uow)
        products = sorted(product.component_id for product in graph.products())
        groups = destination_groups(runtime.registry.current(uow).ruleset_on(day), None)
        stored = uow.statuses.stored(products)
        days = {s.evaluated_on for held in stored.values() for s in held.values()}
    afresh = Runtime(runtime.settings)
    try:
        with afresh.reading() as uow:
            fresh = weigh(afresh, uow, products, groups, day)
    finally:
        afresh.close()
    assert days <= {day}
    return (
        {p: {g: s.status for g, s in held.items()} for p, held in stored.items()},
        {p: {s.group: s for s in fresh[p].statuses} for p in products},
    )


def changes_of(settled_changes: tuple[StatusChange, ...]) -> set[tuple[int, str, str, str]]:
    return {(c.product_id, c.group, c.old or "none", c.new or "none") for c in settled_changes}


def event(status: CertificateStatus, day: dt.date) -> EventEntry:
    return EventEntry(status=status, date=day, reason="test")


def new_product(runtime: Runtime, index: int) -> None:
    """A product of its own, holding the sample model and an uncertified one."""
    ingest_bom(
        runtime,
        bom(
            component("p", f"gadget-{index}", type_="device", purl=f"pkg:generic/t/gadget@{index}"),
            [
                model("m", "pkg:huggingface/deepinspect/defect-detector@2.1.0"),
                model("n", f"pkg:huggingface/t/extra-{index}@1.0"),
            ],
            {"p": ["m", "n"]},
        ),
        None,
    )


def random_change(runtime: Runtime, rng: random.Random, step: int) -> str:
    """One change of any kind that can move a status; what it was, for the failure message."""
    with runtime.reading() as uow:
        graph = runtime.cache.current(uow)
        boms = sorted(graph.current_bom_ids())
        components = sorted({c for p in graph.products() for c in graph.closure(p.component_id)})
    kinds: list[tuple[str, Callable[[], object]]] = [
        ("revoke model certificate", lambda: add_status_event(
            runtime, MODEL_CERTIFICATE, event(CertificateStatus.REVOKED, DAY), actor="t")),
        ("reinstate model certificate", lambda: add_status_event(
            runtime, MODEL_CERTIFICATE, event(CertificateStatus.ACTIVE, DAY), actor="t")),
        ("suspend module certificate", lambda: add_status_event(
            runtime, MODULE_CERTIFICATE, event(CertificateStatus.SUSPENDED, DAY), actor="t")),
        ("classify a component", lambda: record_classification_as_operator(
            runtime, str(rng.choice(components)), is_ai=rng.random() < 0.5,
            reason="test", expires=None, operator="t")),
        ("new product", lambda: new_product(runtime, step)),
        ("change the ruleset", lambda: publish_ruleset(
            runtime, sample_ruleset(f"t-{step}", require_product_certificate=rng.random() < 0.5),
            actor="t")),
    ]  # fmt: skip
    if boms:
        kinds.append(("retire a BOM", lambda: retire(runtime, rng.choice(boms))))
    kinds.append(
        ("the module's next version drops its model", lambda: module_drops_model(runtime, step))
    )
    name, apply = rng.choice(kinds)
    apply()
    return name


def module_drops_model(runtime: Runtime, step: int) -> None:
    """The supplier publishes the next version of its module BOM, without its models."""
    document = json.loads((SAMPLES / "deepinspect-vision-module.cdx.json").read_text())
    document["version"] = document.get("version", 1) + step + 1
    document["components"] = [
        c for c in document.get("components", []) if c.get("type") != "machine-learning-model"
    ]
    ingest_bom(runtime, json.dumps(document).encode(), None)


def sample_ruleset(version: str, **switches: object) -> dict[str, object]:
    """The sample registry's ruleset as a new version, with some switches changed."""
    ruleset = json.loads((SAMPLES / "registry.json").read_text())["ruleset"]
    return {**ruleset, "version": version, **switches}


def retire(runtime: Runtime, bom_id: int) -> None:
    retire_bom(runtime, bom_id, reason="test", viewer=None, actor="t")


@pytest.mark.parametrize("seed", range(1, 6))
def test_stored_statuses_equal_fresh_checks_after_random_changes(
    samples: Runtime, seed: int
) -> None:
    rng = random.Random(seed)  # noqa: S311 - a reproducible sequence, not a secret
    start_day(samples, DAY, claim=False)
    stored, fresh = stored_and_fresh(samples, DAY)
    assert stored == fresh
    done = []
    for step in range(8):
        done.append(random_change(samples, rng, step))
        settle_all(samples, day=DAY)
        stored, fresh = stored_and_fresh(samples, DAY)
        assert stored == fresh, f"after {done}"


def test_a_revocation_is_one_change_per_product_and_group_naming_the_certificate(
    samples: Runtime,
) -> None:
    start_day(samples, DAY, claim=False)
    before, _ = stored_and_fresh(samples, DAY)
    add_status_event(samples, MODEL_CERTIFICATE, event(CertificateStatus.REVOKED, DAY), actor="t")
    settled = settle_all(samples, day=DAY)
    after, fresh = stored_and_fresh(samples, DAY)
    assert after == fresh
    moved = {
        (p, g, before[p][g].decision.value, after[p][g].decision.value)
        for p in after
        for g in after[p]
        if before[p][g].decision != after[p][g].decision
    }
    assert moved, "the sample camera holds the model and turns ineligible"
    assert changes_of(settled.changes) == moved
    assert {(c.cause.kind, c.cause.ref) for c in settled.changes} == {
        (CauseKind.CERTIFICATE_EVENT, MODEL_CERTIFICATE)
    }
    # Settling again changes nothing and records nothing.
    assert settle_all(samples, day=DAY).changes == ()


def test_the_day_after_a_certificate_expires_the_runner_turns_its_holders_ineligible(
    samples: Runtime,
) -> None:
    days = iter([MODULE_EXPIRES, MODULE_EXPIRES + dt.timedelta(days=1)])
    moment = dt.datetime.combine(next(days), dt.time(0, 0, 5), dt.UTC)
    runner = StatusKeeper(samples, clock=lambda: moment)
    runner.turn()
    on_expiry, fresh = stored_and_fresh(samples, MODULE_EXPIRES)
    assert on_expiry == fresh
    moment = dt.datetime.combine(next(days), dt.time(0, 0, 5), dt.UTC)
    turned = runner.turn()
    day_after, fresh = stored_and_fresh(samples, MODULE_EXPIRES + dt.timedelta(days=1))
    assert day_after == fresh
    ineligible_now = [
        c for c in turned.changes if c.new is Decision.INELIGIBLE and c.old is Decision.ELIGIBLE
    ]
    assert ineligible_now, "the camera holding the module turns ineligible"
    assert {(c.cause.kind, c.cause.ref) for c in ineligible_now} == {
        (CauseKind.CERTIFICATE_EXPIRED, MODULE_CERTIFICATE)
    }
    # The same day's turn again (another runner, or a restart) re-evaluates nothing.
    assert runner.turn().changes == ()


def test_a_day_is_re_evaluated_by_one_runner_only(samples: Runtime, settings: object) -> None:
    moment = dt.datetime.combine(DAY, dt.time(0, 1), dt.UTC)
    first = StatusKeeper(samples, clock=lambda: moment).turn()
    second = Runtime(samples.settings)
    try:
        again = StatusKeeper(second, clock=lambda: moment).turn()
    finally:
        second.close()
    assert first.weighed > 0
    assert again.weighed == 0


def test_until_a_change_is_settled_the_products_list_answers_it_afresh(
    samples: Runtime,
) -> None:
    start_day(samples, DAY, claim=False)
    asked = StandingQuestion(None, DAY)

    def listed() -> dict[int, dict[str, str]]:
        page = product_standings(samples, None, asked)
        return {
            s.summary.product.id: {g.group: g.decision.value for g in s.statuses}
            for s in page.items
        }

    stored = listed()
    add_status_event(samples, MODEL_CERTIFICATE, event(CertificateStatus.REVOKED, DAY), actor="t")
    unsettled = listed()
    assert unsettled != stored, "the revocation shows before any settling pass"
    settle_all(samples, day=DAY)
    assert listed() == unsettled


def test_a_retired_product_loses_its_statuses_with_a_change_to_none(samples: Runtime) -> None:
    start_day(samples, DAY, claim=False)
    with samples.reading() as uow:
        graph = samples.cache.current(uow)
        product = next(p for p in graph.products() if len(p.bom_ids) == 1)
    retire(samples, product.bom_ids[0])
    settled = settle_all(samples, day=DAY)
    ended = [c for c in settled.changes if c.product_id == product.component_id]
    assert ended
    assert all(c.new is None and c.cause.kind is CauseKind.BOM_RETIRED for c in ended)
    assert all(c.cause.bom_id == product.bom_ids[0] for c in ended)
    stored, fresh = stored_and_fresh(samples, DAY)
    assert product.component_id not in stored
    assert stored == fresh


def test_the_registry_sample_is_what_these_tests_assume() -> None:
    registry = json.loads((SAMPLES / "registry.json").read_text())
    expiries = {c["number"]: c["expires"] for c in registry["certificates"]}
    assert expiries[MODULE_CERTIFICATE] == MODULE_EXPIRES.isoformat()


def test_runners_settling_at_once_record_each_change_once(samples: Runtime) -> None:
    start_day(samples, DAY, claim=False)
    add_status_event(samples, MODEL_CERTIFICATE, event(CertificateStatus.REVOKED, DAY), actor="t")
    others = [Runtime(samples.settings) for _ in range(3)]
    try:
        with ThreadPoolExecutor(max_workers=len(others)) as pool:
            passes = list(pool.map(lambda runtime: settle_all(runtime, day=DAY), others))
    finally:
        for runtime in others:
            runtime.close()
    recorded = [c for settled in passes for c in settled.changes]
    assert recorded, "the revocation moved the camera"
    assert len({(c.product_id, c.group) for c in recorded}) == len(recorded)
    assert sum(1 for settled in passes if settled.changes) == 1
    stored, fresh = stored_and_fresh(samples, DAY)
    assert stored == fresh
