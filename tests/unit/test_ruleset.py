"""Which ruleset version governs a date (PRODUCT.md section 4: "under the ruleset version in
force on that date"), and what a ruleset says a destination names."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.registry import Ruleset, ruleset_in_force

SEP_1 = dt.date(2026, 9, 1)


def version(name: str, effective_from: dt.date | None = None) -> Ruleset:
    return Ruleset(version=name, effective_from=effective_from)


@pytest.mark.parametrize(
    ("published", "day", "expected"),
    [
        pytest.param([], SEP_1, None, id="none-published"),
        pytest.param(
            [version("a")], dt.date(1990, 1, 1), "a", id="undated-in-force-from-the-start"
        ),
        pytest.param([version("a"), version("b")], SEP_1, "b", id="undated-later-published-wins"),
        pytest.param(
            [version("a"), version("b", SEP_1)], dt.date(2026, 8, 31), "a", id="day-before-b"
        ),
        pytest.param([version("a"), version("b", SEP_1)], SEP_1, "b", id="from-its-first-day"),
        pytest.param(
            [version("b", SEP_1), version("a")],
            dt.date(2026, 12, 1),
            "b",
            id="dated-beats-undated-published-later",
        ),
        pytest.param(
            [version("b", SEP_1), version("c", dt.date(2026, 8, 1))],
            dt.date(2026, 9, 15),
            "b",
            id="latest-effective-date-not-latest-published",
        ),
        pytest.param(
            [version("a", SEP_1), version("b", SEP_1)], SEP_1, "b", id="equal-dates-later-published"
        ),
        pytest.param([version("a", SEP_1)], dt.date(2026, 8, 1), None, id="not-yet-in-force"),
    ],
)
def test_the_version_in_force_on_a_day_when_versions_are_published(
    published: list[Ruleset], day: dt.date, expected: str | None
) -> None:
    found = ruleset_in_force(published, day)

    assert (found.version if found else None) == expected


@given(
    dates=st.lists(st.none() | st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)), max_size=6),
    day=st.dates(dt.date(2025, 6, 1), dt.date(2028, 6, 1)),
)
def test_the_version_in_force_is_never_dated_after_the_day_nor_older_than_another(
    dates: list[dt.date | None], day: dt.date
) -> None:
    published = [version(str(index), effective) for index, effective in enumerate(dates)]

    found = ruleset_in_force(published, day)

    eligible = [r for r in published if r.effective_from is None or r.effective_from <= day]
    if not eligible:
        assert found is None
        return
    assert found is not None
    start = found.effective_from or dt.date.min
    assert start <= day
    for other in eligible:
        assert (other.effective_from or dt.date.min, int(other.version)) <= (
            start,
            int(found.version),
        )


def test_a_group_names_its_countries_and_a_country_itself() -> None:
    rules = Ruleset(version="v", country_groups={"EU": frozenset({"FR", "DE"})})

    assert rules.countries_of("EU") == ("DE", "FR")
    assert rules.countries_of("JP") == ("JP",)
    assert rules.is_group("EU")
    assert not rules.is_group("FR")
    assert rules.covers_destination(frozenset({"EU"}), "FR")
