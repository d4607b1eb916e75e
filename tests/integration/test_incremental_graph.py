"""The portfolio graph kept up to date from the change log: after any sequence of uploads,
supersessions, retirements and BOM-Links arriving before or after their targets, the graph a
process changed in place answers exactly as one built at once from the same database, and
another process sees each change on its next read without building its graph again."""

from __future__ import annotations

import datetime as dt
import random
import threading
from typing import Any

import pytest

from app.config import Settings
from app.domain.product_slice import Question
from app.services.checks import check_export
from app.services.ingest import ingest_bom
from app.services.ownership import retire_bom
from app.services.portfolio import PortfolioCache
from app.services.runtime import Runtime
from tests.builders import Json, bom, component
from tests.unit.graph.portfolios import everything

SUBJECTS = [f"pkg:generic/acme/product-{i}@1.0" for i in range(4)]
LIBRARIES = [f"pkg:pypi/lib-{i}@1.0" for i in range(8)]
MODELS = [f"pkg:huggingface/acme/model-{i}@1.0" for i in range(2)]
DAY = dt.date(2026, 11, 27)


def serial(product: int, lineage: int) -> str:
    return f"urn:uuid:00000000-0000-4000-8000-{product:06d}{lineage:06d}"


def link_to(product: int, lineage: int, version: int | None) -> str:
    text = "urn:cdx:" + serial(product, lineage).removeprefix("urn:uuid:")
    return text if version is None else f"{text}/{version}"


class World:
    """A random history of one small portfolio, written through the use cases."""

    def __init__(self, runtime: Runtime, seed: int) -> None:
        self.runtime = runtime
        self.random = random.Random(seed)  # noqa: S311 - a reproducible history, not a secret
        self.versions: dict[tuple[int, int], int] = {}
        self.stored: list[int] = []
        # Steps that changed what is stored (a retired BOM retired again changes nothing).
        self.changes = 0

    def document(self, product: int, lineage: int, version: int) -> bytes:
        pick = self.random
        parts: list[Json] = []
        refs = ["s"]
        for index in sorted(pick.sample(range(len(LIBRARIES)), pick.randint(1, 4))):
            item = component(f"lib{index}", f"lib-{index}", purl=LIBRARIES[index])
            if pick.random() < 0.2:
                # Nesting: a part listed inside another.
                item["components"] = [
                    component(f"inner{index}", f"inner-{index}", purl=f"pkg:npm/inner-{index}@1")
                ]
            parts.append(item)
            refs.append(f"lib{index}")
        if pick.random() < 0.5:
            index = pick.randrange(len(MODELS))
            name = f"model-{index}"
            model: Json = component(
                f"model{index}", name, type_="machine-learning-model", purl=MODELS[index]
            )
            if pick.random() < 0.5:
                # Lineage: the model's dataset.
                model["modelCard"] = {"modelParameters": {"datasets": [{"ref": "data"}]}}
                parts.append(component("data", "training-set", type_="data"))
            parts.append(model)
            refs.append(f"model{index}")
        if pick.random() < 0.4:
            # Another product inside this one, by identity (expanded through its BOMs).
            other = pick.choice([p for p in range(len(SUBJECTS)) if p != product])
            parts.append(component("sub", f"product-{other}", purl=SUBJECTS[other]))
            refs.append("sub")
        dependencies: dict[str, list[str]] = {
            ref: sorted(set(pick.sample(refs[1:], min(len(refs) - 1, pick.randint(0, 2)))))
            for ref in refs
        }
        dependencies["s"] = sorted(set(dependencies["s"]) | {refs[1]})
        if pick.random() < 0.4:
            # A BOM-Link, to a BOM that may not be stored yet (or never be).
            other = pick.choice([p for p in range(len(SUBJECTS)) if p != product])
            target = link_to(other, pick.randrange(2), pick.choice([None, 1, 2]))
            if pick.random() < 0.5:
                parts.append(
                    component(
                        "bought",
                        "bought-in module",
                        type_="device",
                        externalReferences=[{"type": "bom", "url": target}],
                    )
                )
                dependencies["s"].append("bought")
            else:
                dependencies["s"].append(f"{target}#s")
        return bom(
            component("s", f"product-{product}", type_="device", purl=SUBJECTS[product]),
            parts,
            dependencies,
            serial=serial(product, lineage),
            version=version,
        )

    def step(self) -> str:
        pick = self.random
        if self.stored and pick.random() < 0.15:
            bom_id = pick.choice(self.stored)
            try:
                retire_bom(self.runtime, bom_id, reason="test", viewer=None, actor="tests")
            except Exception:  # noqa: BLE001 - ended already: nothing changed, as a user sees
                return f"retire {bom_id} (ended already)"
            self.changes += 1
            return f"retire {bom_id}"
        product, lineage = pick.randrange(len(SUBJECTS)), pick.randrange(2)
        latest = self.versions.get((product, lineage), 0)
        # Mostly the next version; sometimes an older one arriving late.
        version = latest + 1 if latest == 0 or pick.random() < 0.8 else pick.randint(1, latest)
        self.versions[(product, lineage)] = max(latest, version)
        supersedes = ["all"] if pick.random() < 0.15 else []
        data = self.document(product, lineage, version)
        result = ingest_bom(self.runtime, data, None, supersedes=supersedes)
        if result.created:
            self.stored.append(result.bom_id)
            self.changes += 1
        return f"upload product {product} lineage {lineage} v{version} {supersedes}"


