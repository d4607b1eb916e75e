"""Typed identifiers, so a BOM id is never passed where a component id is meant."""

from typing import NewType

BomId = NewType("BomId", int)
ComponentId = NewType("ComponentId", int)
IdentityKey = NewType("IdentityKey", str)
BomRef = NewType("BomRef", str)
Purl = NewType("Purl", str)
Sha256 = NewType("Sha256", str)
