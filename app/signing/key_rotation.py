"""A new service signing key, written beside the configured file and put in its place
atomically: a worker reading the file sees the old key or the new one, never a mix."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from app.signing.ed25519 import Signer, generate_private_pem, private_key_from_pem


class ReplacementKey:
    """A new key written under a temporary name next to `path`, until `install` moves it
    into place (or `discard` removes it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = generate_private_pem()
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".signing-key-")
        self._temporary = Path(temporary)
        with os.fdopen(descriptor, "wb") as file:  # created 0600 by mkstemp
            file.write(pem)
            file.flush()
            os.fsync(file.fileno())
        self.signer = Signer(private_key_from_pem(pem))

    def install(self) -> None:
        self._temporary.replace(self.path)

    def discard(self) -> None:
        self._temporary.unlink(missing_ok=True)
