"""The log budget and the in-flight request limit, without a server."""

from __future__ import annotations

import asyncio
import logging

from starlette.types import Message, Receive, Scope, Send

from app.api.access_log import ATTRIBUTABLE, BURST_LINES, LogBudget, request_target
from app.api.guards import LimitRequestsInFlight


def _record(message: str, *, attributable: bool = False) -> logging.LogRecord:
    record = logging.LogRecord("uvicorn.error", logging.WARNING, __file__, 1, message, (), None)
    setattr(record, ATTRIBUTABLE, attributable)
    return record


def test_lines_beyond_the_burst_are_dropped_and_counted_when_they_name_no_key() -> None:
    budget = LogBudget(per_second=0.001)
    passed = [budget.filter(_record("Invalid HTTP request received.")) for _ in range(500)]
    assert sum(passed) == BURST_LINES
    assert all(budget.filter(_record("another kind")) for _ in range(10))
    assert all(budget.filter(_record("junk", attributable=True)) for _ in range(500))


def test_the_next_line_written_says_how_many_were_not() -> None:
    budget = LogBudget(per_second=1_000_000)
    budget._buckets[("uvicorn.error", "x")] = [0.0, float("inf")]  # spent, refills never
    assert not budget.filter(_record("x"))
    budget._buckets[("uvicorn.error", "x")] = [5.0, 0.0]
    written = _record("x")
    assert budget.filter(written)
    assert written.msg == "x [1 more like this not logged]"


def test_a_long_or_broken_target_is_one_short_line() -> None:
    scope: Scope = {"path": "/a", "raw_path": b"/a\n" + b"b" * 500, "query_string": b"q=\r"}
    target = request_target(scope)
    assert "\n" not in target
    assert target.endswith("(507 bytes)")
    assert len(target) < 260


def test_requests_beyond_the_limit_in_flight_are_answered_503_at_once() -> None:
    release = asyncio.Event()

    async def slow(scope: Scope, receive: Receive, send: Send) -> None:
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})

    async def scenario() -> list[int]:
        guard = LimitRequestsInFlight(slow, limit=2)
        statuses: list[int] = []

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        async def receive() -> Message:
            return {"type": "http.request"}

        scope: Scope = {"type": "http", "path": "/x"}
        held = [asyncio.create_task(guard(scope, receive, send)) for _ in range(2)]
        await asyncio.sleep(0)
        await guard(scope, receive, send)
        release.set()
        await asyncio.gather(*held)
        await guard(scope, receive, send)
        return statuses

    assert asyncio.run(scenario()) == [503, 200, 200, 200]
