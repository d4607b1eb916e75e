"""A bounded flood of idle connections: opens sockets to a local server and sends nothing.

Run as `python -m tests.hostile.flood PORT COUNT HOLD_SECONDS`: it opens COUNT connections to
127.0.0.1:PORT (never any other address), prints `opened N` once they are open (or once the
opening time is spent), keeps them for at most HOLD_SECONDS or until its standard input
closes, then closes them all and exits. A flood of 20,000 runs in two or more such processes,
so no one process needs more open files than an ordinary hard limit allows.
"""

from __future__ import annotations

import errno
import resource
import select
import socket
import sys
import time

HOST = "127.0.0.1"
OPENING_SECONDS = 30.0
FAILURES: dict[int, int] = {}


def raise_open_files(wanted: int) -> int:
    """The soft RLIMIT_NOFILE, raised towards `wanted` as far as the hard limit allows."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


def open_idle(port: int, count: int, seconds: float = OPENING_SECONDS) -> list[socket.socket]:
    """Up to `count` connections to the server, none of which sends a byte, each
    established (or refused) before this returns, within `seconds`."""
    deadline = time.monotonic() + seconds
    opened: list[socket.socket] = []
    while len(opened) < count and time.monotonic() < deadline:
        connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # Non-blocking: a full accept queue must not stall the whole flood.
        connection.setblocking(False)  # noqa: FBT003 - the standard library's signature
        code = connection.connect_ex((HOST, port))
        if code not in (0, errno.EINPROGRESS):
            FAILURES[code] = FAILURES.get(code, 0) + 1
            connection.close()
            time.sleep(0.01)
            continue
        opened.append(connection)
    _wait_established(opened, deadline)
    return opened


def _wait_established(connections: list[socket.socket], deadline: float) -> None:
    """Until every handshake is over: a SYN the server's full queue dropped is sent again
    by the kernel a second or more later."""
    pending = select.poll()
    waiting = {c.fileno() for c in connections}
    for fileno in waiting:
        pending.register(fileno, select.POLLOUT)
    while waiting and time.monotonic() < deadline:
        for fileno, _ in pending.poll(100):
            pending.unregister(fileno)
            waiting.discard(fileno)


def main(argv: list[str]) -> int:
    port, count, hold = int(argv[0]), int(argv[1]), float(argv[2])
    raise_open_files(count + 64)
    started = time.monotonic()
    connections = open_idle(port, count)
    elapsed = time.monotonic() - started
    sys.stdout.write(f"opened {len(connections)} in {elapsed:.2f}s {FAILURES}\n")
    sys.stdout.flush()
    # Held until the test is done with them (it closes our stdin) or the time is spent.
    select.select([sys.stdin], [], [], hold)
    for connection in connections:
        connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
