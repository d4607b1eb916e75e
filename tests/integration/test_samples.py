"""The sample supply chain in sbom_samples/: every file is stored, and the camera and the
inspection station reach the supplier's defect-detection model through the supplier's BOM,
whatever order the files arrive in."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.catalogue import list_products, resolve_component, where_used
from app.services.ingest import ingest_bom
from app.services.runtime import Runtime
from tests.conftest import SAMPLES

DETECTOR = "pkg:huggingface/deepinspect/defect-detector@2.1.0"
SAMPLE_FILES = sorted(SAMPLES.glob("*.cdx.*"))


def ingest_all(runtime: Runtime, paths: list[Path]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for path in paths:
        with runtime.writing() as uow:
            result = ingest_bom(uow, path.read_bytes(), None, runtime.limits)
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
        products = list_products(uow, runtime.cache)
    # Two BOMs of one camera (one current), and MJ-Guard's SBOM and AI-BOM (both current).
    assert len(products) == len(SAMPLE_FILES) - 2
    without_ai = [p.product.name for p in products if p.ai_components == 0]
    assert without_ai == ["LF-PSC3000 power supply controller firmware"]