def built_at_once(runtime: Runtime) -> dict[str, Any]:
    with runtime.reading() as uow:
        return everything(PortfolioCache().current(uow))


def kept(runtime: Runtime) -> dict[str, Any]:
    with runtime.reading() as uow:
        return everything(runtime.cache.current(uow))


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_graph_changed_upload_by_upload_answers_as_one_built_at_once(
    runtime: Runtime, seed: int
) -> None:
    world = World(runtime, seed)
    kept(runtime)
    for number in range(30):
        done = world.step()
        assert kept(runtime) == built_at_once(runtime), f"step {number}: {done}"
    # One build, then one delta for each change, however many BOMs it touched.
    assert runtime.cache.builds == 1
    assert runtime.cache.deltas == world.changes


def test_another_process_sees_an_upload_on_its_next_check_without_a_rebuild(
    settings: Settings,
) -> None:
    reader, writer = Runtime(settings), Runtime(settings)
    try:
        world = World(writer, seed=7)
        world.step()
        product = SUBJECTS[0]
        ingest_bom(writer, World(writer, 8).document(0, 0, 1), None)
        before = check_export(reader, product, Question("DE", DAY), record=False)
        assert reader.cache.builds == 1
        retire_all = [world.step() for _ in range(5)]
        ingest_bom(writer, World(writer, 9).document(0, 1, 1), None)

        after = check_export(reader, product, Question("DE", DAY), record=False)

        assert reader.cache.builds == 1, retire_all
        assert reader.cache.deltas >= 1
        assert kept(reader) == built_at_once(reader)
        assert after.boms != before.boms
    finally:
        reader.close()
        writer.close()


def test_a_change_waits_for_a_unit_of_work_still_reading_the_graph(runtime: Runtime) -> None:
    world = World(runtime, seed=11)
    world.step()
    holding = threading.Event()
    release = threading.Event()
    seen: dict[str, Any] = {}

    def long_read() -> None:
        with runtime.reading() as uow:
            graph = runtime.cache.current(uow)
            seen["before"] = graph.products()
            holding.set()
            release.wait(timeout=30)
            # Whatever was committed meanwhile, this unit of work's graph did not move.
            seen["during"] = graph.products()

    def later_read() -> None:
        with runtime.reading() as uow:
            seen["later"] = runtime.cache.current(uow).products()
            seen["later_at"] = release.is_set()

    first = threading.Thread(target=long_read)
    first.start()
    assert holding.wait(timeout=30)
    for _ in range(3):
        world.step()
    second = threading.Thread(target=later_read)
    second.start()
    second.join(timeout=0.5)
    assert second.is_alive(), "the change must wait for the unit of work reading the graph"
    release.set()
    first.join(timeout=30)
    second.join(timeout=30)

    assert seen["during"] == seen["before"]
    assert seen["later_at"] is True
    assert seen["later"] == built_at_once(runtime)["products"]
    assert runtime.cache.builds == 1


def test_a_process_far_behind_builds_its_graph_again(runtime: Runtime) -> None:
    runtime.cache = PortfolioCache(delta_limit=2)
    world = World(runtime, seed=5)
    world.step()
    kept(runtime)
    for _ in range(3):
        world.step()

    assert kept(runtime) == built_at_once(runtime)
    assert runtime.cache.builds == 2
