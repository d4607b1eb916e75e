"""Read one uploaded document: detect its format, validate it against the official schema of
its declared version, and translate it. Refuses whole, with every error located."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import orjson
from lxml import etree

from app.bom.limits import refusals
from app.bom.schemas import (
    SUPPORTED_VERSIONS,
    XML_NAMESPACE_PREFIX,
    json_validator,
    xml_schema,
)
from app.bom.translate import translate
from app.bom.xml_shape import xml_to_json_shape
from app.domain.bom import BomContents, BomFormat
from app.domain.errors import (
    BomRejectedError,
    Located,
    PayloadTooLargeError,
    UnsupportedMediaTypeError,
)
from app.domain.ids import Sha256

MAX_REPORTED_ERRORS = 200
MAX_MESSAGE_LENGTH = 400
_UTF8_BOM = b"\xef\xbb\xbf"

_MEDIA_TYPES = {
    "application/vnd.cyclonedx+json": BomFormat.JSON,
    "application/json": BomFormat.JSON,
    "text/json": BomFormat.JSON,
    "application/vnd.cyclonedx+xml": BomFormat.XML,
    "application/xml": BomFormat.XML,
    "text/xml": BomFormat.XML,
}
_SNIFFED_MEDIA_TYPES = frozenset({"", "application/octet-stream", "text/plain"})


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """Bounds on what one upload may cost; each is refused with a clear error, never a crash."""

    max_bytes: int = 100 * 1024 * 1024
    max_nesting_depth: int = 64
    max_components: int = 250_000


@dataclass(frozen=True, slots=True)
class ReadBom:
    """A document accepted: its exact bytes' digest, its media type and what it says."""

    sha256: Sha256
    media_type: str
    contents: BomContents


def sha256_of(data: bytes) -> Sha256:
    return Sha256(hashlib.sha256(data).hexdigest())


def format_for_media_type(media_type: str | None) -> BomFormat | None:
    """The format a declared media type names; None when the body must be sniffed."""
    essence = (media_type or "").split(";", 1)[0].strip().lower()
    if essence in _SNIFFED_MEDIA_TYPES:
        return None
    if essence in _MEDIA_TYPES:
        return _MEDIA_TYPES[essence]
    raise UnsupportedMediaTypeError(
        f"{essence!r} is not a CycloneDX media type; send application/vnd.cyclonedx+json or "
        "application/vnd.cyclonedx+xml (or plain JSON/XML)"
    )


# XML in UTF-16 or UTF-32: by its byte-order mark (the longer marks first: FF FE 00 00 is
# UTF-32, not UTF-16 followed by a NUL), or, without one, by how its first `<` is written;
# its declaration must then name the encoding (XML 1.0 section 4.3.3 and appendix F).
_WIDE_MARKS = (
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\xfe\xff", "utf-16"),
    (b"\xff\xfe", "utf-16"),
)
_WIDE_STARTS = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)
_ENCODING_FAMILIES = {
    "utf-8": frozenset({"utf-8", "utf8", "us-ascii", "ascii"}),
    "utf-16": frozenset({"utf-16", "utf-16le", "utf-16be", "utf16"}),
    "utf-32": frozenset({"utf-32", "utf-32le", "utf-32be", "utf32", "ucs-4", "iso-10646-ucs-4"}),
}
_DECLARED_ENCODING = re.compile(r"""<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']""")


def _wide_xml(data: bytes) -> tuple[str, str, bool] | None:
    """(family, codec, marked) of XML written in UTF-16 or UTF-32, or None."""
    for mark, family in _WIDE_MARKS:
        if data.startswith(mark):
            return family, family, True
    for start, codec in _WIDE_STARTS:
        if data.startswith(start):
            return codec[:6], codec, False
    return None


