"""Read an XML upload: parsed without entities, DTDs or network, validated against the
XSD of the CycloneDX version it declares while it is read, errors named by readable paths."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from lxml import etree

from app.bom.refusals import MAX_REPORTED_ERRORS, check_version, refuse, short
from app.bom.schemas import XML_NAMESPACE_PREFIX, xml_schema
from app.bom.xml_shape import xml_to_json_shape
from app.domain.bom import BomContents
from app.domain.errors import BomRejectedError, Located


def _secure_parser() -> etree.XMLParser:
    # No entities, no DTD, no network; huge_tree off keeps libxml2's depth and size limits.
    # Whitespace between elements is layout, never content (text content, even all blank, is
    # kept): dropping it makes the tree smaller to build, validate and read.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        remove_blank_text=True,
    )


def _parse_xml(data: bytes) -> etree._ElementTree:
    parser = _secure_parser()
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser))
    except etree.XMLSyntaxError as error:
        line, column = error.position
        raise BomRejectedError(
            "the document is not well-formed XML",
            [Located(f"line {line}, column {column}", short(str(error.msg)))],
        ) from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        # CycloneDX never needs a DTD; one is only there to declare entities.
        raise BomRejectedError(
            "document type declarations are refused",
            [Located("/", "a DOCTYPE (and any entity it declares) is not accepted in a BOM")],
        )
    return tree


def _declared_xml_version(root: etree._Element) -> str:
    qualified = etree.QName(root)
    namespace = qualified.namespace or ""
    if qualified.localname != "bom" or not namespace.startswith(XML_NAMESPACE_PREFIX):
        raise BomRejectedError(
            "the document is not a CycloneDX BOM",
            [
                Located(
                    f"/{qualified.localname}",
                    f"expected <bom> in {XML_NAMESPACE_PREFIX}1.x, found namespace {namespace!r}",
                )
            ],
        )
    return check_version(namespace.removeprefix(XML_NAMESPACE_PREFIX), "/bom/@xmlns")


def read_xml(data: bytes, read_document: Callable[[dict[str, Any]], BomContents]) -> BomContents:
    """Validate and read an XML document.

    libxml2 releases the GIL while it validates, and validation only reads the tree, so the
    schema check runs on a second thread while this one shapes and reads the same tree: on
    a large BOM that hides the whole validation. Nothing is stored before the verdict, and
    when the document is invalid its schema errors are the answer, whatever reading it
    tripped over on the way.
    """
    tree = _parse_xml(data)
    root = tree.getroot()
    version = _declared_xml_version(root)
    schema = xml_schema(version)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="xsd") as validation:
        conforms = validation.submit(schema.validate, tree)
        try:
            contents: BomContents | None = read_document(xml_to_json_shape(root, version))
        except Exception:
            if conforms.result():
                raise
            contents = None
    errors = []
    if not conforms.result():
        namespace = XML_NAMESPACE_PREFIX + version
        errors = [
            Located(
                _readable_path(tree, entry.path),
                # Element names in libxml2's messages carry the namespace; it is noise here.
                short(f"{entry.message.replace('{' + namespace + '}', '')} (line {entry.line})"),
            )
            for entry in list(schema.error_log)[: MAX_REPORTED_ERRORS + 1]
        ]
    errors.extend(_informal_rules(root, version))
    if errors or contents is None:
        raise refuse(f"the document does not conform to the CycloneDX {version} XML schema", errors)
    return contents


def _readable_path(tree: etree._ElementTree, path: str | None) -> str:
    """libxml2 names elements of a default namespace `*`; name them as the author wrote them:
    /bom/components/component[3]/properties."""
    if not path:
        return "/"
    try:
        found = tree.xpath(path)
    except etree.XPathError:
        return path
    if not isinstance(found, list) or not found or not isinstance(found[0], etree._Element):
        return path
    steps = []
    element: etree._Element | None = found[0]
    while element is not None:
        name = etree.QName(element).localname
        parent = element.getparent()
        if parent is None:
            steps.append(name)
        else:
            same = [
                s for s in parent if isinstance(s.tag, str) and etree.QName(s).localname == name
            ]
            steps.append(f"{name}[{same.index(element) + 1}]" if len(same) > 1 else name)
        element = parent
    return "/" + "/".join(reversed(steps))


def _informal_rules(root: etree._Element, version: str) -> list[Located]:
    """Rules the 1.7 JSON schema states and its XSD cannot (XSD 1.1 asserts)."""
    if version < "1.7":
        return []
    tree = root.getroottree()
    namespaces = {"c": f"{XML_NAMESPACE_PREFIX}{version}"}
    return [
        Located(
            _readable_path(tree, tree.getpath(component)),
            "versionRange is allowed only when isExternal is true",
        )
        for component in root.iterfind(".//c:component[c:versionRange]", namespaces)
        if component.get("isExternal", "false") not in ("true", "1")
    ]
