"""Which format an upload is in, by its declared media type or by its first bytes, and
whether its XML says truly which encoding it is written in."""

from __future__ import annotations

import re

from app.domain.bom import BomFormat
from app.domain.errors import BomRejectedError, Located, UnsupportedMediaTypeError

_MEDIA_TYPES = {
    "application/vnd.cyclonedx+json": BomFormat.JSON,
    "application/json": BomFormat.JSON,
    "text/json": BomFormat.JSON,
    "application/vnd.cyclonedx+xml": BomFormat.XML,
    "application/xml": BomFormat.XML,
    "text/xml": BomFormat.XML,
}

_SNIFFED_MEDIA_TYPES = frozenset({"", "application/octet-stream", "text/plain"})


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


def check_xml_encoding(data: bytes) -> None:
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


def sniff(data: bytes) -> BomFormat:
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
