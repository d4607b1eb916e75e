"""The service's private signing key on disk: read from the configured file, or created
there on first start, once, even when several workers start together."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from app.signing.ed25519 import Signer, generate_private_pem, private_key_from_pem


def load_or_create_signer(path: Path) -> Signer:
    """The key in `path`; a new key written there when the file does not exist yet. The new
    file is written whole under another name and linked into place, so a worker starting at
    the same moment reads either no file or the whole of the one key that won."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".signing-key-")
        try:
            with os.fdopen(descriptor, "wb") as file:  # created 0600 by mkstemp
                file.write(generate_private_pem())
            # Another process may have created it first: its key is then the key.
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            Path(temporary).unlink(missing_ok=True)
    return Signer(private_key_from_pem(path.read_bytes()))
