"""Bring a CycloneDX XML document into the shape of its JSON form, once, for the fields
exportgate reads, so that one translator serves both formats."""

from __future__ import annotations

from typing import Any

from lxml import etree

Json = dict[str, Any]


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local(child.tag) == name]


def _child(element: etree._Element, name: str) -> etree._Element | None:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _text(element: etree._Element, name: str) -> str | None:
    child = _child(element, name)
    if child is None or child.text is None:
        return None
    return child.text.strip()


def _organisation(element: etree._Element | None) -> Json | None:
    if element is None:
        return None
    name = _text(element, "name")
    return {"name": name} if name is not None else {}


def _properties(element: etree._Element) -> list[Json]:
    container = _child(element, "properties")
    if container is None:
        return []
    return [
        {"name": prop.get("name", ""), "value": (prop.text or "").strip()}
        for prop in _children(container, "property")
    ]


def _hashes(element: etree._Element) -> list[Json]:
    container = _child(element, "hashes")
    if container is None:
        return []
    return [
        {"alg": item.get("alg", ""), "content": (item.text or "").strip()}
        for item in _children(container, "hash")
    ]


def _external_references(element: etree._Element) -> list[Json]:
    container = _child(element, "externalReferences")
    if container is None:
        return []
    references = []
    for reference in _children(container, "reference"):
        entry: Json = {"type": reference.get("type", ""), "url": _text(reference, "url") or ""}
        comment = _text(reference, "comment")
        if comment is not None:
            entry["comment"] = comment
        references.append(entry)
    return references


def _common(element: etree._Element, location: str) -> Json:
    shaped: Json = {"__location__": location}
    for attribute in ("type", "bom-ref", "isExternal"):
        if element.get(attribute) is not None:
            shaped[attribute] = element.get(attribute)
    # Inline datasets (componentDataType) carry their type as an element, not an attribute.
    if "type" not in shaped and (data_type := _text(element, "type")) is not None:
        shaped["type"] = data_type
    for field in ("group", "name", "version", "description", "purl", "cpe", "versionRange"):
        value = _text(element, field)
        if value is not None:
            shaped[field] = value
    for field, organisation in (
        ("supplier", _child(element, "supplier")),
        ("provider", _child(element, "provider")),
    ):
        if organisation is not None:
            shaped[field] = _organisation(organisation)
    swid = _child(element, "swid")
    if swid is not None:
        shaped["swid"] = {"tagId": swid.get("tagId", ""), "name": swid.get("name", "")}
    if hashes := _hashes(element):
        shaped["hashes"] = hashes
    if properties := _properties(element):
        shaped["properties"] = properties
    if references := _external_references(element):
        shaped["externalReferences"] = references
    return shaped


def _datasets(model_card: etree._Element, location: str) -> list[Json]:
    parameters = _child(model_card, "modelParameters")
    container = None if parameters is None else _child(parameters, "datasets")
    if container is None:
        return []
    datasets: list[Json] = []
    for index, item in enumerate(container):
        name = _local(item.tag)
        where = f"{location}/modelCard/modelParameters/datasets/*[{index + 1}]"
        if name == "ref":
            datasets.append({"ref": (item.text or "").strip()})
        elif name == "dataset":
            datasets.append(_common(item, where))
    return datasets


def _component(element: etree._Element, location: str) -> Json:
    shaped = _common(element, location)
    model_card = _child(element, "modelCard")
    if model_card is not None:
        shaped["modelCard"] = {"modelParameters": {"datasets": _datasets(model_card, location)}}
    pedigree = _child(element, "pedigree")
    ancestors = None if pedigree is None else _child(pedigree, "ancestors")
    if ancestors is not None:
        shaped["pedigree"] = {
            "ancestors": [
                _component(item, f"{location}/pedigree/ancestors/component[{index + 1}]")
                for index, item in enumerate(_children(ancestors, "component"))
            ]
        }
    nested = _child(element, "components")
    if nested is not None:
        shaped["components"] = _component_list(nested, location + "/components")
    nested_services = _child(element, "services")
    if nested_services is not None:
        shaped["services"] = _service_list(nested_services, location + "/services")
    return shaped


def _component_list(container: etree._Element, location: str) -> list[Json]:
    return [
        _component(item, f"{location}/component[{index + 1}]")
        for index, item in enumerate(_children(container, "component"))
    ]


def _service_list(container: etree._Element, location: str) -> list[Json]:
    services = []
    for index, item in enumerate(_children(container, "service")):
        where = f"{location}/service[{index + 1}]"
        shaped = _common(item, where)
        nested = _child(item, "services")
        if nested is not None:
            shaped["services"] = _service_list(nested, where + "/services")
        services.append(shaped)
    return services


def _dependencies(container: etree._Element) -> list[Json]:
    # XML nests dependency elements; JSON lists each ref once with its direct dependsOn.
    # 1.6+ `provides` children are deliberately not read: they are not dependency edges.
    entries = []
    for dependency in _children(container, "dependency"):
        entries.append(
            {
                "ref": dependency.get("ref", ""),
                "dependsOn": [
                    child.get("ref", "") for child in _children(dependency, "dependency")
                ],
            }
        )
        entries.extend(_dependencies(dependency))
    return entries


def _compositions(container: etree._Element) -> list[Json]:
    compositions = []
    for composition in _children(container, "composition"):
        shaped: Json = {"aggregate": _text(composition, "aggregate") or ""}
        assemblies = _child(composition, "assemblies")
        if assemblies is not None:
            shaped["assemblies"] = [
                item.get("ref", "") for item in _children(assemblies, "assembly")
            ]
        dependencies = _child(composition, "dependencies")
        if dependencies is not None:
            shaped["dependencies"] = [
                item.get("ref", "") for item in _children(dependencies, "dependency")
            ]
        compositions.append(shaped)
    return compositions


def xml_to_json_shape(root: etree._Element, spec_version: str) -> Json:
    """The JSON form of the fields exportgate reads; `__location__` keys carry XPaths."""
    shaped: Json = {"bomFormat": "CycloneDX", "specVersion": spec_version}
    if root.get("serialNumber") is not None:
        shaped["serialNumber"] = root.get("serialNumber")
    shaped["version"] = int(root.get("version", "1"))
    metadata = _child(root, "metadata")
    if metadata is not None:
        shaped_metadata: Json = {}
        component = _child(metadata, "component")
        if component is not None:
            shaped_metadata["component"] = _component(component, "/bom/metadata/component")
        if properties := _properties(metadata):
            shaped_metadata["properties"] = properties
        shaped["metadata"] = shaped_metadata
    sections = {
        "components": lambda element: _component_list(element, "/bom/components"),
        "services": lambda element: _service_list(element, "/bom/services"),
        "dependencies": _dependencies,
        "compositions": _compositions,
    }
    for name, convert in sections.items():
        element = _child(root, name)
        if element is not None:
            shaped[name] = convert(element)
    return shaped
