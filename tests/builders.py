"""Small CycloneDX documents built in tests, so each test shows exactly what it feeds in."""

from __future__ import annotations

import json
import uuid
from typing import Any

Json = dict[str, Any]


def component(
    ref: str,
    name: str | None = None,
    *,
    type_: str = "library",
    version: str = "1.0.0",
    purl: str | None = None,
    **fields: Any,
) -> Json:
    item: Json = {"type": type_, "bom-ref": ref, "name": name or ref, "version": version}
    if purl is not None:
        item["purl"] = purl
    item.update(fields)
    return item


def model(ref: str, purl: str, **fields: Any) -> Json:
    """A machine-learning model named and versioned as its purl says."""
    name, _, version = purl.rsplit("/", 1)[1].partition("@")
    return component(
        ref, name, type_="machine-learning-model", version=version, purl=purl, **fields
    )


def bom(
    subject: Json | None,
    components: list[Json] | None = None,
    dependencies: dict[str, list[str]] | None = None,
    *,
    version: int = 1,
    spec: str = "1.6",
    services: list[Json] | None = None,
    serial: str | None = None,
    **fields: Any,
) -> bytes:
    document: Json = {
        "bomFormat": "CycloneDX",
        "specVersion": spec,
        "serialNumber": serial or f"urn:uuid:{uuid.uuid4()}",
        "version": version,
    }
    if subject is not None:
        document["metadata"] = {"component": subject}
    if components is not None:
        document["components"] = components
    if services is not None:
        document["services"] = services
    if dependencies is not None:
        document["dependencies"] = [
            {"ref": ref, "dependsOn": targets} for ref, targets in dependencies.items()
        ]
    document.update(fields)
    return json.dumps(document, indent=2).encode()


CAMERA_PURL = "pkg:generic/hikari/smart-camera@4.0"
MODULE_PURL = "pkg:generic/deepinspect/vision-module@3.2.0"
MODEL_PURL = "pkg:huggingface/deepinspect/defect-detector@2.1.0"


def camera_bom(version: int = 1, extra: list[Json] | None = None) -> bytes:
    """A camera whose vision module comes from a supplier (see supplier_module_bom)."""
    components = [
        component(
            "board", "mainboard", type_="device", version="1.0", purl="pkg:generic/hikari/board@1.0"
        ),
        component("module", "vision-module", version="3.2.0", purl=MODULE_PURL),
        *(extra or []),
    ]
    dependencies = {"camera": ["board"], "board": ["module"]}
    return bom(
        component("camera", "smart-camera", type_="device", version="4.0", purl=CAMERA_PURL),
        components,
        dependencies,
        version=version,
    )


def supplier_module_bom() -> bytes:
    """The supplier's own BOM of the vision module: it holds the defect-detection model."""
    return bom(
        component("vm", "vision-module", version="3.2.0", purl=MODULE_PURL),
        [
            model(
                "detector",
                MODEL_PURL,
                modelCard={"modelParameters": {"datasets": [{"ref": "images"}]}},
            ),
            component("images", "defect-images", type_="data"),
            component(
                "runtime", "onnxruntime", version="1.18.0", purl="pkg:pypi/onnxruntime@1.18.0"
            ),
        ],
        {"vm": ["detector", "runtime"], "detector": ["runtime"]},
        spec="1.7",
    )