def _check_xml_encoding(data: bytes) -> None:
    """XML is read only in the encoding it says it is in: UTF-8 unless a byte-order mark or
    its declaration says UTF-16 or UTF-32 (and a declaration never contradicts the mark)."""
    wide = _wide_xml(data)
    family, codec, marked = wide if wide is not None else ("utf-8", "utf-8", False)
    head = data[:1024].decode(codec, errors="replace").lstrip("\ufeff")
    found = _DECLARED_ENCODING.match(head) if head.startswith("<?xml") else None
    declared = found.group(1).lower() if found else None
    if declared is None and (marked or family == "utf-8"):
        return
    if declared in _ENCODING_FAMILIES[family]:
        return
    if declared is None:
        problem = f"the document is written in {family.upper()} without a byte-order mark"
        advice = f'declare encoding="{family.upper()}" or start with a byte-order mark'
    elif family == "utf-8":
        problem = f"the XML declaration says {declared!r}, an encoding exportgate does not read"
        advice = "XML is read as UTF-8, or as UTF-16 or UTF-32 when it says so"
    else:
        problem = f"the XML declaration says {declared!r} but the document is {family.upper()}"
        advice = "XML is read as UTF-8, or as UTF-16 or UTF-32 when it says so"
    raise BomRejectedError(
        f"{problem}: it could be read in two ways", [Located("/?xml/@encoding", advice)]
    )


def _sniff(data: bytes) -> BomFormat:
    if _wide_xml(data) is not None:
        return BomFormat.XML
    start = data.lstrip()[:1]
    if start in (b"{", b"["):
        return BomFormat.JSON
    if start == b"<":
        return BomFormat.XML
    raise BomRejectedError(
        "the document is neither JSON nor XML",
        [Located("/", "expected a JSON object or an XML document")],
    )


def _short(message: str) -> str:
    message = " ".join(message.split())
    if len(message) <= MAX_MESSAGE_LENGTH:
        return message
    return message[: MAX_MESSAGE_LENGTH - 1] + "…"


def _pointer(path: list[str | int]) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _refuse(detail: str, errors: list[Located]) -> BomRejectedError:
    if len(errors) > MAX_REPORTED_ERRORS:
        hidden = len(errors) - MAX_REPORTED_ERRORS
        errors = [*errors[:MAX_REPORTED_ERRORS], Located("", f"… and {hidden} more errors")]
    return BomRejectedError(detail, errors)


def _check_version(version: object, location: str) -> str:
    if version in SUPPORTED_VERSIONS:
        return str(version)
    raise BomRejectedError(
        f"CycloneDX spec version {version!r} is not supported",
        [Located(location, f"supported versions are {', '.join(SUPPORTED_VERSIONS)}")],
    )


def _read_json(data: bytes) -> dict[str, Any]:
    if b"\\u0000" in data:
        # Valid JSON, but no database stores a NUL in text, and no BOM needs one.
        raise BomRejectedError(
            "the document contains a NUL character (\\u0000)",
            [Located("/", "strings may not contain \\u0000")],
        )
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise BomRejectedError(
            "the document is not valid JSON", [Located("/", str(error))]
        ) from None
    _refuse_duplicate_keys(data, document)
    if not isinstance(document, dict):
        raise BomRejectedError(
            "the document is not a CycloneDX BOM", [Located("/", "expected a JSON object")]
        )
    if document.get("bomFormat") != "CycloneDX":
        raise BomRejectedError(
            "the document is not a CycloneDX BOM",
            [Located("/bomFormat", f"expected 'CycloneDX', found {document.get('bomFormat')!r}")],
        )
    version = _check_version(document.get("specVersion"), "/specVersion")
    try:
        errors = [
            Located(_pointer(list(error.instance_path)), _short(error.message))
            for error in json_validator(version).iter_errors(document)
        ]
    except ValueError as error:
        # jsonschema-rs stops at its own recursion limit (arrays or objects nested a few
        # hundred deep); no CycloneDX document is shaped like that.
        raise BomRejectedError(
            "the document is nested too deeply to validate",
            [Located("/", f"nesting exceeds the validator's limit ({error})")],
        ) from None
    if errors:
        raise _refuse(
            f"the document does not conform to the CycloneDX {version} JSON schema", errors
        )
    _refuse_long_texts(document, xml=False)
    return document


def _refuse_long_texts(document: dict[str, Any], *, xml: bool) -> None:
    errors = refusals(document, xml=xml)
    if errors:
        raise _refuse("the document holds text longer than exportgate stores", errors)


class _Duplicated(dict[str, Any]):
    """An object read by the exact parser that named a key twice: the key, kept for the
    walk that locates it."""

    duplicate: str


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) == len(pairs):
        return found
    marked = _Duplicated(found)
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            marked.duplicate = key
            break
        seen.add(key)
    return marked


