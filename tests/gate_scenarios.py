"""Supply chains built to talk the gate into a wrong `eligible` or `not_in_scope`: a rival
publishing for someone else's subject, a module joined only by BOM-Link, an SBOM and an AI-BOM
of one product, AI written the way generators write it, and another organisation's BOM
poisoning a shared library. The API and CLI suites both run them."""

from __future__ import annotations

import uuid
from typing import Any

from tests.builders import CAMERA_PURL, MODEL_PURL, MODULE_PURL, Json, bom, component, model

DAY = "2026-11-27"
REVIEWER = "CAICT-ER"
APP_PURL = "pkg:generic/acme/assistant@2.0"
OPENCV_PURL = "pkg:pypi/opencv-python@4.10.0.84"
INSPECTOR_PURL = "pkg:generic/acme/inspector@1.0"
LINKED_CAMERA_PURL = "pkg:generic/hikari/linked-camera@1.0"
MODULE_SERIAL = "urn:uuid:5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


def registry(*subjects: str) -> dict[str, Any]:
    """An accredited reviewer, and a certificate valid everywhere for each subject: anything
    else that is AI has none."""
    return {
        "reviewers": [
            {"id": REVIEWER, "name": "Reviewer", "accreditations": [{"from": "2026-01-01"}]}
        ],
        "certificates": [
            {
                "number": f"AIEC-TEST-{index:04d}",
                "subject": subject,
                "reviewer": REVIEWER,
                "dimensions": ["algorithmic_bias", "data_privacy", "system_controllability"],
                "issued": "2026-07-01",
                "expires": "2027-06-30",
                "destinations": ["*"],
                "sectors": ["*"],
                "events": [{"status": "active", "date": "2026-07-01"}],
            }
            for index, subject in enumerate(subjects, start=1)
        ],
    }


def hijack_module_bom() -> bytes:
    """A rival's BOM for the supplier's module: a later version, and no model in it."""
    return bom(
        component("vm", "vision-module", version="3.2.0", purl=MODULE_PURL),
        [component("lib", "zlib", version="1.3", purl="pkg:generic/zlib@1.3")],
        {"vm": ["lib"]},
        version=99,
    )


def linked_module_bom(version: int = 1) -> bytes:
    """The supplier's module as its own BOM, with a fixed serial number to link to; it has
    no purl, so only the BOM-Link joins it to the camera."""
    return bom(
        component("vm", "DI-VM9 vision module", type_="device", version="9.0"),
        [model("detector", MODEL_PURL)],
        {"vm": ["detector"]},
        serial=MODULE_SERIAL,
        version=version,
    )


def linked_camera_bom(*, versioned: bool = True, via_dependency: bool = False) -> bytes:
    """A camera naming its bought-in module the official CycloneDX way: a device with a
    `bom` external reference (or a dependsOn written as a BOM-Link), and no purl."""
    link = f"urn:cdx:{MODULE_SERIAL.removeprefix('urn:uuid:')}" + ("/1" if versioned else "")
    if via_dependency:
        return bom(
            component("camera", "linked-camera", type_="device", purl=LINKED_CAMERA_PURL),
            [component("board", "mainboard", type_="device", version="1.0")],
            {"camera": ["board"], "board": [f"{link}#vm"]},
        )
    module = component(
        "module",
        "bought-in vision module",
        type_="device",
        version="9.0",
        externalReferences=[{"type": "bom", "url": link}],
    )
    return bom(
        component("camera", "linked-camera", type_="device", purl=LINKED_CAMERA_PURL),
        [module],
        {"camera": ["module"]},
    )


def application_sbom() -> bytes:
    """The software BOM of an application: libraries only."""
    return bom(
        component("app", "assistant", type_="application", version="2.0", purl=APP_PURL),
        [component("fastapi", "fastapi", version="0.115.0", purl="pkg:pypi/fastapi@0.115.0")],
        {"app": ["fastapi"]},
        serial=f"urn:uuid:{uuid.uuid4()}",
    )


def application_aibom(serial: str | None = None) -> bytes:
    """The AI-BOM of the same application, written by another tool: its model."""
    return bom(
        component("app", "assistant", type_="application", version="2.0", purl=APP_PURL),
        [model("llm", "pkg:huggingface/acme/assistant-llm@1.0")],
        {"app": ["llm"]},
        serial=serial or f"urn:uuid:{uuid.uuid4()}",
    )


def _hosted(name: str, endpoint: str, **fields: Any) -> Json:
    """A hosted API written as a plain SaaSBOM service: no AI signal, only what it calls."""
    return {"bom-ref": "chat", "name": name, "endpoints": [endpoint], **fields}


