"""Read one uploaded document: detect its format, validate it against the official schema of
its declared version, and translate it. Refuses whole, with every error located."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from app.bom.formats import check_xml_encoding, format_for_media_type, sniff
from app.bom.json_document import read_json
from app.bom.refusals import refuse_long_texts
from app.bom.translate import translate
from app.bom.xml_document import read_xml
from app.domain.bom import BomContents, BomFormat
from app.domain.errors import BomRejectedError, Located, PayloadTooLargeError
from app.domain.ids import Sha256

_UTF8_BOM = b"\xef\xbb\xbf"


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
    sniffed = sniff(body)
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
            refuse_long_texts(document, xml=True)
        return translate(
            document,
            bom_format=sniffed,
            sha256=digest,
            max_depth=limits.max_nesting_depth,
            max_components=limits.max_components,
        )

    if sniffed is BomFormat.JSON:
        contents = read_document(read_json(body))
    else:
        check_xml_encoding(body)
        contents = read_xml(body, read_document)
    return ReadBom(sha256=digest, media_type=sniffed.media_type, contents=contents)
