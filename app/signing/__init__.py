"""Canonical bytes and Ed25519 signatures: what a digest or a signature covers, reproducible
by anyone with a conforming RFC 8785 implementation and the published public key."""
