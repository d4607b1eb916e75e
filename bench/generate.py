"""Deterministic CycloneDX 1.6 BOMs, as JSON and as the equivalent XML, for benchmarks."""

from __future__ import annotations

import argparse
import random
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson
from lxml import etree

SPEC_VERSION = "1.6"
XML_NAMESPACE = f"http://cyclonedx.org/schema/bom/{SPEC_VERSION}"
DEFAULT_SEED = 20_240_601
DEFAULT_OUT = Path(__file__).resolve().parent / "data"

MODEL_SHARE = 0.05
DATA_SHARE = 0.01
DEPENDS_ON = 3
SUBJECT_DEPENDS_ON = 10
MAX_DATASETS_PER_MODEL = 3
# Fixed, so that one seed always gives the same bytes (and the same SHA-256 on ingest).
TIMESTAMP = "2024-06-01T00:00:00Z"

# Most of a real Python product's inventory is libraries; a few frameworks and applications.
_ORDINARY_TYPES = ("library", "framework", "application")
_ORDINARY_WEIGHTS = (85, 10, 5)
_SYLLABLES = (
    "ar",
    "bo",
    "cy",
    "da",
    "el",
    "fu",
    "gi",
    "ho",
    "io",
    "ja",
    "ke",
    "lu",
    "mo",
    "ny",
    "or",
    "pa",
    "qu",
    "ri",
    "so",
    "tu",
    "ur",
    "vi",
    "wo",
    "xe",
    "yo",
    "za",
)
_TASKS = ("text-classification", "translation", "summarization", "image-classification")
_SUPPLIER_COUNT = 200

Json = dict[str, Any]


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(syllables))


def _version(rng: random.Random) -> str:
    return f"{rng.randint(0, 9)}.{rng.randint(0, 40)}.{rng.randint(0, 20)}"


def _hashes(rng: random.Random) -> list[Json]:
    return [{"alg": "SHA-256", "content": f"{rng.getrandbits(256):064x}"}]


def _kinds(components: int, rng: random.Random) -> list[str]:
    """The type of each listed component: 5 % models, a few datasets, the rest ordinary."""
    models = round(components * MODEL_SHARE)
    datasets = max(1, round(components * DATA_SHARE)) if models else 0
    ordinary = components - models - datasets
    kinds = ["machine-learning-model"] * models + ["data"] * datasets
    kinds += rng.choices(_ORDINARY_TYPES, weights=_ORDINARY_WEIGHTS, k=ordinary)
    rng.shuffle(kinds)
    return kinds


def _component(index: int, kind: str, rng: random.Random, suppliers: Sequence[str]) -> Json:
    name = f"{_word(rng, 3)}-{index}"
    if kind in ("machine-learning-model", "data"):
        # Hugging Face revisions are commit hashes; the namespace is the publishing org.
        org = f"org-{_word(rng, 2)}"
        version = f"{rng.getrandbits(160):040x}"
        purl = f"pkg:huggingface/{org}/{name}@{version}"
    else:
        version = _version(rng)
        purl = f"pkg:pypi/{name}@{version}"
    return {
        "type": kind,
        "bom-ref": purl,
        "supplier": {"name": rng.choice(suppliers)},
        "name": name,
        "version": version,
        "hashes": _hashes(rng),
        "purl": purl,
    }


def _model_card(rng: random.Random, dataset_refs: Sequence[str]) -> Json:
    chosen = rng.sample(
        dataset_refs, rng.randint(1, min(MAX_DATASETS_PER_MODEL, len(dataset_refs)))
    )
    return {
        "modelParameters": {
            "approach": {"type": "supervised"},
            "task": rng.choice(_TASKS),
            "datasets": [{"ref": ref} for ref in chosen],
        }
    }


def _dependencies(subject_ref: str, refs: Sequence[str], rng: random.Random) -> list[Json]:
    """Every component gets an entry; each depends on up to DEPENDS_ON distinct components
    later in the list, so the graph is acyclic and no dependsOn list repeats a ref."""
    count = len(refs)
    entries: list[Json] = [{"ref": subject_ref, "dependsOn": list(refs[:SUBJECT_DEPENDS_ON])}]
    for index, ref in enumerate(refs):
        later = range(index + 1, count)
        targets = rng.sample(later, min(DEPENDS_ON, len(later)))
        entry: Json = {"ref": ref}
        if targets:
            entry["dependsOn"] = [refs[target] for target in targets]
        entries.append(entry)
    return entries


