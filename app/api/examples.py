"""Examples in the OpenAPI document, taken from `sbom_samples/`: what a client generator
and a person at /docs see is a real BOM, a real registry file and a real answer, and the
tests prove each one is accepted (or given) as shown."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI

SAMPLES = Path(__file__).resolve().parents[2] / "sbom_samples"
UPLOADS = ("/api/v1/boms", "/api/v1/export-checks")


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _example(summary: str, value: Any) -> dict[str, Any]:
    return {"summary": summary, "value": value}


def _request_examples(samples: Path) -> dict[tuple[str, str], dict[str, dict[str, Any]]]:
    """(path, media type) -> named examples of the request body."""
    registry = _read_json(samples / "registry.json")
    found: dict[tuple[str, str], dict[str, dict[str, Any]]] = {
        ("/api/v1/registry/import", "application/json"): {
            "registry": _example("sbom_samples/registry.json", registry)
        },
        ("/api/v1/certificates", "application/json"): {
            "certificate": _example(
                "A certificate of the sample registry", registry["certificates"][0]
            )
        },
        ("/api/v1/ruleset", "application/json"): {
            "ruleset": _example("The sample ruleset", registry["ruleset"])
        },
        ("/api/v1/certificates/{number}/events", "application/json"): {
            "suspension": _example(
                "Suspend as of a date",
                {"status": "suspended", "date": "2026-11-20", "reason": "finding in audit"},
            )
        },
    }
    camera = _read_json(samples / "smart-camera-v1.cdx.json")
    station = (samples / "aoi-station.cdx.xml").read_text(encoding="utf-8")
    for path in UPLOADS:
        found[(path, "application/vnd.cyclonedx+json")] = {
            "smart-camera": _example("sbom_samples/smart-camera-v1.cdx.json", camera)
        }
        found[(path, "application/vnd.cyclonedx+xml")] = {
            "aoi-station": _example("sbom_samples/aoi-station.cdx.xml", station)
        }
    return found


def _answer_examples(answers: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """path -> named examples of the 200 answer."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for file in sorted(answers.glob("*.json")):
        stored = _read_json(file)
        examples = found.setdefault(stored["path"], {})
        examples[file.stem] = _example(stored["summary"], stored["answer"])
    return found


def add_examples(document: dict[str, Any], samples: Path = SAMPLES) -> None:
    """Put the samples into an OpenAPI document, in place; without the folder (an install
    without the repository), the document simply has no examples."""
    if not samples.is_dir():
        return
    paths = document["paths"]
    for (path, media_type), examples in _request_examples(samples).items():
        content = paths[path]["post"]["requestBody"]["content"]
        content.setdefault(media_type, {})["examples"] = examples
    for path, examples in _answer_examples(samples / "answers").items():
        answer = paths[path]["get"]["responses"]["200"]["content"]["application/json"]
        answer["examples"] = examples


def with_examples(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """`app.openapi`, building the document once with the examples in it."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            add_examples(build())
        return app.openapi_schema or build()

    return openapi