def _duplicate_pointer(document: Any) -> str | None:
    """The JSON pointer of the first key named twice, in document order, or None."""
    stack: list[tuple[Any, list[str | int]]] = [(document, [])]
    while stack:
        node, path = stack.pop()
        if isinstance(node, _Duplicated):
            return _pointer([*path, node.duplicate])
        if isinstance(node, dict):
            stack.extend((value, [*path, key]) for key, value in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((value, [*path, i]) for i, value in reversed(list(enumerate(node))))
    return None


def _refuse_duplicate_keys(data: bytes, document: object) -> None:
    """Refuse an object that names a key twice: parsers disagree on which value counts
    (orjson keeps the last, others the first), so the document means two things.

    orjson cannot say, and Python's exact parser with a hook per object costs a second
    parse. Counting is exact and cheap instead. Outside strings a JSON text has one colon per
    object member, and orjson writes back one colon per member it kept plus the colons of the
    strings it kept, unescaped; the input's strings hold at least those, since the strings
    kept are some of the input's. So the input has more colons than orjson's rewrite exactly
    when a member was dropped, unless a colon in the input is escaped (\\u003a), which no
    writer needs: then the exact parser decides, and it also locates the duplicate.
    """
    # One scan: `\\u003` is rare (`<` is `\\u003c` to some writers); only then look closer.
    escaped_colon = b"\\u003" in data and (b"\\u003a" in data or b"\\u003A" in data)
    try:
        # orjson writes at most 254 levels of nesting (it reads 1,024); deeper, the exact
        # parser decides, and the schema refuses such a document anyway.
        if not escaped_colon and data.count(b":") == orjson.dumps(document).count(b":"):
            return
    except TypeError:
        pass
    try:
        exact = json.loads(data, object_pairs_hook=_pairs)
    except RecursionError:
        raise BomRejectedError(
            "the document is nested too deeply to read",
            [Located("/", "nesting exceeds what the exact parser reads")],
        ) from None
    pointer = _duplicate_pointer(exact)
    if pointer is not None:
        raise BomRejectedError(
            "the document names a key twice in one object",
            [Located(pointer, "this key appears more than once in its object")],
        )


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
            [Located(f"line {line}, column {column}", _short(str(error.msg)))],
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
    return _check_version(namespace.removeprefix(XML_NAMESPACE_PREFIX), "/bom/@xmlns")


def _read_xml(data: bytes, read_document: Callable[[dict[str, Any]], BomContents]) -> BomContents:
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
                _short(f"{entry.message.replace('{' + namespace + '}', '')} (line {entry.line})"),
            )
            for entry in list(schema.error_log)[: MAX_REPORTED_ERRORS + 1]
        ]
    errors.extend(_informal_rules(root, version))
    if errors or contents is None:
        raise _refuse(
            f"the document does not conform to the CycloneDX {version} XML schema", errors
        )
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


def read_bom(
    data: bytes, media_type: str | None, limits: ReadLimits, *, sha256: Sha256 | None = None
) -> ReadBom:
    """Validate and translate one upload, or raise an ExportgateError saying what is wrong.
    `sha256` is the digest of `data` when the caller has taken it already."""
    if len(data) > limits.max_bytes:
        raise PayloadTooLargeError(
            f"the document is {len(data)} bytes; the limit is {limits.max_bytes}",
            limit_name="max_bytes",
            limit=limits.max_bytes,
        )
    declared = format_for_media_type(media_type)
    body = data.removeprefix(_UTF8_BOM)
    sniffed = _sniff(body)
    if declared is not None and declared is not sniffed:
        raise BomRejectedError(
            f"the upload is declared as {declared.value.upper()} but the body is "
            f"{sniffed.value.upper()}",
            [Located("/", f"declared media type {media_type!r}")],
        )
    # The digest is of the bytes as uploaded: that is what idempotency and evidence refer to.
    digest = sha256 or sha256_of(data)

    def read_document(document: dict[str, Any]) -> BomContents:
        if sniffed is BomFormat.XML:
            _refuse_long_texts(document, xml=True)
        return translate(
            document,
            bom_format=sniffed,
            sha256=digest,
            max_depth=limits.max_nesting_depth,
            max_components=limits.max_components,
        )

    if sniffed is BomFormat.JSON:
        contents = read_document(_read_json(body))
    else:
        _check_xml_encoding(body)
        contents = _read_xml(body, read_document)
    return ReadBom(sha256=digest, media_type=sniffed.media_type, contents=contents)
