"""The work no request waits for: settling stored statuses after a change, re-evaluating every
product at the start of each UTC day, and whatever other jobs the process is given (webhook
deliveries). `exportgate serve` runs it in each API process; `exportgate worker` runs it alone.

Several runners may share one database (API workers, worker processes on other hosts): each
job takes its own turn there, so exactly one runner does each piece of work (settling holds a
lock, a day is claimed by one runner, deliveries are leased). A runner's failure is logged and
retried on its next turn; it never stops the process.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from app.domain.errors import ExportgateError
from app.services.runtime import Runtime
from app.services.statuses import NOTHING_SETTLED, Settled, settle_all, start_day

log = logging.getLogger("exportgate.background")
T = TypeVar("T")

# A job the runner calls on each turn with the time of the turn; its result is how many
# things it did (for the log and the tests).
Job = Callable[[Runtime, dt.datetime], int]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class Turn:
    """What one turn of the runner did."""

    settled: Settled
    jobs: tuple[int, ...] = ()


@dataclass
class BackgroundRunner:
    """Runs turns in a thread until stopped: at once when this process commits a change that
    leaves statuses to settle, and every `poll_seconds` for what other processes commit."""

    runtime: Runtime
    jobs: Sequence[Job] = ()
    poll_seconds: float = 1.0
    clock: Callable[[], dt.datetime] = _now
    _stopping: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    # The day this runner last saw re-evaluated (by itself or another runner).
    _day: dt.date | None = None

    def turn(self) -> Turn:
        """One turn: the day's re-evaluation when the day is new, settling what waits, then
        each job; every step's failure is logged and left for the next turn."""
        now = self.clock()
        self.runtime.status_work.clear()
        settled: Settled | None = None
        if now.date() != self._day:
            settled = _guarded("daily re-evaluation", lambda: start_day(self.runtime, now.date()))
            if settled is not None:
                self._day = now.date()
        if settled is None or not settled.work:
            settled = _guarded("settling statuses", lambda: settle_all(self.runtime))
        done = tuple(self._run_job(job, now) for job in self.jobs)
        return Turn(settled or NOTHING_SETTLED, done)

    def _run_job(self, job: Job, now: dt.datetime) -> int:
        return _guarded(getattr(job, "__name__", "a job"), lambda: job(self.runtime, now)) or 0

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="exportgate-background", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self.runtime.status_work.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def run_forever(self) -> None:
        """Turns in this thread until `stop` (from another thread or a signal handler)."""
        self._run()

    def _run(self) -> None:
        while not self._stopping.is_set():
            self.turn()
            self.runtime.status_work.wait(self.poll_seconds)


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


def background_runner(runtime: Runtime) -> BackgroundRunner:
    """The runner every process uses, with every background job."""
    return BackgroundRunner(runtime)