def generate_bom(components: int, seed: int) -> Json:
    """A schema-valid CycloneDX 1.6 JSON document with `components` listed components and
    about DEPENDS_ON dependency edges per component; the same seed gives the same document."""
    if components < 1:
        raise ValueError("a BOM needs at least one component")
    rng = random.Random(seed)
    suppliers = [
        f"{_word(rng, 2).title()} {_word(rng, 3).title()} Ltd" for _ in range(_SUPPLIER_COUNT)
    ]
    listed = [
        _component(index, kind, rng, suppliers)
        for index, kind in enumerate(_kinds(components, rng))
    ]
    dataset_refs = [item["bom-ref"] for item in listed if item["type"] == "data"]
    for item in listed:
        if item["type"] == "machine-learning-model":
            item["modelCard"] = _model_card(rng, dataset_refs)
    subject: Json = {
        "type": "application",
        "bom-ref": "pkg:pypi/bench-product@1.0.0",
        "supplier": {"name": suppliers[0]},
        "name": "bench-product",
        "version": "1.0.0",
        "purl": "pkg:pypi/bench-product@1.0.0",
    }
    refs = [item["bom-ref"] for item in listed]
    return {
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": uuid.UUID(int=rng.getrandbits(128), version=4).urn,
        "version": 1,
        "metadata": {"timestamp": TIMESTAMP, "component": subject},
        "components": listed,
        "dependencies": _dependencies(subject["bom-ref"], refs, rng),
    }


def _sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{XML_NAMESPACE}}}{name}")
    if text is not None:
        element.text = text
    return element


# The component fields generate_bom writes, in the order the 1.6 XSD's sequence demands.
_COMPONENT_FIELDS = (
    "type",
    "bom-ref",
    "supplier",
    "name",
    "version",
    "hashes",
    "purl",
    "modelCard",
)


def _component_xml(parent: etree._Element, item: Mapping[str, Any]) -> None:
    unknown = set(item) - set(_COMPONENT_FIELDS)
    if unknown:
        # Silently dropping a field would make the two files differ in what they say.
        raise ValueError(f"to_xml does not know the component fields {sorted(unknown)}")
    element = _sub(parent, "component")
    element.set("type", item["type"])
    element.set("bom-ref", item["bom-ref"])
    if "supplier" in item:
        _sub(_sub(element, "supplier"), "name", item["supplier"]["name"])
    _sub(element, "name", item["name"])
    if "version" in item:
        _sub(element, "version", item["version"])
    if "hashes" in item:
        hashes = _sub(element, "hashes")
        for entry in item["hashes"]:
            _sub(hashes, "hash", entry["content"]).set("alg", entry["alg"])
    if "purl" in item:
        _sub(element, "purl", item["purl"])
    if "modelCard" in item:
        parameters = item["modelCard"]["modelParameters"]
        xml_parameters = _sub(_sub(element, "modelCard"), "modelParameters")
        _sub(_sub(xml_parameters, "approach"), "type", parameters["approach"]["type"])
        _sub(xml_parameters, "task", parameters["task"])
        datasets = _sub(xml_parameters, "datasets")
        for dataset in parameters["datasets"]:
            _sub(datasets, "ref", dataset["ref"])


def to_xml(doc: Mapping[str, Any]) -> bytes:
    """The CycloneDX 1.6 XML saying what a generate_bom document says."""
    root = etree.Element(f"{{{XML_NAMESPACE}}}bom", nsmap={None: XML_NAMESPACE})
    root.set("serialNumber", doc["serialNumber"])
    root.set("version", str(doc["version"]))
    metadata = _sub(root, "metadata")
    _sub(metadata, "timestamp", doc["metadata"]["timestamp"])
    _component_xml(metadata, doc["metadata"]["component"])
    components = _sub(root, "components")
    for item in doc["components"]:
        _component_xml(components, item)
    dependencies = _sub(root, "dependencies")
    for entry in doc["dependencies"]:
        dependency = _sub(dependencies, "dependency")
        dependency.set("ref", entry["ref"])
        for target in entry.get("dependsOn", ()):
            _sub(dependency, "dependency").set("ref", target)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def bom_paths(components: int, out: Path = DEFAULT_OUT) -> tuple[Path, Path]:
    return out / f"bom-{components}.cdx.json", out / f"bom-{components}.cdx.xml"


def write_boms(
    components: int, seed: int = DEFAULT_SEED, out: Path = DEFAULT_OUT
) -> tuple[Path, Path]:
    """Write the JSON and XML files of one generated BOM; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    json_path, xml_path = bom_paths(components, out)
    doc = generate_bom(components, seed)
    json_path.write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2))
    xml_path.write_bytes(to_xml(doc))
    return json_path, xml_path


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--components", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    for path in write_boms(args.components, args.seed, args.out):
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