def unmarked_ai_boms() -> dict[str, bytes]:
    """Products whose AI no BOM marks: each is written as real generators write it."""
    subject = component("p", "inspector", type_="application", version="1.0", purl=INSPECTOR_PURL)

    def calling(service: Json) -> bytes:
        return bom(subject, services=[service], dependencies={"p": ["chat"]})

    return {
        "hub purl typed library": bom(
            subject,
            [component("m", "detector", purl="pkg:huggingface/acme/detector@1.0")],
            {"p": ["m"]},
        ),
        "weights as a file": bom(
            subject, [component("w", "detector.safetensors", type_="file")], {"p": ["w"]}
        ),
        "weights as data": bom(
            subject,
            [
                component(
                    "w",
                    "detector-weights",
                    type_="data",
                    externalReferences=[
                        {"type": "distribution", "url": "https://models.example/d.gguf"}
                    ],
                )
            ],
            {"p": ["w"]},
        ),
        "hosted llm service": bom(
            subject,
            services=[
                {
                    "bom-ref": "chat",
                    "name": "completion backend",
                    "endpoints": ["https://api.openai.com/v1/chat/completions"],
                }
            ],
            dependencies={"p": ["chat"]},
        ),
        "mlflow purl typed library": bom(
            subject,
            [component("m", "churn-model", purl="pkg:mlflow/churn-model@3")],
            {"p": ["m"]},
        ),
        "weights as a file with a path": bom(
            subject,
            [
                component(
                    "w",
                    "/opt/inspector/models/qwen2.5-7b-instruct-q4_k_m.gguf",
                    type_="file",
                    version="",
                )
            ],
            {"p": ["w"]},
        ),
        "weights as data with a hub download url": bom(
            subject,
            [
                component(
                    "w",
                    "detector-weights",
                    type_="data",
                    externalReferences=[
                        {
                            "type": "distribution",
                            "url": "https://huggingface.co/acme/detector/resolve/main/"
                            "model.safetensors?download=true",
                        }
                    ],
                )
            ],
            {"p": ["w"]},
        ),
        "azure openai service": calling(
            _hosted(
                "chat backend",
                "https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions"
                "?api-version=2024-10-21",
            )
        ),
        "azure openai service on a cognitive services host": calling(
            _hosted(
                "chat backend",
                "https://contoso.cognitiveservices.azure.com/openai/deployments/prod/"
                "chat/completions?api-version=2025-01-01-preview",
            )
        ),
        "bedrock service": calling(
            _hosted(
                "summariser",
                "https://bedrock-runtime.eu-central-1.amazonaws.com/model/"
                "anthropic.claude-3-5-sonnet-20240620-v1:0/converse",
            )
        ),
        "qwen dashscope service": calling(
            _hosted(
                "assistant backend",
                "https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions",
            )
        ),
        "qwen dashscope international service": calling(
            _hosted(
                "assistant backend",
                "https://dashscope-intl.aliyuncs.com/api/v1/services/aigc/text-generation/"
                "generation",
            )
        ),
        "service named after its model": calling(
            _hosted("gpt-4o chat completions", "https://gateway.acme.example/chat")
        ),
        "hosted llm service written as xml": HOSTED_LLM_XML.encode(),
        "model deployed in a container": bom(
            subject,
            [
                component(
                    "image",
                    "inference-image",
                    type_="container",
                    components=[component("onnx", "yolo.onnx", type_="file")],
                )
            ],
            {"p": ["image"]},
        ),
    }


HOSTED_LLM_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6" serialNumber="urn:uuid:{uuid.uuid4()}" version="1">
  <metadata>
    <component type="application" bom-ref="p">
      <name>inspector</name>
      <version>1.0</version>
      <purl>{INSPECTOR_PURL}</purl>
    </component>
  </metadata>
  <services>
    <service bom-ref="chat">
      <name>completion backend</name>
      <endpoints><endpoint>https://api.openai.com/v1/chat/completions</endpoint></endpoints>
    </service>
  </services>
  <dependencies>
    <dependency ref="p"><dependency ref="chat"/></dependency>
  </dependencies>
</bom>
"""


def declared_model_with_nested_weights_bom() -> bytes:
    """A declared model whose generator lists its weight files inside it, as a file and as
    data: the weights are that model, not more models."""
    return bom(
        component("p", "inspector", type_="application", version="1.0", purl=INSPECTOR_PURL),
        [
            model(
                "m",
                MODEL_PURL,
                components=[
                    component("w1", "model-00001-of-00002.safetensors", type_="file", version=""),
                    component("w2", "model-00002-of-00002.safetensors", type_="file", version=""),
                    component(
                        "onnx",
                        "defect-detector-onnx",
                        type_="data",
                        externalReferences=[
                            {"type": "distribution", "url": "https://models.example/dd.onnx"}
                        ],
                    ),
                ],
            )
        ],
        {"p": ["m"]},
    )


def opencv_product_bom() -> bytes:
    """An inspection product that uses OpenCV, and nothing that is AI."""
    return bom(
        component("p", "inspector", type_="application", version="1.0", purl=INSPECTOR_PURL),
        [component("cv", "opencv-python", version="4.10.0.84", purl=OPENCV_PURL)],
        {"p": ["cv"]},
    )


def poisoning_bom() -> bytes:
    """Another organisation's private BOM that calls OpenCV a model, and hangs an
    uncertified model below it."""
    return bom(
        component("q", "rival-product", type_="application", purl="pkg:generic/rival/q@1.0"),
        [
            component(
                "cv",
                "opencv-python",
                type_="machine-learning-model",
                version="4.10.0.84",
                purl=OPENCV_PURL,
            ),
            model("evil", "pkg:huggingface/rival/evil@1.0"),
        ],
        {"q": ["cv"], "cv": ["evil"]},
    )


__all__ = ["CAMERA_PURL", "MODEL_PURL", "MODULE_PURL"]
