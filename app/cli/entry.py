"""The `exportgate` executable: loads the command line with the cyclic collector paused.

Start-up is part of every command's time, a CI gate's included. The modules loaded at
start allocate hundreds of thousands of objects that live as long as the process; the
collector walking them again and again while they load frees nothing and costs about a
tenth of the start-up. Once loaded they are frozen out of its sight, which also spares
every later collection in a long-running server.
"""

from __future__ import annotations

import gc
from collections.abc import Callable


def load() -> Callable[[], None]:
    """The command line, loaded under the paused collector."""
    gc.disable()
    try:
        from app.cli.main import main  # noqa: PLC0415 - loaded under the paused collector
    finally:
        gc.freeze()
        gc.enable()
    return main


def run() -> None:
    load()()
