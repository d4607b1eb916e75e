"""`exportgate changes`, `status refresh` and `worker`: stored statuses as the operator sees
and moves them, and the background work run on its own."""

from __future__ import annotations

import datetime as dt
import signal
from types import FrameType
from typing import Annotated, Any

import typer

from app.cli.common import (
    JsonOption,
    invoke,
    opened_runtime,
    out,
    parse_day,
    print_json,
    print_table,
    reports_errors,
)
from app.domain.paging import PageRequest
from app.domain.statuses import StatusChange
from app.services.background import background_runner
from app.services.status_feed import FeedFilter, StatusChangeView, status_changes
from app.services.statuses import Settled, start_day


def refresh_statuses(on: str | None, *, as_json: bool = False) -> None:
    """Re-evaluate every product's stored status for the day (today by default)."""
    day = parse_day(on)
    settled = invoke(start_day, day, claim=False)
    _print_settled(settled, day, as_json=as_json)


def _print_settled(settled: Settled, day: dt.date, *, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "day": day.isoformat(),
                "weighed": settled.weighed,
                "changes": [_change_json(change) for change in settled.changes],
            }
        )
        return
    out.print(f"{settled.weighed} products weighed for {day}; {len(settled.changes)} changes")
    for change in settled.changes:
        out.print(
            f"product {change.product_id} {change.group}: {change.old or 'none'} -> "
            f"{change.new or 'none'} ({change.cause.sentence})"
        )


def _change_json(change: StatusChange) -> dict[str, Any]:
    return {
        "id": change.id,
        "product_id": change.product_id,
        "group": change.group,
        "old": change.old,
        "new": change.new,
        "cause": {
            "kind": change.cause.kind,
            "ref": change.cause.ref,
            "bom_id": change.cause.bom_id,
            "message": change.cause.sentence,
        },
        "evaluated_on": change.evaluated_on.isoformat(),
        "at": change.at.isoformat(),
    }


@reports_errors
def changes(
    *,
    product: Annotated[
        int | None, typer.Option(help="Only this product's changes (its id).")
    ] = None,
    group: Annotated[str | None, typer.Option(help="Only this destination group.")] = None,
    since: Annotated[
        str | None, typer.Option(help="Only changes at or after this moment (ISO 8601).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many.")] = 100,
    as_json: JsonOption = False,
) -> None:
    """Changes of products' stored statuses, oldest first, each with its cause."""
    try:
        moment = dt.datetime.fromisoformat(since) if since is not None else None
    except ValueError:
        raise typer.BadParameter(f"{since!r} is not a moment (ISO 8601)") from None
    page = invoke(
        status_changes, None, FeedFilter(product, group, moment), paging=PageRequest(limit=limit)
    )
    views: tuple[StatusChangeView, ...] = page.items
    if as_json:
        print_json(
            [{**_change_json(view.change), "product": view.product.display_name} for view in views]
        )
        return
    print_table(
        ("id", "at", "product", "group", "old", "new", "cause"),
        (
            (v.change.id, v.change.at.isoformat(timespec="seconds"), v.product.display_name,
             v.change.group, v.change.old or "none", v.change.new or "none",
             v.change.cause.sentence)
            for v in views
        ),
    )  # fmt: skip


@reports_errors
def worker(
    poll: Annotated[
        float, typer.Option(min=0.1, help="Seconds between looks for other processes' work.")
    ] = 1.0,
) -> None:
    """Run the background work (settling statuses, the daily re-evaluation, webhook
    deliveries) without serving HTTP, until interrupted. Run `exportgate serve` with
    EXPORTGATE_BACKGROUND_JOBS=false beside it, or let both run it: each piece of work is
    taken by one runner."""
    with opened_runtime() as runtime:
        runtime.check_schema()
        runner = background_runner(runtime, poll_seconds=poll)

        def stop(signum: int, frame: FrameType | None) -> None:  # noqa: ARG001
            for loop in runner.loops:
                loop.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        out.print("exportgate worker running; Ctrl-C stops it")
        runner.run_forever()
