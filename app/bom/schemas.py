"""The official CycloneDX schemas that cyclonedx-python-lib bundles, compiled once per process.

The bundled files live in `cyclonedx.schema._res`, which the library marks internal; the
library version is pinned in pyproject.toml and a test checks every file is where we expect.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import orjson
from cyclonedx.schema import SchemaVersion, _res
from lxml import etree

SUPPORTED_VERSIONS: tuple[str, ...] = ("1.2", "1.3", "1.4", "1.5", "1.6", "1.7")
XML_NAMESPACE_PREFIX = "http://cyclonedx.org/schema/bom/"

# The BOM schemas refer to these by URL; the bundled copies use `.SNAPSHOT` names and the
# published ones do not, so each is registered under both.
_SUPPORTING_JSON_SCHEMAS = {
    "spdx": _res.SPDX_JSON,
    "jsf-0.82": _res.JSF,
    "cryptography-defs": _res.CRYPTOGRAPHY_DEFS,
}


def _schema_version(version: str) -> SchemaVersion:
    return SchemaVersion.from_version(version)


def json_schema_path(version: str) -> Path:
    path = _res.BOM_JSON[_schema_version(version)]
    if path is None:  # pragma: no cover - guarded by SUPPORTED_VERSIONS
        raise LookupError(f"no JSON schema for CycloneDX {version}")
    return Path(path)


def xml_schema_path(version: str) -> Path:
    path = _res.BOM_XML[_schema_version(version)]
    if path is None:  # pragma: no cover - guarded by SUPPORTED_VERSIONS
        raise LookupError(f"no XSD for CycloneDX {version}")
    return Path(path)


def _load_json(path: str | Path) -> dict[str, Any]:
    loaded: dict[str, Any] = orjson.loads(Path(path).read_bytes())
    return loaded


def _refuse_retrieval(uri: str, /) -> dict[str, Any]:
    # jsonschema-rs fetches unknown $refs over the network by default; a validator that
    # reaches out while reading an upload is both slow and a server-side request forgery.
    raise ValueError(f"schema {uri} is not bundled and will not be fetched")


@cache
def json_validator(version: str) -> Any:
    """A jsonschema-rs validator for one spec version, formats checked, no network."""
    resources: list[tuple[str, dict[str, Any]]] = []
    for name, path in _SUPPORTING_JSON_SCHEMAS.items():
        schema = _load_json(path)
        for published in (f"{name}.schema.json", f"{name}.SNAPSHOT.schema.json"):
            resources.append((f"http://cyclonedx.org/schema/{published}", schema))
    registry = jsonschema_rs.Registry(resources, retriever=_refuse_retrieval)
    return jsonschema_rs.validator_for(
        _load_json(json_schema_path(version)),
        registry=registry,
        validate_formats=True,
    )


class _LocalSchemaResolver(etree.Resolver):
    """Lets an XSD import its bundled neighbours (spdx.SNAPSHOT.xsd) and nothing else."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self._folder = folder

    def resolve(self, system_url: str | None, _public_id: str | None, context: object) -> Any:
        if system_url is None:
            return None
        candidate = self._folder / Path(system_url).name
        if candidate.is_file():
            return self.resolve_filename(str(candidate), context)
        return None


@cache
def _xsd_document(version: str) -> etree._ElementTree:
    path = xml_schema_path(version)
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalSchemaResolver(path.parent))
    return etree.parse(str(path), parser)


_per_thread = threading.local()


def xml_schema(version: str) -> etree.XMLSchema:
    """The official XSD of one spec version, compiled without network access, once per
    thread: a compiled schema keeps the error log of its last validation, and two uploads
    validated at once must not read each other's errors."""
    compiled: dict[str, etree.XMLSchema] = _per_thread.__dict__.setdefault("schemas", {})
    if version not in compiled:
        compiled[version] = etree.XMLSchema(_xsd_document(version))
    return compiled[version]
