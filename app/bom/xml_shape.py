"""Bring a CycloneDX XML document into the shape of its JSON form, once, for the fields
exportgate reads, so that one translator serves both formats.

Each element's children are indexed by local name in one pass; looking fields up one by one
would rescan the children (and build a QName) for every field of every component.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from lxml import etree

Json = dict[str, Any]
Children = dict[str, list[etree._Element]]

_TEXT_FIELDS = frozenset(("group", "name", "version", "description", "purl", "cpe", "versionRange"))
_STRUCTURE = frozenset(("modelCard", "pedigree", "components", "services", "data"))
# XML wraps each of these JSON arrays in a container element of this name, one child per
# entry: what a model card and a component's data are read into (`_plain`).
_LIST_CONTAINERS = frozenset(
    ("datasets", "inputs", "outputs", "performanceMetrics", "collection", "users", "useCases",
     "technicalLimitations", "performanceTradeoffs", "ethicalConsiderations",
     "fairnessAssessments", "energyConsumptions", "owners", "stewards", "custodians",
     "attachments")
)  # fmt: skip
# ...and these JSON arrays are the element itself, repeated.
_REPEATED = frozenset(("sensitiveData", "energyProviders", "properties"))
_ATTRIBUTES = ("type", "bom-ref", "isExternal")


class _Shaper:
    def __init__(self, namespace: str) -> None:
        self._prefix = f"{{{namespace}}}"
        # Children are picked by comparing tags: lxml's iterchildren(tag) builds a tag
        # matcher on every call, which costs more than walking a few children.
        self._name_tag = self._prefix + "name"
        self._hash_tag = self._prefix + "hash"
        self._property_tag = self._prefix + "property"
        self._reference_tag = self._prefix + "reference"
        self._endpoint_tag = self._prefix + "endpoint"
        self._dependency_tag = self._prefix + "dependency"
        # lxml builds each tag string anew; cutting the namespace off once per distinct tag
        # rather than once per element is most of the cost of indexing children.
        self._local_names: dict[object, str | None] = {}
        # What the children of a component are read into, by their local name.
        self._objects: dict[str, Callable[[etree._Element], Json]] = {
            "supplier": self._organisation,
            "provider": self._organisation,
            "swid": lambda swid: {"tagId": swid.get("tagId", ""), "name": swid.get("name", "")},
        }
        self._lists: dict[str, Callable[[etree._Element], list[Any]]] = {
            "hashes": self._hash_list,
            "properties": self._property_list,
            "externalReferences": self._reference_list,
            # A service's endpoints: the suspected-AI hints look for hosted-AI APIs in them.
            "endpoints": self._endpoint_list,
        }

    def _local_name(self, tag: object) -> str | None:
        prefix = self._prefix
        name = tag[len(prefix) :] if isinstance(tag, str) and tag.startswith(prefix) else None
        self._local_names[tag] = name
        return name

    def children(self, element: etree._Element) -> Children:
        """Children by local name. The parser drops comments and processing instructions, so
        every child is an element; one of another namespace is an extension, left unread."""
        found: Children = {}
        local_names = self._local_names
        for child in element:
            tag = child.tag
            name = local_names[tag] if tag in local_names else self._local_name(tag)
            if name is not None:
                found.setdefault(name, []).append(child)
        return found

    @staticmethod
    def _first_text(children: Children, name: str) -> str | None:
        elements = children.get(name)
        if not elements or elements[0].text is None:
            return None
        return elements[0].text.strip()

    def _organisation(self, element: etree._Element) -> Json:
        for child in element:
            if child.tag == self._name_tag:
                return {"name": child.text.strip()} if child.text is not None else {}
        return {}

    def properties(self, children: Children) -> list[Json]:
        return [
            prop
            for container in children.get("properties", ())
            for prop in self._property_list(container)
        ]

    def _hash_list(self, container: etree._Element) -> list[Json]:
        return _attributed_texts(container, self._hash_tag, "alg", "content")

    def _property_list(self, container: etree._Element) -> list[Json]:
        return _attributed_texts(container, self._property_tag, "name", "value")

    def _endpoint_list(self, container: etree._Element) -> list[str]:
        tag = self._endpoint_tag
        return [
            text
            for endpoint in container
            if endpoint.tag == tag and (text := (endpoint.text or "").strip())
        ]

    def _reference_list(self, container: etree._Element) -> list[Json]:
        references = []
        for reference in container:
            if reference.tag != self._reference_tag:
                continue
            fields = self.children(reference)
            entry: Json = {
                "type": reference.get("type", ""),
                "url": self._first_text(fields, "url") or "",
            }
            comment = self._first_text(fields, "comment")
            if comment is not None:
                entry["comment"] = comment
            references.append(entry)
        return references

    def common(self, element: etree._Element, location: str) -> tuple[Json, Children]:
        """The fields of a component, service or inline dataset, and its structural children
        (model card, pedigree, nested components and services), in one pass over its
        children: a BOM has tens of thousands of components, and indexing each one's
        children before reading them cost as much again."""
        shaped: Json = {"__location__": location}
        attributes = element.attrib
        for attribute in _ATTRIBUTES:
            value = attributes.get(attribute)
            if value is not None:
                shaped[attribute] = value
        structure: Children = {}
        lists: dict[str, list[Any]] = {}
        local_names = self._local_names
        for child in element:
            tag = child.tag
            name = local_names[tag] if tag in local_names else self._local_name(tag)
            if name is None:
                continue
            if name in _TEXT_FIELDS:
                if name not in shaped and child.text is not None:
                    shaped[name] = child.text.strip()
            elif name == "type":
                # Inline datasets (componentDataType) carry their type as an element.
                if "type" not in shaped and (text := (child.text or "").strip()):
                    shaped["type"] = text
            elif name in self._objects:
                shaped.setdefault(name, self._objects[name](child))
            elif name in self._lists:
                lists.setdefault(name, []).extend(self._lists[name](child))
            elif name in _STRUCTURE:
                structure.setdefault(name, []).append(child)
        shaped.update((name, items) for name, items in lists.items() if items)
        return shaped, structure

    def _datasets(self, model_card: etree._Element, location: str) -> list[Json]:
        datasets: list[Json] = []
        for parameters in self.children(model_card).get("modelParameters", ()):
            for container in self.children(parameters).get("datasets", ()):
                for index, item in enumerate(container):
                    tag = item.tag if isinstance(item.tag, str) else ""
                    where = f"{location}/modelCard/modelParameters/datasets/*[{index + 1}]"
                    if tag == self._prefix + "ref":
                        datasets.append({"ref": (item.text or "").strip()})
                    elif tag == self._prefix + "dataset":
                        datasets.append({**self._plain_object(item), **self.common(item, where)[0]})
        return datasets

    def _plain(self, element: etree._Element) -> Any:
        """An element of a model card or a component's data in the shape of its JSON form,
        generically: review readiness reads these fields as the JSON document gives them."""
        children = self.children(element)
        if element.tag == self._prefix + "properties":
            return self._property_list(element)
        if not children:
            return (element.text or "").strip()
        tag = element.tag
        name = self._local_names[tag] if tag in self._local_names else self._local_name(tag)
        if name in _LIST_CONTAINERS:
            return [self._plain(child) for items in children.values() for child in items]
        return self._plain_object(element)

    def _plain_object(self, element: etree._Element) -> Json:
        shaped: Json = {key: value for key, value in element.attrib.items() if ":" not in key}
        for name, items in self.children(element).items():
            if name == "properties":
                shaped[name] = [p for item in items for p in self._property_list(item)]
            elif name in _REPEATED or len(items) > 1:
                shaped[name] = [self._plain(item) for item in items]
            else:
                shaped[name] = self._plain(items[0])
        return shaped

    def component(self, element: etree._Element, location: str) -> Json:
        shaped, children = self.common(element, location)
        if "modelCard" in children:
            card = children["modelCard"][0]
            plain = self._plain_object(card)
            parameters = plain.get("modelParameters")
            shaped["modelCard"] = {
                **plain,
                "modelParameters": {
                    **(parameters if isinstance(parameters, dict) else {}),
                    "datasets": self._datasets(card, location),
                },
            }
        if "data" in children:
            shaped["data"] = [self._plain_object(item) for item in children["data"]]
        for pedigree in children.get("pedigree", ()):
            for ancestors in self.children(pedigree).get("ancestors", ()):
                shaped["pedigree"] = {
                    "ancestors": [
                        self.component(item, f"{location}/pedigree/ancestors/component[{i + 1}]")
                        for i, item in enumerate(self.children(ancestors).get("component", ()))
                    ]
                }
        for nested in children.get("components", ()):
            shaped["components"] = self.component_list(nested, location + "/components")
        for nested in children.get("services", ()):
            shaped["services"] = self.service_list(nested, location + "/services")
        return shaped

    def component_list(self, container: etree._Element, location: str) -> list[Json]:
        return [
            self.component(item, f"{location}/component[{index + 1}]")
            for index, item in enumerate(self.children(container).get("component", ()))
        ]

    def service_list(self, container: etree._Element, location: str) -> list[Json]:
        services = []
        for index, item in enumerate(self.children(container).get("service", ())):
            where = f"{location}/service[{index + 1}]"
            shaped, children = self.common(item, where)
            for nested in children.get("services", ()):
                shaped["services"] = self.service_list(nested, where + "/services")
            services.append(shaped)
        return services

    def dependencies(self, container: etree._Element) -> list[Json]:
        # XML nests dependency elements; JSON lists each ref with its direct dependsOn.
        # 1.6+ `provides` children are deliberately not read: they are not dependency edges.
        tag = self._dependency_tag
        entries = []
        pending = deque(child for child in container if child.tag == tag)
        while pending:
            dependency = pending.popleft()
            nested = [child for child in dependency if child.tag == tag]
            entries.append(
                {"ref": dependency.get("ref", ""), "dependsOn": [d.get("ref", "") for d in nested]}
            )
            pending.extend(d for d in nested if len(d))
        return entries

    def compositions(self, container: etree._Element) -> list[Json]:
        compositions = []
        for composition in self.children(container).get("composition", ()):
            children = self.children(composition)
            shaped: Json = {"aggregate": self._first_text(children, "aggregate") or ""}
            for name, item in (("assemblies", "assembly"), ("dependencies", "dependency")):
                for listed in children.get(name, ()):
                    shaped[name] = [i.get("ref", "") for i in self.children(listed).get(item, ())]
            compositions.append(shaped)
        return compositions


def xml_to_json_shape(root: etree._Element, spec_version: str) -> Json:
    """The JSON form of the fields exportgate reads; `__location__` keys carry XPaths."""
    shaper = _Shaper(etree.QName(root).namespace or "")
    shaped: Json = {"bomFormat": "CycloneDX", "specVersion": spec_version}
    if root.get("serialNumber") is not None:
        shaped["serialNumber"] = root.get("serialNumber")
    shaped["version"] = int(root.get("version", "1"))
    sections = shaper.children(root)
    for metadata in sections.get("metadata", ()):
        children = shaper.children(metadata)
        shaped_metadata: Json = {}
        for component in children.get("component", ()):
            shaped_metadata["component"] = shaper.component(component, "/bom/metadata/component")
        if properties := shaper.properties(children):
            shaped_metadata["properties"] = properties
        shaped["metadata"] = shaped_metadata
    for element in sections.get("components", ()):
        shaped["components"] = shaper.component_list(element, "/bom/components")
    for element in sections.get("services", ()):
        shaped["services"] = shaper.service_list(element, "/bom/services")
    for element in sections.get("dependencies", ()):
        shaped["dependencies"] = shaper.dependencies(element)
    for element in sections.get("compositions", ()):
        shaped["compositions"] = shaper.compositions(element)
    return shaped


def _attributed_texts(
    container: etree._Element, tag: str, attribute: str, text_key: str
) -> list[Json]:
    """Each `tag` child, whose one attribute names its text (`<hash alg="…">…</hash>`), as the
    JSON form's object of the two."""
    return [
        {attribute: item.get(attribute, ""), text_key: (item.text or "").strip()}
        for item in container
        if item.tag == tag
    ]
