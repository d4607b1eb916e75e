"""Reading the files named on the command line: regular files only, known to be so before a
byte is read."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.domain.errors import ExportgateError

# Not regular files, named as a user would: reading /dev/zero never ends and exhausts memory,
# reading a FIFO or /dev/urandom waits or never ends, and opening some devices acts on them.
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class FileRefusedError(ExportgateError, title="file refused"):
    """A path named on the command line that exportgate will not read, and why."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path or repr(path)}: {reason}")
        self.path = path
        self.reason = reason

    def diagnostics(self) -> str:
        return f"{self.path or repr(self.path)}: refused, {self.reason}"


def named_path(value: str) -> Path:
    """A path given as an argument. An empty one names nothing; `Path("")` would quietly
    become the current folder."""
    if not value:
        raise FileRefusedError(value, "an empty path names no file (the current folder is '.')")
    return Path(value)


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _KINDS if test(mode)), "of an unknown kind")
    return f"not a regular file ({kind}); nothing was read"


@contextmanager
def _opened(path: Path) -> Iterator[int]:
    """A descriptor on `path`, opened only once stat (following links) says it is a regular
    file, and checked again on the descriptor: something swapped in between is never read.
    O_NONBLOCK keeps a FIFO swapped in from holding the open until a writer appears."""
    name = os.fspath(path)
    if not name:
        raise FileRefusedError(name, "an empty path names no file (the current folder is '.')")
    try:
        refused = _not_regular(path.stat().st_mode)
        if refused is not None:
            raise FileRefusedError(name, refused)
        descriptor = os.open(name, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as error:
        raise FileRefusedError(name, f"cannot read it: {error.strerror}") from None
    try:
        refused = _not_regular(os.fstat(descriptor).st_mode)
        if refused is not None:
            raise FileRefusedError(name, refused)
        yield descriptor
    finally:
        os.close(descriptor)


def read_regular_file(path: Path, *, at_most: int | None = None) -> bytes:
    """The bytes of a regular file (the first `at_most` of them, when given), or a
    FileRefusedError naming the path and why: not a regular file, or unreadable."""
    with _opened(path) as descriptor, open(descriptor, "rb", closefd=False) as stream:
        try:
            return stream.read() if at_most is None else stream.read(at_most)
        except OSError as error:
            raise FileRefusedError(os.fspath(path), f"cannot read it: {error.strerror}") from None
