"""How a BOM's verbatim bytes are kept: compressed, and restored exactly on every read.

BOMs are kept forever, and CycloneDX (JSON or XML, full of repeated keys and hex digests)
compresses about four to one even at zlib's fastest level, which packs a large BOM at well
over 100 MB/s; higher levels gain little and take three times as long.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

# As written by versions that stored documents uncompressed; still read.
IDENTITY = "identity"
ZLIB = "zlib"
_FASTEST = 1


@dataclass(frozen=True, slots=True)
class PackedDocument:
    encoding: str
    payload: bytes


def pack_document(data: bytes) -> PackedDocument:
    """The stored form of an upload. zlib releases the GIL, so this may run on another
    thread while the upload is read."""
    return PackedDocument(ZLIB, zlib.compress(data, _FASTEST))


def unpack_document(encoding: str, payload: bytes) -> bytes:
    """The bytes exactly as uploaded."""
    if encoding == ZLIB:
        return zlib.decompress(payload)
    if encoding == IDENTITY:
        return payload
    raise ValueError(f"a stored document has an unknown encoding {encoding!r}")
