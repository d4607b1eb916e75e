"""The sample supply chain in sbom_samples/: every file is stored, and the camera and the
inspection station reach the supplier's defect-detection model through the supplier's BOM,
whatever order the files arrive in; MJ-Guard is one product of an SBOM and an AI-BOM, and the
X-ray inspector reaches its AI module's model only through a BOM-Link."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from app.domain.product_slice import Question
from app.services.checks import check_export
from app.services.components import resolve_component, where_used
from app.services.ingest import ingest_bom
from app.services.products import list_products
from app.services.registry import import_registry
from app.services.runtime import Runtime
from tests.conftest import SAMPLE_REGISTRY, SAMPLES

DETECTOR = "pkg:huggingface/deepinspect/defect-detector@2.1.0"
SAMPLE_FILES = sorted(SAMPLES.glob("*.cdx.*"))
GATEWAY = "pkg:generic/mingjian-tech/mj-guard-gateway@5.2.0"
GATEWAY_SBOM = "content-moderation-gateway.sbom.cdx.json"
GATEWAY_AIBOM = "content-moderation-gateway.aibom.cdx.json"
INSPECTOR = "pkg:generic/kewei-equipment/kw-x7-xray-inspector@1.2"
INSPECTOR_BOM = "xray-battery-inspector.cdx.json"
AI_MODULE_BOM = "huiyan-xray-ai-module.cdx.json"
OVERHANG_DETECTOR = "pkg:huggingface/huiyan-ai/anode-overhang-detector@1.6.0"
TO_GERMANY = Question("DE", dt.date(2026, 11, 27))


def import_sample_registry(runtime: Runtime) -> None:
    import_registry(runtime, json.loads(SAMPLE_REGISTRY.read_bytes()), actor="tests")


def ingest_all(runtime: Runtime, paths: list[Path]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for path in paths:
        result = ingest_bom(runtime, path.read_bytes(), None)
        assert result.created
        ids[path.name] = result.bom_id
    return ids


@pytest.mark.parametrize("reverse", [False, True], ids=["forward", "reversed"])
def test_products_reach_the_supplier_model_through_its_bom(runtime: Runtime, reverse: bool) -> None:
    ids = ingest_all(runtime, list(reversed(SAMPLE_FILES)) if reverse else SAMPLE_FILES)
    supplier_bom = ids["deepinspect-vision-module.cdx.json"]
    with runtime.reading() as uow:
        uses = where_used(uow, runtime.cache, resolve_component(uow, DETECTOR).id)
    paths = {use.product: use.path for use in uses}
    assert set(paths) == {
        "DI-VM3 Vision Module@3.2.0",
        "HV-S3 Smart Inspection Camera@1.0",
        "JC-AOI 560 Automated Optical Inspection Station@2.3",
    }
    camera = paths["HV-S3 Smart Inspection Camera@1.0"]
    assert camera[-1].parent == "DI-VM3 Vision Module@3.2.0"
    assert camera[-1].bom_ids == (supplier_bom,)
    # The camera's current BOM is version 2, whichever file arrived last.
    assert camera[0].bom_ids == (ids["smart-camera-v2.cdx.json"],)


def test_every_sample_is_a_product_and_only_one_has_no_ai(runtime: Runtime) -> None:
    ingest_all(runtime, SAMPLE_FILES)
    with runtime.reading() as uow:
        products = list_products(uow, runtime.cache).items
    # Two BOMs of one camera (one current), and MJ-Guard's SBOM and AI-BOM (both current).
    assert len(products) == len(SAMPLE_FILES) - 2
    without_ai = [p.product.name for p in products if p.ai_components == 0]
    assert without_ai == ["LF-PSC3000 power supply controller firmware"]


def test_the_sbom_and_the_ai_bom_of_mj_guard_are_answered_as_one_product(
    runtime: Runtime,
) -> None:
    import_sample_registry(runtime)
    ids = ingest_all(runtime, [SAMPLES / GATEWAY_SBOM])
    # The build system's SBOM alone lists libraries only: no AI, nothing to certify.
    alone = check_export(runtime, GATEWAY, TO_GERMANY, record=False).answer()
    assert alone["decision"] == "not_in_scope"
    ids |= ingest_all(runtime, [SAMPLES / GATEWAY_AIBOM])
    sbom, aibom = ids[GATEWAY_SBOM], ids[GATEWAY_AIBOM]
    answer = check_export(runtime, GATEWAY, TO_GERMANY, record=False).answer()
    assert answer["decision"] == "ineligible"
    assert answer["sector"] == "content-moderation"  # said by the SBOM only
    assert {bom["id"] for bom in answer["boms"]} == {sbom, aibom}
    (blocker,) = answer["blocking"]
    assert (blocker["component"]["name"], blocker["reason"]) == (
        "mj-image-safety@2.0.0",
        "no_certificate",
    )
    # The model is found through the AI-BOM, and only through it.
    assert [(s["parent"], s["child"], s["bom_ids"]) for s in blocker["path"]] == [
        ("MJ-Guard Content Moderation Gateway@5.2.0", "mj-image-safety@2.0.0", [aibom])
    ]
    verified = {(v["component"], v["certificate"]) for v in answer["verified"]}
    assert verified == {
        ("MJ-Guard Content Moderation Gateway@5.2.0", "AIEC-2026-000433"),
        ("mj-text-safety@3.1.0", "AIEC-2026-000427"),
    }
    codes = {w["code"] for w in answer["warnings"]}
    assert {"several_current_boms", "claimed_certificate_unverified"} <= codes


@pytest.mark.parametrize("module_first", [False, True], ids=["link_first", "module_first"])
def test_the_inspector_reaches_its_module_model_only_through_the_bom_link(
    runtime: Runtime, module_first: bool
) -> None:
    import_sample_registry(runtime)
    files = [SAMPLES / INSPECTOR_BOM, SAMPLES / AI_MODULE_BOM]
    ids = ingest_all(runtime, list(reversed(files)) if module_first else files)
    with runtime.reading() as uow:
        uses = where_used(uow, runtime.cache, resolve_component(uow, OVERHANG_DETECTOR).id)
    paths = {use.product: use.path for use in uses}
    assert set(paths) == {
        "HY-X2 Edge AI Module for X-ray Inspection@2.0.3",
        "KW-X7 Inline X-ray Battery Cell Inspector@1.2",
    }
    steps = [
        (step.parent, step.child, step.kind, step.bom_ids)
        for step in paths["KW-X7 Inline X-ray Battery Cell Inspector@1.2"]
    ]
    assert steps == [
        ("KW-X7 Inline X-ray Battery Cell Inspector@1.2", "HY-X2 X-ray AI module@2.0",
         "dependency", (ids[INSPECTOR_BOM],)),
        ("HY-X2 X-ray AI module@2.0", "HY-X2 Edge AI Module for X-ray Inspection@2.0.3",
         "bom_link", (ids[INSPECTOR_BOM],)),
        ("HY-X2 Edge AI Module for X-ray Inspection@2.0.3", "anode-overhang-detector@1.6.0",
         "dependency", (ids[AI_MODULE_BOM],)),
    ]  # fmt: skip
    answer = check_export(runtime, INSPECTOR, TO_GERMANY, record=False).answer()
    assert answer["decision"] == "eligible"
    assert {bom["id"] for bom in answer["boms"]} == {ids[INSPECTOR_BOM], ids[AI_MODULE_BOM]}
    assert ("anode-overhang-detector@1.6.0", "AIEC-2026-000447") in {
        (v["component"], v["certificate"]) for v in answer["verified"]
    }
    assert "linked_bom_missing" not in {w["code"] for w in answer["warnings"]}


def test_without_the_module_bom_the_link_leads_nowhere_and_says_so(runtime: Runtime) -> None:
    import_sample_registry(runtime)
    ingest_all(runtime, [SAMPLES / INSPECTOR_BOM])
    answer = check_export(runtime, INSPECTOR, TO_GERMANY, record=False).answer()
    assert answer["decision"] == "not_in_scope"
    assert "linked_bom_missing" in {w["code"] for w in answer["warnings"]}
