"""The work no request waits for, in threads of their own: settling stored statuses after a
change and re-evaluating every product at the start of each UTC day (with that day's
`certificate.expiring` announcements), and sending webhook messages. `exportgate serve` runs
them in each API process; `exportgate worker` runs them alone.

Several runners may share one database (API workers, worker processes on other hosts): each
piece of work is taken by one of them (settling holds a lock, a day is claimed by one
runner, messages are leased). Statuses and deliveries have a thread each, so a slow webhook
receiver never delays a status. A failure is logged and tried again on the next turn; it
never stops the process.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from app.domain.errors import ExportgateError
from app.services.runtime import Runtime
from app.services.statuses import NOTHING_SETTLED, Settled, settle_all, start_day
from app.services.webhook_delivery import deliver_due
from app.services.webhook_expiry import announce_expiring_certificates

log = logging.getLogger("exportgate.background")
# Messages one call of the sender attempts before it looks again (at once while they last).
DELIVERY_TURN = 200
T = TypeVar("T")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class StatusKeeper:
    """Keeps stored statuses current: the day's re-evaluation (and its expiry
    announcements) when the day is new to it, then whatever waits to be settled."""

    runtime: Runtime
    clock: Callable[[], dt.datetime] = _now
    # The day this keeper last saw re-evaluated (by itself or another runner).
    _day: dt.date | None = None

    def turn(self) -> Settled:
        now = self.clock()
        self.runtime.status_work.clear()
        settled: Settled | None = None
        day = now.date()
        if day != self._day:
            settled = _guarded("daily re-evaluation", lambda: start_day(self.runtime, day))
            announced = _guarded(
                "certificate expiry announcements",
                lambda: announce_expiring_certificates(self.runtime, day, now=now),
            )
            if settled is not None and announced is not None:
                self._day = day
        if settled is None or not settled.work:
            settled = _guarded("settling statuses", lambda: settle_all(self.runtime))
        return settled or NOTHING_SETTLED


@dataclass
class Sender:
    """Sends the webhook messages that are due."""

    runtime: Runtime
    clock: Callable[[], dt.datetime] = _now

    def turn(self) -> int:
        """Send until nothing more is due (a full batch means more may be waiting)."""
        self.runtime.messages.clear()
        total = 0
        while True:
            sent = _guarded(
                "webhook deliveries",
                lambda: deliver_due(self.runtime, now=self.clock(), limit=DELIVERY_TURN),
            )
            total += sent or 0
            if sent != DELIVERY_TURN:
                return total


@dataclass
class Loop:
    """Calls `turn` in a thread until stopped: at once when `wake` is set (this process
    committed work for it), else every `poll_seconds` (for what other processes commit, and
    retries falling due)."""

    name: str
    turn: Callable[[], object]
    wake: threading.Event
    poll_seconds: float = 1.0
    # How long to let a change settle before weighing it: the request that follows an
    # upload (its author's check) runs first, and a burst of uploads is weighed once.
    grace_seconds: float = 0.0
    _stopping: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self.run, name=self.name, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self.wake.set()

    def join(self, timeout: float) -> None:
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def run(self) -> None:
        while not self._stopping.is_set():
            self.turn()
            if self.wake.wait(self.poll_seconds) and self.grace_seconds:
                self._stopping.wait(self.grace_seconds)


@dataclass
class BackgroundRunner:
    """The loops of one process."""

    loops: tuple[Loop, ...]

    def start(self) -> None:
        for loop in self.loops:
            loop.start()

    def stop(self, timeout: float = 10.0) -> None:
        for loop in self.loops:
            loop.stop()
        for loop in self.loops:
            loop.join(timeout)

    def run_forever(self) -> None:
        """Every loop but the first in a thread, the first in this one, until `stop` (from
        a signal handler)."""
        first, *others = self.loops
        for loop in others:
            loop.start()
        first.run()
        for loop in others:
            loop.stop()
        for loop in others:
            loop.join(10.0)


# A quarter of a second: far below the two seconds a revocation's changes may take to be
# recorded, far above what the check after an upload takes.
SETTLING_GRACE_SECONDS = 0.25


def background_runner(runtime: Runtime, *, poll_seconds: float = 1.0) -> BackgroundRunner:
    """The runner every process uses: statuses and deliveries, each in its own loop."""
    return BackgroundRunner(
        (
            Loop("exportgate-statuses", StatusKeeper(runtime).turn, runtime.status_work,
                 poll_seconds, SETTLING_GRACE_SECONDS),
            Loop("exportgate-webhooks", Sender(runtime).turn, runtime.messages, poll_seconds),
        )
    )  # fmt: skip


def _guarded(what: str, step: Callable[[], T]) -> T | None:
    """The step's result, or None when it failed: a busy database or any other failure is
    logged, and the next turn tries again."""
    try:
        return step()
    except ExportgateError as error:
        log.warning("%s did not run this turn: %s", what, error)
    except Exception:
        log.exception("%s failed; it is tried again on the next turn", what)
    return None
