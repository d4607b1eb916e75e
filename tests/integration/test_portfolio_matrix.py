"""The portfolio matrix counts every product the viewer may see: from the stored statuses
when they are current, weighed afresh when a change waits, and the two agree."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.access import Viewer
from app.domain.decision import Decision
from app.services.portfolio_matrix import PortfolioFilter, PortfolioMatrix, portfolio_matrix
from app.services.runtime import Runtime
from app.services.statuses import settle_all
from app.store import statuses
from tests.console.pages import OWNER, RIVAL, publish_samples

DAY = dt.datetime.now(dt.UTC).date()
OWNER_VIEWER = Viewer(OWNER)
RIVAL_VIEWER = Viewer(RIVAL)


Shown = tuple[int, dict[str, dict[Decision, int]], tuple[object, ...], str | None]


def _shown(matrix: PortfolioMatrix) -> Shown:
    rows = tuple(
        (
            row.standing.summary.product.id,
            row.organisations,
            tuple((s.group, s.decision, s.ineligible) for s in row.standing.statuses),
        )
        for row in matrix.page.items
    )
    counts = {group: dict(by_status) for group, by_status in matrix.counts.items()}
    return matrix.matching, counts, rows, matrix.page.next_cursor


# Past the threshold the stored statuses are read in one pass over the table instead of by
# product: both ways must read the same.
@pytest.mark.parametrize("whole_table_from", [statuses.WHOLE_TABLE_FROM, 0])
def test_stored_and_weighed_statuses_give_the_same_matrix(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, whole_table_from: int
) -> None:
    monkeypatch.setattr(statuses, "WHOLE_TABLE_FROM", whole_table_from)
    publish_samples(runtime)
    filters = [
        PortfolioFilter(),
        PortfolioFilter(group="EU", status=Decision.INELIGIBLE),
        PortfolioFilter(status=Decision.ELIGIBLE),
        PortfolioFilter(name="camera"),
        PortfolioFilter(organisation=OWNER),
        PortfolioFilter(organisation=RIVAL),
        PortfolioFilter(sector="industrial-quality-inspection"),
    ]
    # Nothing settled yet: every status is weighed as it is asked.
    weighed = [_shown(portfolio_matrix(runtime, OWNER_VIEWER, f, day=DAY)) for f in filters]
    settle_all(runtime)
    stored = [_shown(portfolio_matrix(runtime, OWNER_VIEWER, f, day=DAY)) for f in filters]
    assert stored == weighed
    everything, _, rows, _ = weighed[0]
    assert everything >= 8
    assert rows
    assert weighed[1][0] > 0  # some products may not go to the EU
    assert weighed[5][0] == 0  # none is the rival's


def test_pages_follow_each_other_and_another_organisation_counts_none(
    runtime: Runtime,
) -> None:
    publish_samples(runtime)
    settle_all(runtime)
    whole = portfolio_matrix(runtime, OWNER_VIEWER, PortfolioFilter(), day=DAY, limit=200)
    seen: list[int] = []
    cursor = None
    while True:
        matrix = portfolio_matrix(
            runtime, OWNER_VIEWER, PortfolioFilter(), day=DAY, cursor=cursor, limit=3
        )
        seen.extend(row.standing.summary.product.id for row in matrix.page.items)
        assert matrix.counts == whole.counts
        cursor = matrix.page.next_cursor
        if cursor is None:
            break
    assert seen == [row.standing.summary.product.id for row in whole.page.items]
    rival = portfolio_matrix(runtime, RIVAL_VIEWER, PortfolioFilter(), day=DAY)
    assert rival.matching == 0
    assert all(count == 0 for by_status in rival.counts.values() for count in by_status.values())
