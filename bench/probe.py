"""One baseline operation, run alone in a child process; prints its timings as one JSON line."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import orjson

Timings = dict[str, Any]


def from_json(path: Path) -> Timings:
    # Imported here, not at the top: the orjson probe must not pay for the library's memory.
    from cyclonedx.model.bom import Bom  # noqa: PLC0415 - see above

    data = path.read_bytes()
    started = time.perf_counter()
    document = json.loads(data)
    loaded = time.perf_counter()
    bom = Bom.from_json(document)  # type: ignore[attr-defined]
    finished = time.perf_counter()
    return {
        "seconds": finished - started,
        "json_loads_seconds": loaded - started,
        "from_json_seconds": finished - loaded,
        "components": len(bom.components),
    }


def from_xml(path: Path) -> Timings:
    from cyclonedx.model.bom import Bom  # noqa: PLC0415 - as in from_json

    started = time.perf_counter()
    # A text file is what the library documents; it reads and parses the XML itself.
    with path.open(encoding="utf-8") as stream:
        bom = Bom.from_xml(stream)  # type: ignore[attr-defined]
    finished = time.perf_counter()
    return {"seconds": finished - started, "components": len(bom.components)}


def orjson_loads(path: Path) -> Timings:
    data = path.read_bytes()
    started = time.perf_counter()
    document = orjson.loads(data)
    finished = time.perf_counter()
    # What the file holds, counted after the clock stops: the report's header comes from here
    # so that the parent never loads the document (its memory would show in later children).
    components = document["components"]
    return {
        "seconds": finished - started,
        "spec_version": document["specVersion"],
        "components": len(components),
        "models": sum(1 for item in components if item["type"] == "machine-learning-model"),
        "datasets": sum(1 for item in components if item["type"] == "data"),
        "dependency_edges": sum(
            len(entry.get("dependsOn", ())) for entry in document["dependencies"]
        ),
    }


OPERATIONS: dict[str, Callable[[Path], Timings]] = {
    "from-json": from_json,
    "from-xml": from_xml,
    "orjson-loads": orjson_loads,
}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("operation", choices=sorted(OPERATIONS))
    parser.add_argument("path", type=Path)
    args = parser.parse_args(argv)
    print(json.dumps(OPERATIONS[args.operation](args.path)))


if __name__ == "__main__":
    main()
